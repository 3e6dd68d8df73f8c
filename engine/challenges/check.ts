/**
 * Answer checking for the five challenge types, the authors' checks on an answer spec, template
 * splitting for renderers, and the learner-safe view of a challenge.
 *
 * Pure functions: no I/O, no clock, no Math.random (shuffling takes a seed).
 */
import type { AnswerField, AnswerFormat, AnswerSpec, ChallengeBody, Tolerance } from './model';
import { ANSWER_FORMATS, CHALLENGE_TYPES, TOLERANCES } from './model';

// =============================================================================================
// Responses and verdicts

/** What a learner sent. Choice indices are in the original (unshuffled) order of the proposals. */
export type LearnerResponse =
  { choice: number } | { choices: number[] } | { value: string } | { values: Record<string, string> } | { skipped: true } | { timedOut: true };

/** How an answer matched, from the strictest to the most lenient. */
export type MatchKind = 'exact' | 'number' | 'date' | 'T1' | 'T2' | 'T3';

export interface FieldMatch {
  matchedBy: MatchKind;
  /** The accepted answer it matched. */
  matched: string;
}

export interface Verdict {
  result: 'ok' | 'ko' | 'skipped' | 'timedout';
  /** QROCM: whether each field is right, by field name. */
  fields?: Record<string, boolean>;
  /**
   * The most lenient comparison that was needed for the answer to be right (only when right).
   * For a QROCM, the most lenient over its fields.
   */
  matchedBy?: MatchKind;
  /** QROC: the accepted answer that matched. */
  matched?: string;
  /** QROCM: how each right field matched, by field name. */
  fieldMatches?: Record<string, FieldMatch>;
}

/** Raised when the response's shape does not fit the challenge type (a programming error, not a wrong answer). */
export class ResponseShapeError extends Error {
  constructor(type: string, response: unknown) {
    super(`Réponse de forme inattendue pour une épreuve ${type} : ${JSON.stringify(response)}`);
    this.name = 'ResponseShapeError';
  }
}

/** Skipped and timed-out answers count as wrong. */
export function isCorrect(verdict: Verdict): boolean {
  return verdict.result === 'ok';
}

// =============================================================================================
// Normalisation

/**
 * Characters T2 ignores: ASCII and typographic punctuation, quotes, dashes, brackets, slashes.
 * Letters, digits, symbols such as @ # % & + = $ € and the like are kept, because they carry meaning
 * in answers (an e-mail address, "C++", "50 %").
 */
export const T2_PUNCTUATION = [
  '.',
  ',',
  ';',
  ':',
  '!',
  '?',
  '¡',
  '¿',
  '…',
  "'",
  '’',
  '‘',
  '‚',
  '`',
  '´',
  '"',
  '“',
  '”',
  '„',
  '«',
  '»',
  '‹',
  '›',
  '-',
  '‐',
  '‑',
  '‒',
  '–',
  '—',
  '―',
  '−',
  '_',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  '⟨',
  '⟩',
  '/',
  '\\',
  '|',
  '·',
  '•',
  '*',
  '~',
] as const;
const T2_SET: ReadonlySet<string> = new Set(T2_PUNCTUATION);

/** Before any comparison: Unicode composed form, surrounding spaces trimmed. */
function base(s: string): string {
  return s.normalize('NFC').trim();
}

/** T1: case, accents (combining marks after NFD) and all whitespace ignored. */
export function normalizeT1(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/gu, '').normalize('NFC');
}

/** T2: punctuation ignored (see T2_PUNCTUATION). */
export function normalizeT2(s: string): string {
  let out = '';
  for (const ch of s) if (!T2_SET.has(ch)) out += ch;
  return out;
}

/** Levenshtein distance on Unicode code points, giving up early above `max`. */
export function levenshtein(a: string, b: string, max = Infinity): number {
  const x = [...a];
  const y = [...b];
  if (Math.abs(x.length - y.length) > max) return max + 1;
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      const v = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[y.length] as number;
}

/** Typos T3 allows against an accepted answer of this (normalised) length: one per four characters. */
export function allowedTypos(acceptedLength: number): number {
  return Math.floor(acceptedLength / 4);
}

// =============================================================================================
// Numbers and dates

