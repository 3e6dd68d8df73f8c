/**
 * The calibration worker against real PostgreSQL and Redis: queued runs end with their results, the
 * data rules, cancellation, idempotent retries, concurrent runs over shard jobs, and worker processes
 * killed mid-run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseUrl, testDb } from '../tests/setup/db';
import { uniqueLetters } from '../tests/setup/framework';
import {
  addSimulatedLearners,
  fixtureSettings,
  insertAnswers,
  makeAssessments,
  makeCalibrationFixture,
  makeUsers,
  type CalibrationFixture,
} from '../tests/setup/calibration-fixtures';

// Queues of this test live under their own prefix; no schedule, no automatic check.
process.env.QUEUE_PREFIX = `${process.env.QUEUE_PREFIX ?? 'test'}-calib-${uniqueLetters(8)}`;
process.env.CALIBRATION_SCHEDULE = 'off';
process.env.CALIBRATION_CHECK_EVERY_MS = '0';
const { Queue } = await import('bullmq');
const { QUEUES, queuePrefix, redisConnection, enqueueCalibration, removeWaitingCalibrationJob, closeQueues } = await import('../app/lib/queues.server');
const QUEUE_PREFIX = queuePrefix();
const { executeCalibrationRun, reconcileCalibrationRuns, checkNewAnswers, scheduledCalibration } = await import('./calibration');
const { calibrationBaseline } = await import('../app/models/parameter-set.server');
const { setNewAnswersThreshold } = await import('../app/models/calibration.server');
const { startCalibrationWorkers } = await import('./calibration-setup');
const { startCalibration, cancelCalibration } = await import('../app/models/calibration.server');

const db = testDb();
const databaseUrl = testDatabaseUrl();
let fixture: CalibrationFixture;
const children: ChildProcess[] = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

async function createRun(settings: Record<string, unknown>) {
  const outcome = await startCalibration(db, { settings, databaseUrl, enqueue: enqueueCalibration });
  if (!outcome.ok) throw new Error(`run refused: ${outcome.refusal.kind}`);
  return outcome.runId;
}

function runRow(id: string) {
  return db.calibrationRun.findUniqueOrThrow({ where: { id }, include: { _count: { select: { items: true, shards: true } } } });
}

/**
 * A worker process of its own (`workers/main.ts`), on this test's database, prefix and Redis, its runs
 * waiting `paceMs` at every checkpoint (tests/setup/paced-workers.ts).
 */
function startWorkerProcess(paceMs: number, env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/setup/paced-workers.ts', String(paceMs)], {
    env: { ...process.env, DATABASE_URL: databaseUrl, QUEUE_PREFIX, CALIBRATION_SCHEDULE: 'off', CALIBRATION_CHECK_EVERY_MS: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', () => undefined);
  child.stderr?.on('data', () => undefined);
  children.push(child);
  return child;
}

async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM') {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await Promise.race([exited, sleep(10_000)]);
}

beforeAll(async () => {
  fixture = await makeCalibrationFixture(db, { items: 12, learners: 600, perPerson: 7, seed: 11 });
});

afterAll(async () => {
  for (const child of children) await stopProcess(child, 'SIGKILL');
  await closeQueues();
  const connection = redisConnection();
  for (const name of [QUEUES.calibration, QUEUES.calibrationShards]) {
    const queue = new Queue(name, { connection, prefix: QUEUE_PREFIX });
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }
});

