/**
 * A learner's answer as posted by the ChallengeView form, turned into the checker's response. Choice
 * indices are those shown (possibly shuffled): the server maps them back with responseToOriginal.
 * Usable on both sides (the learner space may read the form on the server).
 */
import type { LearnerResponse, PublicAnswer } from '../../engine/challenges';

/** Form field names used by ChallengeView. */
export const RESPONSE_FIELDS = {
  choice: 'choice',
  choices: 'choices',
  value: 'value',
  field: (name: string) => `field.${name}`,
} as const;

interface FormLike {
  get(name: string): FormDataEntryValue | null;
  getAll(name: string): FormDataEntryValue[];
}

const str = (v: FormDataEntryValue | null) => (typeof v === 'string' ? v : '');

export function responseFromForm(answer: PublicAnswer, form: FormLike): LearnerResponse {
  switch (answer.type) {
    case 'QCU': {
      const raw = str(form.get(RESPONSE_FIELDS.choice));
      return { choice: raw === '' ? -1 : Number(raw) };
    }
    case 'QCM':
      return { choices: form.getAll(RESPONSE_FIELDS.choices).map((v) => Number(str(v))) };
    case 'QROC':
      return { value: str(form.get(RESPONSE_FIELDS.value)) };
    case 'QROCM-ind':
    case 'QROCM-dep':
      return { values: Object.fromEntries(answer.fields.map((f) => [f.name, str(form.get(RESPONSE_FIELDS.field(f.name)))])) };
  }
}

/** Reads a response posted as JSON (e.g. by the editor's "try it"), or null if it is not one. */
export function parseResponseJson(json: unknown): LearnerResponse | null {
  if (typeof json !== 'string' || json.length > 100_000) return null;
  try {
    const r = JSON.parse(json) as Record<string, unknown>;
    if (!r || typeof r !== 'object') return null;
    if ('skipped' in r) return { skipped: true };
    if ('choice' in r && typeof r.choice === 'number') return { choice: r.choice };
    if ('choices' in r && Array.isArray(r.choices) && r.choices.every((c) => typeof c === 'number')) return { choices: r.choices as number[] };
    if ('value' in r && typeof r.value === 'string') return { value: r.value };
    if ('values' in r && r.values && typeof r.values === 'object') {
      const values: Record<string, string> = {};
      for (const [k, v] of Object.entries(r.values as Record<string, unknown>)) if (typeof v === 'string') values[k] = v;
      return { values };
    }
    return null;
  } catch {
    return null;
  }
}