const NUMBER_PLAIN = /^[+-]?(\d+([.,]\d+)?|[.,]\d+)$/;
/** Groups of three digits separated by spaces (any Unicode space, e.g. the narrow no-break space). */
const NUMBER_GROUPED = /^[+-]?\d{1,3}(\s\d{3})+([.,]\d+)?$/u;

/**
 * Reads a number as people write it in French or English: comma or dot decimals, spaces between
 * thousands ("1 000,5"). Returns null for anything else, trailing text included ("12 €", "1,2,3").
 */
export function parseNumber(text: string): number | null {
  const s = base(text).replace(/^[−–]/, '-');
  if (!NUMBER_PLAIN.test(s) && !NUMBER_GROUPED.test(s)) return null;
  const n = Number(s.replace(/\s/gu, '').replace(',', '.'));
  return Number.isFinite(n) ? n : null;
}

export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

const DATE_DMY = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$/;
const DATE_ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Reads a calendar date: dd/mm/yyyy, d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy or yyyy-mm-dd. Returns null for
 * anything else and for dates that do not exist (31/02/2024).
 */
export function parseDate(text: string): CalendarDate | null {
  const s = base(text);
  let year: number, month: number, day: number;
  const iso = DATE_ISO.exec(s);
  const dmy = iso ? null : DATE_DMY.exec(s);
  if (iso) {
    [year, month, day] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  } else if (dmy) {
    [day, month, year] = [Number(dmy[1]), Number(dmy[3]), Number(dmy[4])];
  } else {
    return null;
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return { year, month, day };
}

// =============================================================================================
// Matching one free answer against accepted answers

const MATCH_RANK: Record<MatchKind, number> = { exact: 0, number: 1, date: 1, T1: 2, T2: 3, T3: 4 };

function moreLenient(a: MatchKind | undefined, b: MatchKind): MatchKind {
  return a === undefined || MATCH_RANK[b] > MATCH_RANK[a] ? b : a;
}

/**
 * The strictest way `value` matches one of `accepted`, or null. Empty answers never match.
 * Text: exact, then T1, T1+T2, T1+T2+T3 as far as the spec enables them (each enabled tolerance
 * adds to the ones before it). "nombre" and "date" compare values (an accepted answer that is not a
 * number or date falls back to text comparison).
 */
export function matchFreeAnswer(value: string, accepted: readonly string[], tolerances: readonly Tolerance[], format?: AnswerFormat): FieldMatch | null {
  const answer = base(value);
  if (answer === '') return null;

  if (format === 'nombre') {
    const n = parseNumber(answer);
    for (const a of accepted) {
      const expected = parseNumber(a);
      if (expected !== null) {
        if (n !== null && n === expected) return { matchedBy: base(a) === answer ? 'exact' : 'number', matched: a };
      } else if (base(a) === answer) {
        return { matchedBy: 'exact', matched: a };
      }
    }
    if (accepted.every((a) => parseNumber(a) !== null)) return null;
  }

  if (format === 'date') {
    const d = parseDate(answer);
    for (const a of accepted) {
      const expected = parseDate(a);
      if (expected !== null) {
        if (d && d.year === expected.year && d.month === expected.month && d.day === expected.day) {
          return { matchedBy: base(a) === answer ? 'exact' : 'date', matched: a };
        }
      } else if (base(a) === answer) {
        return { matchedBy: 'exact', matched: a };
      }
    }
    if (accepted.every((a) => parseDate(a) !== null)) return null;
  }

  const candidates = accepted.filter((a) => base(a) !== '');
  for (const a of candidates) if (base(a) === answer) return { matchedBy: 'exact', matched: a };

  const enabled = new Set(tolerances);
  let norm = (s: string) => base(s);
  const stages: { kind: 'T1' | 'T2'; fn: (s: string) => string }[] = [
    { kind: 'T1', fn: normalizeT1 },
    { kind: 'T2', fn: normalizeT2 },
  ];
  for (const stage of stages) {
    if (!enabled.has(stage.kind)) continue;
    const previous = norm;
    norm = (s: string) => stage.fn(previous(s));
    const got = norm(answer);
    if (got === '') return null;
    for (const a of candidates) if (norm(a) === got) return { matchedBy: stage.kind, matched: a };
  }

  if (enabled.has('T3')) {
    const got = norm(answer);
    let best: { a: string; d: number } | null = null;
    for (const a of candidates) {
      const expected = norm(a);
      const max = allowedTypos([...expected].length);
      if (max === 0) continue;
      const d = levenshtein(got, expected, max);
      if (d <= max && (best === null || d < best.d)) best = { a, d };
    }
    if (best) return { matchedBy: 'T3', matched: best.a };
  }
  return null;
}

// =============================================================================================
// Checking a response

function hasKey<K extends string>(r: object, key: K): r is Record<K, unknown> {
  return key in r;
}

function isIndex(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n);
}