describe('a calibration run in this process (no queue)', () => {
  it('reads the answers, calibrates and writes the run with every item, its settings and counts', async () => {
    const run = await db.calibrationRun.create({ data: { model: '2pl', settings: fixtureSettings(fixture), status: 'QUEUED' } });
    expect(await executeCalibrationRun({ db, databaseUrl, threads: false }, run.id)).toBe('succeeded');
    const row = await db.calibrationRun.findUniqueOrThrow({ where: { id: run.id }, include: { items: true } });
    expect(row).toMatchObject({ status: 'SUCCEEDED', converged: true, persons: 600, answers: fixture.answers, error: null });
    expect(row.iterations).toBeGreaterThan(1);
    expect(row.items).toHaveLength(12);
    expect(row.progress).toMatchObject({ phase: 'done', percent: 100 });
    expect(row.maxAnswerId).not.toBeNull();
    // Parameters near the truth, within what their standard errors say.
    for (const item of row.items) {
      const truth = fixture.truth.get(item.challengeId)!;
      expect(Math.abs(item.b - truth.b)).toBeLessThan(Math.max(0.5, 3 * (item.seB ?? 0)));
      expect(item.n).toBeGreaterThan(250);
      expect(item.seB).toBeGreaterThan(0);
      expect(Array.isArray(item.observed)).toBe(true);
    }
    const summary = row.summary as { counts: { persons: number }; thetaHistogram: { counts: number[] } };
    expect(summary.counts.persons).toBe(600);
    expect(summary.thetaHistogram.counts.reduce((s, n) => s + n, 0)).toBe(600);
  });

  it('a rerun starts from the previous run of the same scope and model: fewer EM cycles, and the estimates of a cold start to the tolerance', async () => {
    // A bank of its own (its own competence: no other test's run is of its scope).
    const bank = await makeCalibrationFixture(db, { items: 12, learners: 800, perPerson: 7, seed: 23 });
    const run = async (settings: Record<string, unknown>) => {
      const created = await db.calibrationRun.create({
        data: { model: String(settings.model ?? '2pl'), settings: fixtureSettings(bank, settings), status: 'QUEUED' },
      });
      expect(await executeCalibrationRun({ db, databaseUrl, threads: false }, created.id)).toBe('succeeded');
      return db.calibrationRun.findUniqueOrThrow({ where: { id: created.id }, include: { items: true } });
    };
    const first = await run({});
    expect((first.summary as { execution: { warmStart?: unknown } }).execution.warmStart).toBeNull();
    // 2 % new answers, then the same data (same bound) calibrated from the first run's estimates and from scratch.
    await addSimulatedLearners(db, bank, 16, { seed: 24, perPerson: 7 });
    const bound = (await db.answer.aggregate({ _max: { id: true } }))._max.id!.toString();
    const warm = await run({ maxAnswerId: bound });
    const cold = await run({ maxAnswerId: bound, warmStart: false });
    expect((warm.summary as { execution: { warmStart?: unknown } }).execution.warmStart).toEqual({ runId: first.id, items: 12 });
    expect((cold.summary as { execution: { warmStart?: unknown } }).execution.warmStart).toBeNull();
    expect(warm.converged && cold.converged).toBe(true);
    expect(warm.answers).toBe(cold.answers);
    expect(warm.iterations!).toBeLessThan(cold.iterations! * 0.7);
    // One fixed point: both stop within the tolerance (1e-4 per cycle) of it.
    const coldById = new Map(cold.items.map((i) => [i.challengeId, i]));
    let largest = 0;
    for (const item of warm.items) {
      const reference = coldById.get(item.challengeId)!;
      largest = Math.max(largest, Math.abs(item.a - reference.a), Math.abs(item.d - reference.d));
    }
    // (measured: warm 6 cycles, cold 11; largest difference 1.4e-4)
    expect(largest).toBeLessThan(5e-4);
    expect(Math.abs(warm.logLik! - cold.logLik!)).toBeLessThan(1e-3);
    // Another model is another scope: a Rasch run does not start from the 2PL runs.
    const rasch = await run({ model: 'rasch', maxAnswerId: bound });
    expect((rasch.summary as { execution: { warmStart?: unknown } }).execution.warmStart).toBeNull();
  });

  it('applies the data rules: previews, staff test runs and neutralised answers left out; skipped and timed out count as wrong; one person per learner and competence, one per certification', async () => {
    const f = await makeCalibrationFixture(db, { items: 6, learners: 300, perPerson: 4, seed: 3 });
    const [c0, c1, c2] = f.challenges;
    const [learner] = await makeUsers(db, 1);
    const [author] = await makeUsers(db, 1, { roles: ['AUTHOR'] });
    const [candidate] = await makeUsers(db, 1);
    const [preview, staffRun, positioningA, positioningB, certification] = await makeAssessments(db, [
      { userId: learner!, competenceId: f.competence.id, type: 'PREVIEW', releaseId: f.releaseId },
      { userId: author!, competenceId: f.competence.id, type: 'POSITIONING', releaseId: f.releaseId },
      { userId: learner!, competenceId: f.competence.id, type: 'POSITIONING', releaseId: f.releaseId },
      { userId: learner!, competenceId: null, type: 'CAMPAIGN', releaseId: f.releaseId },
      { userId: candidate!, competenceId: null, type: 'CERTIFICATION', releaseId: f.releaseId },
    ]);
    const answer = (assessmentId: string, c: (typeof f.challenges)[number], result: string) => ({
      assessmentId,
      challengeId: c.id,
      versionId: c.versionId,
      result,
    });
    await insertAnswers(db, [
      answer(preview!, c0!, 'ok'),
      answer(staffRun!, c0!, 'ok'),
      // The learner on this competence: positioning then a campaign (same person); c1 twice → first kept.
      answer(positioningA!, c0!, 'skipped'),
      answer(positioningA!, c1!, 'timedout'),
      answer(positioningB!, c1!, 'ok'),
      answer(positioningB!, c2!, 'aband'),
      answer(certification!, c0!, 'ok'),
      answer(certification!, c1!, 'ok'),
    ]);
    const neutralised = await db.answer.findFirstOrThrow({ where: { assessmentId: certification!, challengeId: c1!.id } });
    await db.neutralisation.create({ data: { answerId: neutralised.id, reason: 'Problème technique' } });

    const run = await db.calibrationRun.create({ data: { model: '2pl', settings: fixtureSettings(f), status: 'QUEUED' } });
    expect(await executeCalibrationRun({ db, databaseUrl, threads: false }, run.id)).toBe('succeeded');
    const row = await db.calibrationRun.findUniqueOrThrow({ where: { id: run.id }, include: { items: true } });
    const summary = row.summary as {
      counts: {
        read: number;
        used: number;
        excluded: Record<string, number>;
        scoredWrong: Record<string, number>;
        learnerCompetences: number;
        certificationCandidates: number;
      };
    };
    expect(summary.counts.excluded).toEqual({ preview: 1, staff: 1, neutralised: 1, duplicate: 1 });
    expect(summary.counts.scoredWrong).toEqual({ skipped: 1, timedout: 1, aband: 1 });
    expect(summary.counts.learnerCompetences).toBe(301);
    expect(summary.counts.certificationCandidates).toBe(1);
    expect(row.persons).toBe(302);
    expect(row.answers).toBe(f.answers + 4);
    // The extra learner's answers are all wrong; the candidate's kept answer is right.
    const byId = new Map(row.items.map((i) => [i.challengeId, i]));
    const base = await db.answer.groupBy({ by: ['challengeId'], where: { assessment: { userId: { in: f.learners } } }, _count: true });
    const baseCount = new Map(base.map((b) => [b.challengeId, b._count]));
    expect(byId.get(c0!.id)!.n).toBe(baseCount.get(c0!.id)! + 2); // learner (skipped) + candidate
    expect(byId.get(c1!.id)!.n).toBe(baseCount.get(c1!.id)! + 1); // learner once (timed out), neutralised one out
    expect(byId.get(c2!.id)!.n).toBe(baseCount.get(c2!.id)! + 1);
  });

  it('stops a run with too little data as FAILED, saying why, with no results', async () => {
    const run = await db.calibrationRun.create({ data: { model: '2pl', settings: fixtureSettings(fixture, { minPersons: 10_000 }), status: 'QUEUED' } });
    expect(await executeCalibrationRun({ db, databaseUrl, threads: false }, run.id)).toBe('failed');
    const row = await runRow(run.id);
    expect(row.status).toBe('FAILED');
    expect(row.error).toMatch(/Trop peu de données/);
    expect(row._count.items).toBe(0);
  });

  it('refuses to start a run when there are too few answers, and leaves no run behind', async () => {
    const before = await db.calibrationRun.count();
    const outcome = await startCalibration(db, {
      settings: fixtureSettings(fixture, { minAnswers: 1_000_000 }),
      databaseUrl,
      enqueue: async () => {
        throw new Error('should not be queued');
      },
    });
    expect(outcome).toEqual({ ok: false, refusal: { kind: 'too-few-answers', answers: fixture.answers, minimum: 1_000_000 } });
    expect(await db.calibrationRun.count()).toBe(before);
  });

  it('never writes twice: a retried attempt after success does nothing, and of two racing attempts only the later one writes', async () => {
    const run = await db.calibrationRun.create({ data: { model: '2pl', settings: fixtureSettings(fixture), status: 'QUEUED' } });
    const [first, second] = await Promise.all([
      executeCalibrationRun({ db, databaseUrl, threads: false }, run.id),
      sleep(30).then(() => executeCalibrationRun({ db, databaseUrl, threads: false }, run.id)),
    ]);
    expect([first, second].sort()).toEqual(['skipped', 'succeeded']);
    const done = await runRow(run.id);
    expect(done.status).toBe('SUCCEEDED');
    expect(done._count.items).toBe(12);
    expect(await executeCalibrationRun({ db, databaseUrl, threads: false }, run.id)).toBe('skipped');
    const again = await runRow(run.id);
    expect(again._count.items).toBe(12);
    expect(again.finishedAt).toEqual(done.finishedAt);
  });
});

