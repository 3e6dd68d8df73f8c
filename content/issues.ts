/**
 * Content problems in words, French or English: a Zod issue by its code (never Zod's own English text),
 * and a JSON syntax error with its line and column. Shared by the loader and the pack checks.
 */
import type { ZodIssue } from 'zod';

export type Lang = 'fr' | 'en';

export function issuePath(p: readonly (string | number)[]): string {
  return p.reduce<string>((acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${part}` : String(part)), '');
}

const list = (xs: readonly unknown[]) => xs.map((x) => JSON.stringify(x)).join(', ');

/** A Zod issue in words: the schema's own (French) message when it has one, else by its code. */
export function issueMessage(issue: ZodIssue, lang: Lang): string {
  const fr = lang === 'fr';
  switch (issue.code) {
    case 'invalid_type':
      if (issue.received === 'undefined')
        return fr ? `champ obligatoire absent (${issue.expected} attendu)` : `required field missing (${issue.expected} expected)`;
      return fr ? `${issue.expected} attendu, ${issue.received} trouvé` : `${issue.expected} expected, ${issue.received} found`;
    case 'too_small':
      if (issue.type === 'array') return fr ? `au moins ${issue.minimum} élément(s) attendu(s)` : `at least ${issue.minimum} item(s) expected`;
      if (issue.type === 'string')
        return fr ? `texte vide ou trop court (au moins ${issue.minimum} caractère(s))` : `empty or too short text (at least ${issue.minimum} character(s))`;
      return fr ? `valeur trop petite (au moins ${issue.minimum})` : `value too small (at least ${issue.minimum})`;
    case 'too_big':
      return fr ? `valeur trop grande (au plus ${issue.maximum})` : `value too large (at most ${issue.maximum})`;
    case 'invalid_enum_value':
      return fr
        ? `valeur ${JSON.stringify(issue.received)} inconnue (attendu : ${list(issue.options)})`
        : `unknown value ${JSON.stringify(issue.received)} (expected: ${list(issue.options)})`;
    case 'invalid_literal':
      return fr ? `valeur ${JSON.stringify(issue.expected)} attendue` : `value ${JSON.stringify(issue.expected)} expected`;
    case 'invalid_union_discriminator':
      return fr ? `type inconnu (attendu : ${list(issue.options)})` : `unknown type (expected: ${list(issue.options)})`;
    case 'invalid_string':
      if (issue.validation === 'url') return fr ? 'adresse invalide' : 'invalid address';
      if (issue.message && issue.message !== 'Invalid') return fr ? issue.message : `invalid format (${issue.message})`;
      return fr ? 'format invalide' : 'invalid format';
    case 'unrecognized_keys':
      return fr ? `champ(s) inconnu(s) : ${issue.keys.join(', ')}` : `unknown field(s): ${issue.keys.join(', ')}`;
    case 'custom':
      return fr ? issue.message : `invalid value (${issue.message})`;
    default:
      return fr ? `valeur invalide (${issue.message})` : issue.message;
  }
}

/** A JSON.parse error of `text` in words: the unexpected character, its line and column when they can be found. */
export function jsonSyntaxMessage(error: unknown, text: string, lang: Lang = 'fr'): string {
  const message = error instanceof Error ? error.message : '';
  const fr = lang === 'fr';
  let position: number | null = null;
  const at = /position (\d+)/.exec(message);
  if (at) position = Number(at[1]);
  const token = /Unexpected token '?(.)'?/.exec(message)?.[1];
  // V8 quotes the text around the error (`…"matics": [}` is not valid JSON): found in the text, it gives the place.
  const quoted = /, (?:\.\.\.)?"([\s\S]*?)"(?:\.\.\.)? is not valid JSON/.exec(message)?.[1];
  if (position === null && quoted && token) {
    const start = text.indexOf(quoted);
    if (start !== -1 && quoted.includes(token)) position = start + quoted.indexOf(token);
  }
  const parts: string[] = [];
  if (token) parts.push(fr ? `caractère « ${token} » inattendu` : `unexpected character “${token}”`);
  if (position !== null) {
    const before = text.slice(0, position);
    const line = before.split('\n').length;
    const column = before.length - before.lastIndexOf('\n');
    parts.push(fr ? `ligne ${line}, colonne ${column}` : `line ${line}, column ${column}`);
  }
  if (/unexpected end/i.test(message)) parts.push(fr ? 'le texte s’arrête avant la fin' : 'the text stops before its end');
  const where = parts.length > 0 ? ` (${parts.join(', ')})` : '';
  return fr ? `JSON invalide : le fichier n’est pas du JSON lisible${where}` : `invalid JSON: the file is not readable JSON${where}`;
}