/** Maximum bipartite matching (Kuhn's augmenting paths). adjacency[i] = the groups field i may take. */
function maximumMatching(adjacency: number[][], groupCount: number): (number | null)[] {
  const groupOwner: (number | null)[] = Array.from({ length: groupCount }, () => null);
  const tryField = (field: number, seen: boolean[]): boolean => {
    for (const g of adjacency[field] ?? []) {
      if (seen[g]) continue;
      seen[g] = true;
      const owner = groupOwner[g];
      if (owner === null || owner === undefined || tryField(owner, seen)) {
        groupOwner[g] = field;
        return true;
      }
    }
    return false;
  };
  for (let f = 0; f < adjacency.length; f++)
    tryField(
      f,
      Array.from({ length: groupCount }, () => false),
    );
  const fieldGroup: (number | null)[] = adjacency.map(() => null);
  groupOwner.forEach((f, g) => {
    if (f !== null) fieldGroup[f] = g;
  });
  return fieldGroup;
}

function checkQrocmDep(spec: Extract<AnswerSpec, { type: 'QROCM-dep' }>, values: Record<string, string>): Verdict {
  const fields = spec.fields;
  // For every (field, group) pair: how the field's value matches that group, if it does. The same
  // answer given twice counts once: the later copies match nothing.
  const given = new Set<string>();
  const edges: (FieldMatch | null)[][] = fields.map((f) => {
    const value = values[f.name] ?? '';
    const format = f.format ?? spec.format;
    const key = comparisonKey(value, spec.tolerances, format);
    if (key !== '' && given.has(key)) return spec.accepted.map(() => null);
    given.add(key);
    return spec.accepted.map((group) => matchFreeAnswer(value, group, spec.tolerances, format));
  });
  const matchingWith = (maxRank: number) =>
    maximumMatching(
      edges.map((row) => row.flatMap((m, g) => (m !== null && MATCH_RANK[m.matchedBy] <= maxRank ? [g] : []))),
      spec.accepted.length,
    );
  const size = (m: (number | null)[]) => m.filter((g) => g !== null).length;

  // The largest matching overall, then the strictest tolerance level that still reaches it, so that the
  // verdict reports the most lenient comparison that was really needed.
  const best = size(matchingWith(Infinity));
  let chosen = matchingWith(Infinity);
  for (const rank of [...new Set(Object.values(MATCH_RANK))].sort((a, b) => a - b)) {
    const m = matchingWith(rank);
    if (size(m) === best) {
      chosen = m;
      break;
    }
  }

  const result: Record<string, boolean> = {};
  const fieldMatches: Record<string, FieldMatch> = {};
  let matchedBy: MatchKind | undefined;
  fields.forEach((f, i) => {
    const g = chosen[i];
    const m = g === null || g === undefined ? null : (edges[i]?.[g] ?? null);
    result[f.name] = m !== null;
    if (m) {
      fieldMatches[f.name] = m;
      matchedBy = moreLenient(matchedBy, m.matchedBy);
    }
  });
  const ok = fields.length > 0 && fields.every((f) => result[f.name]);
  return ok ? { result: 'ok', fields: result, fieldMatches, matchedBy } : { result: 'ko', fields: result, fieldMatches };
}

/**
 * Checks a learner's response against the answer spec. Empty answers are wrong, not errors; a
 * response whose shape does not fit the type throws ResponseShapeError.
 */
