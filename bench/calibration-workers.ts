/**
 * The distributed E-step with real worker processes on one Redis: a 10.5M-answer calibration (2,000
 * items, 700,000 persons × 15 answers, sparse, 2PL with the default settings) whose passes are
 * computed by shard jobs, with ONE worker process, then with TWO (`workers/main.ts`, started as
 * separate processes on this test database and a queue prefix of their own). Prints both wall times
 * and the speed-up (target ≥ 1.6× on a 2-core machine).
 *
 * What is timed: from the collapsed response matrix to the final result — writing the shards to
 * PostgreSQL, every E-step and the final diagnostic pass over shard jobs, the M-steps and merges in
 * this process (the parent job's part). Not timed: simulating the data, and reading answers from the
 * database (a single streamed pass of the parent, the same with any number of workers; measured
 * separately by the worker's own `summary.execution.readSeconds`).
 *
 *   node --import tsx bench/calibration-workers.ts [--persons N] [--items N]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { fileURLToPath } from 'node:url';
import { calibrateWithRunner, collapsePatterns, computeShardExpectations, type CalibrationResult } from '../engine/calibration';
import { gridNodes, normalWeights } from '../engine/irt';
import { createRandom } from '../engine/random';
import { simulateCalibrationData } from '../engine/simulation';
import { createPrisma } from '../prisma/client';
import { createTestDatabase } from '../scripts/testdb';
import { QUEUES, redisConnection } from '../app/lib/queues.server';
import { ShardWaiter, createShardedRunner, shardCount } from '../workers/calibration-shards';

function option(name: string, fallback: number): number {
  const k = process.argv.indexOf(`--${name}`);
  return k > 0 ? Number(process.argv[k + 1]) : fallback;
}

const persons = option('persons', 700_000);
const items = option('items', 2000);
const perPerson = option('per-person', 15);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const seconds = (from: number) => (performance.now() - from) / 1000;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.floor((s.length - 1) / 2)] as number) : NaN;
};

/**
 * The machine's own ceiling, measured in the same run: the E-step kernel alone (no queue, no Redis,
 * no database) on 1.5M answers, in one process, then in two processes at once. Two processes doing
 * twice the work in the time one takes for once would be ×2; what other jobs leave of the two cores
 * shows here.
 */
if (process.argv.includes('--kernel-child')) {
  const part = simulateCalibrationData(createRandom(7), { items, persons: 100_000, design: { kind: 'random', perPerson } });
  const nodes = gridNodes(-6, 6, 61);
  const quadrature = { nodes, weights: normalWeights(nodes, 0, 1) };
  const params = { a: Float64Array.from(part.items, (i) => i.a), d: Float64Array.from(part.items, (i) => i.d) };
  computeShardExpectations(part.data, params, quadrature);
  const started = performance.now();
  for (let k = 0; k < 6; k++) computeShardExpectations(part.data, params, quadrature);
  process.stdout.write(JSON.stringify({ seconds: (performance.now() - started) / 1000 }));
  process.exit(0);
}

async function kernelCeiling(): Promise<{ alone: number; together: number; ratio: number }> {
  const child = () =>
    new Promise<number>((resolve, reject) => {
      const p = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--kernel-child', '--items', String(items)], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      p.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      p.on('exit', (code) => (code === 0 ? resolve((JSON.parse(out) as { seconds: number }).seconds) : reject(new Error(`kernel child exited ${code}`))));
    });
  const alone = await child();
  const both = await Promise.all([child(), child()]);
  const together = Math.max(...both);
  return { alone, together, ratio: (2 * alone) / together };
}

console.log(`calibration-workers: ${items} items, ${persons} persons × ${perPerson} answers (${((persons * perPerson) / 1e6).toFixed(1)}M answers)`);
let t = performance.now();
const sim = simulateCalibrationData(createRandom(20240602), { items, persons, design: { kind: 'random', perPerson } });
console.log(`  simulation: ${seconds(t).toFixed(1)} s (not timed)`);
t = performance.now();
const collapsed = collapsePatterns(sim.data).data;
console.log(
  `  pattern collapse: ${seconds(t).toFixed(1)} s (not timed), ${collapsed.rowStart.length - 1} distinct patterns, ${collapsed.items.length} stored answers`,
);

const database = await createTestDatabase();
console.log(`  database ${database.name} (dropped at the end), load average ${(await import('node:os')).loadavg()[0]!.toFixed(1)}`);
process.on(
  'SIGINT',
  () =>
    void stopChildren()
      .then(() => database.drop())
      .finally(() => process.exit(130)),
);
const db = createPrisma(database.url);
const connection = redisConnection();
const children: ChildProcess[] = [];

async function stopChildren() {
  await Promise.all(
    children.splice(0).map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
        }),
    ),
  );
}

