import { describe, expect, it } from 'vitest';
import { testDb } from '../../tests/setup/db';
import { makeSkill, makeUser, qrocBody } from '../../tests/setup/authoring-fixtures';
import { markdownLiteToDoc, type ChallengeBody } from '../../engine/challenges';
import { createChallenge, getChallenge, getDraft, listVersions, saveChallenge } from './challenge.server';
import { conflictDetails, mergeAndSave } from './challenge-merge.server';

describe('settling a save conflict by a field-level merge', () => {
  it('keeps both people’s changes to different fields, asks only the field both changed, and says so in the message', async () => {
    const db = testDb();
    const skill = await makeSkill(db);
    const alice = await makeUser(db, ['AUTHOR'], 'Alice');
    const remi = await makeUser(db, ['REVIEWER'], 'Rémi');
    const base = qrocBody('Quel format garde la mise en page ?', ['pdf']);
    const { challengeId } = await createChallenge(db, { skillId: skill.id, userId: alice.id, body: base, message: 'Création' });
    // Alice: instruction and timer; version 2.
    const hers: ChallengeBody = { ...base, instruction: markdownLiteToDoc('Quel format garde la mise en page à l’impression ?'), timer: 60 };
    await saveChallenge(db, { challengeId, userId: alice.id, body: hers, message: 'Précision', baseVersionNumber: 1 });
    // Rémi, from version 1: accepted answers and timer.
    const his: ChallengeBody = {
      ...base,
      answer: { ...(base.answer as Extract<ChallengeBody['answer'], { type: 'QROC' }>), accepted: ['pdf', 'PDF/A'] },
      timer: 90,
    };
    const refused = await saveChallenge(db, { challengeId, userId: remi.id, body: his, message: 'PDF/A', baseVersionNumber: 1 });
    expect(refused.kind).toBe('conflict');

    const details = (await conflictDetails(db, { challengeId, baseNumber: 1, mine: his }))!;
    expect(details.fromTheirs.map((f) => f.field)).toEqual(['instruction']);
    expect(details.fromMine.map((f) => f.field)).toEqual(['answer']);
    expect(details.conflicts.map((c) => [c.field, c.theirs.map((x) => x.after), c.mine.map((x) => x.after)])).toEqual([['timer', ['60'], ['90']]]);

    // Without a choice for the timer: nothing saved, the timer is asked again.
    const open = await mergeAndSave(db, { challengeId, userId: remi.id, mine: his, baseNumber: 1, currentNumber: 2, choices: {}, message: 'PDF/A' });
    expect(open).toMatchObject({ kind: 'conflict', missingChoices: ['timer'] });
    expect((await listVersions(db, challengeId)).length).toBe(2);

    // Someone saved in between: the conflict is shown again against the new version, nothing saved.
    const stale = await mergeAndSave(db, { challengeId, userId: remi.id, mine: his, baseNumber: 1, currentNumber: 1, choices: { timer: 'mine' }, message: '' });
    expect(stale).toMatchObject({ kind: 'conflict', details: { current: { number: 2 } } });

    const merged = await mergeAndSave(db, {
      challengeId,
      userId: remi.id,
      mine: his,
      baseNumber: 1,
      currentNumber: 2,
      choices: { timer: 'theirs' },
      message: 'PDF/A',
    });
    expect(merged).toEqual({ kind: 'saved', number: 3 });
    const now = (await getChallenge(db, challengeId))!;
    expect(now.body!.instruction).toEqual(hers.instruction);
    expect(now.body!.answer).toEqual(his.answer);
    expect(now.body!.timer).toBe(60);
    expect(now.version!.message).toBe(`Fusion de mes modifications depuis la version 1 avec la version 2 de Alice ${alice.lastName} (« Précision ») : PDF/A`);
    // The conflict's draft is gone once merged.
    expect(await getDraft(db, { challengeId, userId: remi.id })).toBeNull();
  });
});
