/**
 * QTI items ↔ challenge bodies (decision 018).
 *
 * Export writes a QTI 3.0 `qti-assessment-item` in the 1EdTech namespace: QCU and QCM as a choice
 * interaction (max-choices 1, or multiple cardinality) scored by the standard `match_correct` template;
 * QROC as a text entry with every accepted answer in a case-insensitive mapping, scored by `map_response`;
 * QROCM-ind and QROCM-dep as one text entry per field, each with its own response, scored by a short
 * response processing (every field right); the solution as a modal feedback shown after the attempt; the
 * illustration as an image at the top of the body. What QTI cannot say (formats, tolerances, templates,
 * QROCM-dep's "each field a different group", the exact rich text…) travels in a `PixExtension` that the
 * package puts in the manifest under its own namespace; other tools ignore it and it comes back on import.
 *
 * Import reads QTI 3.0 items (kebab-case, 1EdTech namespace) and QTI 2.1/2.2 items (camelCase), which are
 * renamed to the QTI 3 vocabulary first. Anything else is refused with a reason: an unsupported interaction,
 * response processing other than the standard templates, an answer the workbench cannot check.
 */
import {
  ANSWER_FORMATS,
  TOLERANCES,
  type AnswerField,
  type AnswerFormat,
  type AnswerSpec,
  type ChallengeBody,
  type RichDoc,
  type RichNode,
  type Tolerance,
} from '../challenges/model';
import { newChallengeBody } from '../challenges/body';
import { proposalImage, proposalParts } from '../challenges/proposals';
import { validateAnswerSpec } from '../challenges/check';
import { sameJson } from './pack';
import { el, elements, findAll, localName, parseXml, textOf, writeXml, XmlError, type XmlElement, type XmlNode } from './xml';

export const QTI3_NAMESPACE = 'http://www.imsglobal.org/xsd/imsqtiasi_v3p0';
const QTI3_SCHEMA = 'https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_asiv3p0_v1p0.xsd';
/** What the workbench wrote before it followed the 1EdTech namespace; still read. */
export const LEGACY_NAMESPACE = 'http://www.imsglobal.org/spec/qti/v3p0/ns';
export const QTI2_NAMESPACES = ['http://www.imsglobal.org/xsd/imsqti_v2p1', 'http://www.imsglobal.org/xsd/imsqti_v2p2'];
export const MATCH_CORRECT = 'https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct.xml';
export const MAP_RESPONSE = 'https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/map_response.xml';

/** What QTI cannot say about a challenge; carried beside the item and read back on import. */
export interface PixExtension {
  v: 1;
  /** The answer as the workbench checks it (formats, tolerances, templates, groups). */
  answer: AnswerSpec;
  /** Exact rich documents when XHTML does not give them back identically. */
  rich?: { instruction?: RichDoc; solutionExplanation?: RichDoc };
  alternativeInstruction: RichDoc | null;
  attachments: ChallengeBody['attachments'];
  embed: ChallengeBody['embed'];
  focused: boolean;
  locales: string[];
  accessibility: ChallengeBody['accessibility'];
  pedagogy: ChallengeBody['pedagogy'];
  authors: string[];
}

// =============================================================================================
// Rich text ↔ XHTML

function inlineXml(nodes: RichNode[] = []): XmlNode[] {
  return nodes.flatMap((n): XmlNode[] => {
    if (n.type === 'hardBreak') return [el('br')];
    if (n.type === 'image') return [el('img', { src: String(n.attrs?.['src'] ?? ''), alt: String(n.attrs?.['alt'] ?? '') })];
    if (n.type !== 'text') return inlineXml(n.content);
    let out: XmlNode = n.text ?? '';
    const marks = n.marks ?? [];
    if (marks.some((m) => m.type === 'bold')) out = el('strong', {}, out);
    if (marks.some((m) => m.type === 'italic')) out = el('em', {}, out);
    const link = marks.find((m) => m.type === 'link');
    if (link) out = el('a', { href: String(link.attrs?.['href'] ?? '') }, out);
    return [out];
  });
}

function blockXml(node: RichNode): XmlNode[] {
  switch (node.type) {
    case 'paragraph':
      return [el('p', {}, inlineXml(node.content))];
    case 'bulletList':
      return [el('ul', {}, (node.content ?? []).flatMap(blockXml))];
    case 'orderedList': {
      const start = node.attrs?.['start'];
      return [el('ol', { start: typeof start === 'number' && start !== 1 ? start : undefined }, (node.content ?? []).flatMap(blockXml))];
    }
    case 'listItem':
      return [el('li', {}, (node.content ?? []).flatMap(blockXml))];
    default:
      return (node.content ?? []).flatMap(blockXml);
  }
}

