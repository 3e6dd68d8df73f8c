import { describe, expect, it } from 'vitest';
import { bodyFields, diffBodies, diffWords, tokenize } from './diff';
import { markdownLiteToDoc } from './richtext';
import { newChallengeBody } from './body';
import type { ChallengeBody } from './model';

/** Both sides of a diff, rebuilt from its parts. */
function sides(parts: ReturnType<typeof diffWords>) {
  return {
    before: parts
      .filter((p) => p.op !== 'insert')
      .map((p) => p.text)
      .join(''),
    after: parts
      .filter((p) => p.op !== 'delete')
      .map((p) => p.text)
      .join(''),
  };
}

describe('word diff', () => {
  it('splits words, spaces and punctuation, keeping apostrophes inside words', () => {
    expect(tokenize("L'adresse, c'est ça.")).toEqual(["L'adresse", ',', ' ', "c'est", ' ', 'ça', '.']);
  });

  it('shows a changed word as removed then added, the rest unchanged', () => {
    const parts = diffWords('Quel est le port du protocole HTTPS ?', 'Quel est le port par défaut du protocole HTTPS ?');
    expect(parts).toEqual([
      { op: 'equal', text: 'Quel est le port ' },
      { op: 'insert', text: 'par défaut ' },
      { op: 'equal', text: 'du protocole HTTPS ?' },
    ]);
  });

  it('groups a replaced phrase into one removal and one addition', () => {
    const parts = diffWords('un mot de passe très court', 'un mot de passe assez long');
    expect(parts).toEqual([
      { op: 'equal', text: 'un mot de passe ' },
      { op: 'delete', text: 'très court' },
      { op: 'insert', text: 'assez long' },
    ]);
    // A word both have stays in place.
    expect(diffWords('court et simple', 'long et unique')).toEqual([
      { op: 'delete', text: 'court' },
      { op: 'insert', text: 'long' },
      { op: 'equal', text: ' et ' },
      { op: 'delete', text: 'simple' },
      { op: 'insert', text: 'unique' },
    ]);
  });

  it('always rebuilds both texts exactly', () => {
    const pairs = [
      ['', 'tout nouveau'],
      ['tout supprimé', ''],
      ['a b c d e', 'a c e f'],
      ['Les cookies : traceurs.\n\n- un\n- deux', 'Les cookies tiers : traceurs !\n\n- un\n- trois\n- deux'],
      ['identique', 'identique'],
    ] as const;
    for (const [a, b] of pairs) {
      const parts = diffWords(a, b);
      expect(sides(parts)).toEqual({ before: a, after: b });
      expect(parts.every((p) => p.text !== '')).toBe(true);
    }
    expect(diffWords('même texte', 'même texte')).toEqual([{ op: 'equal', text: 'même texte' }]);
  });

  it('stays correct (if coarse) on very long texts', () => {
    const a = Array.from({ length: 3000 }, (_, i) => `mot${i}`).join(' ');
    const b = Array.from({ length: 3000 }, (_, i) => `mot${(i * 7) % 3001}`).join(' ');
    expect(sides(diffWords(a, b))).toEqual({ before: a, after: b });
  });
});

function qcu(): ChallengeBody {
  return {
    ...newChallengeBody('QCU', ['Camille']),
    instruction: markdownLiteToDoc('Quelle requête saisir ?'),
    answer: { type: 'QCU', proposals: ['piscine', 'horaires piscine Villeurbanne', 'ouverture'], correct: 1, shuffle: true },
  };
}

describe('body diff', () => {
  it('reports nothing between equal bodies', () => {
    expect(diffBodies(qcu(), qcu())).toEqual([]);
  });

  it('names each changed field: instruction text, a proposal, the right answer, a setting', () => {
    const before = qcu();
    const after = qcu();
    after.instruction = markdownLiteToDoc('Quelle requête **précise** saisir ?');
    after.answer = { type: 'QCU', proposals: ['piscine', 'horaires piscine Villeurbanne', 'piscine ouverte'], correct: 2, shuffle: false };
    after.timer = 60;
    const changes = diffBodies(before, after);
    const byKey = Object.fromEntries(changes.map((c) => [c.key, c]));
    expect(Object.keys(byKey)).toEqual(['instruction', 'instruction.emphasis', 'answer.proposals.3', 'answer.correct', 'answer.shuffle', 'timer']);
    expect(byKey['instruction']!.parts).toContainEqual({ op: 'insert', text: 'précise ' });
    expect(byKey['instruction.emphasis']).toMatchObject({ kind: 'added', after: 'précise (gras)' });
    expect(byKey['answer.proposals.3']).toMatchObject({ label: 'Proposition 3', kind: 'changed', before: 'ouverture', after: 'piscine ouverte' });
    expect(byKey['answer.correct']).toMatchObject({ before: '2. horaires piscine Villeurbanne', after: '3. piscine ouverte' });
    expect(byKey['timer']).toMatchObject({ label: 'Minuteur (secondes)', kind: 'added', after: '60' });
  });

  it('shows accepted answers of a QROC and fields of a QROCM, and a change of type', () => {
    const before = { ...qcu(), answer: { type: 'QROC', accepted: ['café'], format: 'mots', tolerances: ['T1'] } } as ChallengeBody;
    const after = { ...qcu(), answer: { type: 'QROC', accepted: ['café', 'cafe noir'], format: 'mots', tolerances: ['T1', 'T3'] } } as ChallengeBody;
    const changes = diffBodies(before, after);
    expect(changes.map((c) => c.key)).toEqual(['answer.accepted', 'answer.tolerances']);
    expect(changes[0]!.parts).toContainEqual({ op: 'insert', text: '\ncafe noir' });

    const qrocm = {
      ...qcu(),
      answer: { type: 'QROCM-ind', template: 'Port : {{port}}', fields: [{ name: 'port', label: 'Port', accepted: ['443'] }], tolerances: [] },
    } as ChallengeBody;
    const typeChange = diffBodies(before, qrocm);
    expect(typeChange.find((c) => c.key === 'answer.type')).toMatchObject({ before: 'QROC', after: 'QROCM-ind' });
    expect(typeChange.find((c) => c.key === 'answer.fields.port.accepted')).toMatchObject({ kind: 'added', after: '443' });
    expect(typeChange.find((c) => c.key === 'answer.accepted')).toMatchObject({ kind: 'removed', before: 'café' });
  });

  it('lists images with their alternative text, so a changed alt shows', () => {
    const body = qcu();
    body.instruction = {
      type: 'doc',
      content: [{ type: 'paragraph', content: [{ type: 'image', attrs: { src: 'https://exemple.fr/a.png', alt: 'Un cadenas' } }] }],
    };
    expect(bodyFields(body).find((f) => f.key === 'instruction.images')?.value).toBe('https://exemple.fr/a.png (texte alternatif : Un cadenas)');
  });
});
