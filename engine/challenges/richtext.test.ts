import { describe, expect, it } from 'vitest';
import { getSchema } from '@tiptap/core';
import StarterKit from '@tiptap/starter-kit';
import { docTextFragments, docToPlainText, markdownLiteToDoc } from './richtext';
import type { RichDoc } from './model';

const schema = getSchema([StarterKit]);

/** The editor must be able to open what the importer produced. */
function expectValidForEditor(doc: RichDoc) {
  const node = schema.nodeFromJSON(doc);
  expect(() => node.check()).not.toThrow();
}

describe('markdownLiteToDoc', () => {
  it('splits paragraphs on blank lines and keeps single newlines as line breaks', () => {
    const doc = markdownLiteToDoc('Première ligne\nDeuxième ligne\n\nAutre paragraphe');
    expect(doc).toEqual({
      type: 'doc',
      content: [
        {
          type: 'paragraph',
          content: [{ type: 'text', text: 'Première ligne' }, { type: 'hardBreak' }, { type: 'text', text: 'Deuxième ligne' }],
        },
        { type: 'paragraph', content: [{ type: 'text', text: 'Autre paragraphe' }] },
      ],
    });
    expectValidForEditor(doc);
  });

  it('turns **bold**, *italic* and [links](url) into marks', () => {
    const doc = markdownLiteToDoc('Un mot **important**, un *autre* et [Pix](https://pix.fr).');
    expect(doc.content[0]?.content).toEqual([
      { type: 'text', text: 'Un mot ' },
      { type: 'text', text: 'important', marks: [{ type: 'bold' }] },
      { type: 'text', text: ', un ' },
      { type: 'text', text: 'autre', marks: [{ type: 'italic' }] },
      { type: 'text', text: ' et ' },
      { type: 'text', text: 'Pix', marks: [{ type: 'link', attrs: { href: 'https://pix.fr' } }] },
      { type: 'text', text: '.' },
    ]);
    expectValidForEditor(doc);
  });

  it('nests marks: bold inside a link, italic inside bold, ***both***', () => {
    const doc = markdownLiteToDoc('[voir **ici**](https://a.fr) **très *bien*** ***x***');
    const texts = doc.content[0]?.content ?? [];
    expect(texts).toContainEqual({
      type: 'text',
      text: 'ici',
      marks: [{ type: 'link', attrs: { href: 'https://a.fr' } }, { type: 'bold' }],
    });
    expect(texts).toContainEqual({ type: 'text', text: 'bien', marks: [{ type: 'bold' }, { type: 'italic' }] });
    expect(texts).toContainEqual({ type: 'text', text: 'x', marks: [{ type: 'bold' }, { type: 'italic' }] });
    expectValidForEditor(doc);
  });

  it('leaves lone stars and unsafe links as text', () => {
    const doc = markdownLiteToDoc('2 * 3 * 4 et [clic](javascript:alert(1)) et \\*pas italique\\*');
    expect(JSON.stringify(doc)).not.toContain('"link"');
    expect(JSON.stringify(doc)).not.toContain('"italic"');
    expect(docToPlainText(doc)).toContain('2 * 3 * 4');
    expect(docToPlainText(doc)).toContain('*pas italique*');
    expectValidForEditor(doc);
  });

  it('makes bullet and numbered lists from "- " and "1. " lines', () => {
    const doc = markdownLiteToDoc('Choisissez :\n- un **mot**\n- deux mots\n\n3. trois\n4. quatre');
    expect(doc.content.map((n) => n.type)).toEqual(['paragraph', 'bulletList', 'orderedList']);
    expect(doc.content[1]).toEqual({
      type: 'bulletList',
      content: [
        {
          type: 'listItem',
          content: [
            {
              type: 'paragraph',
              content: [
                { type: 'text', text: 'un ' },
                { type: 'text', text: 'mot', marks: [{ type: 'bold' }] },
              ],
            },
          ],
        },
        { type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'deux mots' }] }] },
      ],
    });
    expect(doc.content[2]?.attrs).toEqual({ start: 3 });
    expectValidForEditor(doc);
  });

  it('keeps a list whole when its items are separated by blank lines', () => {
    const doc = markdownLiteToDoc('- a\n\n- b\n\nFin');
    expect(doc.content.map((n) => n.type)).toEqual(['bulletList', 'paragraph']);
    expect(doc.content[0]?.content).toHaveLength(2);
  });

  it('gives an editor-valid document for empty text and Windows line ends', () => {
    expectValidForEditor(markdownLiteToDoc(''));
    const doc = markdownLiteToDoc('a\r\nb\r\n\r\nc');
    expect(doc.content).toHaveLength(2);
    expectValidForEditor(doc);
  });
});

describe('docToPlainText and docTextFragments', () => {
  it('gives back the readable text without formatting', () => {
    const doc = markdownLiteToDoc('Un **mot** et [un lien](https://x.fr)\nsuite\n\n- a\n- b\n\n2. c\n3. d');
    expect(docToPlainText(doc)).toBe('Un mot et un lien\nsuite\n\n- a\n- b\n\n2. c\n3. d');
    expect(docTextFragments(doc)).toEqual(['Un mot et un lien\nsuite', 'a', 'b', 'c', 'd']);
  });

  it('reads documents made in the editor, with nodes Markdown-lite never produces', () => {
    const doc: RichDoc = {
      type: 'doc',
      content: [
        { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Titre' }] },
        { type: 'blockquote', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Citation' }] }] },
        { type: 'horizontalRule' },
        { type: 'paragraph' },
      ],
    };
    expect(docToPlainText(doc)).toBe('Titre\n\nCitation');
    expect(docTextFragments(doc)).toEqual(['Titre', 'Citation']);
    expect(docToPlainText(null)).toBe('');
  });
});