export function docToXhtml(doc: RichDoc): XmlNode[] {
  return doc.content.flatMap(blockXml);
}

type Mark = NonNullable<RichNode['marks']>[number];

function xhtmlInline(nodes: XmlNode[], marks: Mark[], path: string): RichNode[] {
  const out: RichNode[] = [];
  for (const n of nodes) {
    if (typeof n === 'string') {
      const text = n.replace(/[ \t\r\n]+/g, ' ');
      if (text !== '') out.push(marks.length ? { type: 'text', text, marks: marks.map((m) => ({ ...m })) } : { type: 'text', text });
      continue;
    }
    switch (localName(n.name)) {
      case 'strong':
      case 'b':
        out.push(...xhtmlInline(n.children, [...marks.filter((m) => m.type !== 'bold'), { type: 'bold' }], path));
        break;
      case 'em':
      case 'i':
        out.push(...xhtmlInline(n.children, [...marks.filter((m) => m.type !== 'italic'), { type: 'italic' }], path));
        break;
      case 'a':
        out.push(...xhtmlInline(n.children, [...marks.filter((m) => m.type !== 'link'), { type: 'link', attrs: { href: n.attrs['href'] ?? '' } }], path));
        break;
      case 'span':
      case 'code':
      case 'sub':
      case 'sup':
      case 'u':
      case 'small':
      case 'big':
        out.push(...xhtmlInline(n.children, marks, path));
        break;
      case 'br':
        out.push({ type: 'hardBreak' });
        break;
      case 'img':
        out.push({ type: 'image', attrs: { src: n.attrs['src'] ?? '', alt: n.attrs['alt'] ?? '' } });
        break;
      default:
        throw new Error(`${path} : élément <${n.name}> non pris en charge dans le texte`);
    }
  }
  return out;
}

/** Trims the spaces XML indentation leaves at the edges of a block. */
function trimInline(nodes: RichNode[]): RichNode[] {
  const out = nodes.map((n) => ({ ...n }));
  const first = out[0];
  if (first?.type === 'text') first.text = first.text!.replace(/^\s+/, '');
  const last = out[out.length - 1];
  if (last?.type === 'text') last.text = last.text!.replace(/\s+$/, '');
  return out.filter((n) => n.type !== 'text' || n.text !== '');
}

const BLOCKS = ['p', 'div', 'ul', 'ol', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'qti-prompt', 'prompt'];

function xhtmlBlocks(nodes: XmlNode[], path: string): RichNode[] {
  const out: RichNode[] = [];
  for (const n of nodes) {
    if (typeof n === 'string') {
      if (n.trim() !== '') out.push({ type: 'paragraph', content: trimInline(xhtmlInline([n], [], path)) });
      continue;
    }
    const name = localName(n.name);
    if (name === 'div' || name === 'blockquote' || (name !== 'p' && n.children.some((c) => typeof c !== 'string' && BLOCKS.includes(localName(c.name))))) {
      out.push(...xhtmlBlocks(n.children, path));
    } else if (name === 'ul' || name === 'ol') {
      const items = elements(n, 'li').map((li) => {
        const hasBlocks = li.children.some((c) => typeof c !== 'string' && BLOCKS.includes(localName(c.name)));
        const content = hasBlocks ? xhtmlBlocks(li.children, path) : [{ type: 'paragraph', content: trimInline(xhtmlInline(li.children, [], path)) }];
        return { type: 'listItem', content };
      });
      const node: RichNode = { type: name === 'ul' ? 'bulletList' : 'orderedList', content: items };
      const start = Number(n.attrs['start']);
      if (name === 'ol' && Number.isInteger(start) && start > 1) node.attrs = { start };
      out.push(node);
    } else if (BLOCKS.includes(name)) {
      const content = trimInline(xhtmlInline(n.children, [], path));
      out.push(content.length ? { type: 'paragraph', content } : { type: 'paragraph' });
    } else {
      const inline = trimInline(xhtmlInline([n], [], path));
      if (inline.length) out.push({ type: 'paragraph', content: inline });
    }
  }
  return out;
}

function xhtmlToDoc(nodes: XmlNode[], path: string): RichDoc {
  const content = xhtmlBlocks(nodes, path);
  return { type: 'doc', content: content.length ? content : [{ type: 'paragraph' }] };
}

