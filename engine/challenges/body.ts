/**
 * Rules on a whole challenge body, beyond its answer spec: what rich text may contain (sanitising),
 * what an author must fix before saving (per field, in French), and the starting body of a new
 * challenge of each type. Pure functions.
 */
import { validateAnswerSpec } from './check';
import type { AnswerSpec, ChallengeBody, ChallengeType, RichDoc, RichNode, Tolerance } from './model';
import { CHALLENGE_TYPES } from './model';
import { docToPlainText, isSafeHref } from './richtext';
import { fieldsOverLimit, overLimitMessage } from './limits';

/** Where uploaded attachments are served; a rich-text image or illustration may point there. */
export const ATTACHMENT_URL_PREFIX = '/pieces-jointes/';

/** Images and illustrations come from the web over HTTPS or from the platform's own attachments. */
export function isSafeImageSource(src: string): boolean {
  return /^https:\/\/[^\s]+$/i.test(src) || (src.startsWith(ATTACHMENT_URL_PREFIX) && /^[/A-Za-z0-9_-]+$/.test(src));
}

// =============================================================================================
// Sanitising rich text

type Mark = NonNullable<RichNode['marks']>[number];

const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

function cleanMarks(marks: unknown): Mark[] | undefined {
  if (!Array.isArray(marks)) return undefined;
  const out: Mark[] = [];
  for (const m of marks as Mark[]) {
    if (!m || typeof m !== 'object') continue;
    if (m.type === 'bold' || m.type === 'italic') {
      if (!out.some((o) => o.type === m.type)) out.push({ type: m.type });
    } else if (m.type === 'link') {
      const href = typeof m.attrs?.['href'] === 'string' ? (m.attrs['href'] as string).trim() : '';
      if (href && isSafeHref(href) && !out.some((o) => o.type === 'link')) out.push({ type: 'link', attrs: { href } });
    }
  }
  return out.length > 0 ? out : undefined;
}

function image(node: RichNode): RichNode {
  const src = typeof node.attrs?.['src'] === 'string' ? (node.attrs['src'] as string).trim() : '';
  const alt = typeof node.attrs?.['alt'] === 'string' ? (node.attrs['alt'] as string).replace(CONTROL, '').trim() : '';
  return { type: 'image', attrs: { src, alt } };
}

/** Inline content: text with bold/italic/link marks, line breaks and images. */
function cleanInline(nodes: unknown): RichNode[] {
  if (!Array.isArray(nodes)) return [];
  const out: RichNode[] = [];
  for (const raw of nodes as RichNode[]) {
    if (!raw || typeof raw !== 'object') continue;
    if (raw.type === 'text') {
      const text = typeof raw.text === 'string' ? raw.text.replace(CONTROL, '') : '';
      if (text === '') continue;
      const marks = cleanMarks(raw.marks);
      out.push(marks ? { type: 'text', text, marks } : { type: 'text', text });
    } else if (raw.type === 'hardBreak') {
      out.push({ type: 'hardBreak' });
    } else if (raw.type === 'image') {
      out.push(image(raw));
    } else if (Array.isArray(raw.content)) {
      // Unknown inline wrapper (mention, span…): keep what it says.
      out.push(...cleanInline(raw.content));
    }
  }
  return out;
}

function isInlineType(type: string): boolean {
  return type === 'text' || type === 'hardBreak' || type === 'image';
}

function paragraph(content: RichNode[]): RichNode {
  return content.length > 0 ? { type: 'paragraph', content } : { type: 'paragraph' };
}

