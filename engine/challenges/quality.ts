/**
 * Quality checks a reviewer sees before validating a challenge: missing alternative text, images from
 * another host, empty or dead links, a QCU without exactly one correct proposal, free answers without an accepted answer, an
 * instruction that gives its own answer away, an embedded page without a title. Blocking checks refuse
 * validation (workflow.server.ts); warnings are shown only. Pure: the caller passes the links known dead
 * (tutorials whose link check said DEAD).
 */
import type { ChallengeBody, RichDoc, RichNode } from './model';
import { docToPlainText } from './richtext';

export const QUALITY_CHECKS = ['altText', 'externalImage', 'emptyLink', 'deadLink', 'qcuOneCorrect', 'acceptedAnswer', 'giveaway', 'embedTitle'] as const;
export type QualityCheck = (typeof QUALITY_CHECKS)[number];

export interface QualityProblem {
  check: QualityCheck;
  blocking: boolean;
  /** Where to look in the editor: `instruction`, `illustration`, `answer.proposals.2`, `embed.title`… */
  field: string;
  /** French, for the checklist. */
  message: string;
}

export interface QualityReport {
  problems: QualityProblem[];
  /**
   * The checks that concern this challenge (a QCU's single right answer only on a QCU, accepted answers
   * only on free answers, the embedded page's title only with one) with whether they passed. `unchecked`
   * lists the addresses a check could not judge yet (links never checked): such a check is "not verified",
   * never "conforme".
   */
  checklist: { check: QualityCheck; ok: boolean; blocking: boolean; unchecked?: string[] }[];
  blocking: boolean;
}

/** What the link checker knows: the addresses found dead, and every address it has a result for. */
export interface KnownLinks {
  dead: Iterable<string>;
  checked: Iterable<string>;
}