interface Measure {
  processes: number;
  shards: number;
  wall: number;
  /** Writing the shards to PostgreSQL. */
  setup: number;
  /** All passes over shard jobs (E-steps and the diagnostic pass). */
  passTotal: number;
  passes: number;
  medianPass: number;
  result: CalibrationResult;
  passSeconds: number[];
}

async function measure(processes: number): Promise<Measure> {
  const prefix = `bench-${randomUUID().slice(0, 8)}`;
  for (let k = 0; k < processes; k++) {
    const child = spawn(process.execPath, ['--import', 'tsx', 'workers/main.ts'], {
      env: { ...process.env, DATABASE_URL: database.url, QUEUE_PREFIX: prefix, CALIBRATION_SCHEDULE: 'off', CALIBRATION_CHECK_EVERY_MS: '0' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(child);
  }
  const queue = new Queue(QUEUES.calibrationShards, { connection, prefix });
  const events = new QueueEvents(QUEUES.calibrationShards, { connection, prefix });
  const redis = new Redis(connection as never);
  await events.waitUntilReady();
  for (let k = 0; (await queue.getWorkersCount()) < processes; k++) {
    if (k > 600) throw new Error('the worker processes did not start');
    await sleep(100);
  }
  const waiter = new ShardWaiter(queue, events, redis);
  const run = await db.calibrationRun.create({ data: { model: '2pl', settings: { bench: true }, status: 'RUNNING' } });
  const shards = shardCount(collapsed.items.length, processes);
  const started = performance.now();
  const runner = await createShardedRunner({ db, redis, queue, waiter, keyPrefix: prefix, runId: run.id, lease: randomUUID(), data: collapsed, shards });
  const setup = seconds(started);
  const result = await calibrateWithRunner(runner, {}, { now: () => performance.now() });
  const wall = seconds(started);
  waiter.close();
  await stopChildren();
  await db.calibrationShard.deleteMany({ where: { runId: run.id } });
  await queue.obliterate({ force: true }).catch(() => undefined);
  await Promise.all([queue.close(), events.close()]);
  redis.disconnect();
  const passTotal = runner.passSeconds.reduce((x, y) => x + y, 0);
  return {
    processes,
    shards: runner.shards,
    wall,
    setup,
    passTotal,
    passes: runner.passSeconds.length,
    medianPass: median(runner.passSeconds),
    result,
    passSeconds: [...runner.passSeconds],
  };
}

try {
  const ceilingBefore = await kernelCeiling();
  console.log(
    `  machine ceiling (kernel alone, 1 vs 2 processes at once): ×${ceilingBefore.ratio.toFixed(2)} (6 E-steps on 1.5M answers: ${ceilingBefore.alone.toFixed(1)} s alone, ${ceilingBefore.together.toFixed(1)} s each with two)`,
  );
  const line = (m: Measure) =>
    `${m.wall.toFixed(1)} s wall = shards written ${m.setup.toFixed(1)} s + ${m.passes} passes ${m.passTotal.toFixed(1)} s (median ${m.medianPass.toFixed(2)} s) + M-steps ${(m.wall - m.setup - m.passTotal).toFixed(1)} s; ${m.shards} shards, ${m.result.iterations} EM cycles`;
  const one = await measure(1);
  console.log(`  1 worker process  : ${line(one)}`);
  const two = await measure(2);
  console.log(`  2 worker processes: ${line(two)}`);
  if (process.argv.includes('--verbose')) {
    console.log(`  passes, 1 process : ${one.passSeconds.map((x) => x.toFixed(2)).join(' ')}`);
    console.log(`  passes, 2 processes: ${two.passSeconds.map((x) => x.toFixed(2)).join(' ')}`);
  }
  let maxDiff = 0;
  for (let i = 0; i < one.result.items.length; i++) maxDiff = Math.max(maxDiff, Math.abs(one.result.items[i]!.b - two.result.items[i]!.b));
  const truthRmse = Math.sqrt(one.result.items.reduce((s, item, i) => s + (item.b - sim.items[i]!.b) ** 2, 0) / one.result.items.length);
  const speedUp = one.wall / two.wall;
  console.log(
    `  speed-up: ×${speedUp.toFixed(2)} (median pass ×${(one.medianPass / two.medianPass).toFixed(2)}) — target ≥ 1.6: ${speedUp >= 1.6 ? 'met' : 'NOT met'}`,
  );
  const ceilingAfter = await kernelCeiling();
  console.log(`  machine ceiling again after: ×${ceilingAfter.ratio.toFixed(2)}; load average now ${(await import('node:os')).loadavg()[0]!.toFixed(1)}`);
  console.log(`  same estimates either way: max |Δb| = ${maxDiff.toExponential(1)}; RMSE of b vs truth ${truthRmse.toFixed(3)}`);
} finally {
  await stopChildren();
  await db.$disconnect();
  await database.drop();
}
