/**
 * The E-step of a large calibration, split into shards that any worker process on any machine
 * computes (docs/decisions/006-calibration-pipeline.md).
 *
 * - The parent job splits the (pattern-collapsed) response matrix into shards of about equal numbers
 *   of answers and writes each, in a compact binary form, to the CalibrationShard table: every
 *   machine that reaches the database can read it.
 * - For every pass (E-step or final diagnostic pass) the parent adds one job per shard to the
 *   `calibration-shards` queue, carrying the item parameters and the quadrature. Whichever worker
 *   takes a job reads the shard (once: workers keep the shards they have seen in memory), computes
 *   the shard's sums and writes them to a Redis key of that pass; the parent waits for the jobs,
 *   reads the keys and adds the sums up (mergeStatistics), then does the M-step.
 * - Everything is namespaced by run id and lease (one processing attempt of the run), so two runs, or
 *   a run and its own earlier attempt, never mix.
 */
import type { Job, Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  computeShardDiagnostics,
  computeShardExpectations,
  computeShardSummary,
  mergeDiagnostics,
  mergeStatistics,
  shardBoundaries,
  sliceRows,
  type DiagnosticStatistics,
  type EStepRunner,
  type ItemParameterArrays,
  type Quadrature,
  type ResponseData,
  type SufficientStatistics,
} from '../engine/calibration';
import { availableParallelism } from 'node:os';
import { createThreadedRunner } from '../engine/calibration/parallel';
import { env } from '../app/lib/env.server';
import { UnrecoverableError } from '../app/lib/queues.server';
import { readRunShard, writeRunShards, type ShardStore } from '../app/models/calibration-run.server';
import {
  decodeDiagnostics,
  decodePass,
  decodeShard,
  decodeStatistics,
  encodeDiagnostics,
  encodePass,
  encodeShard,
  encodeStatistics,
  type EncodedPass,
} from './calibration-codec';

export type ShardPassKind = 'expectations' | 'diagnostics';

export interface ShardJobData {
  runId: string;
  lease: string;
  shard: number;
  /** Number of shards of the run (for reading ahead). */
  shards: number;
  pass: number;
  kind: ShardPassKind;
  parameters: EncodedPass;
  /** Redis key the shard's sums go to. */
  resultKey: string;
}

/** Seconds a shard's result stays in Redis if the parent never collects it. */
const RESULT_TTL_SECONDS = 900;

/**
 * Shards this process has read, by run, lease and index, least recently used evicted first once
 * the total exceeds the budget (CALIBRATION_SHARD_CACHE_MB, default 1024). The first time a process
 * meets a run it also reads that run's other shards in the background, so that the passes after
 * the first find them here whichever shard they are given.
 */
export class ShardCache {
  private readonly entries = new Map<string, { data: ResponseData; bytes: number; runner?: Promise<EStepRunner> }>();
  private readonly loading = new Map<string, Promise<ResponseData>>();
  private readonly seenRuns = new Set<string>();
  private total = 0;
  loads = 0;

  /**
   * @param threads threads a pass of one shard is computed on (default CALIBRATION_SHARD_THREADS, 0 or
   * unset: the machine's available parallelism), as the in-process engine does; 1 computes in this thread.
   */
  constructor(
    private readonly budgetBytes = env().CALIBRATION_SHARD_CACHE_MB * 1024 * 1024,
    readonly threads = env().CALIBRATION_SHARD_THREADS || availableParallelism(),
  ) {}

  /** Computes one pass of a shard, on the shard's worker threads (started at its first pass, kept while it is cached). */
  async compute(
    db: ShardStore,
    job: Pick<ShardJobData, 'runId' | 'lease' | 'shard' | 'shards' | 'kind'>,
    params: ItemParameterArrays,
    quadrature: Quadrature,
  ): Promise<Buffer> {
    const data = await this.get(db, job.runId, job.lease, job.shard, job.shards);
    const entry = this.entries.get(`${job.runId}:${job.lease}:${job.shard}`);
    if (this.threads <= 1 || entry === undefined) {
      return job.kind === 'expectations'
        ? encodeStatistics(computeShardExpectations(data, params, quadrature))
        : encodeDiagnostics(computeShardDiagnostics(data, params, quadrature));
    }
    entry.runner ??= createThreadedRunner(data, { threads: this.threads });
    const runner = await entry.runner;
    return job.kind === 'expectations'
      ? encodeStatistics(await runner.expectations(params, quadrature))
      : encodeDiagnostics(await runner.diagnostics(params, quadrature));
  }

  private drop(entry: { runner?: Promise<EStepRunner> }): void {
    void entry.runner?.then((r) => r.close?.()).catch(() => undefined);
  }

