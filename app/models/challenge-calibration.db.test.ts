import { describe, expect, it } from 'vitest';
import { testDb } from '../../tests/setup/db';
import { makeSkill, makeUser, qrocBody } from '../../tests/setup/authoring-fixtures';
import { createChallenge } from './challenge.server';
import { challengeCalibration } from './challenge-calibration.server';

describe('calibration in the editor', () => {
  it('is null without parameters or results, then shows the latest run, then the parameters in force', async () => {
    const db = testDb();
    const skill = await makeSkill(db);
    const author = await makeUser(db, ['AUTHOR']);
    const { challengeId } = await createChallenge(db, { skillId: skill.id, userId: author.id, body: qrocBody(), message: '' });
    expect(await challengeCalibration(db, challengeId)).toBeNull();

    const run = await db.calibrationRun.create({
      data: {
        status: 'SUCCEEDED',
        model: '2pl',
        settings: {},
        finishedAt: new Date(),
        items: { create: [{ challengeId, a: 1.2, d: -0.6, b: 0.5, n: 812, pValue: 0.63, flags: ['misfit'] }] },
      },
    });
    const activeBefore = await db.parameterSet.findMany({ where: { active: true }, select: { id: true } });
    try {
      expect(await challengeCalibration(db, challengeId)).toMatchObject({
        source: 'run',
        b: 0.5,
        a: 1.2,
        n: 812,
        pValue: 0.63,
        flags: ['misfit'],
        setVersion: null,
      });

      const last = await db.parameterSet.findFirst({ orderBy: { version: 'desc' }, select: { version: true } });
      await db.parameterSet.updateMany({ where: { active: true }, data: { active: false } });
      const set = await db.parameterSet.create({
        data: { version: (last?.version ?? 0) + 1, active: true, cutScores: {}, items: { create: [{ challengeId, a: 1.1, d: -0.44, b: 0.4 }] } },
      });
      expect(await challengeCalibration(db, challengeId)).toMatchObject({
        source: 'set',
        setVersion: set.version,
        b: 0.4,
        a: 1.1,
        n: 812,
        pValue: 0.63,
        flags: ['misfit'],
      });
      await db.parameterSet.delete({ where: { id: set.id } });
    } finally {
      await db.calibrationRun.delete({ where: { id: run.id } });
      if (activeBefore.length) await db.parameterSet.updateMany({ where: { id: { in: activeBefore.map((s) => s.id) } }, data: { active: true } });
    }
  });
});
