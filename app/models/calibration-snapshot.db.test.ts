/**
 * The streamed reader and its snapshot against real PostgreSQL: the run's matrix built from the snapshot
 * equals the paged reader's (same arrays, same counts, same estimates to 1e-9) with every data rule at
 * work; a rerun streams only the answers that arrived since; a damaged or foreign snapshot is not used.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calibrate } from '../../engine/calibration';
import { testDatabaseUrl, testDb } from '../../tests/setup/db';
import { insertAnswers, makeAssessments, makeCalibrationFixture, makeUsers, type CalibrationFixture } from '../../tests/setup/calibration-fixtures';
import { latestAnswerId, liveChallenges, readCalibrationData, withPgClient, type CalibrationData, type LiveChallenge } from './calibration-data.server';
import { forgetKeptSnapshot, readCalibrationDataFromSnapshot, readSnapshot } from './calibration-snapshot.server';

const db = testDb();
const url = testDatabaseUrl();
const dir = join(process.cwd(), '.data', 'test-snapshots', randomUUID());
let fixture: CalibrationFixture;
let live: LiveChallenge[];

function expectSameData(fast: CalibrationData, paged: CalibrationData) {
  expect(fast.counts).toEqual(paged.counts);
  expect(fast.maxAnswerId).toBe(paged.maxAnswerId);
  expect(fast.items.map((c) => c.id)).toEqual(paged.items.map((c) => c.id));
  expect(fast.unanswered.map((c) => c.id)).toEqual(paged.unanswered.map((c) => c.id));
  expect(fast.data.itemIds).toEqual(paged.data.itemIds);
  expect(Array.from(fast.data.rowStart)).toEqual(Array.from(paged.data.rowStart));
  expect(Array.from(fast.data.items)).toEqual(Array.from(paged.data.items));
  expect(Array.from(fast.data.scores)).toEqual(Array.from(paged.data.scores));
  expect(Array.from(fast.localeGroups)).toEqual(Array.from(paged.localeGroups));
  expect(fast.focalLocales).toEqual(paged.focalLocales);
}

async function newLearners(count: number, perPerson: number, locale?: (k: number) => string) {
  const users = await makeUsers(db, count, { locale });
  const assessments = await makeAssessments(
    db,
    users.map((userId) => ({ userId, competenceId: fixture.competence.id, type: 'POSITIONING', releaseId: fixture.releaseId })),
  );
  const rows = assessments.flatMap((assessmentId, p) =>
    Array.from({ length: perPerson }, (_, k) => {
      const c = fixture.challenges[(p + k * 3) % fixture.challenges.length]!;
      return { assessmentId, challengeId: c.id, versionId: c.versionId, result: (p * 7 + k) % 3 === 0 ? 'ko' : (p + k) % 11 === 0 ? 'skipped' : 'ok' };
    }),
  );
  await insertAnswers(db, rows);
  return rows.length;
}

beforeAll(async () => {
  fixture = await makeCalibrationFixture(db, { items: 10, learners: 300, perPerson: 5, seed: 5, locale: (k) => (k % 9 === 0 ? 'en-GB' : 'fr-FR') });
  live = await liveChallenges(db, [fixture.competence.id]);
  // Every data rule at work: preview, staff run, a duplicate answer, a campaign joining a positioning,
  // a certification with a neutralised answer, skipped / timed-out / abandoned answers.
  const [c0, c1, c2] = fixture.challenges;
  const [learner] = await makeUsers(db, 1, { locale: (_k) => 'es' });
  const [author] = await makeUsers(db, 1, { roles: ['AUTHOR'] });
  const [candidate] = await makeUsers(db, 1);
  const [preview, staffRun, positioningA, positioningB, certification] = await makeAssessments(db, [
    { userId: learner!, competenceId: fixture.competence.id, type: 'PREVIEW', releaseId: fixture.releaseId },
    { userId: author!, competenceId: fixture.competence.id, type: 'POSITIONING', releaseId: fixture.releaseId },
    { userId: learner!, competenceId: fixture.competence.id, type: 'POSITIONING', releaseId: fixture.releaseId },
    { userId: learner!, competenceId: null, type: 'CAMPAIGN', releaseId: fixture.releaseId },
    { userId: candidate!, competenceId: null, type: 'CERTIFICATION', releaseId: fixture.releaseId },
  ]);
  const answer = (assessmentId: string, c: (typeof fixture.challenges)[number], result: string) => ({
    assessmentId,
    challengeId: c.id,
    versionId: c.versionId,
    result,
  });
  await insertAnswers(db, [
    answer(preview!, c0!, 'ok'),
    answer(staffRun!, c0!, 'ok'),
    answer(positioningA!, c1!, 'timedout'),
    answer(positioningB!, c1!, 'ok'),
    answer(positioningB!, c2!, 'aband'),
    answer(certification!, c0!, 'ok'),
    answer(certification!, c1!, 'ko'),
  ]);
  await db.$executeRawUnsafe(
    `INSERT INTO "Neutralisation" ("answerId", reason) SELECT id, 'test' FROM "Answer" WHERE "assessmentId" = $1 AND "challengeId" = $2`,
    certification,
    c1!.id,
  );
});

afterAll(() => {
  forgetKeptSnapshot();
  rmSync(dir, { recursive: true, force: true });
});

describe('the streamed reader and its snapshot', () => {
  it('builds exactly what the paged reader reads, and the same estimates', async () => {
    forgetKeptSnapshot();
    await withPgClient(url, async (client) => {
      const bound = (await latestAnswerId(client)) as string;
      const paged = await readCalibrationData(client, live, { maxAnswerId: bound, pageSize: 700 });
      const fast = await readCalibrationDataFromSnapshot(client, live, { maxAnswerId: bound, snapshotDir: dir, keepInMemory: false });
      expect(fast.source).toBe('none');
      expect(paged.counts).toMatchObject({
        excluded: { preview: 1, staff: 1, neutralised: 1, duplicate: 1 },
        scoredWrong: { timedout: 1, aband: 1 },
        certificationCandidates: 1,
      });
      expect(paged.focalLocales).toEqual(['en-gb', 'es']);
      expectSameData(fast.read, paged);
      const [x, y] = await Promise.all([calibrate(paged.data), calibrate(fast.read.data)]);
      expect(y.iterations).toBe(x.iterations);
      for (let i = 0; i < x.items.length; i++) {
        expect(Math.abs(y.items[i]!.a - x.items[i]!.a)).toBeLessThan(1e-9);
        expect(Math.abs(y.items[i]!.b - x.items[i]!.b)).toBeLessThan(1e-9);
      }
    });
  });

  it('extends the snapshot with only the new answers, from the file or from memory, and reproduces an older bound', async () => {
    forgetKeptSnapshot();
    await withPgClient(url, async (client) => {
      const first = await readCalibrationDataFromSnapshot(client, live, { snapshotDir: dir, keepInMemory: false });
      const before = first.read.maxAnswerId;
      const added = await newLearners(20, 4);
      const after = (await latestAnswerId(client)) as string;
      const expected = Number(
        (await client.query<{ n: string }>('SELECT count(*)::text AS n FROM "Answer" WHERE id > $1::bigint AND id <= $2::bigint', [before, after])).rows[0]!.n,
      );
      expect(expected).toBeGreaterThanOrEqual(added);

      const fromFile = await readCalibrationDataFromSnapshot(client, live, { maxAnswerId: after, snapshotDir: dir });
      expect(fromFile.source).toBe('file');
      expect(fromFile.streamed).toBe(expected);
      expectSameData(fromFile.read, await readCalibrationData(client, live, { maxAnswerId: after }));

      await newLearners(3, 5, () => 'de');
      const latest = (await latestAnswerId(client)) as string;
      const fromMemory = await readCalibrationDataFromSnapshot(client, live, { maxAnswerId: latest, snapshotDir: dir });
      expect(fromMemory.source).toBe('memory');
      expect(fromMemory.streamed).toBe(15);
      expectSameData(fromMemory.read, await readCalibrationData(client, live, { maxAnswerId: latest }));

      // A run reproduced on its own bound reads nothing new and finds the same data.
      const again = await readCalibrationDataFromSnapshot(client, live, { maxAnswerId: before, snapshotDir: dir });
      expect(again.streamed).toBe(0);
      expectSameData(again.read, await readCalibrationData(client, live, { maxAnswerId: before }));

      // Rules read at build time: a user who becomes staff is left out at once.
      const someone = fixture.learners[1]!;
      await db.user.update({ where: { id: someone }, data: { roles: ['REVIEWER'] } });
      try {
        const staffNow = await readCalibrationDataFromSnapshot(client, live, { maxAnswerId: latest, snapshotDir: dir });
        expect(staffNow.streamed).toBe(0);
        expectSameData(staffNow.read, await readCalibrationData(client, live, { maxAnswerId: latest }));
        expect(staffNow.read.counts.excluded.staff).toBe(fromMemory.read.counts.excluded.staff + 5);
      } finally {
        await db.user.update({ where: { id: someone }, data: { roles: ['LEARNER'] } });
      }
    });
  });

  it('does not use a damaged snapshot (checksum): it reads everything again and writes a whole one', async () => {
    forgetKeptSnapshot();
    const [file] = readdirSync(dir).filter((f) => f.endsWith('.calsnap'));
    const path = join(dir, file!);
    expect(readSnapshot(path)?.answers).toBeGreaterThan(0);
    const bytes = readFileSync(path);
    bytes[bytes.length - 100] = (bytes[bytes.length - 100] as number) ^ 0xff;
    writeFileSync(path, bytes);
    expect(readSnapshot(path)).toBeNull();
    await withPgClient(url, async (client) => {
      const bound = (await latestAnswerId(client)) as string;
      const fresh = await readCalibrationDataFromSnapshot(client, live, { maxAnswerId: bound, snapshotDir: dir, keepInMemory: false });
      expect(fresh.source).toBe('none');
      expectSameData(fresh.read, await readCalibrationData(client, live, { maxAnswerId: bound }));
      expect(readSnapshot(path)?.lastAnswerId).toBe(bound);
    });
  });
});
