/**
 * Markdown-lite ⇄ rich text (tiptap / ProseMirror JSON, StarterKit node and mark names).
 *
 * Markdown-lite (content/README.md): paragraphs separated by a blank line; `**bold**`, `*italic*`,
 * `[text](https://link)`; lines starting with `- ` make a bullet list, lines starting with `1. ` a
 * numbered list; a single newline inside a paragraph is a line break. Nothing else.
 * A backslash before `*`, `[`, `]`, `(`, `)` or `\` keeps that character literal.
 */
import type { RichDoc, RichNode } from './model';

type Mark = NonNullable<RichNode['marks']>[number];

const BULLET_LINE = /^ {0,3}- (.*)$/;
const BARE_BULLET_LINE = /^ {0,3}-$/;
const ORDERED_LINE = /^ {0,3}(\d{1,9})\. (.*)$/;
const ESCAPABLE = new Set(['*', '[', ']', '(', ')', '\\']);

/** Links only to the web, mail, or inside the platform: never `javascript:` and the like. */
export function isSafeHref(href: string): boolean {
  return /^(https?:\/\/|mailto:|\/(?!\/)|#)/i.test(href);
}

// ---------------------------------------------------------------------------------------------
// Inline parsing

function isSpace(ch: string | undefined): boolean {
  return ch === undefined || /\s/.test(ch);
}

/** Index of the `**` that closes a bold opened at `open`, or -1. */
function findBoldClose(s: string, open: number): number {
  let j = s.indexOf('**', open + 3);
  while (j !== -1) {
    // Take the end of a run of stars, so that `***x***` is bold around italic.
    let end = j;
    while (s[end + 2] === '*') end++;
    if (s[j - 1] !== '\\' && !isSpace(s[end - 1])) return end;
    j = s.indexOf('**', end + 2);
  }
  return -1;
}

/** Index of the `*` that closes an italic opened at `open`, skipping over bold spans, or -1. */
function findItalicClose(s: string, open: number): number {
  let j = open + 1;
  while (j < s.length) {
    const ch = s[j];
    if (ch === '\\') {
      j += 2;
      continue;
    }
    if (s.startsWith('**', j) && j > open + 1) {
      const close = findBoldClose(s, j);
      if (close !== -1) {
        j = close + 2;
        continue;
      }
    }
    if (ch === '*' && j > open + 1 && !isSpace(s[j - 1])) return j;
    j++;
  }
  return -1;
}

/** Finds `[label](href)` starting at `open`; returns the parts or null. */
function findLink(s: string, open: number): { label: string; href: string; end: number } | null {
  let depth = 0;
  let j = open;
  for (; j < s.length; j++) {
    const ch = s[j];
    if (ch === '\\') {
      j++;
      continue;
    }
    if (ch === '[') depth++;
    else if (ch === ']') {
      depth--;
      if (depth === 0) break;
    }
  }
  if (j >= s.length || s[j + 1] !== '(') return null;
  const close = s.indexOf(')', j + 2);
  if (close === -1) return null;
  const label = s.slice(open + 1, j);
  const href = s.slice(j + 2, close).trim();
  if (label.length === 0 || href.length === 0 || /\s/.test(href)) return null;
  return { label, href, end: close + 1 };
}

function sameMarks(a: Mark[] | undefined, b: Mark[] | undefined): boolean {
  return JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
}

function pushText(out: RichNode[], text: string, marks: Mark[]): void {
  if (text.length === 0) return;
  const last = out[out.length - 1];
  if (last && last.type === 'text' && sameMarks(last.marks, marks)) {
    last.text = (last.text ?? '') + text;
    return;
  }
  const node: RichNode = { type: 'text', text };
  if (marks.length > 0) node.marks = marks.map((m) => ({ ...m }));
  out.push(node);
}

function parseInline(s: string, marks: Mark[], inLink: boolean, out: RichNode[]): void {
  let buffer = '';
  const flush = () => {
    pushText(out, buffer, marks);
    buffer = '';
  };
  let i = 0;
  while (i < s.length) {
    const ch = s[i] as string;
    const next = s[i + 1];
    if (ch === '\\' && next !== undefined && ESCAPABLE.has(next)) {
      buffer += next;
      i += 2;
      continue;
    }
    if (ch === '*' && next === '*' && !isSpace(s[i + 2])) {
      const close = findBoldClose(s, i);
      if (close !== -1) {
        flush();
        parseInline(s.slice(i + 2, close), [...marks, { type: 'bold' }], inLink, out);
        i = close + 2;
        continue;
      }
    }
    if (ch === '*' && next !== '*' && !isSpace(next)) {
      const close = findItalicClose(s, i);
      if (close !== -1) {
        flush();
        parseInline(s.slice(i + 1, close), [...marks, { type: 'italic' }], inLink, out);
        i = close + 1;
        continue;
      }
    }
    if (ch === '[' && !inLink) {
      const link = findLink(s, i);
      if (link) {
        flush();
        const linkMarks = isSafeHref(link.href) ? [{ type: 'link', attrs: { href: link.href } }, ...marks] : marks;
        parseInline(link.label, linkMarks, true, out);
        i = link.end;
        continue;
      }
    }
    buffer += ch;
    i++;
  }
  flush();
}

/** Inline nodes of one or more lines, with a hardBreak between lines. */
function inlineNodes(lines: string[]): RichNode[] {
  const out: RichNode[] = [];
  lines.forEach((line, index) => {
    if (index > 0) out.push({ type: 'hardBreak' });
    parseInline(line.trim(), [], false, out);
  });
  // No break at the very start or end of a block.
  while (out[0]?.type === 'hardBreak') out.shift();
  while (out[out.length - 1]?.type === 'hardBreak') out.pop();
  return out;
}

function paragraph(lines: string[]): RichNode {
  const content = inlineNodes(lines);
  return content.length > 0 ? { type: 'paragraph', content } : { type: 'paragraph' };
}

// ---------------------------------------------------------------------------------------------
// Block parsing

type OpenBlock = { kind: 'paragraph'; lines: string[] } | { kind: 'bulletList' | 'orderedList'; start: number; items: string[][]; blankSeen: boolean };

function closeBlock(block: OpenBlock): RichNode {
  if (block.kind === 'paragraph') return paragraph(block.lines);
  const node: RichNode = {
    type: block.kind,
    content: block.items.map((lines) => ({ type: 'listItem', content: [paragraph(lines)] })),
  };
  if (block.kind === 'orderedList' && block.start !== 1) node.attrs = { start: block.start };
  return node;
}

/** Markdown-lite text → tiptap/ProseMirror JSON (StarterKit schema). Never throws. */
export function markdownLiteToDoc(text: string): RichDoc {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const blocks: RichNode[] = [];
  let open: OpenBlock | null = null;

  const close = () => {
    if (open) blocks.push(closeBlock(open));
    open = null;
  };

  for (const raw of lines) {
    const line = raw.replace(/\s+$/, '');
    if (line.trim() === '') {
      if (open?.kind === 'paragraph') close();
      else if (open) open.blankSeen = true;
      continue;
    }
    const bullet = BULLET_LINE.exec(line) ?? (BARE_BULLET_LINE.test(line) ? [line, ''] : null);
    const ordered = bullet ? null : ORDERED_LINE.exec(line);
    if (bullet) {
      const current = open as OpenBlock | null;
      if (current?.kind === 'bulletList') {
        current.items.push([bullet[1] ?? '']);
        current.blankSeen = false;
      } else {
        close();
        open = { kind: 'bulletList', start: 1, items: [[bullet[1] ?? '']], blankSeen: false };
      }
      continue;
    }
    if (ordered) {
      const current = open as OpenBlock | null;
      if (current?.kind === 'orderedList') {
        current.items.push([ordered[2] ?? '']);
        current.blankSeen = false;
      } else {
        close();
        open = { kind: 'orderedList', start: Number(ordered[1]), items: [[ordered[2] ?? '']], blankSeen: false };
      }
      continue;
    }
    const current = open as OpenBlock | null;
    if (current && current.kind !== 'paragraph' && !current.blankSeen && /^\s/.test(line)) {
      // An indented line right after a list item continues that item.
      current.items[current.items.length - 1]?.push(line);
      continue;
    }
    if (current?.kind === 'paragraph') {
      current.lines.push(line);
      continue;
    }
    close();
    open = { kind: 'paragraph', lines: [line] };
  }
  close();

  // ProseMirror's doc needs at least one block.
  return { type: 'doc', content: blocks.length > 0 ? blocks : [{ type: 'paragraph' }] };
}

// ---------------------------------------------------------------------------------------------
// Plain text

function isInline(node: RichNode): boolean {
  return node.type === 'text' || node.type === 'hardBreak' || node.type === 'image' || node.type === 'mention';
}

function inlineText(nodes: RichNode[]): string {
  return nodes
    .map((n) => {
      if (n.type === 'text') return n.text ?? '';
      if (n.type === 'hardBreak') return '\n';
      if (n.content) return inlineText(n.content);
      return '';
    })
    .join('');
}

function indent(text: string, prefix: string): string {
  const pad = ' '.repeat(prefix.length);
  return prefix + text.split('\n').join('\n' + pad);
}

function blockText(node: RichNode): string {
  const children = node.content ?? [];
  switch (node.type) {
    case 'text':
      return node.text ?? '';
    case 'hardBreak':
      return '\n';
    case 'horizontalRule':
      return '';
    case 'bulletList':
      return children.map((item) => indent(blockText(item), '- ')).join('\n');
    case 'orderedList': {
      const startAttr = node.attrs?.['start'];
      const start = typeof startAttr === 'number' ? startAttr : 1;
      return children.map((item, i) => indent(blockText(item), `${start + i}. `)).join('\n');
    }
    case 'listItem':
      return children
        .map(blockText)
        .filter((t) => t !== '')
        .join('\n');
    default:
      if (children.length > 0 && children.every(isInline)) return inlineText(children);
      return children
        .map(blockText)
        .filter((t) => t !== '')
        .join('\n\n');
  }
}

/**
 * The text of a document without formatting: blocks separated by a blank line, line breaks kept, list
 * items on their own line with `- ` or `1. `. Used for search, diffs and solution-leak scanning.
 */
export function docToPlainText(doc: RichDoc | RichNode | null | undefined): string {
  if (!doc) return '';
  return blockText(doc as RichNode);
}

/**
 * The text of each text block (paragraph, heading, code block, …) in document order, line breaks as
 * `\n`, empty blocks left out. Link targets are not text and are not included.
 */
export function docTextFragments(doc: RichDoc | RichNode | null | undefined): string[] {
  const out: string[] = [];
  const walk = (node: RichNode) => {
    const children = node.content ?? [];
    if (node.type === 'text') {
      if (node.text) out.push(node.text);
      return;
    }
    if (children.length > 0 && children.every(isInline)) {
      const text = inlineText(children);
      if (text.trim() !== '') out.push(text);
      return;
    }
    children.forEach(walk);
  };
  if (doc) walk(doc as RichNode);
  return out;
}
