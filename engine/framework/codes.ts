/**
 * Codes people type: campaign codes, certificate verification codes, session access codes. Their
 * alphabets leave out characters that are easy to confuse (I/L/1, O/0, …). Randomness comes in as
 * `rng`, a function returning numbers in [0, 1) (a seeded generator in tests and simulations).
 * Uniqueness against codes already given is the caller's business (retry on collision).
 */

export type Rng = () => number;

/** Campaign codes: 6 capital letters without I, L, O, then 3 digits from 2 to 9 (e.g. `ABCDEF234`). */
export const CAMPAIGN_CODE_LETTERS = 'ABCDEFGHJKMNPQRSTUVWXYZ';
export const CAMPAIGN_CODE_DIGITS = '23456789';
/** Certificate verification codes: `P-` then 8 distinct characters of this alphabet. */
export const VERIFICATION_CODE_ALPHABET = '2346789BCDFGHJKMPQRTVWXY';
export const VERIFICATION_CODE_PREFIX = 'P-';
/** Certification session access codes: 4 letters then 2 digits of these alphabets. */
export const SESSION_CODE_LETTERS = 'BCDFGHJKMPQRTVWXY';
export const SESSION_CODE_DIGITS = '2346789';

function draw(rng: Rng, n: number): number {
  const r = rng();
  if (!(r >= 0 && r < 1)) throw new RangeError(`rng must return a number in [0, 1), got ${r}`);
  return Math.min(n - 1, Math.floor(r * n));
}

function pick(rng: Rng, alphabet: string, count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) out += alphabet[draw(rng, alphabet.length)];
  return out;
}

/** `count` distinct characters of `alphabet` (partial Fisher–Yates). */
function pickDistinct(rng: Rng, alphabet: string, count: number): string {
  const chars = [...alphabet];
  for (let i = 0; i < count; i++) {
    const j = i + draw(rng, chars.length - i);
    [chars[i], chars[j]] = [chars[j] as string, chars[i] as string];
  }
  return chars.slice(0, count).join('');
}

function charClass(alphabet: string): string {
  return `[${alphabet}]`;
}

const CAMPAIGN_CODE = new RegExp(`^${charClass(CAMPAIGN_CODE_LETTERS)}{6}${charClass(CAMPAIGN_CODE_DIGITS)}{3}$`);
const VERIFICATION_CODE = new RegExp(`^P-${charClass(VERIFICATION_CODE_ALPHABET)}{8}$`);
const SESSION_CODE = new RegExp(`^${charClass(SESSION_CODE_LETTERS)}{4}${charClass(SESSION_CODE_DIGITS)}{2}$`);

/** What a person typed, as a code: surrounding and inner spaces removed, capital letters. */
export function normalizeCode(input: string): string {
  return input.replace(/\s+/g, '').toUpperCase();
}

export function generateCampaignCode(rng: Rng): string {
  return pick(rng, CAMPAIGN_CODE_LETTERS, 6) + pick(rng, CAMPAIGN_CODE_DIGITS, 3);
}

/** Exact form only: pass a typed code through normalizeCode first. */
export function isValidCampaignCode(code: string): boolean {
  return CAMPAIGN_CODE.test(code);
}

export function generateVerificationCode(rng: Rng): string {
  return VERIFICATION_CODE_PREFIX + pickDistinct(rng, VERIFICATION_CODE_ALPHABET, 8);
}

export function isValidVerificationCode(code: string): boolean {
  return VERIFICATION_CODE.test(code) && new Set(code.slice(VERIFICATION_CODE_PREFIX.length)).size === 8;
}

export function generateSessionAccessCode(rng: Rng): string {
  return pick(rng, SESSION_CODE_LETTERS, 4) + pick(rng, SESSION_CODE_DIGITS, 2);
}

export function isValidSessionAccessCode(code: string): boolean {
  return SESSION_CODE.test(code);
}
