import { describe, expect, it } from 'vitest';
import { newChallengeBody } from './body';
import { mergeBodies, mergeMessage, sameValue } from './merge';
import type { ChallengeBody, RichDoc } from './model';

const doc = (text: string): RichDoc => ({ type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] });

const base: ChallengeBody = {
  ...newChallengeBody('QROC', ['Camille']),
  instruction: doc('Quel format garde la mise en page ?'),
  answer: { type: 'QROC', accepted: ['pdf'], format: 'mots', tolerances: ['T1'] },
};

describe('three-way merge of two versions written from the same base', () => {
  it('takes each side’s change to a field the other did not touch', () => {
    const theirs = { ...base, instruction: doc('Quel format garde la mise en page ? Pensez à l’impression.') };
    const mine = { ...base, answer: { ...base.answer, accepted: ['pdf', 'PDF/A'] } as ChallengeBody['answer'], timer: 60 };
    const merged = mergeBodies(base, mine, theirs);
    expect(merged.body.instruction).toEqual(theirs.instruction);
    expect(merged.body.answer).toEqual(mine.answer);
    expect(merged.body.timer).toBe(60);
    expect(merged.fromTheirs).toEqual(['instruction']);
    expect(merged.fromMine).toEqual(['answer', 'timer']);
    expect(merged.conflicts).toEqual([]);
    expect(merged.unresolved).toEqual([]);
  });

  it('asks only about a field both changed differently, and applies the choice made', () => {
    const theirs = { ...base, instruction: doc('Leur consigne'), pedagogy: 'q-savoir' as const };
    const mine = { ...base, instruction: doc('Ma consigne'), authors: ['Camille', 'Rémi'] };
    const open = mergeBodies(base, mine, theirs);
    expect(open.conflicts).toEqual(['instruction']);
    expect(open.unresolved).toEqual(['instruction']);
    expect(open.body.instruction).toEqual(mine.instruction);
    expect(open.body.pedagogy).toBe('q-savoir');
    expect(open.body.authors).toEqual(['Camille', 'Rémi']);

    const settled = mergeBodies(base, mine, theirs, { instruction: 'theirs', pedagogy: 'mine' });
    expect(settled.unresolved).toEqual([]);
    expect(settled.body.instruction).toEqual(theirs.instruction);
    // A choice on a field without conflict changes nothing.
    expect(settled.body.pedagogy).toBe('q-savoir');
  });

  it('is no conflict when both made the same change', () => {
    const same = { ...base, timer: 30 };
    const merged = mergeBodies(base, same, { ...same });
    expect(merged.conflicts).toEqual([]);
    expect(merged.body.timer).toBe(30);
  });

  it('compares values whatever the order of their keys', () => {
    expect(sameValue({ a: 1, b: [1, { c: 2, d: 3 }] }, { b: [1, { d: 3, c: 2 }], a: 1 })).toBe(true);
    expect(sameValue({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(sameValue([1, 2], [2, 1])).toBe(false);
    const reordered = { ...base, answer: { tolerances: ['T1'], format: 'mots', accepted: ['pdf'], type: 'QROC' } as ChallengeBody['answer'] };
    expect(mergeBodies(base, reordered, base).fromMine).toEqual([]);
  });

  it('writes a message that says it merges both and keeps the other version’s message', () => {
    expect(mergeMessage({ own: 'PDF/A accepté', theirs: { number: 2, author: 'Camille Autrice', message: 'Précision sur l’impression' }, baseNumber: 1 })).toBe(
      'Fusion de mes modifications depuis la version 1 avec la version 2 de Camille Autrice (« Précision sur l’impression ») : PDF/A accepté',
    );
  });
});
