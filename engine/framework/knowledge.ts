/**
 * Knowledge elements: what is known of a learner per skill, the tube inference rule, and the delays
 * before a learner may improve or reset a competence (docs/domain/crcn.md).
 */
import type { KnowledgeElement, Skill } from './types';

/**
 * The knowledge element that counts for each skill: the latest by `createdAt`; between two with the
 * same `createdAt`, the one later in the list.
 */
export function latestKnowledgeElements(kes: readonly KnowledgeElement[]): Map<string, KnowledgeElement> {
  const latest = new Map<string, KnowledgeElement>();
  for (const ke of kes) {
    const current = latest.get(ke.skillId);
    if (!current || ke.createdAt >= current.createdAt) latest.set(ke.skillId, ke);
  }
  return latest;
}

/** A reset of a competence by a learner: knowledge elements on it up to that instant no longer count. */
export interface CompetenceResetPoint {
  competenceId: string;
  at: DateValue;
}

/** The latest reset point of each competence. */
export function latestResets(resets: readonly CompetenceResetPoint[]): Map<string, number> {
  const latest = new Map<string, number>();
  for (const r of resets) {
    const t = ms(r.at);
    const current = latest.get(r.competenceId);
    if (current === undefined || t > current) latest.set(r.competenceId, t);
  }
  return latest;
}

/**
 * The knowledge elements that count after resets: on each competence, only those created strictly after
 * the competence's latest reset (the older ones stay stored, append-only, and no longer count).
 */
export function knowledgeAfterResets<K extends { competenceId: string; createdAt: DateValue }>(
  kes: readonly K[],
  resets: readonly CompetenceResetPoint[],
): K[] {
  const latest = latestResets(resets);
  return kes.filter((k) => {
    const reset = latest.get(k.competenceId);
    return reset === undefined || ms(k.createdAt) > reset;
  });
}

export interface InferenceContext {
  /** The learner's knowledge elements so far (any source). A skill with none is untested. */
  existing: readonly KnowledgeElement[];
  /** The ordinal to stamp on the new knowledge elements. */
  createdAt: number;
}

/**
 * The knowledge elements an answer creates. Always a direct one for the asked skill. Then, within the
 * asked skill's tube, among active skills that have no knowledge element yet:
 * - a correct answer validates the easier ones (lower level),
 * - a wrong answer invalidates the harder ones (higher level).
 * Skills of other tubes in `tubeSkills` are ignored. Inferred elements come in level order.
 */
export function inferKnowledgeElements(tubeSkills: readonly Skill[], askedSkill: Skill, correct: boolean, context: InferenceContext): KnowledgeElement[] {
  const { createdAt } = context;
  const tested = new Set(context.existing.map((ke) => ke.skillId));
  const status = correct ? 'validated' : 'invalidated';
  const direct: KnowledgeElement = { skillId: askedSkill.id, status, source: 'direct', createdAt };
  const seen = new Set<string>([askedSkill.id]);
  const inferred = tubeSkills
    .filter((s) => {
      if (seen.has(s.id)) return false;
      seen.add(s.id);
      return s.tubeId === askedSkill.tubeId && s.status === 'actif' && !tested.has(s.id) && (correct ? s.level < askedSkill.level : s.level > askedSkill.level);
    })
    .sort((a, b) => a.level - b.level)
    .map((s): KnowledgeElement => ({ skillId: s.id, status, source: 'inferred', createdAt }));
  return [direct, ...inferred];
}

// ---------------------------------------------------------------------------------------------
// Delays (dates come in as values: a Date or epoch milliseconds)

export const IMPROVEMENT_DELAY_DAYS = 4;
export const RESET_DELAY_DAYS = 7;
const DAY_MS = 24 * 60 * 60 * 1000;

export type DateValue = Date | number;

function ms(date: DateValue): number {
  const t = typeof date === 'number' ? date : date.getTime();
  if (!Number.isFinite(t)) throw new RangeError('Invalid date');
  return t;
}

/** Whole days still to wait (rounded up) before `delayDays` full days have passed since `lastDate`; 0 when none. */
export function daysToWait(lastDate: DateValue | null, now: DateValue, delayDays: number): number {
  if (lastDate === null) return 0;
  const remaining = ms(lastDate) + delayDays * DAY_MS - ms(now);
  return remaining <= 0 ? 0 : Math.ceil(remaining / DAY_MS);
}

/** When the learner may next act: `lastDate` + `delayDays` days (null when there is no last date). */
export function availableAt(lastDate: DateValue | null, delayDays: number): Date | null {
  return lastDate === null ? null : new Date(ms(lastDate) + delayDays * DAY_MS);
}

/** A learner may retry a campaign or improve a competence 4 full days after the last attempt. */
export function improvementAllowed(lastDate: DateValue | null, now: DateValue): boolean {
  return daysToWait(lastDate, now, IMPROVEMENT_DELAY_DAYS) === 0;
}

/** A learner may reset a competence 7 full days after its last knowledge element. */
export function resetAllowed(lastDate: DateValue | null, now: DateValue): boolean {
  return daysToWait(lastDate, now, RESET_DELAY_DAYS) === 0;
}