describe('automatic runs', () => {
  it('start by themselves once enough new answers arrived since the last run, not before, and not while a run is under way', async () => {
    // The database is shared by the run's test files: a run another file left open (a worker stopped on
    // purpose mid-run) would hold automatic runs back for another reason than the ones tested here.
    await db.calibrationRun.updateMany({ where: { status: { in: ['QUEUED', 'RUNNING'] } }, data: { status: 'CANCELLED' } });
    const run = await db.calibrationRun.create({ data: { model: '2pl', settings: fixtureSettings(fixture), status: 'QUEUED' } });
    await executeCalibrationRun({ db, databaseUrl, threads: false }, run.id);
    expect(await calibrationBaseline(db)).toBe((await db.calibrationRun.findUniqueOrThrow({ where: { id: run.id } })).maxAnswerId!.toString());
    const queued: string[] = [];
    const ctx = { db, databaseUrl, enqueue: async (runId: string) => (queued.push(runId), `calibration-${runId}`) };
    await setNewAnswersThreshold(db, 40);
    expect(await checkNewAnswers(ctx)).toMatchObject({ started: false, newAnswers: 0 });
    expect(await scheduledCalibration(ctx)).toMatchObject({ started: false, newAnswers: 0 });

    const learners = await makeUsers(db, 45);
    const assessments = await makeAssessments(
      db,
      learners.map((userId) => ({ userId, competenceId: fixture.competence.id, type: 'POSITIONING', releaseId: fixture.releaseId })),
    );
    const c = fixture.challenges[3]!;
    await insertAnswers(
      db,
      assessments.map((assessmentId, k) => ({ assessmentId, challengeId: c.id, versionId: c.versionId, result: k % 2 ? 'ok' : 'ko' })),
    );
    const started = await checkNewAnswers(ctx);
    expect(started).toMatchObject({ started: true, newAnswers: 40 });
    const auto = await db.calibrationRun.findUniqueOrThrow({ where: { id: (started as { runId: string }).runId } });
    expect(auto).toMatchObject({ trigger: 'NEW_ANSWERS', status: 'QUEUED', requestedById: null });
    expect(queued).toEqual([auto.id]);
    // Not twice while it waits.
    expect(await checkNewAnswers(ctx)).toMatchObject({ started: false, reason: 'a run is already queued or running' });
    expect(await scheduledCalibration(ctx)).toMatchObject({ started: false });
    await db.calibrationRun.update({ where: { id: auto.id }, data: { status: 'CANCELLED' } });
    await setNewAnswersThreshold(db, 5000);
  });
});