export function checkAnswer(spec: AnswerSpec, response: LearnerResponse): Verdict {
  if (hasKey(response, 'skipped') && response.skipped === true) return { result: 'skipped' };
  if (hasKey(response, 'timedOut') && response.timedOut === true) return { result: 'timedout' };

  switch (spec.type) {
    case 'QCU': {
      if (!hasKey(response, 'choice')) throw new ResponseShapeError(spec.type, response);
      return { result: isIndex(response.choice) && response.choice === spec.correct ? 'ok' : 'ko' };
    }
    case 'QCM': {
      if (!hasKey(response, 'choices') || !Array.isArray(response.choices)) throw new ResponseShapeError(spec.type, response);
      const chosen = new Set(response.choices.filter(isIndex));
      const correct = new Set(spec.correct);
      const same = chosen.size === correct.size && chosen.size === new Set(response.choices).size && [...chosen].every((c) => correct.has(c));
      return { result: same ? 'ok' : 'ko' };
    }
    case 'QROC': {
      if (!hasKey(response, 'value')) throw new ResponseShapeError(spec.type, response);
      const value = typeof response.value === 'string' ? response.value : '';
      const m = matchFreeAnswer(value, spec.accepted, spec.tolerances, spec.format);
      return m ? { result: 'ok', matchedBy: m.matchedBy, matched: m.matched } : { result: 'ko' };
    }
    case 'QROCM-ind': {
      if (!hasKey(response, 'values') || typeof response.values !== 'object' || response.values === null) {
        throw new ResponseShapeError(spec.type, response);
      }
      const values = response.values as Record<string, unknown>;
      const fields: Record<string, boolean> = {};
      const fieldMatches: Record<string, FieldMatch> = {};
      let matchedBy: MatchKind | undefined;
      for (const f of spec.fields) {
        const raw = values[f.name];
        const m = matchFreeAnswer(typeof raw === 'string' ? raw : '', f.accepted ?? [], spec.tolerances, f.format);
        fields[f.name] = m !== null;
        if (m) {
          fieldMatches[f.name] = m;
          matchedBy = moreLenient(matchedBy, m.matchedBy);
        }
      }
      const ok = spec.fields.length > 0 && spec.fields.every((f) => fields[f.name]);
      return ok ? { result: 'ok', fields, fieldMatches, matchedBy } : { result: 'ko', fields, fieldMatches };
    }
    case 'QROCM-dep': {
      if (!hasKey(response, 'values') || typeof response.values !== 'object' || response.values === null) {
        throw new ResponseShapeError(spec.type, response);
      }
      const values: Record<string, string> = {};
      for (const [k, v] of Object.entries(response.values as Record<string, unknown>)) {
        if (typeof v === 'string') values[k] = v;
      }
      return checkQrocmDep(spec, values);
    }
  }
}

// =============================================================================================
// Templates

export type TemplatePart = { kind: 'text'; text: string } | { kind: 'field'; name: string };

const PLACEHOLDER = /\{\{\s*([^{}\s]+)\s*\}\}/g;

/** Splits a QROC/QROCM template into text and {{field}} parts, in order. Empty text parts are left out. */
export function templateParts(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const m of template.matchAll(PLACEHOLDER)) {
    const index = m.index ?? 0;
    if (index > last) parts.push({ kind: 'text', text: template.slice(last, index) });
    parts.push({ kind: 'field', name: m[1] as string });
    last = index + m[0].length;
  }
  if (last < template.length) parts.push({ kind: 'text', text: template.slice(last) });
  return parts;
}

/** The placeholder names of a template, in order, repeats included. */
export function templateFieldNames(template: string): string[] {
  return templateParts(template).flatMap((p) => (p.kind === 'field' ? [p.name] : []));
}

// =============================================================================================
// Authors' checks

const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

function list(names: string[]): string {
  return names.map((n) => `« ${n} »`).join(', ');
}

function checkTolerances(tolerances: unknown, errors: string[]): void {
  if (!Array.isArray(tolerances)) {
    errors.push('Les tolérances doivent être une liste (T1, T2, T3).');
    return;
  }
  for (const t of tolerances) {
    if (!(TOLERANCES as readonly unknown[]).includes(t)) errors.push(`Tolérance inconnue : ${String(t)} (T1, T2 ou T3).`);
  }
  if (new Set(tolerances).size !== tolerances.length) errors.push('Une tolérance est indiquée deux fois.');
}

