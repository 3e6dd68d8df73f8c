/**
 * A learner's first test on a competence opened in one statement (decision 021, h38): the process guesses
 * the content (the release and parameter set its last start found), chooses the first question, and the
 * facts' statement inserts the test only if the facts are those of a first test on that content. Any other
 * facts (a test under way, a reset, knowledge, another release) write nothing there, and the start goes on
 * from the facts as read, as before.
 */
import pg from 'pg';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Prisma } from '../../prisma/generated/client';
import { testDb } from '../../tests/setup/db';
import { deactivateParameterSets, makeLearner, makePositioningFixture, type PositioningFixture } from '../../tests/setup/positioning-fixtures';
import { startPositioning, startPositioningIfAdmitted } from './positioning.server';

const fixtures: PositioningFixture[] = [];
afterAll(async () => {
  for (const f of fixtures) await deactivateParameterSets(testDb(), f);
});

// The statements the pg driver sends (Prisma's adapter and the raw pool both go through pg's Client).
const sent: string[] = [];
const original = pg.Client.prototype.query as (...args: unknown[]) => unknown;
beforeEach(() => {
  (pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown }).query = function (this: unknown, ...args: unknown[]) {
    const config = args[0] as string | { text?: string };
    sent.push(typeof config === 'string' ? config : (config?.text ?? '?'));
    return original.apply(this, args);
  };
});
afterEach(() => {
  (pg.Client.prototype as unknown as { query: unknown }).query = original;
});

async function counted<T>(run: () => Promise<T>): Promise<{ value: T; statements: number }> {
  sent.length = 0;
  const value = await run();
  return { value, statements: sent.length };
}

const now = () => new Date();

async function testsOf(userId: string) {
  return testDb().assessment.findMany({
    where: { userId, type: 'POSITIONING' },
    select: { id: true, state: true, releaseId: true, engineState: true, asked: { select: { challengeId: true, position: true } } },
  });
}

describe('a learner’s first test on a competence, opened by the facts’ statement', () => {
  it('one statement for a first test; anything else as before, from the facts as read', async () => {
    const db = testDb();
    const f = await makePositioningFixture(db);
    fixtures.push(f);
    const code = f.competence.code;

    // The first start of the process knows no content yet (and loads the bank): the usual two statements at least.
    const first = await makeLearner(db);
    const opening = await counted(() => startPositioning(db, { userId: first.id, competenceCode: code, now: now() }));
    expect(opening.value.step?.kind).toBe('challenge');
    expect(opening.statements).toBeGreaterThanOrEqual(2);

    // A learner's first test on it: one statement, the test and its first question written as the step says.
    const b = await makeLearner(db);
    const started = await counted(() => startPositioning(db, { userId: b.id, competenceCode: code, locale: 'fr', now: now() }));
    expect(started.statements).toBe(1);
    const step = started.value.step!;
    expect(started.value.resumed).toBe(false);
    expect(step.kind).toBe('challenge');
    const [written] = await testsOf(b.id);
    expect(written).toMatchObject({ id: started.value.assessmentId, state: 'STARTED', releaseId: f.releaseId });
    expect(written!.asked).toEqual([{ challengeId: step.challengeId, position: 0 }]);
    expect(written!.engineState).toMatchObject({ prior: false, excluded: [], since: null, locale: 'fr' });

    // Again: the test under way is resumed, nothing written.
    const again = await counted(() => startPositioning(db, { userId: b.id, competenceCode: code, now: now() }));
    expect(again.value).toEqual({ assessmentId: started.value.assessmentId, resumed: true, step: null });
    expect(again.statements).toBe(1);
    expect(await testsOf(b.id)).toHaveLength(1);

    // Knowledge on the competence: not a first test; the start reads it and writes in a second statement.
    const c = await makeLearner(db);
    await db.knowledgeElement.create({
      data: {
        userId: c.id,
        skillId: f.skills[0]!.id,
        competenceId: f.competence.id,
        status: 'validated',
        source: 'direct',
        createdAt: new Date(Date.now() - 60_000),
      },
    });
    const known = await counted(() => startPositioning(db, { userId: c.id, competenceCode: code, now: now() }));
    expect(known.value.step?.kind).toBe('challenge');
    expect(known.statements).toBeGreaterThanOrEqual(2);
    const [withPrior] = await testsOf(c.id);
    expect(withPrior!.engineState).toMatchObject({ prior: true });
    expect(withPrior!.asked).toHaveLength(1);

    // A reset: the test starts from it, as before.
    const d = await makeLearner(db);
    const resetAt = new Date(Date.now() - 60_000);
    await db.competenceReset.create({ data: { userId: d.id, competenceId: f.competence.id, createdAt: resetAt } });
    const afterReset = await counted(() => startPositioning(db, { userId: d.id, competenceCode: code, now: now() }));
    expect(afterReset.value.step?.kind).toBe('challenge');
    expect(afterReset.statements).toBe(2);
    const [reset] = await testsOf(d.id);
    expect(reset!.engineState).toMatchObject({ prior: false, since: resetAt.toISOString() });

    // The guards false when the statement runs: nothing written, and the usual way is asked for.
    const e = await makeLearner(db);
    expect(await startPositioningIfAdmitted(db, { userId: e.id, competenceCode: code, now: now() }, Prisma.sql`FALSE`)).toBeNull();
    expect(await testsOf(e.id)).toEqual([]);
    const admitted = await counted(() => startPositioningIfAdmitted(db, { userId: e.id, competenceCode: code, now: now() }, Prisma.sql`TRUE`));
    expect(admitted.value?.step?.kind).toBe('challenge');
    expect(admitted.statements).toBe(1);

    // A newer release than the one guessed: nothing written by the guess; the test is served from the new one.
    const g = await makePositioningFixture(db);
    fixtures.push(g);
    const h = await makeLearner(db);
    const newer = await startPositioning(db, { userId: h.id, competenceCode: code, now: now() });
    expect(newer.step?.kind).toBe('challenge');
    const [onNewer] = await testsOf(h.id);
    expect(onNewer!.releaseId).toBe(g.releaseId);
    expect(onNewer!.asked).toHaveLength(1);
    // …and the next first test is one statement again, on the new release.
    const i = await makeLearner(db);
    const next = await counted(() => startPositioning(db, { userId: i.id, competenceCode: code, now: now() }));
    expect(next.statements).toBe(1);
    expect((await testsOf(i.id))[0]!.releaseId).toBe(g.releaseId);
  });
});