/** Whether XHTML gives this document back exactly. */
function xhtmlIsExact(doc: RichDoc): boolean {
  try {
    return sameJson(xhtmlToDoc(roundTripNodes(docToXhtml(doc)), 'x'), doc);
  } catch {
    return false;
  }
}
/** What a reader sees of written nodes (text merged the way a parser merges it). */
function roundTripNodes(nodes: XmlNode[]): XmlNode[] {
  return elements(parseXml(writeXml(el('x', {}, nodes))));
}

// =============================================================================================
// Export

export function qtiIdentifier(key: string): string {
  const id = key.replace(/[^A-Za-z0-9_.-]/g, '_');
  return /^[A-Za-z_]/.test(id) ? id : `_${id}`;
}

const responseId = (name: string) => `RESPONSE_${qtiIdentifier(name)}`;

function declaration(identifier: string, cardinality: string, baseType: string, correct: string[], mapped?: string[]): XmlElement {
  return el(
    'qti-response-declaration',
    { identifier, cardinality, 'base-type': baseType },
    el(
      'qti-correct-response',
      {},
      correct.map((v) => el('qti-value', {}, v)),
    ),
    mapped
      ? el(
          'qti-mapping',
          { 'default-value': 0 },
          [...new Set(mapped)].map((v) => el('qti-map-entry', { 'map-key': v, 'mapped-value': 1, 'case-sensitive': false })),
        )
      : null,
  );
}

/** A template's text with `{{name}}` replaced by the nodes `slot(name)` gives, one paragraph per line. */
function templateXml(template: string, slot: (name: string) => XmlNode): XmlNode[] {
  return template.split('\n').map((line) => {
    const parts: XmlNode[] = [];
    let last = 0;
    for (const m of line.matchAll(/\{\{\s*([a-zA-Z][a-zA-Z0-9_]*)\s*\}\}/g)) {
      parts.push(line.slice(last, m.index));
      parts.push(slot(m[1]!));
      last = m.index + m[0].length;
    }
    parts.push(line.slice(last));
    return el('p', { class: 'pix-template' }, parts);
  });
}

/** Every right response holds a mapped value: SCORE 1, else 0. */
function allMappedProcessing(ids: string[]): XmlElement {
  const gt = (id: string) => el('qti-gt', {}, el('qti-map-response', { identifier: id }), el('qti-base-value', { 'base-type': 'float' }, '0'));
  const score = (v: string) => el('qti-set-outcome-value', { identifier: 'SCORE' }, el('qti-base-value', { 'base-type': 'float' }, v));
  return el(
    'qti-response-processing',
    {},
    el('qti-response-condition', {}, el('qti-response-if', {}, el('qti-and', {}, ids.map(gt)), score('1')), el('qti-response-else', {}, score('0'))),
  );
}

