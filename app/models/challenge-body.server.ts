/**
 * Reading a challenge body posted by the editor: JSON of the right shape (zod), then the authors'
 * checks of the engine (French messages by field, the stated length limits among them), then sanitised
 * rich text. The shape check bounds strings only by the draft's size (DRAFT_JSON_LIMIT): a text longer
 * than its stated limit is still a body, kept in the draft and refused at saving with its length.
 */
import { z } from 'zod';
import {
  ANSWER_FORMATS,
  DRAFT_JSON_LIMIT,
  TOLERANCES,
  formatCount,
  sanitizeBody,
  validateChallengeBody,
  type ChallengeBody,
  type FieldErrors,
  type RichNode,
} from '../../engine/challenges';
import { parseJsonColumn } from '../lib/json-column';

/** A posted body larger than this (characters of JSON) is refused before parsing. */
export const MAX_BODY_JSON = DRAFT_JSON_LIMIT;

const mark = z.object({ type: z.string().max(40), attrs: z.record(z.unknown()).optional() });
// zod's lazy schema calls its function at every node it checks: the node's schema is built once, here.
const richNode: z.ZodType<RichNode> = z.lazy(() => richNodeObject);
const richNodeObject = z.object({
  type: z.string().max(40),
  attrs: z.record(z.unknown()).optional(),
  content: z.array(richNode).max(5000).optional(),
  text: z.string().max(DRAFT_JSON_LIMIT).optional(),
  marks: z.array(mark).max(20).optional(),
});
const richDoc = z.object({ type: z.literal('doc'), content: z.array(richNode).max(5000) });
const text = z.string().max(DRAFT_JSON_LIMIT);
const tolerances = z.array(z.enum(TOLERANCES)).max(3);
const format = z.enum(ANSWER_FORMATS);
const field = z.object({ name: z.string().max(60), label: text, accepted: z.array(text).max(100).optional(), format: format.optional() });

const answer = z.discriminatedUnion('type', [
  z.object({ type: z.literal('QCU'), proposals: z.array(text).max(30), correct: z.number().int(), shuffle: z.boolean() }),
  z.object({ type: z.literal('QCM'), proposals: z.array(text).max(30), correct: z.array(z.number().int()).max(30), shuffle: z.boolean() }),
  z.object({ type: z.literal('QROC'), template: text.optional(), accepted: z.array(text).max(100), format, tolerances }),
  z.object({ type: z.literal('QROCM-ind'), template: text, fields: z.array(field).max(30), tolerances }),
  z.object({
    type: z.literal('QROCM-dep'),
    template: text,
    fields: z.array(field).max(30),
    accepted: z.array(z.array(text).max(100)).max(30),
    tolerances,
    format: format.optional(),
  }),
]);

const access = z.enum(['OK', 'KO', 'RAS']);
export const challengeBodySchema = z.object({
  instruction: richDoc,
  alternativeInstruction: richDoc.nullable(),
  answer,
  solutionExplanation: richDoc.nullable(),
  illustration: z.object({ url: text, alt: text }).nullable(),
  attachments: z
    .array(z.object({ name: z.string().max(300), url: z.string().max(300), mimeType: z.string().max(200), size: z.number().int().nonnegative() }))
    .max(20),
  embed: z.object({ url: text, title: text, height: z.number() }).nullable(),
  timer: z.number().nullable(),
  focused: z.boolean(),
  locales: z.array(z.string().max(10)).max(10),
  accessibility: z.object({ blind: access, colorBlind: access }),
  pedagogy: z.enum(['q-savoir', 'q-situation', 'e-preuve']),
  authors: z.array(z.string().max(200)).max(20),
});

export type ReadBody = { ok: true; body: ChallengeBody } | { ok: false; reason: 'tooLarge' | 'unreadable' };

/** Posted JSON → a body of the right shape, or why not: larger than a draft may be, or not a body at all. */
export function readBodyJson(json: unknown): ReadBody {
  if (typeof json !== 'string') return { ok: false, reason: 'unreadable' };
  if (json.length > MAX_BODY_JSON) return { ok: false, reason: 'tooLarge' };
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return { ok: false, reason: 'unreadable' };
  }
  const parsed = challengeBodySchema.safeParse(value);
  if (!parsed.success) return { ok: false, reason: 'unreadable' };
  const body = parsed.data as ChallengeBody;
  // Keep the optional template of a QROC out of the body when it is blank.
  if (body.answer.type === 'QROC' && (body.answer.template ?? '').trim() === '') delete body.answer.template;
  return { ok: true, body };
}

/** Parses posted JSON into a body of the right shape, or null (a programming error, not an author's mistake). */
export function parseBodyJson(json: unknown): ChallengeBody | null {
  const read = readBodyJson(json);
  return read.ok ? read.body : null;
}

/** What the editor says when the whole body is larger than a draft may hold. */
export const TOO_LARGE_MESSAGE = `L’épreuve dépasse ${formatCount(DRAFT_JSON_LIMIT)} caractères en tout : elle ne peut être ni enregistrée ni gardée en brouillon. Raccourcissez les textes les plus longs (ils restent dans l’éditeur tant que la page est ouverte).`;

/**
 * A stored body (what `ChallengeVersion.body` and `ChallengeDraft.body` hold), checked against the same
 * shape as a posted one: an error names the row when the column is malformed.
 */
export function storedBodyOf(row: { id: string; body: unknown }, table: 'ChallengeVersion' | 'ChallengeDraft' = 'ChallengeVersion'): ChallengeBody {
  return parseJsonColumn(challengeBodySchema, row.body, { table, column: 'body', row: row.id });
}

export type CheckedBody = { ok: true; body: ChallengeBody } | { ok: false; errors: FieldErrors; body: ChallengeBody | null };

/** Posted JSON → a sanitised body ready to store, or the French messages by field. */
export function checkPostedBody(json: unknown): CheckedBody {
  const read = readBodyJson(json);
  if (!read.ok && read.reason === 'tooLarge') return { ok: false, errors: { form: [TOO_LARGE_MESSAGE] }, body: null };
  if (!read.ok) return { ok: false, errors: { form: ['Le contenu envoyé est illisible : rechargez la page (votre brouillon est conservé).'] }, body: null };
  const body = read.body;
  const errors = validateChallengeBody(body);
  if (Object.keys(errors).length > 0) return { ok: false, errors, body };
  return { ok: true, body: sanitizeBody(body) };
}