/** Links are compared without their fragment, trailing slash and host case. */
export function normaliseUrl(url: string): string {
  const trimmed = url.trim();
  try {
    const u = new URL(trimmed);
    u.hash = '';
    return `${u.protocol}//${u.host.toLowerCase()}${u.pathname.replace(/\/+$/, '')}${u.search}`;
  } catch {
    return trimmed.replace(/#.*$/, '').replace(/\/+$/, '');
  }
}

/** Lower case, no accents, punctuation as spaces, single spaces: to find a phrase inside a text. */
export function normaliseText(s: string): string {
  return ` ${s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}@%€$+#&]+/gu, ' ')
    .trim()} `;
}

/** True when `phrase` occurs in `text` as whole words, normalised (case, accents, punctuation). */
export function containsPhrase(text: string, phrase: string): boolean {
  const p = normaliseText(phrase);
  if (p.trim().length < 3) return false; // "a", "2": too short to say anything
  return normaliseText(text).includes(p);
}

const DOCS: { key: 'instruction' | 'alternativeInstruction' | 'solutionExplanation'; label: string }[] = [
  { key: 'instruction', label: 'Consigne' },
  { key: 'alternativeInstruction', label: 'Consigne alternative' },
  { key: 'solutionExplanation', label: 'Explication de la solution' },
];

function walk(doc: RichDoc | null, visit: (node: RichNode) => void): void {
  if (!doc) return;
  const go = (n: RichNode) => {
    visit(n);
    n.content?.forEach(go);
  };
  go(doc as RichNode);
}

/** Every link target of a body's rich text and its embedded page (for looking up dead links). */
export function bodyLinks(body: ChallengeBody): string[] {
  const out = new Set<string>();
  for (const { key } of DOCS) {
    walk(body[key], (n) => {
      for (const m of n.marks ?? []) {
        const href = m.type === 'link' && typeof m.attrs?.['href'] === 'string' ? (m.attrs['href'] as string).trim() : '';
        if (href) out.add(href);
      }
    });
  }
  if (body.embed?.url.trim()) out.add(body.embed.url.trim());
  return [...out];
}

/**
 * The web addresses of a body that the link checker should ask: links of the rich text, the embedded page,
 * and the images and illustration served by another host. Once each, in order of appearance.
 */
export function checkableLinks(body: ChallengeBody): string[] {
  return [...new Set([...bodyLinks(body), ...externalImageSources(body)].filter((u) => /^https?:\/\//i.test(u)))];
}

/**
 * The images of a body served by another host (rich-text images and the illustration, not the platform's
 * attachments): each one makes the learner's browser contact that host. In order of appearance, once each.
 */
export function externalImageSources(body: ChallengeBody): string[] {
  const out = new Set<string>();
  const external = (src: string) => /^https?:\/\//i.test(src.trim());
  for (const { key } of DOCS) {
    walk(body[key], (n) => {
      const src = n.type === 'image' && typeof n.attrs?.['src'] === 'string' ? (n.attrs['src'] as string) : '';
      if (external(src)) out.add(src.trim());
    });
  }
  if (body.illustration && external(body.illustration.url)) out.add(body.illustration.url.trim());
  return [...out];
}

/** The body with the image `from` (rich text and illustration) now at `to`, e.g. once copied into an attachment. */
export function replaceImageSource(body: ChallengeBody, from: string, to: string): ChallengeBody {
  const swap = (node: RichNode): RichNode => {
    const own = node.type === 'image' && typeof node.attrs?.['src'] === 'string' && (node.attrs['src'] as string).trim() === from;
    return { ...node, ...(own ? { attrs: { ...node.attrs, src: to } } : {}), ...(node.content ? { content: node.content.map(swap) } : {}) };
  };
  const doc = (d: RichDoc | null) => (d ? (swap(d as RichNode) as RichDoc) : d);
  return {
    ...body,
    instruction: doc(body.instruction)!,
    alternativeInstruction: doc(body.alternativeInstruction),
    solutionExplanation: doc(body.solutionExplanation),
    illustration: body.illustration && body.illustration.url.trim() === from ? { ...body.illustration, url: to } : body.illustration,
  };
}

/** The answers a learner must give, as text: correct proposals, accepted answers. */
function rightAnswers(body: ChallengeBody): { field: string; text: string }[] {
  const a = body.answer;
  switch (a.type) {
    case 'QCU':
      return a.proposals[a.correct] !== undefined ? [{ field: `answer.proposals.${a.correct}`, text: a.proposals[a.correct]! }] : [];
    case 'QCM':
      return a.correct.filter((i) => a.proposals[i] !== undefined).map((i) => ({ field: `answer.proposals.${i}`, text: a.proposals[i]! }));
    case 'QROC':
      return a.accepted.map((text) => ({ field: 'answer.accepted', text }));
    case 'QROCM-ind':
      return a.fields.flatMap((f) => (f.accepted ?? []).map((text) => ({ field: `answer.fields.${f.name}`, text })));
    case 'QROCM-dep':
      return a.accepted.flatMap((group, i) => group.map((text) => ({ field: `answer.groups.${i}`, text })));
  }
}

/** Two proposals that a learner cannot tell apart (case, accents and spacing aside). */
function sameProposal(a: string, b: string): boolean {
  const f = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/gu, ' ').trim();
  return f(a) === f(b);
}

function wrongProposals(body: ChallengeBody): string[] {
  const a = body.answer;
  if (a.type === 'QCU') return a.proposals.filter((_, i) => i !== a.correct);
  if (a.type === 'QCM') return a.proposals.filter((_, i) => !a.correct.includes(i));
  return [];
}

/**
 * The quality report of a challenge body. `links` holds what the link checker knows (any form: addresses
 * are normalised here); a plain list is the links known dead, with nothing known of the others.
 */
export function qualityReport(body: ChallengeBody, links: Iterable<string> | KnownLinks = []): QualityReport {
  const known: KnownLinks = Symbol.iterator in links ? { dead: links as Iterable<string>, checked: [] } : (links as KnownLinks);
  const dead = new Set([...known.dead].map(normaliseUrl));
  const checked = new Set([...known.checked, ...dead].map(normaliseUrl));
  const problems: QualityProblem[] = [];
  const add = (check: QualityCheck, field: string, message: string, blocking = true) => problems.push({ check, blocking, field, message });

  // Images and links in rich text.
  for (const { key, label } of DOCS) {
    walk(body[key], (n) => {
      if (n.type === 'image') {
        const alt = typeof n.attrs?.['alt'] === 'string' ? (n.attrs['alt'] as string).trim() : '';
        const src = typeof n.attrs?.['src'] === 'string' ? (n.attrs['src'] as string) : '';
        if (!alt) add('altText', key, `${label} : l’image ${src || '(sans adresse)'} n’a pas de texte alternatif.`);
        else if (/\.(png|jpe?g|gif|svg|webp)$/i.test(alt) || /^(image|photo|img|illustration)$/i.test(alt)) {
          add('altText', key, `${label} : le texte alternatif « ${alt} » ne décrit pas l’image.`, false);
        }
      }
      for (const m of n.marks ?? []) {
        if (m.type !== 'link') continue;
        const href = typeof m.attrs?.['href'] === 'string' ? (m.attrs['href'] as string).trim() : '';
        const text = n.text ?? '';
        if (!href) add('emptyLink', key, `${label} : le lien « ${text.slice(0, 60)} » n’a pas d’adresse.`);
        else if (dead.has(normaliseUrl(href))) add('deadLink', key, `${label} : le lien ${href} ne répond plus (dernière vérification des liens).`);
      }
      if (n.type === 'image') {
        const src = typeof n.attrs?.['src'] === 'string' ? (n.attrs['src'] as string).trim() : '';
        if (src && dead.has(normaliseUrl(src))) add('deadLink', key, `${label} : l’image ${src} ne répond plus (dernière vérification des liens).`);
      }
    });
  }
  if (body.illustration) {
    if (!body.illustration.alt.trim()) add('altText', 'illustration.alt', 'Illustration : le texte alternatif est vide.');
    const url = body.illustration.url.trim();
    if (url && dead.has(normaliseUrl(url)))
      add('deadLink', 'illustration.url', `Illustration : l’image ${url} ne répond plus (dernière vérification des liens).`);
  }

  // Images from other hosts: a warning, with the offer to copy them into attachments in the editor.
  for (const src of externalImageSources(body)) {
    add(
      'externalImage',
      'images',
      `L’image ${src} est chargée depuis un autre site : le navigateur des apprenants le contactera. Copiez-la dans les pièces jointes.`,
      false,
    );
  }

  // The embedded page.
  if (body.embed) {
    if (!body.embed.title.trim()) add('embedTitle', 'embed.title', 'Page intégrée : elle n’a pas de titre (lu par les lecteurs d’écran).');
    if (!body.embed.url.trim()) add('emptyLink', 'embed.url', 'Page intégrée : l’adresse est vide.');
    else if (dead.has(normaliseUrl(body.embed.url))) add('deadLink', 'embed.url', `Page intégrée : ${body.embed.url} ne répond plus.`);
  }

  // The answer.
  const a = body.answer;
  if (a.type === 'QCU') {
    const right = a.proposals[a.correct];
    if (!Number.isInteger(a.correct) || right === undefined || right.trim() === '') {
      add('qcuOneCorrect', 'answer.correct', 'QCU : aucune proposition n’est marquée comme la bonne réponse.');
    } else {
      const same = a.proposals.filter((p, i) => i !== a.correct && sameProposal(p, right));
      if (same.length > 0)
        add(
          'qcuOneCorrect',
          'answer.proposals',
          `QCU : la bonne réponse « ${right} » apparaît aussi dans une autre proposition ; il doit y avoir exactement une bonne proposition.`,
        );
    }
  }
  if (a.type === 'QROC' && a.accepted.filter((x) => x.trim() !== '').length === 0) {
    add('acceptedAnswer', 'answer.accepted', 'QROC : aucune réponse acceptée.');
  }
  if (a.type === 'QROCM-ind') {
    for (const f of a.fields) {
      if ((f.accepted ?? []).filter((x) => x.trim() !== '').length === 0)
        add('acceptedAnswer', `answer.fields.${f.name}`, `Champ « ${f.name} » : aucune réponse acceptée.`);
    }
  }
  if (a.type === 'QROCM-dep') {
    a.accepted.forEach((g, i) => {
      if (g.filter((x) => x.trim() !== '').length === 0) add('acceptedAnswer', `answer.groups.${i}`, `Groupe ${i + 1} : aucune réponse acceptée.`);
    });
    if (a.accepted.length < a.fields.length) add('acceptedAnswer', 'answer.groups', 'QROCM : il y a moins de groupes de réponses que de champs.');
  }

  // Giving the answer away: a right answer written in the instruction. For choices, only when the
  // instruction does not simply list every proposal; blocking when no wrong proposal is written there
  // (a strong sign). A free answer written in the instruction is a warning: code-reading or data
  // challenges quote their answer among other values on purpose, the reviewer judges.
  const instructionText = [docToPlainText(body.instruction), docToPlainText(body.alternativeInstruction)].join('\n');
  const wrong = wrongProposals(body);
  const choice = a.type === 'QCU' || a.type === 'QCM';
  const wrongShown = wrong.filter((w) => containsPhrase(instructionText, w)).length;
  const listsAll = wrong.length > 0 && wrongShown === wrong.length;
  if (!listsAll) {
    const seen = new Set<string>();
    for (const r of rightAnswers(body)) {
      if (seen.has(normaliseText(r.text))) continue;
      seen.add(normaliseText(r.text));
      if (containsPhrase(instructionText, r.text)) {
        add('giveaway', r.field, `La consigne donne la réponse : « ${r.text.trim()} » y figure.`, choice && wrongShown === 0);
      }
    }
  }

  const concerns = (check: QualityCheck): boolean =>
    check === 'qcuOneCorrect' ? a.type === 'QCU' : check === 'acceptedAnswer' ? !choice : check === 'embedTitle' ? body.embed !== null : true;
  const unchecked = checkableLinks(body).filter((u) => !checked.has(normaliseUrl(u)));
  const checklist = QUALITY_CHECKS.filter(concerns).map((check) => {
    const mine = problems.filter((p) => p.check === check);
    const entry = { check, ok: mine.length === 0, blocking: mine.some((p) => p.blocking) };
    return check === 'deadLink' && unchecked.length > 0 ? { ...entry, unchecked } : entry;
  });
  return { problems, checklist, blocking: problems.some((p) => p.blocking) };
}

/** The blocking problems' messages (what a refused validation lists). */
export function blockingMessages(report: QualityReport): string[] {
  return report.problems.filter((p) => p.blocking).map((p) => p.message);
}