/** The QTI 3.0 item of a challenge, and what QTI cannot say about it. */
export function challengeToQtiItem(key: string, body: ChallengeBody, title = key): { xml: string; extension: PixExtension } {
  const ans = body.answer;
  const lang = (body.locales[0] ?? 'fr-fr').replace(/-(\w+)$/, (_, r: string) => `-${r.toUpperCase()}`);
  const declarations: XmlElement[] = [];
  let interaction: XmlNode[];
  let processing: XmlElement;
  if (ans.type === 'QCU' || ans.type === 'QCM') {
    const correct = ans.type === 'QCU' ? [ans.correct] : ans.correct;
    declarations.push(
      declaration(
        'RESPONSE',
        ans.type === 'QCU' ? 'single' : 'multiple',
        'identifier',
        correct.map((i) => `CHOICE_${i + 1}`),
      ),
    );
    interaction = [
      el(
        'qti-choice-interaction',
        {
          'response-identifier': 'RESPONSE',
          shuffle: ans.shuffle,
          'max-choices': ans.type === 'QCU' ? 1 : 0,
          'min-choices': ans.type === 'QCM' ? 1 : undefined,
        },
        ans.proposals.map((p, i) => el('qti-simple-choice', { identifier: `CHOICE_${i + 1}` }, choiceContent(p))),
      ),
    ];
    processing = el('qti-response-processing', { template: MATCH_CORRECT });
  } else if (ans.type === 'QROC') {
    declarations.push(declaration('RESPONSE', 'single', 'string', [ans.accepted[0] ?? ''], ans.accepted));
    const entry = el('qti-text-entry-interaction', { 'response-identifier': 'RESPONSE' });
    interaction = ans.template?.includes('{{answer}}') ? templateXml(ans.template, () => entry) : [el('p', {}, entry)];
    processing = el('qti-response-processing', { template: MAP_RESPONSE });
  } else {
    // QROCM: one text entry per field, each with its own response. QROCM-dep's groups: every field accepts
    // every group's answers (QTI cannot say "a different group for each field"; the extension does).
    const all = ans.type === 'QROCM-dep' ? ans.accepted.flat() : [];
    const groups = ans.type === 'QROCM-dep' ? ans.accepted : [];
    ans.fields.forEach((f, i) => {
      const accepted = ans.type === 'QROCM-ind' ? (f.accepted ?? []) : all;
      const correct = ans.type === 'QROCM-ind' ? (f.accepted ?? []).slice(0, 1) : (groups[i] ?? groups[0] ?? []).slice(0, 1);
      declarations.push(declaration(responseId(f.name), 'single', 'string', correct, accepted));
    });
    const known = new Set(ans.fields.map((f) => f.name));
    interaction = templateXml(ans.template, (name) =>
      known.has(name) ? el('qti-text-entry-interaction', { 'response-identifier': responseId(name) }) : `{{${name}}}`,
    );
    processing = allMappedProcessing(ans.fields.map((f) => responseId(f.name)));
  }
  const solution = body.solutionExplanation;
  const item = el(
    'qti-assessment-item',
    {
      xmlns: QTI3_NAMESPACE,
      'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
      'xsi:schemaLocation': `${QTI3_NAMESPACE} ${QTI3_SCHEMA}`,
      identifier: qtiIdentifier(key),
      title,
      adaptive: false,
      'time-dependent': false,
      'xml:lang': lang,
    },
    declarations,
    el('qti-outcome-declaration', { identifier: 'SCORE', cardinality: 'single', 'base-type': 'float' }),
    solution ? el('qti-outcome-declaration', { identifier: 'FEEDBACK', cardinality: 'single', 'base-type': 'identifier' }) : null,
    el(
      'qti-item-body',
      {},
      body.illustration ? el('div', { class: 'pix-illustration' }, el('img', { src: body.illustration.url, alt: body.illustration.alt })) : null,
      el('div', { class: 'pix-instruction' }, docToXhtml(body.instruction)),
      interaction,
    ),
    processing,
    // FEEDBACK is never set, so a feedback hidden only when it equals SOLUTION is shown after every attempt.
    solution
      ? el(
          'qti-modal-feedback',
          { 'outcome-identifier': 'FEEDBACK', identifier: 'SOLUTION', 'show-hide': 'hide', title: 'Solution' },
          el('qti-content-body', {}, docToXhtml(solution)),
        )
      : null,
  );
  const rich: PixExtension['rich'] = {};
  if (!xhtmlIsExact(body.instruction)) rich.instruction = body.instruction;
  if (solution && !xhtmlIsExact(solution)) rich.solutionExplanation = solution;
  const extension: PixExtension = {
    v: 1,
    answer: ans,
    ...(Object.keys(rich).length ? { rich } : {}),
    alternativeInstruction: body.alternativeInstruction,
    attachments: body.attachments,
    embed: body.embed,
    focused: body.focused,
    locales: body.locales,
    accessibility: body.accessibility,
    pedagogy: body.pedagogy,
    authors: body.authors,
  };
  return { xml: writeXml(item), extension };
}

/** The QTI 3.0 item of a challenge alone (what QTI cannot say is lost: use a package to keep it). */
export function challengeToQti(key: string, body: ChallengeBody, title = key): string {
  return challengeToQtiItem(key, body, title).xml;
}

// =============================================================================================
// Import

export type QtiImport =
  { ok: true; identifier: string; title: string; body: ChallengeBody; interaction: string } | { ok: false; identifier: string | null; reason: string };

/** A structural problem that refuses the whole package (wrong namespace, not XML…), not only the item. */
export class QtiFileError extends Error {}

const QTI2_LOWER = new Set([
  'value',
  'mapping',
  'prompt',
  'stylesheet',
  'and',
  'or',
  'not',
  'match',
  'gt',
  'lt',
  'gte',
  'lte',
  'sum',
  'product',
  'null',
  'variable',
  'correct',
  'default',
  'member',
  'contains',
  'multiple',
  'ordered',
  'delete',
  'round',
  'truncate',
  'power',
  'subtract',
  'divide',
  'equal',
  'inside',
  'index',
  'repeat',
]);
/**
 * A choice's content as a proposal: its text, and each `<img>` in it as `![alt](src)` (an image in a
 * proposal, engine/challenges/proposals.ts), so an image choice keeps its image and its alternative text.
 */
