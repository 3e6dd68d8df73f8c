/**
 * Readable differences between two challenge versions: a word diff (longest common subsequence over
 * words, spaces and punctuation) and a field-by-field comparison of two bodies, each field flattened to
 * the text an author reads (instruction as plain text, proposals, right answers, accepted answers,
 * settings). Pure functions.
 */
import type { AnswerSpec, ChallengeBody, RichDoc, RichNode } from './model';
import { docToPlainText } from './richtext';

export type DiffOp = 'equal' | 'insert' | 'delete';
export interface DiffPart {
  op: DiffOp;
  text: string;
}

/** Words (letters, digits, apostrophes and hyphens inside words), runs of spaces, and single other characters. */
export function tokenize(text: string): string[] {
  return text.match(/\s+|[\p{L}\p{N}_]+(?:['’-][\p{L}\p{N}_]+)*|[^\s]/gu) ?? [];
}

/** Above this many cells the LCS table is not built: the changed middle is shown as removed then added. */
const MAX_CELLS = 4_000_000;

function push(out: DiffPart[], op: DiffOp, text: string): void {
  if (text === '') return;
  const last = out[out.length - 1];
  if (last && last.op === op) last.text += text;
  else out.push({ op, text });
}

/** The edit script from `a` to `b` over tokens, adjacent parts of the same kind merged. */
export function diffTokens(a: readonly string[], b: readonly string[]): DiffPart[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const out: DiffPart[] = [];
  push(out, 'equal', a.slice(0, start).join(''));
  const x = a.slice(start, endA);
  const y = b.slice(start, endB);
  const n = x.length;
  const m = y.length;
  if (n === 0 || m === 0 || (n + 1) * (m + 1) > MAX_CELLS) {
    push(out, 'delete', x.join(''));
    push(out, 'insert', y.join(''));
  } else {
    // lcs[i][j] = length of the LCS of x[i..] and y[j..]
    const width = m + 1;
    const lcs = new Uint32Array((n + 1) * width);
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * width + j] =
          x[i] === y[j] ? (lcs[(i + 1) * width + j + 1] as number) + 1 : Math.max(lcs[(i + 1) * width + j] as number, lcs[i * width + j + 1] as number);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n && j < m) {
      if (x[i] === y[j]) {
        push(out, 'equal', x[i] as string);
        i++;
        j++;
      } else if ((lcs[(i + 1) * width + j] as number) >= (lcs[i * width + j + 1] as number)) {
        push(out, 'delete', x[i] as string);
        i++;
      } else {
        push(out, 'insert', y[j] as string);
        j++;
      }
    }
    while (i < n) push(out, 'delete', x[i++] as string);
    while (j < m) push(out, 'insert', y[j++] as string);
  }
  push(out, 'equal', a.slice(endA).join(''));
  return tidy(out);
}

/**
 * A space kept between two changes reads badly ("old" removed, " " kept, "new" added, …): a run of
 * changes separated only by spaces becomes one removed phrase followed by one added phrase.
 */
function tidy(parts: DiffPart[]): DiffPart[] {
  const out: DiffPart[] = [];
  let k = 0;
  while (k < parts.length) {
    const part = parts[k] as DiffPart;
    if (part.op === 'equal') {
      push(out, 'equal', part.text);
      k++;
      continue;
    }
    const run: DiffPart[] = [];
    while (k < parts.length) {
      const p = parts[k] as DiffPart;
      const spaceBetweenChanges = p.op === 'equal' && /^\s+$/.test(p.text) && parts[k + 1] !== undefined && parts[k + 1]!.op !== 'equal';
      if (p.op === 'equal' && !spaceBetweenChanges) break;
      run.push(p);
      k++;
    }
    const mixed = run.some((p) => p.op === 'delete') && run.some((p) => p.op === 'insert');
    if (!mixed) {
      for (const p of run) push(out, p.op, p.text);
      continue;
    }
    push(
      out,
      'delete',
      run
        .filter((p) => p.op !== 'insert')
        .map((p) => p.text)
        .join(''),
    );
    push(
      out,
      'insert',
      run
        .filter((p) => p.op !== 'delete')
        .map((p) => p.text)
        .join(''),
    );
  }
  return out;
}

/** Word diff of two texts. */
export function diffWords(before: string, after: string): DiffPart[] {
  return diffTokens(tokenize(before), tokenize(after));
}

// =============================================================================================
// Bodies

/** One readable field of a challenge body. */
export interface BodyField {
  /** Stable identifier across versions (e.g. `answer.proposals.2`). */
  key: string;
  /** What authors read (French). */
  label: string;
  value: string;
}

const yesNo = (b: boolean) => (b ? 'oui' : 'non');

function docImages(doc: RichDoc | null | undefined): string[] {
  const out: string[] = [];
  const walk = (node: RichNode) => {
    if (node.type === 'image') {
      const src = typeof node.attrs?.['src'] === 'string' ? (node.attrs['src'] as string) : '';
      const alt = typeof node.attrs?.['alt'] === 'string' ? (node.attrs['alt'] as string) : '';
      out.push(`${src} (texte alternatif : ${alt || '—'})`);
    }
    node.content?.forEach(walk);
  };
  if (doc) walk(doc as RichNode);
  return out;
}

function docLinks(doc: RichDoc | null | undefined): string[] {
  const out: string[] = [];
  const walk = (node: RichNode) => {
    for (const mark of node.marks ?? []) {
      if (mark.type === 'link' && typeof mark.attrs?.['href'] === 'string') out.push(`${node.text ?? ''} → ${mark.attrs['href'] as string}`);
    }
    node.content?.forEach(walk);
  };
  if (doc) walk(doc as RichNode);
  return out;
}

/** Bold and italic text of a document, so that formatting changes show in a diff. */
function docEmphasis(doc: RichDoc | null | undefined): string[] {
  const out: string[] = [];
  const walk = (node: RichNode) => {
    const marks = (node.marks ?? []).map((m) => m.type).filter((t) => t === 'bold' || t === 'italic');
    if (node.type === 'text' && marks.length > 0 && node.text?.trim()) {
      out.push(`${node.text} (${marks.map((t) => (t === 'bold' ? 'gras' : 'italique')).join(', ')})`);
    }
    node.content?.forEach(walk);
  };
  if (doc) walk(doc as RichNode);
  return out;
}

function richFields(key: string, label: string, doc: RichDoc | null | undefined): BodyField[] {
  return [
    { key, label, value: docToPlainText(doc) },
    { key: `${key}.emphasis`, label: `${label} : mise en forme`, value: docEmphasis(doc).join('\n') },
    { key: `${key}.links`, label: `${label} : liens`, value: docLinks(doc).join('\n') },
    { key: `${key}.images`, label: `${label} : images`, value: docImages(doc).join('\n') },
  ];
}

function answerFields(spec: AnswerSpec): BodyField[] {
  const out: BodyField[] = [{ key: 'answer.type', label: 'Type', value: spec.type }];
  switch (spec.type) {
    case 'QCU':
    case 'QCM': {
      spec.proposals.forEach((p, i) => out.push({ key: `answer.proposals.${i + 1}`, label: `Proposition ${i + 1}`, value: p }));
      const correct = spec.type === 'QCU' ? [spec.correct] : [...spec.correct].sort((x, y) => x - y);
      out.push({
        key: 'answer.correct',
        label: spec.type === 'QCU' ? 'Bonne réponse' : 'Bonnes réponses',
        value: correct.map((c) => `${c + 1}. ${spec.proposals[c] ?? '?'}`).join('\n'),
      });
      out.push({ key: 'answer.shuffle', label: 'Mélanger les propositions', value: yesNo(spec.shuffle) });
      break;
    }
    case 'QROC':
      out.push({ key: 'answer.template', label: 'Modèle de réponse', value: spec.template ?? '' });
      out.push({ key: 'answer.accepted', label: 'Réponses acceptées', value: spec.accepted.join('\n') });
      out.push({ key: 'answer.format', label: 'Format', value: spec.format });
      out.push({ key: 'answer.tolerances', label: 'Tolérances', value: spec.tolerances.join(', ') });
      break;
    case 'QROCM-ind':
    case 'QROCM-dep':
      out.push({ key: 'answer.template', label: 'Modèle de réponse', value: spec.template });
      for (const f of spec.fields) {
        out.push({ key: `answer.fields.${f.name}.label`, label: `Champ « ${f.name} » : libellé`, value: f.label });
        if (spec.type === 'QROCM-ind') {
          out.push({ key: `answer.fields.${f.name}.accepted`, label: `Champ « ${f.name} » : réponses acceptées`, value: (f.accepted ?? []).join('\n') });
        }
        out.push({ key: `answer.fields.${f.name}.format`, label: `Champ « ${f.name} » : format`, value: f.format ?? '' });
      }
      if (spec.type === 'QROCM-dep') {
        spec.accepted.forEach((g, i) => out.push({ key: `answer.groups.${i + 1}`, label: `Groupe de réponses ${i + 1}`, value: g.join('\n') }));
        out.push({ key: 'answer.format', label: 'Format', value: spec.format ?? '' });
      }
      out.push({ key: 'answer.tolerances', label: 'Tolérances', value: spec.tolerances.join(', ') });
      break;
  }
  return out;
}

const ACCESSIBILITY = { OK: 'adaptée', KO: 'non adaptée', RAS: 'rien à signaler' } as const;
const PEDAGOGY = { 'q-savoir': 'question de savoir', 'q-situation': 'question de situation', 'e-preuve': 'épreuve pratique' } as const;

/** A body as the list of fields an author reads, in editor order. Empty fields are included. */
export function bodyFields(body: ChallengeBody): BodyField[] {
  return [
    ...richFields('instruction', 'Consigne', body.instruction),
    ...richFields('alternativeInstruction', 'Consigne alternative', body.alternativeInstruction),
    ...answerFields(body.answer),
    ...richFields('solutionExplanation', 'Explication de la solution', body.solutionExplanation),
    { key: 'illustration.url', label: 'Illustration : adresse', value: body.illustration?.url ?? '' },
    { key: 'illustration.alt', label: 'Illustration : texte alternatif', value: body.illustration?.alt ?? '' },
    { key: 'attachments', label: 'Pièces jointes', value: body.attachments.map((a) => `${a.name} (${a.mimeType}, ${a.size} octets)`).join('\n') },
    { key: 'embed.url', label: 'Page intégrée : adresse', value: body.embed?.url ?? '' },
    { key: 'embed.title', label: 'Page intégrée : titre', value: body.embed?.title ?? '' },
    { key: 'embed.height', label: 'Page intégrée : hauteur', value: body.embed ? String(body.embed.height) : '' },
    { key: 'timer', label: 'Minuteur (secondes)', value: body.timer === null ? '' : String(body.timer) },
    { key: 'focused', label: 'Mode focus', value: yesNo(body.focused) },
    { key: 'locales', label: 'Langues', value: body.locales.join(', ') },
    { key: 'accessibility.blind', label: 'Accessibilité : personnes aveugles', value: ACCESSIBILITY[body.accessibility.blind] ?? body.accessibility.blind },
    {
      key: 'accessibility.colorBlind',
      label: 'Accessibilité : personnes daltoniennes',
      value: ACCESSIBILITY[body.accessibility.colorBlind] ?? body.accessibility.colorBlind,
    },
    { key: 'pedagogy', label: 'Pédagogie', value: PEDAGOGY[body.pedagogy] ?? body.pedagogy },
    { key: 'authors', label: 'Auteurs', value: body.authors.join(', ') },
  ];
}

export interface FieldChange {
  key: string;
  label: string;
  kind: 'added' | 'removed' | 'changed';
  before: string;
  after: string;
  parts: DiffPart[];
}

/** The fields that differ between two bodies, in the order of `after` (then fields only `before` had). */
export function diffBodies(before: ChallengeBody, after: ChallengeBody): FieldChange[] {
  const a = bodyFields(before);
  const b = bodyFields(after);
  const beforeByKey = new Map(a.map((f) => [f.key, f]));
  const afterKeys = new Set(b.map((f) => f.key));
  const out: FieldChange[] = [];
  const add = (key: string, label: string, x: string, y: string) => {
    if (x === y) return;
    const kind = x === '' ? 'added' : y === '' ? 'removed' : 'changed';
    out.push({ key, label, kind, before: x, after: y, parts: diffWords(x, y) });
  };
  for (const f of b) add(f.key, f.label, beforeByKey.get(f.key)?.value ?? '', f.value);
  for (const f of a) if (!afterKeys.has(f.key)) add(f.key, f.label, f.value, '');
  return out;
}
