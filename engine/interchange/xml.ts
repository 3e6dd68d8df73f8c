/**
 * XML for the interchange formats, read and written with fast-xml-parser (decision 018).
 *
 * Reading is strict: the text must be well-formed (the library's validator), a DOCTYPE or an entity
 * declaration is refused before anything is expanded (no XML bomb, no external entity), and only the five
 * XML entities and numeric character references are accepted. The result is a small ordered tree
 * (`XmlElement`): names keep their namespace prefix, `xmlns` declarations stay in the attributes, CDATA
 * becomes text. Writing goes from the same tree to text with the library's builder, which escapes text and
 * attribute values.
 */
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
}
export type XmlNode = XmlElement | string;

export class XmlError extends Error {
  constructor(message: string, line?: number) {
    super(`XML invalide${line ? ` (ligne ${line})` : ''} : ${message}`);
    this.name = 'XmlError';
  }
}

/** Characters XML 1.0 cannot hold at all (dropped when writing). */
const INVALID_XML_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;
export function xmlSafe(s: string): string {
  return s.replace(INVALID_XML_CHARS, '');
}

const XML_ENTITIES = new Set(['lt', 'gt', 'amp', 'quot', 'apos']);
/** Above this many elements a document is refused (items and manifests are far smaller). */
const MAX_ELEMENTS = 50_000;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
  // Decodes numeric character references; named HTML entities never reach it (refused below).
  htmlEntities: true,
  cdataPropName: '#cdata',
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: 200,
});

const builder = new XMLBuilder({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  suppressEmptyNode: true,
  processEntities: true,
});

function lineAt(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

type Ordered = Record<string, unknown>;

function toTree(nodes: Ordered[], count: { n: number }): XmlNode[] {
  const out: XmlNode[] = [];
  const pushText = (s: string) => {
    const last = out[out.length - 1];
    if (typeof last === 'string') out[out.length - 1] = last + s;
    else out.push(s);
  };
  for (const node of nodes) {
    if ('#text' in node) {
      pushText(String(node['#text']));
      continue;
    }
    if ('#cdata' in node) {
      for (const c of node['#cdata'] as Ordered[]) if ('#text' in c) pushText(String(c['#text']));
      continue;
    }
    const name = Object.keys(node).find((k) => k !== ':@');
    if (name === undefined || name.startsWith('?') || name === '#comment') continue;
    if (++count.n > MAX_ELEMENTS) throw new XmlError(`plus de ${MAX_ELEMENTS} éléments`);
    const attrs: Record<string, string> = {};
    const raw = (node[':@'] ?? {}) as Record<string, unknown>;
    for (const [k, v] of Object.entries(raw)) attrs[k] = String(v);
    out.push({ name, attrs, children: toTree((node[name] ?? []) as Ordered[], count) });
  }
  return out;
}

/** The root element of an XML document, or an XmlError saying what is wrong. */
export function parseXml(text: string): XmlElement {
  const src = text.replace(/^\uFEFF/, '');
  const doctype = /<!(DOCTYPE|ENTITY)/i.exec(src);
  if (doctype) throw new XmlError('les déclarations DOCTYPE et ENTITY ne sont pas acceptées', lineAt(src, doctype.index));
  // Only the XML entities and character references: a named entity would need a DTD.
  for (const m of src.matchAll(/&([^;&\s<]*);?/g)) {
    const body = m[1] ?? '';
    if (!m[0].endsWith(';')) throw new XmlError('« & » isolé (écrivez &amp;)', lineAt(src, m.index));
    if (!XML_ENTITIES.has(body) && !/^#(x[0-9a-fA-F]+|[0-9]+)$/.test(body)) throw new XmlError(`entité inconnue &${body};`, lineAt(src, m.index));
  }
  const valid = XMLValidator.validate(src);
  if (valid !== true) throw new XmlError(valid.err.msg, valid.err.line);
  let parsed: Ordered[];
  try {
    parsed = parser.parse(src) as Ordered[];
  } catch (error) {
    throw new XmlError((error as Error).message);
  }
  const roots = toTree(parsed, { n: 0 }).filter((n): n is XmlElement => typeof n !== 'string');
  if (roots.length !== 1) throw new XmlError(roots.length === 0 ? 'aucun élément racine' : 'plusieurs éléments racines');
  return roots[0]!;
}

function toOrdered(node: XmlNode): Ordered {
  if (typeof node === 'string') return { '#text': xmlSafe(node) };
  const out: Ordered = { [node.name]: node.children.map(toOrdered) };
  const attrs = Object.entries(node.attrs);
  if (attrs.length) out[':@'] = Object.fromEntries(attrs.map(([k, v]) => [k, xmlSafe(v)]));
  return out;
}

/** An XML document with its declaration. */
export function writeXml(root: XmlElement): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build([toOrdered(root)]) as string}\n`;
}

/** Builds an element: `el('p', { class: 'x' }, 'text', el('br'))`. */
export function el(
  name: string,
  attrs: Record<string, string | number | boolean | undefined> = {},
  ...children: (XmlNode | XmlNode[] | null | undefined)[]
): XmlElement {
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) clean[k] = String(v);
  return { name, attrs: clean, children: children.flat().filter((c): c is XmlNode => c !== null && c !== undefined && c !== '') };
}

/** The local part of a name (`imscp:file` → `file`). */
export function localName(name: string): string {
  return name.slice(name.indexOf(':') + 1);
}

export function elements(node: XmlElement, name?: string): XmlElement[] {
  return node.children.filter((c): c is XmlElement => typeof c !== 'string' && (name === undefined || localName(c.name) === name));
}
export function textOf(node: XmlNode): string {
  return typeof node === 'string' ? node : node.children.map(textOf).join('');
}

/** Every descendant element whose local name passes the test, in document order. */
export function findAll(node: XmlElement, match: string | ((name: string) => boolean)): XmlElement[] {
  const out: XmlElement[] = [];
  const test = typeof match === 'string' ? (n: string) => n === match : match;
  const walk = (n: XmlElement) => {
    for (const c of n.children) {
      if (typeof c === 'string') continue;
      if (test(localName(c.name))) out.push(c);
      walk(c);
    }
  };
  walk(node);
  return out;
}