function choiceProposal(choice: XmlElement): string {
  const parts: string[] = [];
  const walk = (n: XmlNode) => {
    if (typeof n === 'string') parts.push(n);
    else if (localName(n.name) === 'img') parts.push(` ${proposalImage(n.attrs['src'] ?? '', n.attrs['alt'] ?? '')} `);
    else if (localName(n.name) !== 'qti-feedback-inline') n.children.forEach(walk);
  };
  choice.children.forEach(walk);
  return parts.join('').replace(/\s+/g, ' ').trim();
}

/** A proposal as a choice's content: text, with its images as `<img>`. */
function choiceContent(proposal: string): XmlNode[] {
  return proposalParts(proposal, { anyAddress: true }).map((part) => (part.kind === 'text' ? part.text : el('img', { src: part.src, alt: part.alt })));
}

const kebab = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();

/** A QTI 2.x element renamed to the QTI 3 vocabulary (`choiceInteraction` → `qti-choice-interaction`). */
function fromQti2(node: XmlElement): XmlElement {
  const local = localName(node.name);
  const name = /[A-Z]/.test(local) || QTI2_LOWER.has(local) ? `qti-${kebab(local)}` : local;
  const attrs: Record<string, string> = {};
  for (const [k, v] of Object.entries(node.attrs)) attrs[k.includes(':') ? k : kebab(k)] = v;
  return { name, attrs, children: node.children.map((c) => (typeof c === 'string' ? c : fromQti2(c))) };
}

function namespaceOf(root: XmlElement): string | undefined {
  const i = root.name.indexOf(':');
  return i < 0 ? root.attrs['xmlns'] : root.attrs[`xmlns:${root.name.slice(0, i)}`];
}

/** The item's root in the QTI 3 vocabulary, and its version; throws QtiFileError for what is not a QTI item. */
export function readQtiRoot(xml: string): { root: XmlElement; version: '3.0' | '2.x' } {
  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch (error) {
    throw new QtiFileError(error instanceof XmlError ? error.message : String(error));
  }
  const ns = namespaceOf(root);
  const local = localName(root.name);
  if (local === 'assessmentItem') {
    if (!ns || !QTI2_NAMESPACES.includes(ns))
      throw new QtiFileError(`espace de noms ${ns ?? '(absent)'} inconnu : QTI 2.1 ou 2.2 attendu (${QTI2_NAMESPACES.join(', ')})`);
    return { root: fromQti2(root), version: '2.x' };
  }
  if (local !== 'qti-assessment-item') throw new QtiFileError(`l’élément racine doit être <qti-assessment-item> ou <assessmentItem> (trouvé <${root.name}>)`);
  if (ns !== undefined && ns !== QTI3_NAMESPACE && ns !== LEGACY_NAMESPACE)
    throw new QtiFileError(`espace de noms ${ns} inconnu : QTI 3.0 attendu (${QTI3_NAMESPACE})`);
  return { root: { ...root, name: 'qti-assessment-item' }, version: '3.0' };
}

function one(parent: XmlElement, name: string, path: string): XmlElement {
  const found = elements(parent, name);
  if (found.length !== 1) throw new Error(`${path} : il faut exactement un <${name}> (trouvé ${found.length})`);
  return found[0]!;
}

const TEMPLATE_NAME = /\/rptemplates\/(match_correct|map_response)(\.xml)?$/;

/** Which standard template scores the item: 'match_correct', 'map_response', 'pix' (ours, QROCM), or none. */
function processingOf(root: XmlElement, hasExtension: boolean): string | null {
  const rp = elements(root, 'qti-response-processing')[0];
  if (!rp) return null;
  const template = rp.attrs['template'] ?? rp.attrs['template-location'];
  if (template) {
    const m = TEMPLATE_NAME.exec(template);
    if (!m) throw new Error(`traitement de réponse ${template} non pris en charge (modèles match_correct et map_response seulement)`);
    return m[1]!;
  }
  const inline = inlineTemplate(rp);
  if (inline) return inline;
  if (hasExtension) return 'pix';
  throw new Error('traitement de réponse personnalisé non pris en charge (modèles standard match_correct et map_response seulement)');
}