  async get(db: ShardStore, runId: string, lease: string, index: number, shards = 0): Promise<ResponseData> {
    const data = await this.load(db, runId, lease, index);
    const run = `${runId}:${lease}`;
    if (shards > 1 && !this.seenRuns.has(run)) {
      this.seenRuns.add(run);
      void this.prefetch(db, runId, lease, index, shards);
    }
    return data;
  }

  private async prefetch(db: ShardStore, runId: string, lease: string, from: number, shards: number): Promise<void> {
    for (let k = 1; k < shards; k++) {
      // Stop when the run's shards would not all fit: lazy reads, with evictions, then.
      if (this.total > this.budgetBytes / 2) return;
      await this.load(db, runId, lease, (from + k) % shards).catch(() => undefined);
    }
  }

  private load(db: ShardStore, runId: string, lease: string, index: number): Promise<ResponseData> {
    const key = `${runId}:${lease}:${index}`;
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return Promise.resolve(hit.data);
    }
    const pending = this.loading.get(key);
    if (pending) return pending;
    const loading = (async () => {
      const row = await readRunShard(db, runId, index);
      if (!row || row.lease !== lease) {
        // The run finished, was cancelled or restarted: this pass is of no use any more.
        throw new UnrecoverableError(`shard ${index} of run ${runId} (attempt ${lease}) no longer exists`);
      }
      this.loads++;
      const data = decodeShard(row.data);
      const bytes = row.data.byteLength;
      this.entries.set(key, { data, bytes });
      this.total += bytes;
      for (const [k, entry] of this.entries) {
        if (this.total <= this.budgetBytes || k === key) break;
        this.entries.delete(k);
        this.total -= entry.bytes;
        this.drop(entry);
      }
      return data;
    })();
    this.loading.set(key, loading);
    loading.then(
      () => this.loading.delete(key),
      () => this.loading.delete(key),
    );
    return loading;
  }

  clear(): void {
    for (const entry of this.entries.values()) this.drop(entry);
    this.entries.clear();
    this.total = 0;
  }
}

/** The processor of the `calibration-shards` queue. */
export function shardProcessor(db: ShardStore, redis: Redis, cache = new ShardCache()) {
  return async (job: Job<ShardJobData>) => {
    const { parameters, resultKey } = job.data;
    const { params, quadrature } = decodePass(parameters);
    const result = await cache.compute(db, job.data, params, quadrature);
    await redis.set(resultKey, result, 'EX', RESULT_TTL_SECONDS);
    return { bytes: result.byteLength };
  };
}

/**
 * Waits for shard jobs: resolved by the queue's completion events, with a slow poll as a safety net
 * (an event missed while reconnecting, a job removed by a Redis restart).
 */
