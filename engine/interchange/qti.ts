/**
 * QTI 3.0 items for QCU, QCM (choice interaction) and QROC (text-entry interaction).
 *
 * Export: a `qti-assessment-item` with its response declaration (correct response; for QROC a mapping
 * with every accepted answer, compared without case), the instruction as XHTML in `qti-item-body`
 * (paragraphs, lists, bold, italic, links, images with alt, line breaks), the interaction, and
 * response processing by the standard templates (match_correct, map_response for QROC). What QTI does
 * not say is carried in `data-pix-*` attributes that other tools ignore: QROC format and tolerances,
 * a QROC template's text around the input.
 * Import: the same subset, strictly; anything else is refused with a reason.
 */
import { ANSWER_FORMATS, TOLERANCES, type AnswerFormat, type ChallengeBody, type RichDoc, type RichNode, type Tolerance } from '../challenges/model';
import { newChallengeBody, sanitizeDoc } from '../challenges/body';
import { validateAnswerSpec } from '../challenges/check';
import { elements, escapeAttr, escapeText, parseXml, textOf, xmlSafe, XmlError, type XmlElement, type XmlNode } from './xml';

export const QTI_NAMESPACE = 'http://www.imsglobal.org/spec/qti/v3p0/ns';
const MATCH_CORRECT = 'https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct.xml';
const MAP_RESPONSE = 'https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/map_response.xml';

// =============================================================================================
// Rich text ↔ XHTML

const t = (s: string) => escapeText(xmlSafe(s));
const a = (s: string) => escapeAttr(xmlSafe(s));

function inlineXml(nodes: RichNode[] = []): string {
  return nodes
    .map((n) => {
      if (n.type === 'hardBreak') return '<br/>';
      if (n.type === 'image') return `<img src="${a(String(n.attrs?.['src'] ?? ''))}" alt="${a(String(n.attrs?.['alt'] ?? ''))}"/>`;
      if (n.type !== 'text') return inlineXml(n.content);
      let out = t(n.text ?? '');
      const marks = n.marks ?? [];
      if (marks.some((m) => m.type === 'bold')) out = `<strong>${out}</strong>`;
      if (marks.some((m) => m.type === 'italic')) out = `<em>${out}</em>`;
      const link = marks.find((m) => m.type === 'link');
      if (link) out = `<a href="${a(String(link.attrs?.['href'] ?? ''))}">${out}</a>`;
      return out;
    })
    .join('');
}

function blockXml(node: RichNode): string {
  switch (node.type) {
    case 'paragraph':
      return `<p>${inlineXml(node.content)}</p>`;
    case 'bulletList':
      return `<ul>${(node.content ?? []).map(blockXml).join('')}</ul>`;
    case 'orderedList': {
      const start = node.attrs?.['start'];
      return `<ol${typeof start === 'number' && start !== 1 ? ` start="${start}"` : ''}>${(node.content ?? []).map(blockXml).join('')}</ol>`;
    }
    case 'listItem':
      return `<li>${(node.content ?? []).map(blockXml).join('')}</li>`;
    default:
      return (node.content ?? []).map(blockXml).join('');
  }
}

export function docToXhtml(doc: RichDoc): string {
  return doc.content.map(blockXml).join('');
}

type Mark = NonNullable<RichNode['marks']>[number];