/** A response processing as a compact shape: names, SCORE or `*` for other identifiers, numbers. */
function shape(n: XmlElement): string {
  const id = n.attrs['identifier'];
  const kids = elements(n);
  const text = kids.length === 0 ? textOf(n).trim() : '';
  const value = text !== '' && Number.isFinite(Number(text)) ? `=${Number(text)}` : '';
  return `${localName(n.name)}${id ? `[${id === 'SCORE' ? 'SCORE' : '*'}]` : ''}${value}${kids.length ? `(${kids.map(shape).join(',')})` : ''}`;
}
const INLINE_TEMPLATES: Record<string, string> = {
  // What TAO and others write in full instead of naming the template.
  'qti-response-condition(qti-response-if(qti-match(qti-variable[*],qti-correct[*]),qti-set-outcome-value[SCORE](qti-base-value=1)),qti-response-else(qti-set-outcome-value[SCORE](qti-base-value=0)))':
    'match_correct',
  'qti-response-condition(qti-response-if(qti-is-null(qti-variable[*]),qti-set-outcome-value[SCORE](qti-base-value=0)),qti-response-else(qti-set-outcome-value[SCORE](qti-map-response[*])))':
    'map_response',
};
function inlineTemplate(rp: XmlElement): string | null {
  const kids = elements(rp);
  return kids.length === 1 ? (INLINE_TEMPLATES[shape(kids[0]!)] ?? null) : null;
}

const isInteraction = (n: XmlNode) => typeof n !== 'string' && localName(n.name).endsWith('-interaction');
const holdsInteraction = (n: XmlNode): boolean => typeof n !== 'string' && (isInteraction(n) || n.children.some(holdsInteraction));

/** Item body children that make the instruction: without interactions and the blocks holding them, without the illustration. */
function instructionNodes(nodes: XmlNode[]): XmlNode[] {
  return nodes.flatMap((n): XmlNode[] => {
    if (typeof n === 'string') return [n];
    if (n.attrs['class'] === 'pix-illustration' || localName(n.name) === 'qti-rubric-block') return [];
    if (n.attrs['class'] === 'pix-instruction' || n.attrs['class'] === 'instruction') return n.children;
    if (isInteraction(n)) return elements(n, 'qti-prompt');
    if (holdsInteraction(n)) return localName(n.name) === 'div' ? instructionNodes(n.children) : [];
    return [n];
  });
}

/** A template from the blocks holding text entries: their text, `{{name}}` where each entry stands. */
function templateFrom(nodes: XmlNode[], nameOf: (responseId: string) => string): string {
  const lines: string[] = [];
  const walk = (n: XmlNode): string => {
    if (typeof n === 'string') return n.replace(/\s+/g, ' ');
    if (localName(n.name) === 'qti-text-entry-interaction') return `{{${nameOf(n.attrs['response-identifier'] ?? '')}}}`;
    if (localName(n.name) === 'br') return '\n';
    return n.children.map(walk).join('');
  };
  const visit = (list: XmlNode[]) => {
    for (const n of list) {
      if (typeof n === 'string' || !holdsInteraction(n)) continue;
      if (localName(n.name) === 'div' && n.children.some((c) => typeof c !== 'string' && holdsInteraction(c) && !isInteraction(c))) visit(n.children);
      else lines.push(walk(n).trim());
    }
  };
  visit(nodes);
  return lines.join('\n');
}

function mappedValues(decl: XmlElement): string[] {
  const correct = elements(elements(decl, 'qti-correct-response')[0] ?? el('x'), 'qti-value').map((v) => textOf(v).trim());
  const mapping = elements(decl, 'qti-mapping')[0];
  const mapped = mapping
    ? elements(mapping, 'qti-map-entry')
        .filter((e) => Number(e.attrs['mapped-value'] ?? '0') > 0)
        .map((e) => (e.attrs['map-key'] ?? '').trim())
    : [];
  return [...new Set([...correct, ...mapped].filter((v) => v !== ''))];
}

/** The extension's answer when it says the same as the item on what the item says (else the item wins). */
function extensionAnswer(derived: AnswerSpec, ext: AnswerSpec | undefined): AnswerSpec {
  if (!ext || ext.type === undefined) return derived;
  const set = (xs: string[]) => [...new Set(xs)].sort();
  if ((derived.type === 'QCU' || derived.type === 'QCM') && ext.type === derived.type) {
    return sameJson({ ...ext, shuffle: derived.shuffle }, derived) ? ext : derived;
  }
  if (derived.type === 'QROC' && ext.type === 'QROC')
    return sameJson(set(ext.accepted), set(derived.accepted)) ? ext : { ...derived, format: ext.format, tolerances: ext.tolerances };
  if (derived.type === 'QROCM-ind' && (ext.type === 'QROCM-ind' || ext.type === 'QROCM-dep') && ext.fields.length === derived.fields.length) {
    if (ext.type === 'QROCM-dep') return sameJson(set(ext.accepted.flat()), set(derived.fields[0]?.accepted ?? [])) ? ext : derived;
    return ext.fields.every((f, i) => sameJson(set(f.accepted ?? []), set(derived.fields[i]?.accepted ?? []))) ? ext : derived;
  }
  return derived;
}

