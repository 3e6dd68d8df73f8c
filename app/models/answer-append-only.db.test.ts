/**
 * Answers are evidence: the trigger of migration 20261206073221_security_foundations refuses every
 * UPDATE of "Answer" and every DELETE unless the transaction said SET LOCAL workbench.allow_answer_delete
 * = 'on' (the tooling that erases an account on request). Tried here on real rows, through Prisma and SQL.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { testDb } from '../../tests/setup/db';
import { makeCalibrationFixture } from '../../tests/setup/calibration-fixtures';

const db = () => testDb();
const REFUSED = /Les réponses sont conservées telles quelles/;
let answerIds: bigint[] = [];

beforeAll(async () => {
  const fixture = await makeCalibrationFixture(db(), { items: 2, learners: 3, perPerson: 2, seed: 11 });
  const rows = await db().answer.findMany({
    where: { challengeId: { in: fixture.challenges.map((c) => c.id) } },
    select: { id: true },
    orderBy: { id: 'asc' },
  });
  answerIds = rows.map((r) => r.id);
  expect(answerIds.length).toBeGreaterThanOrEqual(3);
});

describe('the Answer table is append-only', () => {
  it('refuses an UPDATE, through Prisma or SQL, even with the delete setting on', async () => {
    const id = answerIds[0]!;
    await expect(db().answer.update({ where: { id }, data: { result: 'ok' } })).rejects.toThrow(REFUSED);
    await expect(db().$executeRawUnsafe(`UPDATE "Answer" SET "timeSpentSeconds" = 1 WHERE id = $1`, id)).rejects.toThrow(REFUSED);
    await expect(
      db().$transaction(async (tx) => {
        await tx.$executeRawUnsafe(`SET LOCAL workbench.allow_answer_delete = 'on'`);
        await tx.$executeRawUnsafe(`UPDATE "Answer" SET "timeSpentSeconds" = 1 WHERE id = $1`, id);
      }),
    ).rejects.toThrow(REFUSED);
  });

  it('refuses a DELETE without the setting, and deletes nothing', async () => {
    const id = answerIds[1]!;
    await expect(db().answer.delete({ where: { id } })).rejects.toThrow(REFUSED);
    await expect(db().$executeRawUnsafe(`DELETE FROM "Answer" WHERE id = $1`, id)).rejects.toThrow(REFUSED);
    await expect(db().$transaction(async (tx) => tx.answer.deleteMany({ where: { id: { in: answerIds } } }))).rejects.toThrow(REFUSED);
    expect(await db().answer.count({ where: { id: { in: answerIds } } })).toBe(answerIds.length);
  });

  it('allows a DELETE in a transaction that set workbench.allow_answer_delete, and only in it', async () => {
    const id = answerIds[2]!;
    await db().$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`SET LOCAL workbench.allow_answer_delete = 'on'`);
      await tx.answer.delete({ where: { id } });
    });
    expect(await db().answer.findUnique({ where: { id } })).toBeNull();
    // SET LOCAL ends with its transaction: the next one is refused again.
    await expect(db().answer.delete({ where: { id: answerIds[1]! } })).rejects.toThrow(REFUSED);
    expect(await db().answer.count({ where: { id: { in: answerIds } } })).toBe(answerIds.length - 1);
  });
});
