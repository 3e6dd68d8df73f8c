import { describe, expect, it } from 'vitest';
import { defaultAnswerSpec, isEmptyDoc, newChallengeBody, sanitizeDoc, validateChallengeBody } from './body';
import { markdownLiteToDoc } from './richtext';
import type { ChallengeBody, RichDoc } from './model';

function body(overrides: Partial<ChallengeBody> = {}): ChallengeBody {
  return {
    ...newChallengeBody('QROC', ['Camille']),
    instruction: markdownLiteToDoc('Quelle boisson ?'),
    answer: { type: 'QROC', accepted: ['café'], format: 'mots', tolerances: ['T1'] },
    ...overrides,
  };
}

describe('sanitising rich text', () => {
  it('keeps paragraphs, lists, bold, italic, safe links and images', () => {
    const doc = markdownLiteToDoc('**Gras** et *italique* [lien](https://pix.fr)\n\n- un\n- deux\n\n3. trois');
    expect(sanitizeDoc(doc)).toEqual(doc);
  });

  it('drops script-like links, unknown marks and attributes, and unwraps unknown nodes', () => {
    const dirty = {
      type: 'doc',
      content: [
        { type: 'heading', attrs: { level: 1, onclick: 'alert(1)' }, content: [{ type: 'text', text: 'Titre', marks: [{ type: 'highlight' }] }] },
        {
          type: 'paragraph',
          attrs: { style: 'color:red' },
          content: [
            { type: 'text', text: 'clic', marks: [{ type: 'link', attrs: { href: 'javascript:alert(1)', target: '_blank' } }] },
            { type: 'image', attrs: { src: 'https://exemple.fr/a.png', alt: 'A', onerror: 'alert(1)' } },
          ],
        },
        { type: 'blockquote', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'cité' }] }] },
        { type: 'iframe', attrs: { src: 'https://evil' } },
      ],
    };
    expect(sanitizeDoc(dirty)).toEqual({
      type: 'doc',
      content: [
        { type: 'paragraph', content: [{ type: 'text', text: 'Titre' }] },
        {
          type: 'paragraph',
          content: [
            { type: 'text', text: 'clic' },
            { type: 'image', attrs: { src: 'https://exemple.fr/a.png', alt: 'A' } },
          ],
        },
        { type: 'paragraph', content: [{ type: 'text', text: 'cité' }] },
      ],
    });
  });

  it('always returns a document with at least one block', () => {
    expect(sanitizeDoc(null)).toEqual({ type: 'doc', content: [{ type: 'paragraph' }] });
    expect(isEmptyDoc(sanitizeDoc({ type: 'doc', content: [] }))).toBe(true);
  });
});

describe('checking a body before saving', () => {
  it('accepts a complete QROC', () => {
    expect(validateChallengeBody(body())).toEqual({});
  });

  it('refuses an image without alternative text, in French, on the instruction', () => {
    const instruction: RichDoc = {
      type: 'doc',
      content: [
        {
          type: 'paragraph',
          content: [
            { type: 'text', text: 'Regardez : ' },
            { type: 'image', attrs: { src: 'https://exemple.fr/cadenas.png', alt: ' ' } },
          ],
        },
      ],
    };
    const errors = validateChallengeBody(body({ instruction }));
    expect(Object.keys(errors)).toEqual(['instruction']);
    expect(errors['instruction']![0]).toMatch(/image n’a pas de texte alternatif/);
  });

  it('puts answer-spec problems on their field', () => {
    expect(validateChallengeBody(body({ answer: { type: 'QROC', accepted: [], format: 'mots', tolerances: ['T1'] } }))).toEqual({
      'answer.accepted': ['Réponse : il faut au moins une réponse acceptée.'],
    });
    const qcu = validateChallengeBody(body({ answer: { type: 'QCU', proposals: ['oui', ''], correct: 3, shuffle: false } }));
    expect(Object.keys(qcu).sort()).toEqual(['answer.correct', 'answer.proposals.1']);
    const qrocm = validateChallengeBody(
      body({ answer: { type: 'QROCM-ind', template: '{{a}}', fields: [{ name: 'a', label: 'A', accepted: [] }], tolerances: [] } }),
    );
    expect(qrocm['answer.fields.a']?.[0]).toMatch(/au moins une réponse acceptée/);
  });

  it('checks the illustration, the embedded page, the timer, the languages and the authors', () => {
    const errors = validateChallengeBody(
      body({
        illustration: { url: 'http://exemple.fr/a.png', alt: '' },
        embed: { url: 'http://exemple.fr', title: '', height: 20 },
        timer: 0,
        locales: [],
        authors: [' '],
      }),
    );
    expect(Object.keys(errors).sort()).toEqual([
      'authors',
      'embed.height',
      'embed.title',
      'embed.url',
      'illustration.alt',
      'illustration.url',
      'locales',
      'timer',
    ]);
    expect(errors['embed.url']![0]).toMatch(/https:\/\//);
    expect(validateChallengeBody(body({ embed: { url: 'https://exemple.fr/simulateur', title: 'Simulateur', height: 600 } }))).toEqual({});
  });

  it('refuses an empty instruction', () => {
    expect(validateChallengeBody(body({ instruction: { type: 'doc', content: [{ type: 'paragraph' }] } }))['instruction']).toHaveLength(1);
  });
});

describe('starting bodies', () => {
  it('keeps proposals when switching between QCU and QCM', () => {
    const qcu = { type: 'QCU' as const, proposals: ['a', 'b', 'c'], correct: 2, shuffle: false };
    expect(defaultAnswerSpec('QCM', qcu)).toEqual({ type: 'QCM', proposals: ['a', 'b', 'c'], correct: [2], shuffle: false });
    expect(defaultAnswerSpec('QROC', qcu)).toMatchObject({ type: 'QROC', accepted: [] });
  });
});