/** Block content: paragraphs and lists (anything else is unwrapped into those). */
function cleanBlocks(nodes: unknown): RichNode[] {
  if (!Array.isArray(nodes)) return [];
  const out: RichNode[] = [];
  let loose: RichNode[] = [];
  const flush = () => {
    if (loose.length > 0) out.push(paragraph(cleanInline(loose)));
    loose = [];
  };
  for (const raw of nodes as RichNode[]) {
    if (!raw || typeof raw !== 'object' || typeof raw.type !== 'string') continue;
    if (isInlineType(raw.type)) {
      loose.push(raw);
      continue;
    }
    flush();
    if (raw.type === 'bulletList' || raw.type === 'orderedList') {
      const items = (Array.isArray(raw.content) ? raw.content : []).map((item) => {
        const blocks = item?.type === 'listItem' ? cleanBlocks(item.content) : cleanBlocks([item]);
        return { type: 'listItem', content: blocks.length > 0 ? blocks : [{ type: 'paragraph' }] };
      });
      if (items.length === 0) continue;
      const list: RichNode = { type: raw.type, content: items };
      const start = raw.attrs?.['start'];
      if (raw.type === 'orderedList' && typeof start === 'number' && Number.isInteger(start) && start > 1 && start < 1e9) list.attrs = { start };
      out.push(list);
    } else if (Array.isArray(raw.content) && raw.content.every((c) => c && isInlineType(c.type))) {
      // paragraph, heading, code block…: a paragraph with the same text.
      out.push(paragraph(cleanInline(raw.content)));
    } else if (Array.isArray(raw.content)) {
      // blockquote, listItem out of place…: its blocks.
      out.push(...cleanBlocks(raw.content));
    } else if (raw.type === 'paragraph') {
      out.push({ type: 'paragraph' });
    }
  }
  flush();
  return out;
}

/**
 * Keeps only what the editor and the learner renderer support: paragraphs, bullet and numbered
 * lists, line breaks, bold, italic, links to the web / mail / the platform, and images (source and
 * alternative text only). Every other attribute, mark or node type is dropped (its text kept).
 */
export function sanitizeDoc(doc: unknown): RichDoc {
  const content = cleanBlocks(doc && typeof doc === 'object' ? (doc as RichNode).content : []);
  return { type: 'doc', content: content.length > 0 ? content : [{ type: 'paragraph' }] };
}

/** A body with every rich-text document sanitised. */
export function sanitizeBody(body: ChallengeBody): ChallengeBody {
  return {
    ...body,
    instruction: sanitizeDoc(body.instruction),
    alternativeInstruction: body.alternativeInstruction && !isEmptyDoc(body.alternativeInstruction) ? sanitizeDoc(body.alternativeInstruction) : null,
    solutionExplanation: body.solutionExplanation && !isEmptyDoc(body.solutionExplanation) ? sanitizeDoc(body.solutionExplanation) : null,
  };
}

/** True when the document has no text and no image. */
export function isEmptyDoc(doc: RichDoc | null | undefined): boolean {
  if (!doc) return true;
  let found = false;
  const walk = (n: RichNode) => {
    if (found) return;
    if ((n.type === 'text' && (n.text ?? '').trim() !== '') || n.type === 'image') found = true;
    n.content?.forEach(walk);
  };
  walk(doc as RichNode);
  return !found;
}

// =============================================================================================
// Authors' checks on a whole body

/** French messages by field: `instruction`, `answer.proposals.0`, `embed.url`… */
export type FieldErrors = Record<string, string[]>;

function add(errors: FieldErrors, key: string, message: string): void {
  (errors[key] ??= []).push(message);
}

function checkDoc(doc: RichDoc | null, key: string, label: string, errors: FieldErrors): void {
  if (!doc) return;
  const walk = (node: RichNode) => {
    if (node.type === 'image') {
      const src = typeof node.attrs?.['src'] === 'string' ? (node.attrs['src'] as string) : '';
      const alt = typeof node.attrs?.['alt'] === 'string' ? (node.attrs['alt'] as string).trim() : '';
      if (!alt) {
        add(errors, key, `${label} : une image n’a pas de texte alternatif (${src || 'adresse vide'}). Décrivez-la pour les personnes qui ne la voient pas.`);
      }
      if (!isSafeImageSource(src)) {
        add(errors, key, `${label} : l’adresse d’image « ${src.slice(0, 80)} » n’est pas acceptée (https:// ou pièce jointe de la plateforme).`);
      }
    }
    for (const mark of node.marks ?? []) {
      if (mark.type === 'link') {
        const href = typeof mark.attrs?.['href'] === 'string' ? (mark.attrs['href'] as string) : '';
        if (!href.trim() || !isSafeHref(href.trim())) {
          add(errors, key, `${label} : le lien « ${href.slice(0, 80)} » n’est pas accepté (https://, http://, mailto: ou adresse de la plateforme).`);
        }
      }
    }
    node.content?.forEach(walk);
  };
  walk(doc as RichNode);
}