function xhtmlInline(nodes: XmlNode[], marks: Mark[], path: string): RichNode[] {
  const out: RichNode[] = [];
  for (const n of nodes) {
    if (typeof n === 'string') {
      const text = n.replace(/\s+/g, ' ');
      if (text !== '') out.push(marks.length ? { type: 'text', text, marks: marks.map((m) => ({ ...m })) } : { type: 'text', text });
      continue;
    }
    switch (n.name) {
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

function xhtmlBlocks(nodes: XmlNode[], path: string): RichNode[] {
  const out: RichNode[] = [];
  for (const n of nodes) {
    if (typeof n === 'string') {
      if (n.trim() !== '') out.push({ type: 'paragraph', content: trimInline(xhtmlInline([n], [], path)) });
      continue;
    }
    if (n.name === 'p' || n.name === 'div') {
      const content = trimInline(xhtmlInline(n.children, [], path));
      out.push(content.length ? { type: 'paragraph', content } : { type: 'paragraph' });
    } else if (n.name === 'ul' || n.name === 'ol') {
      const items = elements(n, 'li').map((li) => {
        const hasBlocks = li.children.some((c) => typeof c !== 'string' && ['p', 'ul', 'ol', 'div'].includes(c.name));
        const content = hasBlocks ? xhtmlBlocks(li.children, path) : [{ type: 'paragraph', content: trimInline(xhtmlInline(li.children, [], path)) }];
        return { type: 'listItem', content };
      });
      const node: RichNode = { type: n.name === 'ul' ? 'bulletList' : 'orderedList', content: items };
      const start = Number(n.attrs['start']);
      if (n.name === 'ol' && Number.isInteger(start) && start > 1) node.attrs = { start };
      out.push(node);
    } else {
      const inline = trimInline(xhtmlInline([n], [], path));
      if (inline.length) out.push({ type: 'paragraph', content: inline });
    }
  }
  return out;
}

// =============================================================================================
// Export

function qtiIdentifier(key: string): string {
  const id = key.replace(/[^A-Za-z0-9_.-]/g, '_');
  return /^[A-Za-z_]/.test(id) ? id : `_${id}`;
}

/** The QTI 3.0 item of a QCU, QCM or QROC; null for the other types (QTI export not offered). */
export function challengeToQti(key: string, body: ChallengeBody, title = key): string | null {
  const ans = body.answer;
  if (ans.type !== 'QCU' && ans.type !== 'QCM' && ans.type !== 'QROC') return null;
  const lang = (body.locales[0] ?? 'fr-fr').replace(/-(\w+)$/, (_, r: string) => `-${r.toUpperCase()}`);
  const lines: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<qti-assessment-item xmlns="${QTI_NAMESPACE}" identifier="${a(qtiIdentifier(key))}" title="${a(title)}" adaptive="false" time-dependent="false" xml:lang="${a(lang)}">`,
  ];
  if (ans.type === 'QROC') {
    lines.push('  <qti-response-declaration identifier="RESPONSE" cardinality="single" base-type="string">');
    lines.push(`    <qti-correct-response><qti-value>${t(ans.accepted[0] ?? '')}</qti-value></qti-correct-response>`);
    lines.push('    <qti-mapping default-value="0">');
    for (const v of ans.accepted) lines.push(`      <qti-map-entry map-key="${a(v)}" mapped-value="1" case-sensitive="false"/>`);
    lines.push('    </qti-mapping>');
    lines.push('  </qti-response-declaration>');
  } else {
    const correct = ans.type === 'QCU' ? [ans.correct] : ans.correct;
    lines.push(`  <qti-response-declaration identifier="RESPONSE" cardinality="${ans.type === 'QCU' ? 'single' : 'multiple'}" base-type="identifier">`);
    lines.push(`    <qti-correct-response>${correct.map((i) => `<qti-value>CHOICE_${i + 1}</qti-value>`).join('')}</qti-correct-response>`);
    lines.push('  </qti-response-declaration>');
  }
  lines.push('  <qti-outcome-declaration identifier="SCORE" cardinality="single" base-type="float"/>');
  lines.push('  <qti-item-body>');
  lines.push(`    <div class="instruction">${docToXhtml(body.instruction)}</div>`);
  if (ans.type === 'QROC') {
    const template = ans.template ?? '';
    const [before, after] = template.includes('{{answer}}') ? template.split('{{answer}}', 2) : ['', ''];
    const tmpl = ans.template !== undefined ? ` data-pix-template="${a(ans.template)}"` : '';
    lines.push(
      `    <p>${t(before ?? '')}<qti-text-entry-interaction response-identifier="RESPONSE" data-pix-format="${ans.format}" data-pix-tolerances="${ans.tolerances.join(' ')}"${tmpl}/>${t(after ?? '')}</p>`,
    );
  } else {
    lines.push(
      `    <qti-choice-interaction response-identifier="RESPONSE" shuffle="${ans.shuffle}" max-choices="${ans.type === 'QCU' ? 1 : 0}"${ans.type === 'QCM' ? ' min-choices="1"' : ''}>`,
    );
    ans.proposals.forEach((p, i) => lines.push(`      <qti-simple-choice identifier="CHOICE_${i + 1}">${t(p)}</qti-simple-choice>`));
    lines.push('    </qti-choice-interaction>');
  }
  lines.push('  </qti-item-body>');
  lines.push(`  <qti-response-processing template="${ans.type === 'QROC' ? MAP_RESPONSE : MATCH_CORRECT}"/>`);
  lines.push('</qti-assessment-item>');
  return lines.join('\n') + '\n';
}

// =============================================================================================
// Import

export type QtiImport = { ok: true; identifier: string; title: string; body: ChallengeBody } | { ok: false; identifier: string | null; reason: string };

function one(parent: XmlElement, name: string, path: string): XmlElement {
  const found = elements(parent, name);
  if (found.length !== 1) throw new Error(`${path} : il faut exactement un <${name}> (trouvé ${found.length})`);
  return found[0]!;
}

/** A QTI 3.0 item → a challenge body (authors given by the caller), or the reason it is refused. */
export function qtiToChallenge(xml: string, authors: string[]): QtiImport {
  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch (error) {
    return { ok: false, identifier: null, reason: error instanceof XmlError ? error.message : String(error) };
  }
  const identifier = root.attrs['identifier'] ?? null;
  try {
    if (root.name !== 'qti-assessment-item') throw new Error(`l’élément racine doit être <qti-assessment-item> (trouvé <${root.name}>)`);
    if (root.attrs['xmlns'] && root.attrs['xmlns'] !== QTI_NAMESPACE)
      throw new Error(`espace de noms ${root.attrs['xmlns']} : seul QTI 3.0 (${QTI_NAMESPACE}) est accepté`);
    if (!identifier) throw new Error('l’item n’a pas d’identifiant');
    const declarations = elements(root, 'qti-response-declaration');
    if (declarations.length !== 1) throw new Error(`une seule réponse est prise en charge (trouvé ${declarations.length} qti-response-declaration)`);
    const decl = declarations[0]!;
    const responseId = decl.attrs['identifier'];
    const correctValues = elements(one(decl, 'qti-correct-response', 'qti-response-declaration'), 'qti-value').map((v) => textOf(v).trim());
    const itemBody = one(root, 'qti-item-body', 'item');
    const choice = findAll(itemBody, 'qti-choice-interaction');
    const entry = findAll(itemBody, 'qti-text-entry-interaction');
    if (choice.length + entry.length !== 1) throw new Error('il faut exactement une interaction (qti-choice-interaction ou qti-text-entry-interaction)');
    const others = findAll(
      itemBody,
      (n) => n.startsWith('qti-') && n.endsWith('-interaction') && n !== 'qti-choice-interaction' && n !== 'qti-text-entry-interaction',
    );
    if (others.length) throw new Error(`interaction ${others[0]!.name} non prise en charge (QCU, QCM et QROC seulement)`);
    const interaction = (choice[0] ?? entry[0])!;
    if (interaction.attrs['response-identifier'] !== responseId) throw new Error('l’interaction ne renvoie pas à la réponse déclarée');

    // The instruction: the item body without the interaction (and the paragraph that holds a text entry).
    const instructionNodes = stripInteraction(itemBody.children);
    const instructionBlocks = xhtmlBlocks(unwrapInstruction(instructionNodes), 'consigne');
    const instruction = sanitizeDoc({ type: 'doc', content: instructionBlocks });
    const body = newChallengeBody(choice.length ? 'QCU' : 'QROC', authors);
    body.instruction = instruction;
    const lang = root.attrs['xml:lang'];
    if (lang && /^[a-z]{2}(-[a-z]{2})?$/i.test(lang)) body.locales = [lang.toLowerCase()];

    if (choice.length) {
      const ch = choice[0]!;
      const simple = elements(ch, 'qti-simple-choice');
      if (simple.length < 2) throw new Error('une question à choix doit avoir au moins deux propositions');
      const ids = simple.map((s) => s.attrs['identifier'] ?? '');
      const proposals = simple.map((s) => textOf(s).replace(/\s+/g, ' ').trim());
      const correct = correctValues.map((v) => {
        const i = ids.indexOf(v);
        if (i < 0) throw new Error(`la bonne réponse ${v} n’est pas une proposition`);
        return i;
      });
      const cardinality = decl.attrs['cardinality'];
      const shuffle = ch.attrs['shuffle'] === 'true';
      if (cardinality === 'single') {
        if (correct.length !== 1) throw new Error('une question à réponse unique doit avoir exactement une bonne réponse');
        body.answer = { type: 'QCU', proposals, correct: correct[0]!, shuffle };
      } else if (cardinality === 'multiple') {
        body.answer = { type: 'QCM', proposals, correct: [...new Set(correct)].sort((x, y) => x - y), shuffle };
      } else throw new Error(`cardinalité ${cardinality ?? '(absente)'} non prise en charge pour un choix`);
    } else {
      if (decl.attrs['base-type'] !== 'string' || decl.attrs['cardinality'] !== 'single')
        throw new Error('une saisie de texte doit déclarer une réponse single de type string');
      const mapping = elements(decl, 'qti-mapping')[0];
      const mapped = mapping
        ? elements(mapping, 'qti-map-entry')
            .filter((e) => Number(e.attrs['mapped-value'] ?? '0') > 0)
            .map((e) => e.attrs['map-key'] ?? '')
        : [];
      const accepted = [...new Set([...correctValues, ...mapped].map((v) => v.trim()).filter((v) => v !== ''))];
      const e = entry[0]!;
      const format = (e.attrs['data-pix-format'] ?? 'mots') as AnswerFormat;
      if (!(ANSWER_FORMATS as readonly string[]).includes(format)) throw new Error(`format ${format} inconnu`);
      const tolerancesAttr = e.attrs['data-pix-tolerances'];
      const tolerances = (tolerancesAttr === undefined ? ['T1', 'T2'] : tolerancesAttr.split(/\s+/).filter(Boolean)) as Tolerance[];
      for (const x of tolerances) if (!(TOLERANCES as readonly string[]).includes(x)) throw new Error(`tolérance ${x} inconnue`);
      const template = e.attrs['data-pix-template'];
      body.answer = { type: 'QROC', accepted, format, tolerances, ...(template !== undefined ? { template } : {}) };
    }
    const problems = validateAnswerSpec(body.answer);
    if (problems.length) throw new Error(problems[0]!);
    return { ok: true, identifier, title: root.attrs['title'] ?? identifier, body };
  } catch (error) {
    return { ok: false, identifier, reason: (error as Error).message };
  }
}

function findAll(node: XmlElement, match: string | ((name: string) => boolean)): XmlElement[] {
  const out: XmlElement[] = [];
  const test = typeof match === 'string' ? (n: string) => n === match : match;
  const walk = (n: XmlElement) => {
    for (const c of n.children) {
      if (typeof c === 'string') continue;
      if (test(c.name)) out.push(c);
      walk(c);
    }
  };
  walk(node);
  return out;
}

const isInteraction = (n: XmlNode) => typeof n !== 'string' && n.name.endsWith('-interaction');

/** Item body children without the interaction, and without a paragraph that holds one. */
function stripInteraction(nodes: XmlNode[]): XmlNode[] {
  return nodes.filter((n) => !isInteraction(n) && !(typeof n !== 'string' && n.children.some(isInteraction)));
}

/** Our export wraps the instruction in <div class="instruction">; others write blocks directly. */
function unwrapInstruction(nodes: XmlNode[]): XmlNode[] {
  return nodes.flatMap((n) =>
    typeof n !== 'string' && n.name === 'div' && n.attrs['class'] === 'instruction'
      ? n.children
      : typeof n !== 'string' && n.name === 'qti-prompt'
        ? [{ ...n, name: 'p' }]
        : [n],
  );
}