/**
 * A QTI item → a challenge body (authors given by the caller unless the extension names them), or the
 * reason it is refused. Throws QtiFileError when the file is not a QTI item at all.
 */
export function qtiToChallenge(xml: string, authors: string[], context: { extension?: PixExtension; timer?: number | null } = {}): QtiImport {
  const { root } = readQtiRoot(xml);
  const identifier = root.attrs['identifier'] ?? null;
  const ext = context.extension;
  try {
    if (!identifier) throw new Error('l’item n’a pas d’identifiant');
    const itemBody = one(root, 'qti-item-body', 'item');
    const interactions = findAll(itemBody, (n) => n.endsWith('-interaction'));
    const unsupported = interactions.find((i) => !['qti-choice-interaction', 'qti-text-entry-interaction'].includes(localName(i.name)));
    if (unsupported) throw new Error(`interaction ${localName(unsupported.name)} non prise en charge (choix et saisie de texte seulement)`);
    const choice = interactions.filter((i) => localName(i.name) === 'qti-choice-interaction');
    const entries = interactions.filter((i) => localName(i.name) === 'qti-text-entry-interaction');
    if (interactions.length === 0) throw new Error('aucune interaction dans l’item');
    if (choice.length > 1 || (choice.length === 1 && entries.length > 0))
      throw new Error('une seule interaction de choix, sans saisie de texte, est prise en charge');
    const declarations = new Map(elements(root, 'qti-response-declaration').map((d) => [d.attrs['identifier'] ?? '', d]));
    for (const i of interactions)
      if (!declarations.has(i.attrs['response-identifier'] ?? ''))
        throw new Error(`l’interaction renvoie à la réponse ${i.attrs['response-identifier'] ?? '(absente)'} non déclarée`);
    const processing = processingOf(root, ext !== undefined);
    if (processing === 'pix' && entries.length < 2) throw new Error('traitement de réponse personnalisé non pris en charge');

    const instruction = xhtmlToDoc(instructionNodes(itemBody.children), 'consigne');
    const body = newChallengeBody(choice.length ? 'QCU' : 'QROC', authors);
    body.instruction = instruction;
    const lang = root.attrs['xml:lang'];
    if (lang && /^[a-z]{2}(-[a-z]{2})?$/i.test(lang)) body.locales = [lang.toLowerCase()];
    const illustration = findAll(itemBody, 'div').find((d) => d.attrs['class'] === 'pix-illustration');
    const img = illustration ? findAll(illustration, 'img')[0] : undefined;
    if (img) body.illustration = { url: img.attrs['src'] ?? '', alt: img.attrs['alt'] ?? '' };

    let answer: AnswerSpec;
    if (choice.length) {
      const ch = choice[0]!;
      const decl = declarations.get(ch.attrs['response-identifier']!)!;
      if (processing !== 'match_correct' && processing !== null)
        throw new Error(`traitement de réponse ${processing} inattendu pour un choix (match_correct attendu)`);
      const simple = elements(ch, 'qti-simple-choice');
      if (simple.length < 2) throw new Error('une question à choix doit avoir au moins deux propositions');
      const ids = simple.map((s) => s.attrs['identifier'] ?? '');
      const proposals = simple.map(choiceProposal);
      const correctValues = elements(one(decl, 'qti-correct-response', 'qti-response-declaration'), 'qti-value').map((v) => textOf(v).trim());
      const correct = correctValues.map((v) => {
        const i = ids.indexOf(v);
        if (i < 0) throw new Error(`la bonne réponse ${v} n’est pas une proposition`);
        return i;
      });
      const cardinality = decl.attrs['cardinality'];
      const shuffle = ch.attrs['shuffle'] === 'true';
      if (cardinality === 'single') {
        if (correct.length !== 1) throw new Error('une question à réponse unique doit avoir exactement une bonne réponse');
        answer = { type: 'QCU', proposals, correct: correct[0]!, shuffle };
      } else if (cardinality === 'multiple') {
        answer = { type: 'QCM', proposals, correct: [...new Set(correct)].sort((x, y) => x - y), shuffle };
      } else throw new Error(`cardinalité ${cardinality ?? '(absente)'} non prise en charge pour un choix`);
    } else {
      for (const e of entries) {
        const decl = declarations.get(e.attrs['response-identifier']!)!;
        if (decl.attrs['base-type'] !== 'string' || decl.attrs['cardinality'] !== 'single')
          throw new Error('une saisie de texte doit déclarer une réponse single de type string');
      }
      if (entries.length === 1) {
        // match_correct compares with the correct response only: the mapping's other answers do not count.
        const decl = declarations.get(entries[0]!.attrs['response-identifier']!)!;
        const accepted =
          processing === 'match_correct'
            ? elements(elements(decl, 'qti-correct-response')[0] ?? el('x'), 'qti-value').map((v) => textOf(v).trim())
            : mappedValues(decl);
        answer = { type: 'QROC', accepted, format: 'mots', tolerances: ['T1', 'T2'] };
      } else {
        if (processing === 'match_correct' || processing === 'map_response')
          throw new Error(`le modèle ${processing} ne note qu’une réponse RESPONSE : un item à plusieurs saisies doit noter chacune`);
        const names = new Map<string, string>();
        for (const e of entries) {
          const rid = e.attrs['response-identifier']!;
          let name = rid.replace(/^RESPONSE_/, '').replace(/[^a-zA-Z0-9_]/g, '_');
          if (!/^[a-zA-Z]/.test(name)) name = `r${name}`;
          while ([...names.values()].includes(name)) name = `${name}_`;
          names.set(rid, name);
        }
        const fields: AnswerField[] = entries.map((e) => {
          const rid = e.attrs['response-identifier']!;
          return { name: names.get(rid)!, label: names.get(rid)!, accepted: mappedValues(declarations.get(rid)!) };
        });
        answer = { type: 'QROCM-ind', template: templateFrom(itemBody.children, (rid) => names.get(rid) ?? rid), fields, tolerances: ['T1', 'T2'] };
      }
    }
    body.answer = extensionAnswer(answer, ext?.answer);

    const feedback = elements(root, 'qti-modal-feedback');
    if (feedback.length) {
      const content = feedback.flatMap((f) => {
        const inner = elements(f, 'qti-content-body')[0];
        return (inner ?? f).children;
      });
      body.solutionExplanation = xhtmlToDoc(content, 'solution');
    } else body.solutionExplanation = null;

    if (ext) {
      if (ext.rich?.instruction && sameJson(xhtmlToDoc(roundTripNodes(docToXhtml(ext.rich.instruction)), 'x'), body.instruction))
        body.instruction = ext.rich.instruction;
      if (
        ext.rich?.solutionExplanation &&
        body.solutionExplanation &&
        sameJson(xhtmlToDoc(roundTripNodes(docToXhtml(ext.rich.solutionExplanation)), 'x'), body.solutionExplanation)
      )
        body.solutionExplanation = ext.rich.solutionExplanation;
      body.alternativeInstruction = ext.alternativeInstruction ?? null;
      body.attachments = ext.attachments ?? [];
      body.embed = ext.embed ?? null;
      body.focused = ext.focused === true;
      if (Array.isArray(ext.locales) && ext.locales.length) body.locales = ext.locales;
      if (ext.accessibility) body.accessibility = ext.accessibility;
      if (ext.pedagogy) body.pedagogy = ext.pedagogy;
      if (Array.isArray(ext.authors) && ext.authors.length) body.authors = ext.authors;
    }
    if (context.timer !== undefined) body.timer = context.timer;
    checkAnswer(body.answer);
    return { ok: true, identifier, title: root.attrs['title'] ?? identifier, body, interaction: interactions.map((i) => localName(i.name)).join(', ') };
  } catch (error) {
    return { ok: false, identifier, reason: (error as Error).message };
  }
}

function checkAnswer(answer: AnswerSpec) {
  const a = answer as { format?: string; tolerances?: string[] };
  if (a.format !== undefined && !(ANSWER_FORMATS as readonly string[]).includes(a.format)) throw new Error(`format ${a.format} inconnu`);
  for (const x of a.tolerances ?? []) if (!(TOLERANCES as readonly string[]).includes(x as Tolerance)) throw new Error(`tolérance ${x} inconnue`);
  const problems = validateAnswerSpec(answer);
  if (problems.length) throw new Error(problems[0]!);
}

export type { AnswerFormat };