/** Where an answer-spec message belongs in the editor. */
function answerErrorKey(message: string, spec: AnswerSpec): string {
  let m: RegExpExecArray | null;
  if ((m = /^La proposition (\d+)/.exec(message))) return `answer.proposals.${Number(m[1]) - 1}`;
  if (/^Il faut au moins deux propositions/.test(message)) return 'answer.proposals';
  if (/bonnes? réponses?|^Un QCM doit/i.test(message)) return 'answer.correct';
  if ((m = /^Champ « ([^»]*) »/.exec(message))) return `answer.fields.${m[1]}`;
  if ((m = /^Groupe (\d+)/.exec(message))) return `answer.groups.${Number(m[1]) - 1}`;
  if (/groupes? de réponses|dans les groupes/.test(message)) return 'answer.groups';
  if (/tolérance/i.test(message)) return 'answer.tolerances';
  if (/modèle/i.test(message)) return 'answer.template';
  if (/^Réponse :/.test(message)) return spec.type === 'QROC' ? 'answer.accepted' : 'answer';
  if (/champ/i.test(message)) return 'answer.fields';
  return 'answer';
}

const LOCALE = /^[a-z]{2}(-[a-z]{2})?$/;

/**
 * Everything an author must fix before a body can be saved, by field, in French. Empty when all is
 * well. Covers the answer spec (validateAnswerSpec), rich text (images need alternative text; links and
 * image sources must be safe), the illustration, the embedded page (HTTPS only), the timer, the locales,
 * the authors, and the stated length limits (limits.ts).
 */
export function validateChallengeBody(body: ChallengeBody): FieldErrors {
  const errors: FieldErrors = {};
  if (isEmptyDoc(body.instruction)) add(errors, 'instruction', 'La consigne est vide : écrivez la question posée.');
  checkDoc(body.instruction, 'instruction', 'Consigne', errors);
  checkDoc(body.alternativeInstruction, 'alternativeInstruction', 'Consigne alternative', errors);
  checkDoc(body.solutionExplanation, 'solutionExplanation', 'Explication de la solution', errors);

  if (!(CHALLENGE_TYPES as readonly string[]).includes(body.answer?.type)) {
    add(errors, 'answer', `Type d’épreuve inconnu (${CHALLENGE_TYPES.join(', ')}).`);
  } else {
    for (const message of validateAnswerSpec(body.answer)) add(errors, answerErrorKey(message, body.answer), message);
  }

  if (body.illustration) {
    const { url, alt } = body.illustration;
    if (!url.trim()) add(errors, 'illustration.url', 'Illustration : indiquez l’adresse de l’image, ou retirez l’illustration.');
    else if (!isSafeImageSource(url.trim()))
      add(errors, 'illustration.url', 'Illustration : l’adresse doit commencer par https:// (ou être une pièce jointe).');
    if (!alt.trim()) add(errors, 'illustration.alt', 'Illustration : le texte alternatif est obligatoire (décrivez l’image).');
  }

  if (body.embed) {
    const { url, title, height } = body.embed;
    if (!url.trim()) add(errors, 'embed.url', 'Page intégrée : indiquez son adresse, ou retirez la page intégrée.');
    else if (!/^https:\/\/[^\s/]+(\/\S*)?$/i.test(url.trim()))
      add(errors, 'embed.url', 'Page intégrée : l’adresse doit commencer par https:// (les pages non chiffrées sont refusées).');
    if (!title.trim()) add(errors, 'embed.title', 'Page intégrée : le titre est obligatoire (il est lu par les lecteurs d’écran).');
    if (!Number.isInteger(height) || height < 100 || height > 2000)
      add(errors, 'embed.height', 'Page intégrée : la hauteur est un nombre entier de pixels, entre 100 et 2000.');
  }

  body.attachments.forEach((a, i) => {
    if (!a.url.startsWith(ATTACHMENT_URL_PREFIX)) add(errors, 'attachments', `Pièce jointe ${i + 1} (${a.name}) : elle doit être déposée sur la plateforme.`);
  });

  if (body.timer !== null && (!Number.isInteger(body.timer) || body.timer < 5 || body.timer > 3600)) {
    add(errors, 'timer', 'Minuteur : un nombre entier de secondes entre 5 et 3600, ou vide pour une épreuve sans limite de temps.');
  }
  if (body.locales.length === 0) add(errors, 'locales', 'Langues : choisissez au moins une langue.');
  for (const l of body.locales) if (!LOCALE.test(l)) add(errors, 'locales', `Langues : « ${l} » n’est pas un code de langue (fr, fr-fr, en…).`);
  if (new Set(body.locales).size !== body.locales.length) add(errors, 'locales', 'Langues : une langue est indiquée deux fois.');
  if (body.authors.filter((a) => a.trim() !== '').length === 0) add(errors, 'authors', 'Auteurs : indiquez au moins un auteur.');
  for (const over of fieldsOverLimit(body)) add(errors, over.field, overLimitMessage(over));
  return errors;
}

