/**
 * The distributed E-step with real worker processes on one Redis: a 10.5M-answer calibration (2,000
 * items, 700,000 persons × 15 answers, sparse, 2PL with the default settings) whose passes are
 * computed by shard jobs, with ONE worker process, then with TWO (`workers/main.ts`, started as
 * separate processes on this test database and a queue prefix of their own). Prints both wall times
 * and the speed-up (target ≥ 1.6× on a 2-core machine).
 *
 * What is timed: from the collapsed response matrix to the final result — writing the shards to
 * PostgreSQL (during the first pass: its jobs start as their shards are written), every E-step and the final diagnostic pass over shard jobs, the M-steps and merges in
 * this process (the parent job's part). Not timed: simulating the data, and reading answers from the
 * database (a single streamed pass of the parent, the same with any number of workers; measured
 * separately by the worker's own `summary.execution.readSeconds`).
 *
 * Two worker processes on this 2-core machine: a worker computes a shard pass on
 * CALIBRATION_SHARD_THREADS threads (default: every core), so one process with its two threads already
 * uses both cores and a second process can only add its fixed costs. The fair comparison gives each
 * process ONE thread in both arms (the "fair" arm: what two machines of one core each would show); the
 * "raw" arm keeps the default threads. Both are printed, each with its ratio, and each pass's timeline
 * (parameters dispatched, waiting, results read back, merged; in the jobs: claim, load, compute, store).
 *
 *   node --import tsx bench/calibration-workers.ts [--persons N] [--items N] [--arms fair,raw] [--repeat 2] [--verbose] [--redis-shard-mb N]
 *     [--standard-errors none|louis-block] [--mstep-threads 0|1]
 *
 * The parent hands the shards over through Redis up to CALIBRATION_SHARD_REDIS_MB a shard (h49);
 * `--redis-shard-mb 0` writes them to the CalibrationShard table as before.
 *
 * From PostgreSQL (decision 021, h37): with `--database URL --work DIR` (a bank loaded by
 * `bench/calibration-pipeline.ts --load-only --work DIR`, kept), the run's data is read from that database
 * through the snapshot in DIR/calibration (not timed: the parent's read, the same in every arm), and each arm
 * is measured with the shards written by the parent (`parent`) and built by the worker processes from their
 * snapshot (`workers`, the worker processes' data folder being DIR: they read the parent's snapshot file, as a
 * worker on another machine reads its own), alternated: `--sources parent,workers` (default both).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { calibrateWithRunner, collapsePatterns, computeShardExpectations, type CalibrationResult } from '../engine/calibration';
import { gridNodes, normalWeights } from '../engine/irt';
import { createRandom } from '../engine/random';
import { simulateCalibrationData } from '../engine/simulation';
import { createPrisma } from '../prisma/client';
import { liveChallenges, withPgClient, type CalibrationData } from '../app/models/calibration-data.server';
import { readCalibrationDataFromSnapshot, type SnapshotRules } from '../app/models/calibration-snapshot.server';
import { createTestDatabase } from '../scripts/testdb';
import { QUEUES, redisConnection } from '../app/lib/queues.server';
import { ShardWaiter, createShardedRunner, shardCount, shardSource, type ShardPassTimeline } from '../workers/calibration-shards';

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

const text = (name: string): string | null => (process.argv.includes(`--${name}`) ? (process.argv[process.argv.indexOf(`--${name}`) + 1] ?? null) : null);
const reuseUrl = text('database');
const work = text('work');
if ((reuseUrl === null) !== (work === null)) throw new Error('--database and --work go together');
let t = performance.now();
let sim: ReturnType<typeof simulateCalibrationData> | null = null;
/** From PostgreSQL: the run's data read through the snapshot, its live challenges and data rules. */
let fromDatabase: { read: CalibrationData; live: Awaited<ReturnType<typeof liveChallenges>>; rules: SnapshotRules } | null = null;
const database = reuseUrl === null ? await createTestDatabase() : { name: new URL(reuseUrl).pathname.slice(1), url: reuseUrl, drop: async () => undefined };
if (reuseUrl === null) {
  console.log(`calibration-workers: ${items} items, ${persons} persons × ${perPerson} answers (${((persons * perPerson) / 1e6).toFixed(1)}M answers)`);
  sim = simulateCalibrationData(createRandom(20240602), { items, persons, design: { kind: 'random', perPerson } });
  console.log(`  simulation: ${seconds(t).toFixed(1)} s (not timed)`);
} else {
  const prisma = createPrisma(reuseUrl);
  const live = await liveChallenges(prisma);
  await prisma.$disconnect();
  const pipeline = await withPgClient(reuseUrl, (client) =>
    readCalibrationDataFromSnapshot(client, live, { snapshotDir: join(work as string, 'calibration') }),
  );
  fromDatabase = { read: pipeline.read, live, rules: pipeline.rules };
  console.log(
    `calibration-workers from PostgreSQL (${database.name}): ${pipeline.read.counts.used} answers of ${pipeline.read.counts.persons} persons on ${pipeline.read.data.itemIds.length} items, read through the snapshot (${pipeline.source}) in ${seconds(t).toFixed(1)} s (not timed)`,
  );
}
t = performance.now();
const collapsed = collapsePatterns(fromDatabase ? fromDatabase.read.data : sim!.data).data;
console.log(
  `  pattern collapse: ${seconds(t).toFixed(1)} s (not timed), ${collapsed.rowStart.length - 1} distinct patterns, ${collapsed.items.length} stored answers`,
);
console.log(
  `  database ${database.name}${reuseUrl === null ? ' (dropped at the end)' : ' (kept)'}, load average ${(await import('node:os')).loadavg()[0]!.toFixed(1)}`,
);
process.on(
  'SIGINT',
  () =>
    void stopChildren()
      .then(() => database.drop())
      .finally(() => process.exit(130)),
);
const db = createPrisma(database.url);
// Runs an interrupted earlier bench left open on a kept database: a worker's watchdog would queue them.
await db.calibrationRun.updateMany({
  where: { status: { in: ['QUEUED', 'RUNNING'] }, settings: { path: ['bench'], equals: true } },
  data: { status: 'CANCELLED', finishedAt: new Date() },
});
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
  /** Until the runner is ready: the shards cleared and the first one encoded (their writes go on during the first pass). */
  setup: number;
  /** All passes over shard jobs (E-steps and the diagnostic pass). */
  passTotal: number;
  passes: number;
  medianPass: number;
  result: CalibrationResult;
  passSeconds: number[];
  timeline: ShardPassTimeline[];
  /** When each shard's write ended (ms since the epoch). */
  writtenAt: number[];
  stored: readonly string[];
  /** CPU seconds the worker processes used during the run (user + system, from /proc; their start not included). */
  workerCpu: number;
  /** Seconds waited after the workers listened until they were idle (their start's compilation and garbage). */
  settle: number;
}