function checkFormat(format: unknown, where: string, errors: string[]): void {
  if (format !== undefined && !(ANSWER_FORMATS as readonly unknown[]).includes(format)) {
    errors.push(`${where} : format inconnu « ${String(format)} » (${ANSWER_FORMATS.join(', ')}).`);
  }
}

function checkAccepted(accepted: unknown, format: AnswerFormat | undefined, where: string, errors: string[]): void {
  if (!Array.isArray(accepted) || accepted.length === 0) {
    errors.push(`${where} : il faut au moins une réponse acceptée.`);
    return;
  }
  for (const a of accepted) {
    if (typeof a !== 'string' || a.trim() === '') {
      errors.push(`${where} : une réponse acceptée est vide.`);
      continue;
    }
    if (format === 'nombre' && parseNumber(a) === null) errors.push(`${where} : « ${a} » n'est pas un nombre.`);
    if (format === 'date' && parseDate(a) === null) errors.push(`${where} : « ${a} » n'est pas une date valide (jj/mm/aaaa).`);
  }
  const seen = new Set<string>();
  for (const a of accepted) {
    if (typeof a !== 'string') continue;
    if (seen.has(base(a))) errors.push(`${where} : la réponse « ${a} » est acceptée deux fois.`);
    seen.add(base(a));
  }
}

function checkProposals(proposals: unknown, errors: string[]): number {
  if (!Array.isArray(proposals) || proposals.length < 2) {
    errors.push('Il faut au moins deux propositions.');
    return Array.isArray(proposals) ? proposals.length : 0;
  }
  proposals.forEach((p, i) => {
    if (typeof p !== 'string' || p.trim() === '') errors.push(`La proposition ${i + 1} est vide.`);
  });
  const seen = new Set<string>();
  proposals.forEach((p, i) => {
    if (typeof p !== 'string' || p.trim() === '') return;
    if (seen.has(base(p))) errors.push(`La proposition ${i + 1} répète une proposition précédente.`);
    seen.add(base(p));
  });
  return proposals.length;
}

function checkFields(fields: unknown, template: unknown, errors: string[]): AnswerField[] {
  if (!Array.isArray(fields) || fields.length === 0) {
    errors.push('Il faut au moins un champ de réponse.');
    return [];
  }
  const names: string[] = [];
  fields.forEach((f: AnswerField, i) => {
    const name = typeof f?.name === 'string' ? f.name : '';
    if (!FIELD_NAME.test(name)) {
      errors.push(`Champ ${i + 1} : nom « ${name} » invalide (une lettre, puis lettres, chiffres, - ou _).`);
    }
    if (typeof f?.label !== 'string' || f.label.trim() === '') {
      errors.push(`Champ « ${name} » : il faut un libellé (lu par les lecteurs d'écran).`);
    }
    checkFormat(f?.format, `Champ « ${name} »`, errors);
    names.push(name);
  });
  const duplicates = [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];
  if (duplicates.length > 0) errors.push(`Noms de champ en double : ${list(duplicates)}.`);

  if (typeof template !== 'string' || template.trim() === '') {
    errors.push('Il faut un modèle de réponse contenant les champs {{nom}}.');
    return fields;
  }
  const placed = templateFieldNames(template);
  const missing = [...new Set(names)].filter((n) => n !== '' && !placed.includes(n));
  const unknown = [...new Set(placed.filter((n) => !names.includes(n)))];
  const twice = [...new Set(placed.filter((n, i) => placed.indexOf(n) !== i))];
  if (missing.length > 0) errors.push(`Le modèle ne place pas le(s) champ(s) ${list(missing)} : ajoutez {{nom}}.`);
  if (unknown.length > 0) errors.push(`Le modèle contient ${list(unknown)}, qui ne correspond(ent) à aucun champ.`);
  if (twice.length > 0) errors.push(`Le modèle place plusieurs fois le(s) champ(s) ${list(twice)}.`);
  return fields;
}