export class ShardWaiter {
  private readonly pending = new Map<string, { resultKey: string; resolve: () => void; reject: (error: Error) => void }>();
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly queue: Queue,
    private readonly events: QueueEvents,
    private readonly redis: Redis,
    private readonly pollMs = 1000,
  ) {
    events.on('completed', ({ jobId }) => this.settle(jobId));
    events.on('failed', ({ jobId, failedReason }) => void this.checkFailed(jobId, failedReason));
  }

  wait(jobId: string, resultKey: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.set(jobId, { resultKey, resolve, reject });
      this.timer ??= setInterval(() => void this.poll(), this.pollMs);
    });
  }

  /** Stops waiting for these jobs (the pass was abandoned). */
  forget(jobIds: readonly string[]): void {
    for (const id of jobIds) this.pending.delete(id);
    this.stopIfIdle();
  }

  close(): void {
    for (const p of this.pending.values()) p.reject(new Error('arrêt du worker'));
    this.pending.clear();
    this.stopIfIdle();
  }

  private settle(jobId: string): void {
    const p = this.pending.get(jobId);
    if (!p) return;
    this.pending.delete(jobId);
    p.resolve();
    this.stopIfIdle();
  }

  private fail(jobId: string, error: Error): void {
    const p = this.pending.get(jobId);
    if (!p) return;
    this.pending.delete(jobId);
    p.reject(error);
    this.stopIfIdle();
  }

  private stopIfIdle(): void {
    if (this.pending.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  private async checkFailed(jobId: string, reason: string): Promise<void> {
    if (!this.pending.has(jobId)) return;
    // A failed attempt that will be retried is not the end of the job.
    const state = await this.queue.getJobState(jobId).catch(() => 'unknown');
    if (state === 'failed') this.fail(jobId, new Error(`calcul d’une partie des données en échec : ${reason}`));
  }

  private async poll(): Promise<void> {
    for (const [jobId, p] of [...this.pending]) {
      try {
        if ((await this.redis.exists(p.resultKey)) === 1) {
          this.settle(jobId);
          continue;
        }
        const state = await this.queue.getJobState(jobId);
        if (state === 'failed') {
          const job = await this.queue.getJob(jobId);
          this.fail(jobId, new Error(`calcul d’une partie des données en échec : ${job?.failedReason ?? 'raison inconnue'}`));
        } else if (state === 'unknown' && (await this.redis.exists(p.resultKey)) === 0) {
          this.fail(jobId, new Error('une partie du calcul a été perdue (Redis redémarré ?)'));
        }
      } catch {
        // Redis unreachable for a moment: try again at the next poll.
      }
    }
  }
}

export interface ShardedRunnerOptions {
  db: ShardStore;
  redis: Redis;
  queue: Queue;
  waiter: ShardWaiter;
  /** Prefix of the result keys (the installation's queue prefix). */
  keyPrefix: string;
  runId: string;
  lease: string;
  /** Collapsed data; row boundaries split it into `shards` parts of about equal answers. */
  data: ResponseData;
  shards: number;
  /** Attempts per shard job (a worker dying mid-pass: another takes the job). Default 3. */
  attempts?: number;
}

export interface ShardedRunner extends EStepRunner {
  readonly shards: number;
  /** Wall seconds of every pass, for benchmarks. */
  readonly passSeconds: number[];
}

/**
 * Writes the shards and returns an EStepRunner whose passes are computed by shard jobs. The shard
 * rows stay until the run's final write (or its cleanup) deletes them.
 */
export async function createShardedRunner(options: ShardedRunnerOptions): Promise<ShardedRunner> {
  const { db, redis, queue, waiter, runId, lease, data } = options;
  const bounds = shardBoundaries(data, Math.max(1, options.shards));
  const parts: { from: number; to: number }[] = [];
  for (let k = 0; k + 1 < bounds.length; k++) {
    const from = bounds[k] as number;
    const to = bounds[k + 1] as number;
    if (to > from) parts.push({ from, to });
  }
  await writeRunShards(
    db,
    runId,
    lease,
    parts.map((part) => {
      const shard = sliceRows(data, part.from, part.to);
      return { rows: part.to - part.from, answers: shard.items.length, data: encodeShard(shard) };
    }),
  );
  const attempts = options.attempts ?? 3;
  const passSeconds: number[] = [];
  let pass = 0;

  async function run(kind: ShardPassKind, params: ItemParameterArrays, quadrature: Quadrature): Promise<Buffer[]> {
    const started = performance.now();
    const number = ++pass;
    const parameters = encodePass(params, quadrature);
    const jobs = parts.map((_, shard) => {
      const jobId = `${runId}-${lease}-${number}-${shard}`;
      const data: ShardJobData = {
        runId,
        lease,
        shard,
        shards: parts.length,
        pass: number,
        kind,
        parameters,
        resultKey: `${options.keyPrefix}:calibration-results:${jobId}`,
      };
      return {
        name: kind,
        data,
        opts: { jobId, attempts, backoff: { type: 'fixed', delay: 200 }, removeOnComplete: true, removeOnFail: { count: 200 } },
      };
    });
    const waits = jobs.map((j) => waiter.wait(j.opts.jobId, j.data.resultKey));
    try {
      await queue.addBulk(jobs);
      await Promise.all(waits);
    } catch (error) {
      waiter.forget(jobs.map((j) => j.opts.jobId));
      throw error;
    }
    const keys = jobs.map((j) => j.data.resultKey);
    const buffers = await redis.mgetBuffer(keys);
    await redis.del(...keys);
    const missing = buffers.findIndex((b) => b === null);
    if (missing >= 0) throw new Error(`résultat de la partie ${missing} introuvable dans Redis`);
    passSeconds.push((performance.now() - started) / 1000);
    return buffers as Buffer[];
  }

  const summary = computeShardSummary(data);
  return {
    itemIds: data.itemIds,
    shards: parts.length,
    passSeconds,
    summary: () => summary,
    expectations: async (params, quadrature): Promise<SufficientStatistics> =>
      mergeStatistics((await run('expectations', params, quadrature)).map((b) => decodeStatistics(b))),
    diagnostics: async (params, quadrature): Promise<DiagnosticStatistics> =>
      mergeDiagnostics((await run('diagnostics', params, quadrature)).map((b) => decodeDiagnostics(b))),
  };
}

/**
 * How many shards for `answers` stored answers and `workers` processes listening: about one per
 * `targetAnswers`, rounded up to a multiple of the workers so each gets the same share.
 */
/**
 * How many machines the worker processes listening on the shard queue run on, told apart by the address
 * their Redis connections come from (processes of one machine share it).
 */
export async function workerMachines(queue: Queue): Promise<number> {
  const workers = await queue.getWorkers();
  const hosts = new Set(workers.map((w) => (w.addr ?? '').replace(/:\d+$/, '')));
  return hosts.size;
}

export function shardCount(answers: number, workers: number, targetAnswers = 4_000_000): number {
  const wanted = Math.max(1, Math.ceil(answers / targetAnswers));
  const per = Math.max(1, workers);
  return Math.min(256, per * Math.ceil(wanted / per));
}
