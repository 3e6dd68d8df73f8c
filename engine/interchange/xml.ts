/**
 * A small, strict XML reader and careful writer for the QTI items we exchange (no XML library is
 * installed). The reader accepts elements, attributes in single or double quotes, text, the five named
 * entities and numeric character references, comments and the XML declaration; it refuses DOCTYPE,
 * CDATA, processing instructions other than the declaration, unclosed or mismatched tags, and stray `<`
 * or `&`. Namespace prefixes are kept in names; the caller decides what it understands.
 */

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
}
export type XmlNode = XmlElement | string;

export class XmlError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`XML invalide (position ${offset}) : ${message}`);
    this.name = 'XmlError';
  }
}

export function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
export function escapeAttr(s: string): string {
  return escapeText(s).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;').replace(/\r/g, '&#13;');
}

/** Characters XML 1.0 cannot hold at all (dropped when writing). */
const INVALID_XML_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;
export function xmlSafe(s: string): string {
  return s.replace(INVALID_XML_CHARS, '');
}

const NAME = /[A-Za-z_][A-Za-z0-9_.:-]*/y;
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(raw: string, at: number): string {
  return raw.replace(/&([^;&\s]*);?/g, (match, body: string, index: number) => {
    if (!match.endsWith(';')) throw new XmlError('« & » isolé (écrivez &amp;)', at + index);
    if (body in ENTITIES) return ENTITIES[body]!;
    const m = /^#(x[0-9a-fA-F]+|[0-9]+)$/.exec(body);
    if (!m) throw new XmlError(`entité inconnue &${body};`, at + index);
    const code = body[1] === 'x' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
    if (!Number.isFinite(code) || code > 0x10ffff || (code < 0x20 && code !== 9 && code !== 10 && code !== 13))
      throw new XmlError(`caractère interdit &${body};`, at + index);
    return String.fromCodePoint(code);
  });
}

export function parseXml(text: string): XmlElement {
  let i = 0;
  const src = text.replace(/^\uFEFF/, '');
  const skipSpace = () => {
    while (i < src.length && /\s/.test(src[i]!)) i++;
  };
  const readName = (): string => {
    NAME.lastIndex = i;
    const m = NAME.exec(src);
    if (!m) throw new XmlError('nom d’élément ou d’attribut attendu', i);
    i += m[0].length;
    return m[0];
  };
  const skipMisc = (allowDeclaration: boolean) => {
    for (;;) {
      skipSpace();
      if (src.startsWith('<?xml', i) && allowDeclaration) {
        const end = src.indexOf('?>', i);
        if (end < 0) throw new XmlError('déclaration XML non terminée', i);
        i = end + 2;
        allowDeclaration = false;
      } else if (src.startsWith('<!--', i)) {
        const end = src.indexOf('-->', i + 4);
        if (end < 0) throw new XmlError('commentaire non terminé', i);
        i = end + 3;
      } else if (src.startsWith('<!', i) || src.startsWith('<?', i)) {
        throw new XmlError('DOCTYPE, CDATA et instructions de traitement ne sont pas acceptés', i);
      } else return;
    }
  };
  const readElement = (depth: number): XmlElement => {
    if (depth > 200) throw new XmlError('imbrication trop profonde', i);
    if (src[i] !== '<') throw new XmlError('« < » attendu', i);
    i++;
    const name = readName();
    const attrs: Record<string, string> = {};
    for (;;) {
      const before = i;
      skipSpace();
      if (src.startsWith('/>', i)) {
        i += 2;
        return { name, attrs, children: [] };
      }
      if (src[i] === '>') {
        i++;
        break;
      }
      if (i === before) throw new XmlError(`espace attendu dans <${name}>`, i);
      const attr = readName();
      skipSpace();
      if (src[i] !== '=') throw new XmlError(`« = » attendu après l’attribut ${attr}`, i);
      i++;
      skipSpace();
      const quote = src[i];
      if (quote !== '"' && quote !== "'") throw new XmlError(`valeur entre guillemets attendue pour ${attr}`, i);
      const end = src.indexOf(quote, i + 1);
      if (end < 0) throw new XmlError(`valeur de ${attr} non terminée`, i);
      const raw = src.slice(i + 1, end);
      if (raw.includes('<')) throw new XmlError(`« < » dans la valeur de ${attr}`, i);
      if (attr in attrs) throw new XmlError(`attribut ${attr} en double`, i);
      attrs[attr] = decodeEntities(raw, i + 1);
      i = end + 1;
    }
    const children: XmlNode[] = [];
    for (;;) {
      if (i >= src.length) throw new XmlError(`élément <${name}> non fermé`, i);
      if (src.startsWith('</', i)) {
        i += 2;
        const close = readName();
        if (close !== name) throw new XmlError(`</${close}> ferme <${name}>`, i);
        skipSpace();
        if (src[i] !== '>') throw new XmlError('« > » attendu', i);
        i++;
        return { name, attrs, children };
      }
      if (src.startsWith('<!--', i)) {
        const end = src.indexOf('-->', i + 4);
        if (end < 0) throw new XmlError('commentaire non terminé', i);
        i = end + 3;
        continue;
      }
      if (src.startsWith('<!', i) || src.startsWith('<?', i)) throw new XmlError('CDATA et instructions de traitement ne sont pas acceptés', i);
      if (src[i] === '<') {
        children.push(readElement(depth + 1));
        continue;
      }
      const next = src.indexOf('<', i);
      const end = next < 0 ? src.length : next;
      const raw = src.slice(i, end);
      if (raw.includes('>') && raw.includes(']]>')) throw new XmlError('« ]]> » dans du texte', i);
      const decoded = decodeEntities(raw, i);
      const last = children[children.length - 1];
      if (typeof last === 'string') children[children.length - 1] = last + decoded;
      else children.push(decoded);
      i = end;
    }
  };
  skipMisc(true);
  const root = readElement(0);
  skipMisc(false);
  if (i < src.length) throw new XmlError('contenu après l’élément racine', i);
  return root;
}

export function elements(node: XmlElement, name?: string): XmlElement[] {
  return node.children.filter((c): c is XmlElement => typeof c !== 'string' && (name === undefined || c.name === name));
}
export function textOf(node: XmlNode): string {
  return typeof node === 'string' ? node : node.children.map(textOf).join('');
}