/** Problems an author must fix before the answer spec can be used, in French. Empty when all is well. */
export function validateAnswerSpec(spec: AnswerSpec): string[] {
  const errors: string[] = [];
  const s = spec as AnswerSpec & Record<string, unknown>;
  if (!(CHALLENGE_TYPES as readonly unknown[]).includes(s.type)) {
    return [`Type d'épreuve inconnu : « ${String(s.type)} » (${CHALLENGE_TYPES.join(', ')}).`];
  }
  switch (spec.type) {
    case 'QCU': {
      const n = checkProposals(spec.proposals, errors);
      if (!isIndex(spec.correct) || spec.correct < 0 || spec.correct >= n) {
        errors.push(`La bonne réponse doit être le numéro d'une proposition (0 à ${Math.max(0, n - 1)}).`);
      }
      break;
    }
    case 'QCM': {
      const n = checkProposals(spec.proposals, errors);
      const correct = Array.isArray(spec.correct) ? spec.correct : [];
      if (correct.some((c) => !isIndex(c) || c < 0 || c >= n)) {
        errors.push(`Chaque bonne réponse doit être le numéro d'une proposition (0 à ${Math.max(0, n - 1)}).`);
      }
      if (new Set(correct).size !== correct.length) errors.push('Une bonne réponse est indiquée deux fois.');
      if (new Set(correct).size < 2) errors.push('Un QCM doit avoir au moins deux bonnes réponses (sinon, faites un QCU).');
      if (n > 0 && new Set(correct).size >= n) errors.push('Un QCM doit avoir au moins une proposition fausse.');
      break;
    }
    case 'QROC': {
      checkFormat(spec.format, 'Réponse', errors);
      checkTolerances(spec.tolerances, errors);
      checkAccepted(spec.accepted, spec.format, 'Réponse', errors);
      if (spec.template !== undefined && spec.template !== null) {
        const placed = templateFieldNames(spec.template);
        if (placed.length !== 1 || placed[0] !== 'answer') {
          errors.push("Le modèle d'un QROC doit contenir exactement un champ, {{answer}}.");
        }
      }
      break;
    }
    case 'QROCM-ind': {
      checkTolerances(spec.tolerances, errors);
      const fields = checkFields(spec.fields, spec.template, errors);
      for (const f of fields) checkAccepted(f?.accepted, f?.format, `Champ « ${f?.name} »`, errors);
      break;
    }
    case 'QROCM-dep': {
      checkTolerances(spec.tolerances, errors);
      checkFormat(spec.format, 'Réponse', errors);
      const fields = checkFields(spec.fields, spec.template, errors);
      if (fields.length < 2) errors.push('Un QROCM-dep doit avoir au moins deux champs (sinon, faites un QROC).');
      for (const f of fields) {
        if (f?.accepted !== undefined) {
          errors.push(`Champ « ${f.name} » : dans un QROCM-dep, les réponses sont dans les groupes, pas dans les champs.`);
        }
      }
      const groups = Array.isArray(spec.accepted) ? spec.accepted : [];
      if (groups.length < fields.length) {
        errors.push(`Il faut au moins autant de groupes de réponses (${groups.length}) que de champs (${fields.length}).`);
      }
      groups.forEach((g, i) => checkAccepted(g, spec.format, `Groupe ${i + 1}`, errors));
      // The same answer in two groups would let a learner give it twice and be right.
      const owner = new Map<string, number>();
      groups.forEach((g, i) => {
        if (!Array.isArray(g)) return;
        for (const a of g) {
          if (typeof a !== 'string' || a.trim() === '') continue;
          const key = comparisonKey(a, spec.tolerances, spec.format);
          const other = owner.get(key);
          if (other !== undefined && other !== i) {
            errors.push(`La réponse « ${a} » est dans les groupes ${other + 1} et ${i + 1} : un même mot compterait deux fois.`);
          }
          if (other === undefined) owner.set(key, i);
        }
      });
      break;
    }
  }
  return errors;
}

/** The form under which two accepted answers would be taken as the same one. */
function comparisonKey(a: string, tolerances: readonly Tolerance[], format: AnswerFormat | undefined): string {
  if (format === 'nombre') {
    const n = parseNumber(a);
    if (n !== null) return `#${n}`;
  }
  if (format === 'date') {
    const d = parseDate(a);
    if (d) return `@${d.year}-${d.month}-${d.day}`;
  }
  let s = base(a);
  if (tolerances.includes('T1')) s = normalizeT1(s);
  if (tolerances.includes('T2')) s = normalizeT2(s);
  return s;
}

