/**
 * How much an author may write in a challenge: stated limits per field (what a version may hold), and
 * the much larger bound of what the editor keeps in a draft, so that nothing typed is lost before the
 * author has shortened it. Pure functions; the counts are those the editor shows.
 */
import type { ChallengeBody, RichDoc, RichNode } from './model';

/** Characters of text in one rich-text field (instruction, alternative instruction, explanation). */
export const RICH_TEXT_LIMIT = 50_000;
/** Characters in one short field (a proposal, an accepted answer, a label, an address, the template…). */
export const SHORT_TEXT_LIMIT = 5_000;
/**
 * Characters of a whole body as JSON (structure included) that a draft may hold. Far above what the stated
 * limits allow in a version: an author who pasted too much keeps it in the draft while shortening it.
 * Sent form-encoded, it stays under the editor route's request limit (11 MiB) even at 9 bytes a character.
 */
export const DRAFT_JSON_LIMIT = 1_000_000;

/** The editor shows the count from this share of the limit on. */
export const NEAR_LIMIT_SHARE = 0.9;

/** Characters of text a rich-text document holds (text nodes only: formatting, links and images are not counted). */
export function richTextLength(doc: RichDoc | RichNode | null | undefined): number {
  if (!doc) return 0;
  let n = 0;
  const walk = (node: RichNode) => {
    if (node.type === 'text' && typeof node.text === 'string') n += node.text.length;
    node.content?.forEach(walk);
  };
  walk(doc as RichNode);
  return n;
}

/** 50 000 → « 50 000 » (French thousands separator, a narrow no-break space). */
export function formatCount(n: number): string {
  return new Intl.NumberFormat('fr-FR').format(n);
}

export interface OverLimit {
  /** The editor's field key (`instruction`, `answer.proposals.2`, `illustration.alt`…). */
  field: string;
  label: string;
  length: number;
  limit: number;
}

/** Every field of the body longer than its stated limit, in editor order. */
export function fieldsOverLimit(body: ChallengeBody): OverLimit[] {
  const out: OverLimit[] = [];
  const rich = (field: string, label: string, doc: RichDoc | null) => {
    const length = richTextLength(doc);
    if (length > RICH_TEXT_LIMIT) out.push({ field, label, length, limit: RICH_TEXT_LIMIT });
  };
  const short = (field: string, label: string, value: string | undefined | null) => {
    const length = (value ?? '').length;
    if (length > SHORT_TEXT_LIMIT) out.push({ field, label, length, limit: SHORT_TEXT_LIMIT });
  };
  rich('instruction', 'Consigne', body.instruction);
  rich('alternativeInstruction', 'Consigne alternative', body.alternativeInstruction);
  const a = body.answer;
  switch (a.type) {
    case 'QCU':
    case 'QCM':
      a.proposals.forEach((p, i) => short(`answer.proposals.${i}`, `Proposition ${i + 1}`, p));
      break;
    case 'QROC':
      short('answer.template', 'Modèle de réponse', a.template);
      a.accepted.forEach((x, i) => short('answer.accepted', `Réponse acceptée ${i + 1}`, x));
      break;
    case 'QROCM-ind':
    case 'QROCM-dep':
      short('answer.template', 'Modèle de réponse', a.template);
      for (const f of a.fields) {
        short(`answer.fields.${f.name}`, `Champ « ${f.name} » : libellé`, f.label);
        (f.accepted ?? []).forEach((x, i) => short(`answer.fields.${f.name}`, `Champ « ${f.name} » : réponse acceptée ${i + 1}`, x));
      }
      if (a.type === 'QROCM-dep') a.accepted.forEach((g, gi) => g.forEach((x, i) => short(`answer.groups.${gi}`, `Groupe ${gi + 1} : réponse ${i + 1}`, x)));
      break;
  }
  rich('solutionExplanation', 'Explication de la solution', body.solutionExplanation);
  short('illustration.url', 'Illustration : adresse', body.illustration?.url);
  short('illustration.alt', 'Illustration : texte alternatif', body.illustration?.alt);
  short('embed.url', 'Page intégrée : adresse', body.embed?.url);
  short('embed.title', 'Page intégrée : titre', body.embed?.title);
  body.authors.forEach((x, i) => short('authors', `Auteur ${i + 1}`, x));
  return out;
}

/** The French refusal of one field over its limit: how long it is, the limit, and that nothing is lost. */
export function overLimitMessage(o: OverLimit): string {
  return `${o.label} : ${formatCount(o.length)} caractères, la limite est de ${formatCount(o.limit)} (${formatCount(o.length - o.limit)} de trop). Raccourcissez ce texte pour enregistrer : il reste dans l’éditeur et dans votre brouillon.`;
}