describe('runs queued on Redis', () => {
  let workers: Awaited<ReturnType<typeof startCalibrationWorkers>>;
  /** Milliseconds the runs of these workers wait at every checkpoint. */
  let paceMs = 0;
  beforeAll(async () => {
    const atCheckpoint = async () => {
      if (paceMs > 0) await sleep(paceMs);
    };
    workers = await startCalibrationWorkers({ db, databaseUrl, log: () => undefined, atCheckpoint });
  });
  afterAll(async () => {
    await workers.close();
  });

  it('a run started from the web producer is processed by a worker, with progress reported on the job and the run', async () => {
    const runId = await createRun(fixtureSettings(fixture));
    const queued = await runRow(runId);
    expect(queued.jobId).toBe(`calibration-${runId}`);
    const row = await waitFor('the run to succeed', async () => {
      const r = await runRow(runId);
      return r.status === 'SUCCEEDED' || r.status === 'FAILED' ? r : null;
    });
    expect(row.status).toBe('SUCCEEDED');
    expect(row._count.items).toBe(12);
    expect(row._count.shards).toBe(0);
    const queue = new Queue(QUEUES.calibration, { connection: redisConnection(), prefix: QUEUE_PREFIX });
    const job = await queue.getJob(queued.jobId!);
    expect(job?.progress).toMatchObject({ phase: 'writing' });
    expect(job?.returnvalue).toEqual({ outcome: 'succeeded' });
    await queue.close();
  });

  it('cancels a queued run at once, and a running run before its next E-step, with no results', async () => {
    // Queued: cancelled before any worker takes it (the worker is paused).
    await workers.workers[0]!.pause();
    const queuedId = await createRun(fixtureSettings(fixture));
    expect(await cancelCalibration(db, queuedId, removeWaitingCalibrationJob)).toBe('cancelled');
    expect((await runRow(queuedId)).status).toBe('CANCELLED');
    workers.workers[0]!.resume();

    paceMs = 150;
    try {
      const runId = await createRun(fixtureSettings(fixture, { acceleration: 'none', tolerance: 1e-9 }));
      await waitFor('a few EM cycles', async () => {
        const r = await runRow(runId);
        return r.status === 'RUNNING' && ((r.progress as { cycle?: number } | null)?.cycle ?? 0) >= 2;
      });
      expect(await cancelCalibration(db, runId)).toBe('requested');
      const row = await waitFor('the run to stop', async () => {
        const r = await runRow(runId);
        return r.status !== 'RUNNING' ? r : null;
      });
      expect(row.status).toBe('CANCELLED');
      expect(row._count.items).toBe(0);
      expect(row._count.shards).toBe(0);
    } finally {
      paceMs = 0;
    }
    // The worker is still alive for the next run.
    expect(await cancelCalibration(db, queuedId)).toBe('finished');
  });

  it('two runs at once over shard jobs do not mix: each gets the results it would get alone', async () => {
    // Cold starts all four (warmStart false): the same path gives the same numbers to 1e-6.
    const alone2pl = await db.calibrationRun.create({
      data: { model: '2pl', settings: fixtureSettings(fixture, { distribution: 'local', warmStart: false }), status: 'QUEUED' },
    });
    const aloneRasch = await db.calibrationRun.create({
      data: { model: 'rasch', settings: fixtureSettings(fixture, { model: 'rasch', distribution: 'local', warmStart: false }), status: 'QUEUED' },
    });
    await executeCalibrationRun({ db, databaseUrl, threads: false }, alone2pl.id);
    await executeCalibrationRun({ db, databaseUrl, threads: false }, aloneRasch.id);

    const [a, b] = await Promise.all([
      createRun(fixtureSettings(fixture, { distribution: 'shards', shards: 3, warmStart: false })),
      createRun(fixtureSettings(fixture, { model: 'rasch', distribution: 'shards', shards: 4, warmStart: false })),
    ]);
    const rows = await Promise.all(
      [a, b].map((id) =>
        waitFor(
          'both runs',
          async () => {
            const r = await db.calibrationRun.findUniqueOrThrow({ where: { id }, include: { items: true } });
            return r.status !== 'QUEUED' && r.status !== 'RUNNING' ? r : null;
          },
          60_000,
        ),
      ),
    );
    for (const [row, alone, shards] of [
      [rows[0]!, alone2pl.id, 3],
      [rows[1]!, aloneRasch.id, 4],
    ] as const) {
      expect(row.status).toBe('SUCCEEDED');
      expect((row.summary as { execution: { mode: string; shards: number } }).execution).toMatchObject({ mode: 'shards', shards });
      const reference = await db.calibrationItemResult.findMany({ where: { runId: alone } });
      const byId = new Map(reference.map((r) => [r.challengeId, r]));
      expect(row.items).toHaveLength(12);
      for (const item of row.items) {
        expect(item.a).toBeCloseTo(byId.get(item.challengeId)!.a, 6);
        expect(item.d).toBeCloseTo(byId.get(item.challengeId)!.d, 6);
      }
      expect((await runRow(row.id))._count.shards).toBe(0);
    }
  });
});