// =============================================================================================
// What a learner's browser may see

export type PublicAnswer =
  | { type: 'QCU'; proposals: string[] }
  | { type: 'QCM'; proposals: string[] }
  | { type: 'QROC'; template: string | null; format: AnswerFormat }
  | {
      type: 'QROCM-ind' | 'QROCM-dep';
      template: string;
      fields: { name: string; label: string; format: AnswerFormat }[];
    };

/** A challenge as sent to a learner before the answer is final: no solution of any kind. */
export interface LearnerChallengeView {
  instruction: ChallengeBody['instruction'];
  alternativeInstruction: ChallengeBody['alternativeInstruction'];
  answer: PublicAnswer;
  illustration: ChallengeBody['illustration'];
  attachments: ChallengeBody['attachments'];
  embed: ChallengeBody['embed'];
  timer: ChallengeBody['timer'];
  focused: boolean;
  locales: string[];
}

export interface RedactedChallenge {
  /** Safe to send to the browser. */
  view: LearnerChallengeView;
  /**
   * Kept on the server: permutation[displayedIndex] = original index of the proposal shown there.
   * Null when the proposals are shown in their original order (no shuffle, or not a QCU/QCM).
   */
  permutation: number[] | null;
}

/** 32-bit hash of a seed (FNV-1a over the string form). */
function hashSeed(seed: string | number): number {
  const s = String(seed);
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: a small deterministic generator, enough to shuffle a handful of proposals. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A permutation of 0..n-1, the same for the same seed. */
export function seededPermutation(n: number, seed: string | number): number[] {
  const rng = seededRandom(hashSeed(seed));
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [p[i], p[j]] = [p[j] as number, p[i] as number];
  }
  return p;
}

function publicAnswer(spec: AnswerSpec, permutation: number[] | null): PublicAnswer {
  switch (spec.type) {
    case 'QCU':
    case 'QCM':
      return {
        type: spec.type,
        proposals: permutation ? permutation.map((i) => spec.proposals[i] as string) : [...spec.proposals],
      };
    case 'QROC':
      return { type: 'QROC', template: spec.template ?? null, format: spec.format };
    case 'QROCM-ind':
    case 'QROCM-dep':
      return {
        type: spec.type,
        template: spec.template,
        fields: spec.fields.map((f) => ({
          name: f.name,
          label: f.label,
          format: f.format ?? (spec.type === 'QROCM-dep' ? spec.format : undefined) ?? 'mots',
        })),
      };
  }
}

/**
 * The learner-safe view of a challenge: no right indices, no accepted answers, no tolerances, no
 * solution explanation, no authors. QCU/QCM proposals are shuffled by `seed` when the spec asks for it
 * (the same seed always gives the same order, so a reload shows the same question); the permutation
 * stays on the server and `responseToOriginal` turns displayed indices back into original ones.
 */
export function redactForLearner(body: ChallengeBody, seed: string | number): RedactedChallenge {
  const spec = body.answer;
  const permutation = (spec.type === 'QCU' || spec.type === 'QCM') && spec.shuffle ? seededPermutation(spec.proposals.length, seed) : null;
  return {
    view: {
      instruction: body.instruction,
      alternativeInstruction: body.alternativeInstruction,
      answer: publicAnswer(spec, permutation),
      illustration: body.illustration,
      attachments: body.attachments.map((a) => ({ ...a })),
      embed: body.embed,
      timer: body.timer,
      focused: body.focused,
      locales: [...body.locales],
    },
    permutation,
  };
}

/** Turns a response given on the shuffled view back into original proposal indices. */
export function responseToOriginal(response: LearnerResponse, permutation: number[] | null): LearnerResponse {
  if (!permutation) return response;
  const toOriginal = (i: number) => (isIndex(i) && i >= 0 && i < permutation.length ? (permutation[i] as number) : -1);
  if (hasKey(response, 'choice')) return { choice: toOriginal(response.choice as number) };
  if (hasKey(response, 'choices') && Array.isArray(response.choices)) {
    return { choices: (response.choices as number[]).map(toOriginal) };
  }
  return response;
}
