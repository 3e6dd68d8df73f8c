/**
 * "Réponses et tutoriels": a learner's stored answer and the right answer of a challenge, in words.
 * Pure; used on the results page only, once the test is over (the right answer never reaches the
 * browser before).
 */
import type { AnswerSpec } from '../../engine/challenges';

export interface SummaryLine {
  /** The field's label for a QROCM; absent otherwise. */
  label?: string;
  /** What was given or expected; null for an empty answer. */
  text: string | null;
  /** Other accepted answers (right answer only). */
  alternatives?: string[];
}

export type ResponseSummary = { kind: 'skipped' } | { kind: 'given'; lines: SummaryLine[]; timedOut: boolean };

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

function obj(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

/**
 * The stored answer (the response in the proposals' original order, see responseToOriginal) as lines
 * to show. A timed-out answer shows what was given, marked as late.
 */
export function summariseResponse(spec: AnswerSpec, value: unknown, result: string): ResponseSummary {
  const v = obj(value);
  if (v['skipped'] === true || result === 'skipped') return { kind: 'skipped' };
  const timedOut = result === 'timedout';
  switch (spec.type) {
    case 'QCU': {
      const choice = typeof v['choice'] === 'number' ? (v['choice'] as number) : -1;
      return { kind: 'given', timedOut, lines: [{ text: spec.proposals[choice] ?? null }] };
    }
    case 'QCM': {
      const choices = Array.isArray(v['choices']) ? (v['choices'] as unknown[]).filter((c): c is number => typeof c === 'number') : [];
      const texts = [...new Set(choices)]
        .sort((a, b) => a - b)
        .map((c) => spec.proposals[c])
        .filter((t): t is string => t !== undefined);
      return { kind: 'given', timedOut, lines: texts.length ? texts.map((text) => ({ text })) : [{ text: null }] };
    }
    case 'QROC':
      return { kind: 'given', timedOut, lines: [{ text: str(v['value']) }] };
    case 'QROCM-ind':
    case 'QROCM-dep': {
      const values = obj(v['values']);
      return { kind: 'given', timedOut, lines: spec.fields.map((f) => ({ label: f.label || f.name, text: str(values[f.name]) })) };
    }
  }
}

export interface SolutionSummary {
  lines: SummaryLine[];
  /** QROCM-dep: the fields may be given in any order. */
  anyOrder: boolean;
  /** QROCM-dep: how many of the lines (groups of synonyms) make a right answer; null otherwise. */
  pick: number | null;
}

/**
 * The right answer: the right proposals, or the first accepted answer with the others as alternatives;
 * for a QROCM-dep, every group of synonyms, of which as many as there are fields make a right answer.
 */
export function summariseSolution(spec: AnswerSpec): SolutionSummary {
  switch (spec.type) {
    case 'QCU':
      return { anyOrder: false, pick: null, lines: [{ text: spec.proposals[spec.correct] ?? null }] };
    case 'QCM':
      return { anyOrder: false, pick: null, lines: [...spec.correct].sort((a, b) => a - b).map((i) => ({ text: spec.proposals[i] ?? null })) };
    case 'QROC':
      return { anyOrder: false, pick: null, lines: [{ text: spec.accepted[0] ?? null, alternatives: spec.accepted.slice(1) }] };
    case 'QROCM-ind':
      return {
        anyOrder: false,
        pick: null,
        lines: spec.fields.map((f) => ({ label: f.label || f.name, text: f.accepted?.[0] ?? null, alternatives: (f.accepted ?? []).slice(1) })),
      };
    case 'QROCM-dep':
      return {
        anyOrder: true,
        pick: spec.accepted.length > spec.fields.length ? spec.fields.length : null,
        lines: spec.accepted.map((group) => ({ text: group[0] ?? null, alternatives: group.slice(1) })),
      };
  }
}