describe('worker processes killed mid-run', () => {
  const faultEnv = {
    CALIBRATION_LOCK_MS: '2000',
    CALIBRATION_STALLED_MS: '1000',
    CALIBRATION_WATCHDOG_MS: '500',
  };

  async function runningInChild(child: ChildProcess, settings: Record<string, unknown>) {
    const runId = await createRun(settings);
    await waitFor(
      'the child to run a few cycles',
      async () => {
        if (child.exitCode !== null) throw new Error('worker process exited');
        const r = await runRow(runId);
        return r.status === 'RUNNING' && ((r.progress as { cycle?: number } | null)?.cycle ?? 0) >= 2;
      },
      60_000,
    );
    return runId;
  }

  it('a run whose worker is killed is taken up by another worker and written once', async () => {
    const first = startWorkerProcess(150, { ...faultEnv, CALIBRATION_MAX_STALLED: '1' });
    const runId = await runningInChild(first, fixtureSettings(fixture, { acceleration: 'none', tolerance: 1e-5 }));
    await stopProcess(first, 'SIGKILL');
    expect((await runRow(runId))._count.items).toBe(0);
    startWorkerProcess(0, { ...faultEnv, CALIBRATION_MAX_STALLED: '1' });
    const row = await waitFor(
      'the run to be resumed and finished',
      async () => {
        const r = await runRow(runId);
        return r.status !== 'QUEUED' && r.status !== 'RUNNING' ? r : null;
      },
      60_000,
    );
    expect(row.status).toBe('SUCCEEDED');
    expect(row.attempts).toBe(2);
    expect(row._count.items).toBe(12);
    expect(row._count.shards).toBe(0);
    for (const child of children) await stopProcess(child);
  });

  it('past the allowed number of stalls the run ends FAILED with the reason, and no partial result', async () => {
    const first = startWorkerProcess(150, { ...faultEnv, CALIBRATION_MAX_STALLED: '0' });
    const runId = await runningInChild(first, fixtureSettings(fixture, { acceleration: 'none', tolerance: 1e-9 }));
    await stopProcess(first, 'SIGKILL');
    startWorkerProcess(150, { ...faultEnv, CALIBRATION_MAX_STALLED: '0' });
    const row = await waitFor(
      'the run to be marked failed',
      async () => {
        const r = await runRow(runId);
        return r.status !== 'QUEUED' && r.status !== 'RUNNING' ? r : null;
      },
      60_000,
    );
    expect(row.status).toBe('FAILED');
    expect(row.error).toMatch(/s’est arrêté/);
    expect(row._count.items).toBe(0);
    for (const child of children) await stopProcess(child);
  });

  it('a run whose job Redis lost is queued again by the watchdog', async () => {
    const run = await db.calibrationRun.create({
      data: { model: '2pl', settings: fixtureSettings(fixture), status: 'QUEUED', jobId: null, createdAt: new Date(Date.now() - 60_000) },
    });
    const queue = new Queue(QUEUES.calibration, { connection: redisConnection(), prefix: QUEUE_PREFIX });
    const { requeued } = await reconcileCalibrationRuns({ db, databaseUrl, enqueue: enqueueCalibration }, queue);
    expect(requeued).toContain(run.id);
    expect(await queue.getJobState(`calibration-${run.id}`)).toMatch(/waiting|active|prioritized/);
    await queue.remove(`calibration-${run.id}`).catch(() => undefined);
    await db.calibrationRun.update({ where: { id: run.id }, data: { status: 'CANCELLED' } });
    await queue.close();
  });
});