/** All messages of a FieldErrors, in field order. */
export function errorMessages(errors: FieldErrors): string[] {
  return Object.values(errors).flat();
}

// =============================================================================================
// New challenges

/** A starting answer spec for a type, keeping what can be kept from the previous one. */
export function defaultAnswerSpec(type: ChallengeType, previous?: AnswerSpec): AnswerSpec {
  const proposals = previous && (previous.type === 'QCU' || previous.type === 'QCM') ? previous.proposals : ['', ''];
  const shuffle = previous && (previous.type === 'QCU' || previous.type === 'QCM') ? previous.shuffle : true;
  const tolerances: Tolerance[] = previous && 'tolerances' in previous ? previous.tolerances : ['T1', 'T2'];
  switch (type) {
    case 'QCU':
      return { type, proposals, correct: previous?.type === 'QCM' ? (previous.correct[0] ?? 0) : 0, shuffle };
    case 'QCM':
      return {
        type,
        proposals: proposals.length >= 3 ? proposals : [...proposals, ...Array(3 - proposals.length).fill('')],
        correct: previous?.type === 'QCU' ? [previous.correct] : [],
        shuffle,
      };
    case 'QROC':
      return { type, accepted: [], format: 'mots', tolerances: [...tolerances] };
    case 'QROCM-ind':
      return {
        type,
        template: '{{reponse1}}\n{{reponse2}}',
        fields: [
          { name: 'reponse1', label: 'Réponse 1', accepted: [] },
          { name: 'reponse2', label: 'Réponse 2', accepted: [] },
        ],
        tolerances: [...tolerances],
      };
    case 'QROCM-dep':
      return {
        type,
        template: '{{reponse1}}\n{{reponse2}}',
        fields: [
          { name: 'reponse1', label: 'Réponse 1' },
          { name: 'reponse2', label: 'Réponse 2' },
        ],
        accepted: [[], []],
        tolerances: [...tolerances],
      };
  }
}

/** The body a new challenge starts from. */
export function newChallengeBody(type: ChallengeType, authors: string[]): ChallengeBody {
  return {
    instruction: { type: 'doc', content: [{ type: 'paragraph' }] },
    alternativeInstruction: null,
    answer: defaultAnswerSpec(type),
    solutionExplanation: null,
    illustration: null,
    attachments: [],
    embed: null,
    timer: null,
    focused: false,
    locales: ['fr-fr'],
    accessibility: { blind: 'RAS', colorBlind: 'RAS' },
    pedagogy: 'q-situation',
    authors,
  };
}

/** Plain text of the instruction, for lists and search. */
export function instructionText(body: ChallengeBody): string {
  return docToPlainText(body.instruction);
}