/** CPU seconds (user + system) of a process so far, from /proc (0 when unreadable). */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

async function measure(processes: number, threads: number, built: 'parent' | 'workers' = 'parent'): Promise<Measure> {
  const prefix = `bench-${randomUUID().slice(0, 8)}`;
  for (let k = 0; k < processes; k++) {
    const child = spawn(process.execPath, ['--import', 'tsx', 'workers/main.ts'], {
      env: {
        ...process.env,
        DATABASE_URL: database.url,
        QUEUE_PREFIX: prefix,
        CALIBRATION_SCHEDULE: 'off',
        CALIBRATION_CHECK_EVERY_MS: '0',
        // The bench's run has no job in the calibration queue: the watchdog would take it for a lost one and
        // queue it, and a worker would then calibrate the whole bank during the measure (decision 021, h43).
        CALIBRATION_WATCHDOG_MS: String(2 ** 31 - 1),
        CALIBRATION_SHARD_THREADS: String(threads),
        // Their snapshot: the parent's file (a worker elsewhere keeps its own in its data folder).
        ...(work !== null ? { WORKBENCH_DATA_DIR: work, CALIBRATION_SNAPSHOTS: '1' } : {}),
      },
      stdio: ['ignore', process.argv.includes('--verbose') ? 'inherit' : 'ignore', 'inherit'],
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
  // A worker process keeps compiling and collecting its start's garbage for a few seconds after it listens
  // (~1 s of CPU on its V8 threads, decision 021 h43): a deployment's workers are started long before a run,
  // so the run starts once every process is idle (under 20 ms of CPU in half a second; at most 15 s).
  const settleStarted = performance.now();
  for (let before = children.map((c) => cpuSeconds(c.pid)); seconds(settleStarted) < 15;) {
    await sleep(500);
    const now = children.map((c) => cpuSeconds(c.pid));
    if (now.every((cpu, k) => cpu - (before[k] as number) < 0.02)) break;
    before = now;
  }
  const settle = seconds(settleStarted);
  const startCpu = children.reduce((sum, child) => sum + cpuSeconds(child.pid), 0);
  const waiter = new ShardWaiter(queue, events, redis);
  const run = await db.calibrationRun.create({ data: { model: '2pl', settings: { bench: true }, status: 'RUNNING' } });
  const shards = shardCount(collapsed.items.length, processes);
  const started = performance.now();
  const source = built === 'workers' && fromDatabase ? shardSource(fromDatabase.read, fromDatabase.live, fromDatabase.rules, shards) : undefined;
  const runner = await createShardedRunner({
    db,
    redis,
    queue,
    waiter,
    keyPrefix: prefix,
    runId: run.id,
    lease: randomUUID(),
    data: collapsed,
    shards,
    ...(source ? { source } : {}),
    // `--redis-shard-mb 0`: the shards in the CalibrationShard table, as before h49.
    ...(option('redis-shard-mb', -1) >= 0 ? { redisShardBytes: option('redis-shard-mb', -1) * 1024 * 1024 } : {}),
    // `--mstep-threads 0`: the M-step in this thread alone, as before h56 (default: one thread shares it).
    ...(option('mstep-threads', -1) >= 0 ? { mStepThreads: option('mstep-threads', -1) } : {}),
  });
  const setup = seconds(started);
  // `--standard-errors none|observed|louis-block`: the default ('auto') gives the per-item Louis blocks here (no data
  // held in this process), whose final pass forms scoreOuter; a run of the pipeline holds its data and takes the
  // exact SEs, so its final pass does not (h47, carried to the workers by h54).
  const standardErrors = text('standard-errors') as 'none' | 'observed' | 'louis-block' | null;
  const result = await calibrateWithRunner(runner, standardErrors ? { standardErrors } : {}, { now: () => performance.now() });
  const wall = seconds(started);
  // The shards in Redis go (those of the table below).
  await runner.close?.();
  const workerCpu = children.reduce((sum, child) => sum + cpuSeconds(child.pid), 0) - startCpu;
  waiter.close();
  await stopChildren();
  // Finished, so that no later arm's watchdog (its first look, at the workers' start) finds it open.
  await db.calibrationRun.update({ where: { id: run.id }, data: { status: 'SUCCEEDED', finishedAt: new Date() } });
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
    timeline: [...runner.timeline],
    writtenAt: [...runner.writtenAt],
    stored: [...runner.stored],
    workerCpu,
    settle,
  };
}

/** One pass's timeline in a line: the parent's parts, then the jobs' (medians over the jobs, ms). */
function describePass(p: ShardPassTimeline): string {
  const ms = (x: number) => (x * 1000).toFixed(0);
  const byProcess = new Map<number, number>();
  for (const j of p.jobs) byProcess.set(j.pid, (byProcess.get(j.pid) ?? 0) + j.compute);
  const critical = Math.max(0, ...byProcess.values()) / 1000;
  const med = (f: (j: ShardPassTimeline['jobs'][number]) => number) => median(p.jobs.map(f)).toFixed(0);
  return (
    `${p.kind === 'expectations' ? 'E' : 'D'} ${ms(p.seconds)} = dispatch ${ms(p.dispatch)} + wait ${ms(p.wait)} + transfer ${ms(p.transfer)} + merge ${ms(p.merge)}` +
    ` | longest process's compute ${ms(critical)}, fixed ${ms(p.seconds - critical)}` +
    ` | jobs: params ${med((j) => j.params)}, claim ${med((j) => j.claim)}, load ${med((j) => j.load)}, compute ${med((j) => j.compute)}, store ${med((j) => j.store)}` +
    ` | shards→pids ${p.jobs.map((j) => `${j.shard}:${j.pid % 1000}`).join(' ')}` +
    ` | ${fixedParts(p)}`
  );
}

/**
 * The pass's fixed cost in parts (ms, from the jobs' wall clocks; decision 021, h56): lead (the pass's start to its first
 * job's start: parameters stored, jobs added, taken), within the jobs (parameters, claim, store, summed over the jobs of
 * the busiest process), between a process's jobs (the previous one's completion, the next one fetched) and tail (the last
 * job's end to the pass's end: completion event, the last GET and decode, the DEL).
 */
function fixedParts(p: ShardPassTimeline): string {
  if (p.jobs.length === 0) return 'no reports';
  const byPid = new Map<number, ShardPassTimeline['jobs']>();
  for (const j of p.jobs) byPid.set(j.pid, [...(byPid.get(j.pid) ?? []), j]);
  let busiest: ShardPassTimeline['jobs'] = [];
  for (const jobs of byPid.values()) if (jobs.reduce((s, j) => s + j.compute, 0) > busiest.reduce((s, j) => s + j.compute, 0)) busiest = jobs;
  busiest = [...busiest].sort((x, y) => x.startedAt - y.startedAt);
  const first = Math.min(...p.jobs.map((j) => j.startedAt));
  const last = Math.max(...p.jobs.map((j) => j.endedAt));
  let between = 0;
  for (let k = 1; k < busiest.length; k++) between += busiest[k]!.startedAt - busiest[k - 1]!.endedAt;
  const sum = (f: (j: ShardPassTimeline['jobs'][number]) => number) => busiest.reduce((s, j) => s + f(j), 0).toFixed(0);
  return (
    `fixed parts: lead ${first - p.startedAt}, in jobs params ${sum((j) => j.params)} + claim ${sum((j) => j.claim)} + store ${sum((j) => j.store)}` +
    `, between jobs ${between}, tail ${(p.startedAt + p.seconds * 1000 - last).toFixed(0)}`
  );
}

/** Each job of a pass placed in time: shard:pid, when it started and ended (ms from the pass's start), its load and compute. */
function describeJobs(p: ShardPassTimeline): string {
  return [...p.jobs]
    .sort((x, y) => x.startedAt - y.startedAt)
    .map(
      (j) => `${j.shard}:${j.pid % 1000} ${j.startedAt - p.startedAt}→${j.endedAt - p.startedAt} (load ${j.load.toFixed(0)}, compute ${j.compute.toFixed(0)})`,
    )
    .join(', ');
}

/** When the first pass's first reported job started, ms after the pass's start ("?": no report came). */
function firstJob(m: Measure): string {
  const first = m.timeline[0];
  return first && first.jobs.length > 0 ? String(Math.min(...first.jobs.map((j) => j.startedAt)) - first.startedAt) : '?';
}

/** Median fixed cost of a pass: its wall time less the compute of the process with the most to do. */
function medianFixed(m: Measure): number {
  return median(
    m.timeline.map((p) => {
      const byProcess = new Map<number, number>();
      for (const j of p.jobs) byProcess.set(j.pid, (byProcess.get(j.pid) ?? 0) + j.compute);
      return p.seconds - Math.max(0, ...byProcess.values()) / 1000;
    }),
  );
}

try {
  const ceilingBefore = await kernelCeiling();
  console.log(
    `  machine ceiling (kernel alone, 1 vs 2 processes at once): ×${ceilingBefore.ratio.toFixed(2)} (6 E-steps on 1.5M answers: ${ceilingBefore.alone.toFixed(1)} s alone, ${ceilingBefore.together.toFixed(1)} s each with two)`,
  );
  const line = (m: Measure) =>
    `${m.wall.toFixed(1)} s wall = set-up ${m.setup.toFixed(1)} s + ${m.passes} passes ${m.passTotal.toFixed(1)} s (the first, with the shards' writes and loads, ${(m.passSeconds[0] ?? NaN).toFixed(2)} s, its first job at ${firstJob(m)} ms; median ${m.medianPass.toFixed(2)} s, fixed cost ${(medianFixed(m) * 1000).toFixed(0)} ms) + M-steps ${(m.wall - m.setup - m.passTotal).toFixed(1)} s; ${m.shards} shards, ${m.result.iterations} EM cycles; workers' CPU ${m.workerCpu.toFixed(1)} s (idle ${m.settle.toFixed(1)} s after they listened); load ${loadavg()[0]!.toFixed(1)}`;
  const armNames = (text('arms') ?? 'fair,raw').split(',');
  const sources = fromDatabase ? ((text('sources') ?? 'parent,workers').split(',') as ('parent' | 'workers')[]) : (['parent'] as const);
  const arms = armNames.flatMap((arm) => sources.map((built) => ({ arm, built })));
  const repeat = option('repeat', 1);
  let reference: CalibrationResult | null = null;
  let maxDiff = 0;
  for (const { arm, built } of arms) {
    const threads = arm === 'fair' ? 1 : 0;
    const label = `${arm === 'fair' ? 'one thread per process' : 'default threads (every core) per process'}${fromDatabase ? `, shards ${built === 'workers' ? 'built by the workers from their snapshot' : 'written by the parent'}` : ''}`;
    console.log(`  ${arm} arm: ${label}`);
    const ones: Measure[] = [];
    const twos: Measure[] = [];
    for (let r = 0; r < repeat; r++) {
      // Alternated (1, 2, then 2, 1, …) so a change of the machine's load falls on both.
      for (const processes of r % 2 === 0 ? [1, 2] : [2, 1]) {
        const m = await measure(processes, threads, built);
        (processes === 1 ? ones : twos).push(m);
        console.log(`    ${processes} worker process${processes > 1 ? 'es' : ''}: ${line(m)}`);
        if (process.argv.includes('--verbose')) {
          for (const p of m.timeline) console.log(`      ${describePass(p)}`);
          const first = m.timeline[0];
          if (first) {
            const written = m.writtenAt.map((at, k) => `${k} ${at - first.startedAt}${m.stored[k] ? ` (${m.stored[k]})` : ''}`).join(', ');
            console.log(`      first pass (ms from its start): shards written ${written}; jobs ${describeJobs(first)}`);
          }
        }
        reference ??= m.result;
        for (let i = 0; i < reference.items.length; i++) maxDiff = Math.max(maxDiff, Math.abs(reference.items[i]!.b - m.result.items[i]!.b));
      }
    }
    const wall = (ms: Measure[]) => median(ms.map((m) => m.wall));
    const passes = (ms: Measure[]) => median(ms.map((m) => m.passTotal));
    const cpu = (ms: Measure[]) => median(ms.map((m) => m.workerCpu));
    const speedUp = wall(ones) / wall(twos);
    console.log(
      `    ${arm}${fromDatabase ? ` (${built})` : ''}: speed-up ×${speedUp.toFixed(2)} (whole run), passes alone ×${(passes(ones) / passes(twos)).toFixed(2)}; workers' CPU ${cpu(ones).toFixed(1)} s vs ${cpu(twos).toFixed(1)} s — target ≥ 1.6: ${speedUp >= 1.6 ? 'met' : 'NOT met'}`,
    );
  }
  const ceilingAfter = await kernelCeiling();
  console.log(`  machine ceiling again after: ×${ceilingAfter.ratio.toFixed(2)}; load average now ${(await import('node:os')).loadavg()[0]!.toFixed(1)}`);
  const truthRmse =
    reference && sim ? Math.sqrt(reference.items.reduce((s, item, i) => s + (item.b - sim!.items[i]!.b) ** 2, 0) / reference.items.length) : NaN;
  console.log(`  same estimates in every run: max |Δb| = ${maxDiff.toExponential(1)}; RMSE of b vs truth ${truthRmse.toFixed(3)}`);
} finally {
  await stopChildren();
  await db.$disconnect();
  await database.drop();
}
