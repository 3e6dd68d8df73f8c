/**
 * The E-step of a large calibration, split into shards that any worker process on any machine
 * computes (docs/decisions/006-calibration-pipeline.md).
 *
 * - The parent job splits the (pattern-collapsed) response matrix into shards of about equal numbers
 *   of answers and hands each, in a compact binary form, to the workers through Redis (one key per shard,
 *   for the run's passes; decision 021, h49) or, above CALIBRATION_SHARD_REDIS_MB or when Redis lacks the
 *   room, through the CalibrationShard table: every machine that reaches them can read it.
 * - For every pass (E-step or final diagnostic pass) the parent adds one job per shard to the
 *   `calibration-shards` queue, carrying the item parameters and the quadrature. Whichever worker
 *   takes a job reads the shard (once: workers keep the shards they have seen in memory), computes
 *   the shard's sums and pushes them to a Redis list of that pass; the parent, blocked on the list, has each
 *   as soon as it is stored (decision 021, h61), adds the sums up in shard order (mergeStatistics), then does the
 *   M-step. The jobs' completion events say only whether one failed (and bring the timeline's reports).
 * - Everything is namespaced by run id and lease (one processing attempt of the run), so two runs, or
 *   a run and its own earlier attempt, never mix.
 */
import type { Job, Queue, QueueEvents, RedisClient } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  collapsePatterns,
  computeShardSummary,
  createExpectationKernel,
  wasmKernelAvailable,
  type ExpectationKernel,
  mergeDiagnostics,
  mergeStatistics,
  shardBoundaries,
  sliceRows,
  type DiagnosticOptions,
  type DiagnosticStatistics,
  type EStepRunner,
  type ItemParameterArrays,
  type Quadrature,
  type ResponseData,
  type SufficientStatistics,
} from '../engine/calibration';
import { availableParallelism } from 'node:os';
import { createThreadedRunner, startMStepThreads } from '../engine/calibration/parallel';
import { env } from '../app/lib/env.server';
import { UnrecoverableError } from '../app/lib/queues.server';
import { clearAttemptShards, clearRunShards, readRunShard, writeRunShard, type ShardStore } from '../app/models/calibration-run.server';
import { withPgClient, type LiveChallenge } from '../app/models/calibration-data.server';
import { buildPersonRange, defaultSnapshotDir, snapshotUpTo, type SnapshotRules } from '../app/models/calibration-snapshot.server';
import {
  decodeDiagnostics,
  decodePass,
  decodeShard,
  decodeStatistics,
  encodeDiagnostics,
  encodePass,
  encodeShard,
  encodeStatistics,
  encodedShardBytes,
} from './calibration-codec';

export type ShardPassKind = 'expectations' | 'diagnostics';

export interface ShardJobData {
  runId: string;
  lease: string;
  /** Number of shards of the run: a pass has as many jobs, each computes the one shard it claims. */
  shards: number;
  /**
   * Shards 0 … ready − 1 are written (the first pass starts while the parent still writes the others: its
   * k-th job is added once shards 0 … k are in the database, and claims only among those). Absent: all.
   */
  ready?: number;
  pass: number;
  kind: ShardPassKind;
  /** Redis key of the pass's parameters and quadrature, packed once (encodePass). */
  paramsKey: string;
  /** Redis hash of the pass's claims: shard index → the job computing it. */
  claimKey: string;
  /**
   * Redis key of the job's result: the shard index (8 bytes) then the encoded sums; with `resultsKey`, only a mark
   * that the job stored its sums (the waiter's safety poll reads it).
   */
  resultKey: string;
  /**
   * Redis list of the pass's results (h61): each job pushes its shard index and sums there, and the parent, blocked on
   * the list, has them as soon as they are stored (no completion event, then GET, on a pass's path). Absent: at
   * `resultKey`.
   */
  resultsKey?: string;
  /**
   * Redis key of the run's shard source (a ShardSource, JSON): the worker builds the shard it claims from its
   * own snapshot of the answers instead of reading it from the CalibrationShard table. Absent: read.
   */
  sourceKey?: string;
  /**
   * Prefix of the run's shards in Redis (decision 021, h49): shard k is the key `${shardKey}:${k}`, except the
   * shards in `tableShards`, written to the CalibrationShard table (too large for Redis, or Redis full). Absent:
   * every shard is in the table.
   */
  shardKey?: string;
  tableShards?: number[];
  /**
   * false: the final pass leaves `scoreOuter` out (DiagnosticOptions.scoreOuter, decision 021 h47: only the per-item
   * Louis blocks read it). Absent: formed.
   */
  scoreOuter?: false;
}

/**
 * The failure of a shard job whose shard is no longer in Redis (evicted, Redis restarted, its TTL past): the
 * parent puts the shard back from its data and runs the pass again, never a pass with a shard missing.
 */
export const SHARD_GONE = 'CALIBRATION_SHARD_GONE';

/** Passes run again after a shard left Redis mid-pass, at most (then the run fails). */
const GONE_RETRIES = 2;

/**
 * What a worker process needs to build a shard of a run itself (decision 021, h37): the run's bound and
 * live challenges, the data rules' lists the run's matrix was built with, and the shards' person ranges.
 * The shard is then the range's rows of that matrix, bit for bit, with the patterns collapsed within it.
 */
export interface ShardSource {
  maxAnswerId: string;
  challenges: LiveChallenge[];
  rules: SnapshotRules;
  /** Shard k holds the persons (rows of the run's matrix) bounds[k] … bounds[k + 1] − 1. */
  bounds: number[];
  /** Persons and calibrated items of the run's matrix: a worker whose build differs fails its job. */
  persons: number;
  itemIds: string[];
}

/** Builds shard `index` of a run from its source (a worker process: from its own snapshot). */
export type ShardBuilder = (source: ShardSource, index: number) => Promise<ResponseData>;

/**
 * The builder of a worker process: its snapshot of the answers (kept in memory, else its file in its data
 * folder, extended from `databaseUrl` up to the run's bound), the shard's person range built from it
 * (buildPersonRange) and its patterns collapsed.
 */
export function snapshotShardBuilder(databaseUrl: string, snapshotDir: string | null = defaultSnapshotDir()): ShardBuilder {
  return async (source, index) => {
    const from = source.bounds[index];
    const to = source.bounds[index + 1];
    if (from === undefined || to === undefined) throw new UnrecoverableError(`no shard ${index} in the run's source`);
    const snapshot = await withPgClient(databaseUrl, (client) => snapshotUpTo(client, source.maxAnswerId, { snapshotDir }));
    const { data, persons } = buildPersonRange(snapshot, source.challenges, source.maxAnswerId, source.rules, from, to);
    if (persons !== source.persons || data.itemIds.length !== source.itemIds.length || data.itemIds.some((id, i) => id !== source.itemIds[i])) {
      throw new UnrecoverableError(
        `shard ${index}: ${persons} persons and ${data.itemIds.length} items in this worker's answers, the run has ${source.persons} and ${source.itemIds.length}`,
      );
    }
    return collapsePatterns(data).data;
  };
}

/** What a shard job reports back with its completion (QueueEvents' return value), for the pass timeline. */
export interface ShardJobReport {
  shard: number;
  pid: number;
  /** Wall clock (ms since the epoch) when the job started and ended in its worker. */
  startedAt: number;
  endedAt: number;
  /**
   * Milliseconds: decoding the parameters, claiming a shard (with the parameters' read, one round trip: h61), loading it
   * (first pass of a process), computing, storing the sums.
   */
  params: number;
  claim: number;
  load: number;
  compute: number;
  store: number;
  bytes: number;
  /** The pass was dropped before this job claimed a shard or stored its sums: nothing was written. */
  dropped?: true;
}

/** Seconds a shard's result (and a pass's parameters and claims) stays in Redis if the parent never collects it. */
const RESULT_TTL_SECONDS = 900;

/**
 * Claims one shard of a pass for a job: the shard this job already claimed (a retried attempt), else the
 * first of the given order that no other job has. KEYS[1]: the pass's claim hash, KEYS[2] (optional): the pass's
 * parameters, whose absence means the pass was dropped (or is over): −2 then, and no claim hash is made again;
 * ARGV: job id, TTL, order.
 */
const CLAIM_SCRIPT = `
if #KEYS > 1 and redis.call('EXISTS', KEYS[2]) == 0 then return -2 end
local held = redis.call('HGETALL', KEYS[1])
for i = 1, #held, 2 do
  if held[i + 1] == ARGV[1] then return tonumber(held[i]) end
end
for i = 3, #ARGV do
  if redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[1]) == 1 then
    redis.call('EXPIRE', KEYS[1], ARGV[2])
    return tonumber(ARGV[i])
  end
end
return -1`;

/**
 * Keeps a job's sums, just stored by a plain SET in the same pipeline, only while its pass is on (decision 021, h54;
 * h56: the 2 MB no longer pass through a Lua string, ≈ 2 ms less a job): the parent deletes a pass's parameters,
 * claims and results at once when it drops the pass (a shard left Redis) or has read every result, so a job whose SET
 * came after that deletes its result here and nothing waits for its TTL. KEYS: the pass's parameters, then the keys the
 * job wrote (its result, or its mark and the pass's results list: h61). 1 kept, 0 not.
 */
const KEEP_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('DEL', unpack(KEYS, 2))
  return 0
end
return 1`;

/**
 * The shard a job computes: those this process holds first (so the shards stay where they were loaded and
 * a pass reads nothing), then the others from a place of this process's own.
 *
 * A job of the first pass (`ready` given: job k is added once shards 0 … k are written, ready = k + 1)
 * tries shard ready − 1 first. Jobs may claim in any order (two processors, one slower to reach its claim);
 * had job 3 taken shard 0, job 0, which may take shard 0 only, would find nothing left. With each job's own
 * shard first, shard k can be held only by job k: the last job's shard is takeable by it alone, and so on down.
 */
export async function claimShard(redis: Redis, ...claim: Parameters<typeof claimCommand>): Promise<number | null> {
  return claimed(claim[0], await redis.eval(...claimCommand(...claim)));
}

/**
 * CLAIM_SCRIPT's EVAL arguments for claimShard (alone, or in a pipeline with the pass's parameters: h61): the pass's
 * claim hash, the job, the pass's shards, those this process holds, `ready` (first pass) and the pass's parameters key.
 */
function claimCommand(
  claimKey: string,
  jobId: string,
  shards: number,
  resident: readonly number[],
  staged?: number,
  paramsKey?: string,
): [string, number, ...(string | number)[]] {
  const ready = staged ?? shards;
  const order = staged === undefined ? resident.filter((shard) => shard < ready) : [ready - 1];
  const start = process.pid % Math.max(1, ready);
  for (let k = 0; k < ready; k++) {
    const shard = (start + k) % ready;
    if (!order.includes(shard)) order.push(shard);
  }
  const keys = paramsKey === undefined ? [claimKey] : [claimKey, paramsKey];
  return [CLAIM_SCRIPT, keys.length, ...keys, jobId, RESULT_TTL_SECONDS, ...order];
}

/** Waits for `promise` (its rejection is passed on) or `ms` milliseconds, whichever comes first. */
async function waitAtMost(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** CLAIM_SCRIPT's reply: the shard, or null when the pass was dropped (or is over). */
function claimed(claimKey: string, reply: unknown): number | null {
  const shard = Number(reply);
  if (shard === -2) return null;
  if (!(shard >= 0)) throw new UnrecoverableError(`no shard left to claim in ${claimKey}`);
  return shard;
}

interface CacheEntry {
  /** The decoded shard; dropped once a one-thread WebAssembly kernel holds its own copy. */
  data: ResponseData | null;
  bytes: number;
  /** One-thread kernel, made at the shard's first pass and kept: the shard stays in its memory. */
  kernel?: ExpectationKernel;
  /** The shard's worker threads (CALIBRATION_SHARD_THREADS > 1), started at its first pass. */
  runner?: Promise<EStepRunner>;
}

/**
 * Shards this process has read, by run, lease and index, with their kernels (or threads) kept across
 * passes; least recently used evicted first once the total exceeds the budget
 * (CALIBRATION_SHARD_CACHE_MB, default 1024). Jobs claim the shards a process holds first
 * (claimShard), so after the first pass each process computes the same shards every pass.
 */
export class ShardCache {
  private readonly entries = new Map<string, CacheEntry>();
  private readonly loading = new Map<string, Promise<CacheEntry>>();
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

  /** Indices of the shards of this run attempt that this process holds. */
  resident(runId: string, lease: string): number[] {
    const prefix = `${runId}:${lease}:`;
    const out: number[] = [];
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) out.push(Number(key.slice(prefix.length)));
    return out.sort((x, y) => x - y);
  }

  /**
   * Computes one pass of a shard, on its kept kernel (one thread) or its worker threads: the job's result, the
   * shard's index (one Float64) then the encoded sums.
   */
  async compute(
    db: ShardStore,
    job: Pick<ShardJobData, 'runId' | 'lease' | 'kind' | 'scoreOuter'> & { shard: number; build?: () => Promise<ResponseData> },
    params: ItemParameterArrays,
    quadrature: Quadrature,
  ): Promise<Buffer> {
    const entry = await this.load(db, job.runId, job.lease, job.shard, job.build);
    // The final pass forms scoreOuter only when the parent reads it (h47's option, carried by the job).
    const options: DiagnosticOptions | undefined = job.scoreOuter === false ? { scoreOuter: false } : undefined;
    // The result starts with the shard's index (one Float64), written into the sums' buffer.
    if (this.threads <= 1) {
      if (entry.kernel === undefined) {
        entry.kernel = createExpectationKernel(entry.data as ResponseData);
        // The WebAssembly kernel copied the shard into its own memory: the decoded arrays can go.
        if (wasmKernelAvailable()) entry.data = null;
      }
      return job.kind === 'expectations'
        ? encodeStatistics(entry.kernel.expectations(params, quadrature), job.shard)
        : encodeDiagnostics(entry.kernel.diagnostics(params, quadrature, options), options, job.shard);
    }
    entry.runner ??= createThreadedRunner(entry.data as ResponseData, { threads: this.threads });
    const runner = await entry.runner;
    return job.kind === 'expectations'
      ? encodeStatistics(await runner.expectations(params, quadrature), job.shard)
      : encodeDiagnostics(await runner.diagnostics(params, quadrature, options), options, job.shard);
  }

  private drop(entry: CacheEntry): void {
    void entry.runner?.then((r) => r.close?.()).catch(() => undefined);
  }

  /** The decoded shard (loaded from the database, or built by `build`, the first time). */
  async get(db: ShardStore, runId: string, lease: string, index: number, build?: () => Promise<ResponseData>): Promise<ResponseData | null> {
    return (await this.load(db, runId, lease, index, build)).data;
  }

  private load(db: ShardStore, runId: string, lease: string, index: number, build?: () => Promise<ResponseData>): Promise<CacheEntry> {
    const key = `${runId}:${lease}:${index}`;
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return Promise.resolve(hit);
    }
    const pending = this.loading.get(key);
    if (pending) return pending;
    const loading = (async () => {
      let entry: CacheEntry;
      if (build) {
        const data = await build();
        entry = { data, bytes: data.rowStart.byteLength + data.items.byteLength + data.scores.byteLength + (data.weights?.byteLength ?? 0) };
      } else {
        const row = await readRunShard(db, runId, index);
        if (!row || row.lease !== lease) {
          // The run finished, was cancelled or restarted: this pass is of no use any more.
          throw new UnrecoverableError(`shard ${index} of run ${runId} (attempt ${lease}) no longer exists`);
        }
        entry = { data: decodeShard(row.data), bytes: row.data.byteLength };
      }
      this.loads++;
      this.entries.set(key, entry);
      this.total += entry.bytes;
      for (const [k, old] of this.entries) {
        if (this.total <= this.budgetBytes || k === key) break;
        this.entries.delete(k);
        this.total -= old.bytes;
        this.drop(old);
      }
      return entry;
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

/**
 * The processor of the `calibration-shards` queue. `build` makes the shards of runs that send a source
 * (default: from this process's snapshot, read from DATABASE_URL's database or its read replica).
 */
export function shardProcessor(db: ShardStore, redis: Redis, cache = new ShardCache(), build?: ShardBuilder) {
  // The parameters of the latest pass: every job of a pass that this process takes reads them once.
  let last: { key: string; pass: ReturnType<typeof decodePass> } | null = null;
  // The source of the latest run whose shards this process built.
  let source: { key: string; source: ShardSource } | null = null;
  const builder = (): ShardBuilder => {
    if (build) return build;
    const url = env().CALIBRATION_READ_DATABASE_URL ?? env().DATABASE_URL;
    if (!url) throw new UnrecoverableError('no DATABASE_URL to build a shard from');
    return (build = snapshotShardBuilder(url));
  };
  return async (job: Job<ShardJobData>): Promise<ShardJobReport> => {
    const startedAt = Date.now();
    let t = performance.now();
    const lap = () => {
      const now = performance.now();
      const ms = now - t;
      t = now;
      return ms;
    };
    const { runId, lease, paramsKey, claimKey, resultKey, resultsKey, kind, shards, ready, sourceKey, shardKey, tableShards, scoreOuter } = job.data;
    const claim = claimCommand(claimKey, job.id ?? resultKey, shards, cache.resident(runId, lease), ready, paramsKey);
    let held: number | null;
    let paramsMs = 0;
    if (last?.key === paramsKey) held = claimed(claimKey, await redis.eval(...claim));
    else {
      // The pass's first job in this process: its claim and the pass's parameters in one round trip (h61). The claim
      // first: a pass dropped meanwhile gives no claim (null) rather than parameters read and then nothing to claim.
      const replies =
        (await redis
          .pipeline()
          .eval(...claim)
          .getBuffer(paramsKey)
          .exec()) ?? [];
      const [claimError, reply] = replies[0] ?? [new Error('no reply to the claim'), null];
      const [paramsError, bytes] = replies[1] ?? [new Error('no reply for the parameters'), null];
      if (claimError) throw claimError;
      if (paramsError) throw paramsError;
      held = claimed(claimKey, reply);
      if (held !== null) {
        if (bytes === null) throw new UnrecoverableError(`parameters of pass ${job.data.pass} of run ${runId} are gone`);
        const decoding = performance.now();
        last = { key: paramsKey, pass: decodePass(bytes as Buffer) };
        paramsMs = performance.now() - decoding;
      }
    }
    const claimMs = lap() - paramsMs;
    const report = (shard: number, times: Pick<ShardJobReport, 'load' | 'compute' | 'store' | 'bytes'>, dropped: boolean): ShardJobReport => ({
      shard,
      pid: process.pid,
      startedAt,
      endedAt: Date.now(),
      params: paramsMs,
      claim: claimMs,
      ...times,
      ...(dropped ? { dropped: true as const } : {}),
    });
    // The pass was dropped (a shard left Redis) or is over: nothing to compute.
    if (held === null || last === null) return report(-1, { load: 0, compute: 0, store: 0, bytes: 0 }, true);
    const shard = held;
    const { params, quadrature } = last.pass;
    let buildShard: (() => Promise<ResponseData>) | undefined;
    if (shardKey !== undefined && !(tableShards ?? []).includes(shard)) {
      // The parent's SET, one GET: the shard comes as one buffer (decodeShard copies what is not aligned).
      buildShard = async () => {
        const bytes = await redis.getBuffer(`${shardKey}:${shard}`);
        if (bytes === null) throw new UnrecoverableError(`${SHARD_GONE}: shard ${shard} of run ${runId} (attempt ${lease}) is no longer in Redis`);
        return decodeShard(bytes);
      };
    } else if (sourceKey !== undefined) {
      buildShard = async () => {
        if (source?.key !== sourceKey) {
          const json = await redis.get(sourceKey);
          // The run finished, was cancelled or restarted: this pass is of no use any more.
          if (json === null) throw new UnrecoverableError(`the source of run ${runId} (attempt ${lease}) no longer exists`);
          source = { key: sourceKey, source: JSON.parse(json) as ShardSource };
        }
        return builder()(source.source, shard);
      };
    }
    const loadsBefore = cache.loads;
    await cache.get(db, runId, lease, shard, buildShard);
    const loadMs = cache.loads > loadsBefore ? lap() : (lap(), 0);
    const sums = await cache.compute(db, { runId, lease, shard, kind, ...(scoreOuter === false ? { scoreOuter } : {}) }, params, quadrature);
    const computeMs = lap();
    // The shard index (8 bytes) then the sums, kept only while the pass is on (KEEP_SCRIPT, in the same round trip):
    // pushed to the pass's list, with a mark at the job's key (h61), or stored at the job's key.
    const pipeline = redis.pipeline();
    if (resultsKey === undefined) pipeline.set(resultKey, sums, 'EX', RESULT_TTL_SECONDS).eval(KEEP_SCRIPT, 2, paramsKey, resultKey);
    else {
      pipeline
        .rpush(resultsKey, sums)
        .expire(resultsKey, RESULT_TTL_SECONDS)
        .set(resultKey, '1', 'EX', RESULT_TTL_SECONDS)
        .eval(KEEP_SCRIPT, 3, paramsKey, resultKey, resultsKey);
    }
    const replies = (await pipeline.exec()) ?? [];
    const failed = replies.find(([error]) => error !== null)?.[0];
    if (failed) throw failed;
    const stored = Number(replies[replies.length - 1]?.[1] ?? 0);
    const storeMs = lap();
    return report(shard, { load: loadMs, compute: computeMs, store: storeMs, bytes: sums.byteLength }, stored !== 1);
  };
}

/**
 * Waits for shard jobs: resolved by the queue's completion events, with a slow poll as a safety net
 * (an event missed while reconnecting, a job removed by a Redis restart).
 */
export class ShardWaiter {
  private readonly pending = new Map<
    string,
    { resultKey: string; resolve: (report: ShardJobReport | null) => void; reject: (error: Error) => void; stored?: true }
  >();
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly queue: Queue,
    private readonly events: QueueEvents,
    private readonly redis: Redis,
    private readonly pollMs = 1000,
  ) {
    events.on('completed', ({ jobId, returnvalue }) => this.settle(jobId, parseReport(returnvalue)));
    events.on('failed', ({ jobId, failedReason }) => void this.checkFailed(jobId, failedReason));
  }

  /** Resolves when the job is done, with its report when the completion event brought one. */
  wait(jobId: string, resultKey: string): Promise<ShardJobReport | null> {
    return new Promise<ShardJobReport | null>((resolve, reject) => {
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

  private settle(jobId: string, report: ShardJobReport | null = null): void {
    const p = this.pending.get(jobId);
    if (!p) return;
    this.pending.delete(jobId);
    p.resolve(report);
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
          // Its sums stored: settled without a report only if the completion event (which brings it) has not come by
          // the next poll (h67: a job stored just before a poll used to lose its report to it).
          if (p.stored) this.settle(jobId);
          else p.stored = true;
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

/** A completion event's return value (a JSON string, or already parsed), as a report; null if it is not one. */
function parseReport(value: unknown): ShardJobReport | null {
  try {
    const report = (typeof value === 'string' ? JSON.parse(value) : value) as ShardJobReport | null;
    return report !== null && typeof report === 'object' && typeof report.shard === 'number' ? report : null;
  } catch {
    return null;
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
  /**
   * The workers build the shards from this source (shardSource), each its own: nothing is written, `shards`
   * is the source's. `data` then only gives the run's summary (its collapse over all the persons).
   */
  source?: ShardSource;
  /** Attempts per shard job (a worker dying mid-pass: another takes the job). Default 3. */
  attempts?: number;
  /**
   * Largest shard (bytes) handed over through Redis rather than the CalibrationShard table; 0: the table
   * always. Default CALIBRATION_SHARD_REDIS_MB.
   */
  redisShardBytes?: number;
  /**
   * Worker threads of this process that share the M-step's items with it while the shard workers wait (decision 021,
   * h56; the same bits as one thread); 0: the M-step in this thread alone. Default 1 on a machine of several cores.
   */
  mStepThreads?: number;
}

/** Where one pass's time went, seen from the parent (seconds) and from the jobs' reports. */
export interface ShardPassTimeline {
  kind: ShardPassKind;
  /** Wall clock (ms since the epoch) when the pass began, to place its jobs' startedAt and endedAt. */
  startedAt: number;
  seconds: number;
  /** Packing the parameters, storing them and adding the jobs (the first pass: as its shards are written). */
  dispatch: number;
  /** From the jobs added to the last job's sums read back and decoded. */
  wait: number;
  /**
   * Reading the sums back from Redis, each job's as it completes (summed over the jobs: mostly during `wait`). 0 since
   * the sums are pushed to the pass's list (h61): they come with the blocked pop, within `wait`.
   */
  transfer: number;
  /** Decoding the shards' sums, each as it arrives (summed over the jobs; the sum in shard order follows the pass). */
  merge: number;
  /**
   * The jobs' reports (those whose completion event arrived; since h61 the pass ends with its last sums, before its
   * last completion: the array is filled as they come, by the runner's close at the latest).
   */
  jobs: ShardJobReport[];
}

export interface ShardedRunner extends EStepRunner {
  readonly shards: number;
  /** Wall seconds of every pass, for benchmarks. */
  readonly passSeconds: number[];
  /** Every pass's timeline, for benchmarks. */
  readonly timeline: ShardPassTimeline[];
  /** When each shard's write ended (ms since the epoch; none when the workers build them), for benchmarks. */
  readonly writtenAt: number[];
  /** Where each shard went (none when the workers build them), for tests and benchmarks. */
  readonly stored: readonly ('redis' | 'table')[];
  /** Redis key prefix of the run's shards (shard k: `${shardKey}:${k}`). */
  readonly shardKey: string;
}

/**
 * Bytes of shards Redis may take now: half of what its `maxmemory` leaves free, unlimited without one (an
 * unreachable INFO: nothing, so the table).
 */
async function redisRoom(redis: Redis): Promise<number> {
  try {
    const info = await redis.info('memory');
    const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1] ?? NaN);
    const max = field('maxmemory');
    const used = field('used_memory');
    if (!Number.isFinite(max) || !Number.isFinite(used)) return 0;
    return max === 0 ? Number.POSITIVE_INFINITY : Math.max(0, (max - used) / 2);
  } catch {
    return 0;
  }
}

/**
 * Writes the shards and returns an EStepRunner whose passes are computed by shard jobs. The shard
 * rows stay until the run's final write (or its cleanup) deletes them. A pass stores its parameters
 * once (one packed buffer in Redis), adds one job per shard, and each job claims a shard — those its
 * process already holds first — and stores the shard's sums, tagged with its index, under the job's key.
 */
export async function createShardedRunner(options: ShardedRunnerOptions): Promise<ShardedRunner> {
  const { db, redis, queue, waiter, runId, lease, data, source } = options;
  const parts = nonEmptyParts(source ? source.bounds : shardBoundaries(data, Math.max(1, options.shards)));
  await clearRunShards(db, runId);
  const sourceKey = source ? `${options.keyPrefix}:calibration-source:${runId}-${lease}` : undefined;
  if (sourceKey) await redis.set(sourceKey, JSON.stringify(source), 'EX', RESULT_TTL_SECONDS);
  // The shards go to Redis (one SET each; the workers one GET) up to the cap and the room Redis has, else to
  // the table (decision 021, h49). Redis keeps them for the run's passes (TTL renewed by each pass) and drops
  // them at close; one lost meanwhile is put back from `data` (same bytes), never a pass without it.
  const shardKey = `${options.keyPrefix}:calibration-shard:${runId}-${lease}`;
  const keyOf = (k: number) => `${shardKey}:${k}`;
  const capBytes = options.redisShardBytes ?? env().CALIBRATION_SHARD_REDIS_MB * 1024 * 1024;
  let room = source || capBytes === 0 ? 0 : await redisRoom(redis);
  const stored: ('redis' | 'table')[] = [];
  const encoded = (k: number, into?: Uint8Array) => {
    const { from, to } = parts[k] as { from: number; to: number };
    const shard = sliceRows(data, from, to);
    return { rows: to - from, answers: shard.items.length, data: encodeShard(shard, into) };
  };
  const store = async (k: number, shard: ReturnType<typeof encoded>, first: boolean): Promise<void> => {
    const bytes = shard.data.byteLength;
    if (bytes <= capBytes && (!first || bytes <= room)) {
      if (first) room -= bytes;
      try {
        await redis.set(keyOf(k), shard.data, 'EX', RESULT_TTL_SECONDS);
        stored[k] = 'redis';
        return;
      } catch {
        // Refused (Redis at its maxmemory without eviction): the table.
      }
    }
    await writeRunShard(db, runId, lease, k, shard);
    stored[k] = 'table';
  };
  /**
   * Stores a pass's parameters and renews the TTL of the run's source and of the shards in Redis, in one round trip
   * (h56), sent on `connection` before this returns (its first await); the shards gone are put back (encoded again
   * from `data`: the same bytes).
   */
  const storePass = async (paramsKey: string, packed: Buffer, connection: RedisClient): Promise<void> => {
    const inRedis = stored.flatMap((where, k) => (where === 'redis' ? [k] : []));
    // BullMQ's client: commands by name (its pipelines declare only those BullMQ sends).
    const pipeline = connection.pipeline().runCommand('set', [paramsKey, packed, 'EX', RESULT_TTL_SECONDS]);
    // The source lives as long as the run's passes go on; so do the shards in Redis.
    if (sourceKey) pipeline.runCommand('expire', [sourceKey, RESULT_TTL_SECONDS]);
    for (const k of inRedis) pipeline.runCommand('expire', [keyOf(k), RESULT_TTL_SECONDS]);
    const replies = (await pipeline.exec()) ?? [];
    const failed = replies.slice(0, sourceKey ? 2 : 1).find(([error]) => error !== null)?.[0];
    if (failed) throw failed;
    const first = sourceKey ? 2 : 1;
    for (let i = 0; i < inRedis.length; i++) {
      const [error, kept] = replies[first + i] ?? [null, 0];
      if (error || kept !== 1) await store(inRedis[i] as number, encoded(inRedis[i] as number), false);
    }
  };
  /** Where a job finds the shards written so far. */
  const where = (): Pick<ShardJobData, 'shardKey' | 'tableShards'> => {
    if (source || !stored.includes('redis')) return {};
    const tableShards = stored.flatMap((w, k) => (w === 'table' ? [k] : []));
    return { shardKey, ...(tableShards.length > 0 ? { tableShards } : {}) };
  };
  // The shards are encoded and written one after the other, in the background: the first pass adds its
  // k-th job as soon as shards 0 … k are written, so the workers load and compute the first shards while
  // the parent still writes the next ones.
  const written = (source ? [] : parts).map(() => {
    let settle: { resolve: () => void; reject: (error: unknown) => void } | undefined;
    const promise = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    promise.catch(() => undefined);
    return { promise, ...(settle as { resolve: () => void; reject: (error: unknown) => void }) };
  });
  let allWritten = source !== undefined;
  const writtenAt: number[] = [];
  const writing = (async () => {
    // The shards are written one by one through one buffer, sized for the largest (h67): most of an encoding's
    // ≈ 25 ms was the first touch of a fresh 10 MB, ≈ 1.5 ms once its pages are touched. A shard's buffer is free
    // again once its SET is answered (Redis has read it all) or its row inserted. Built by the workers: nothing.
    const largest = (source ? [] : parts).reduce(
      (most, { from, to }) =>
        Math.max(
          most,
          encodedShardBytes(to - from, (data.rowStart[to] as number) - (data.rowStart[from] as number), data.itemIds.length, data.weights !== null),
        ),
      0,
    );
    const scratch = largest > 0 ? Buffer.allocUnsafeSlow(largest) : undefined;
    for (let k = 0; k < (source ? 0 : parts.length); k++) {
      // Shard k is stored (its SET answered) before shard k + 1 is encoded (h61): the encoding blocks this thread,
      // and encoding the next shards while the SET was on its way kept its reply, and the first pass's first job,
      // waiting behind every shard's encoding (the pass's 81–91 ms lead).
      await store(k, encoded(k, scratch), true);
      writtenAt[k] = Date.now();
      (written[k] as (typeof written)[number]).resolve();
      // Lets the pass add job k (its queue.add goes out) before the next shard is encoded.
      await new Promise((resolve) => setImmediate(resolve));
    }
  })().catch((error: unknown) => {
    for (const entry of written) entry.reject(error);
  });
  void Promise.all(written.map((entry) => entry.promise)).then(
    () => (allWritten = true),
    () => undefined,
  );
  const attempts = options.attempts ?? 3;
  // The connection blocked on a pass's results list (h61), and what goes on after a pass (its keys' deletion, its
  // jobs' completion reports): close waits for it.
  let blocking: Redis | null = null;
  const afterPasses: Promise<unknown>[] = [];
  const passSeconds: number[] = [];
  const timeline: ShardPassTimeline[] = [];
  let pass = 0;

  /** What a pass computes, and how its shards' sums are read back. */
  interface PassRequest<T> {
    kind: ShardPassKind;
    params: ItemParameterArrays;
    quadrature: Quadrature;
    decode: (bytes: Uint8Array) => T;
    /** The final pass's options the jobs honour (scoreOuter; row scores are not computed by shard jobs). */
    diagnostic?: DiagnosticOptions;
  }

  /** One pass: the shards' sums in shard order. */
  async function run<T>({ kind, params, quadrature, decode, diagnostic }: PassRequest<T>): Promise<T[]> {
    const started = performance.now();
    const startedAt = Date.now();
    const number = ++pass;
    const passId = `${runId}-${lease}-${number}`;
    const paramsKey = `${options.keyPrefix}:calibration-params:${passId}`;
    const claimKey = `${options.keyPrefix}:calibration-claims:${passId}`;
    const resultsKey = `${options.keyPrefix}:calibration-results:${passId}`;
    // The parameters go on the queue's own connection, just before the pass's jobs (h67): one connection delivers its
    // commands in order, so no job can claim before they are stored, and the jobs no longer wait for their round trip.
    // A shard found gone meanwhile is put back after the jobs are added: a job that reads it first fails the pass,
    // which is run again (SHARD_GONE), as for a shard lost during the pass.
    const storing = storePass(paramsKey, encodePass(params, quadrature), await queue.client);
    storing.catch(() => undefined);
    // While shards are still being written (the first pass), each job says how many are ready.
    const staged = !allWritten;
    const jobs = parts.map((_, k) => {
      const jobId = `${passId}-${k}`;
      const data: ShardJobData = {
        runId,
        lease,
        shards: parts.length,
        ...(staged ? { ready: k + 1 } : {}),
        pass: number,
        kind,
        paramsKey,
        claimKey,
        resultKey: `${options.keyPrefix}:calibration-results:${jobId}`,
        resultsKey,
        ...(sourceKey ? { sourceKey } : {}),
        ...where(),
        ...(kind === 'diagnostics' && diagnostic?.scoreOuter === false ? { scoreOuter: false as const } : {}),
      };
      return {
        name: kind,
        data,
        opts: { jobId, attempts, backoff: { type: 'fixed', delay: 200 }, removeOnComplete: true, removeOnFail: { count: 200 } },
      };
    });
    const sums = new Array<T | undefined>(parts.length);
    let missing = parts.length;
    let merge = 0;
    // A job's result: the shard's index (one Float64) then its sums, decoded as it arrives.
    const take = (bytes: Buffer): void => {
      const t = performance.now();
      const shard = bytes.readDoubleLE(0);
      if (!Number.isInteger(shard) || shard < 0 || shard >= parts.length) throw new Error(`résultat de partie inattendu (${shard}) dans la passe ${number}`);
      // A shard's sums twice (a job run again after its worker died having pushed them): the same bits, the first kept.
      if (sums[shard] === undefined) {
        sums[shard] = decode(bytes.subarray(8));
        missing--;
      }
      merge += performance.now() - t;
    };
    // The jobs' completions: their failures fail the pass; their reports (the timeline's) may come after its end.
    const reports: ShardJobReport[] = [];
    const waitFor = (j: (typeof jobs)[number]) => {
      const wait = waiter.wait(j.opts.jobId, j.data.resultKey).then((report) => {
        if (report) reports.push(report);
        return report;
      });
      // A job may fail while the first pass's jobs are still being added: handled here, reported below.
      wait.catch(() => undefined);
      return wait;
    };
    // The results, pushed by the jobs to the pass's list, read by a blocked pop on a connection of their own (h61):
    // each as soon as its job stored it, while the others still compute.
    if (blocking === null) {
      blocking = redis.duplicate();
      // Its failures come with the pop's promise (as the shared connection's, whose events are silenced likewise).
      blocking.on('error', () => undefined);
    }
    const reader = blocking;
    let stop = false;
    let popping = true;
    const collect = (async () => {
      try {
        while (missing > 0 && !stop) {
          const popped = await reader.blpopBuffer(resultsKey, 1);
          if (popped) take(popped[1]);
        }
      } finally {
        popping = false;
      }
    })();
    collect.catch(() => undefined);
    // A job is waited for from just before it is added (the waiter's poll takes a job not yet added for a lost one).
    const waits: Promise<ShardJobReport | null>[] = [];
    let added = started;
    try {
      if (staged) {
        for (let k = 0; k < jobs.length; k++) {
          await (written[k] as (typeof written)[number]).promise;
          // Where shards 0 … k are, now that they are written.
          jobs[k]!.data = { ...jobs[k]!.data, ...where() };
          waits.push(waitFor(jobs[k]!));
          await queue.add(jobs[k]!.name, jobs[k]!.data, jobs[k]!.opts);
        }
        await storing;
      } else {
        waits.push(...jobs.map(waitFor));
        await Promise.all([storing, queue.addBulk(jobs)]);
      }
      added = performance.now();
      // Every job done and a result still not popped: the sums at the jobs' keys (a worker of before h61 stores them
      // there; the others' keys hold a mark, their sums being on their way to the pop), then a moment for those pops;
      // a shard still missing fails the pass.
      const completed = Promise.all(waits).then(async () => {
        if (missing === 0) return;
        const replies = (await redis.pipeline(jobs.map((j) => ['getBuffer', j.data.resultKey])).exec()) ?? [];
        for (const [, bytes] of replies) if (Buffer.isBuffer(bytes) && bytes.byteLength > 8) take(bytes);
        if (missing > 0) await waitAtMost(collect, 5000);
        if (missing > 0) throw new Error(`résultats de ${missing} partie(s) introuvables dans Redis (passe ${number})`);
        // A pop still blocked is of no use: its connection goes (a new one for the next pass). Only while it is blocked
        // (h67): once the pops ended, the pass may be over and the next pass's pop on this connection.
        stop = true;
        if (!popping) return;
        if (blocking === reader) blocking = null;
        reader.disconnect();
      });
      completed.catch(() => undefined);
      await Promise.race([collect, completed]);
    } catch (error) {
      stop = true;
      // The blocked pop is of no use: its connection goes (a new one for the next pass).
      blocking?.disconnect();
      blocking = null;
      waiter.forget(jobs.map((j) => j.opts.jobId));
      // The pass's jobs not yet taken are of no use (an active one cannot be removed: its sums expire).
      await Promise.all(jobs.map((j) => queue.remove(j.opts.jobId).catch(() => 0)));
      await redis.del(...jobs.map((j) => j.data.resultKey), resultsKey, paramsKey, claimKey).catch(() => undefined);
      throw error;
    }
    const done = performance.now();
    // The pass's keys go while the M-step runs (the next pass's commands follow on the same connection; close waits).
    afterPasses.push(redis.del(...jobs.map((j) => j.data.resultKey), resultsKey, paramsKey, claimKey).catch(() => undefined));
    afterPasses.push(Promise.allSettled(waits));
    passSeconds.push((done - started) / 1000);
    timeline.push({
      kind,
      startedAt,
      seconds: (done - started) / 1000,
      dispatch: (added - started) / 1000,
      wait: (done - added) / 1000,
      transfer: 0,
      merge: merge / 1000,
      jobs: reports,
    });
    return sums as T[];
  }

  /** A pass; run again (new jobs, the lost shards put back) when a shard left Redis during it. */
  async function runWhole<T>(request: PassRequest<T>): Promise<T[]> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await run(request);
      } catch (error) {
        if (attempt >= GONE_RETRIES || !(error instanceof Error) || !error.message.includes(SHARD_GONE)) throw error;
      }
    }
  }

  const summary = computeShardSummary(data);
  // Started now: their start (≈ 50–75 ms of CPU each) overlaps the first pass.
  const mStepThreadCount = options.mStepThreads ?? (availableParallelism() > 1 ? 1 : 0);
  const mStepThreads = mStepThreadCount > 0 ? startMStepThreads(mStepThreadCount) : null;
  return {
    itemIds: data.itemIds,
    shards: parts.length,
    passSeconds,
    timeline,
    writtenAt,
    summary: () => summary,
    stored,
    shardKey,
    expectations: async (params, quadrature): Promise<SufficientStatistics> =>
      mergeStatistics(await runWhole({ kind: 'expectations', params, quadrature, decode: decodeStatistics })),
    diagnostics: async (params, quadrature, diagnostic): Promise<DiagnosticStatistics> =>
      mergeDiagnostics(await runWhole({ kind: 'diagnostics', params, quadrature, decode: decodeDiagnostics, ...(diagnostic ? { diagnostic } : {}) })),
    ...(mStepThreads === null ? {} : { mStep: mStepThreads.mStep }),
    close: async () => {
      await mStepThreads?.close();
      // The last passes' keys deleted and their jobs' reports in (a report that does not come in 2 s is left out).
      await waitAtMost(Promise.all(afterPasses.splice(0)), 2000);
      blocking?.disconnect();
      blocking = null;
      if (sourceKey) await redis.del(sourceKey).catch(() => undefined);
      // Abandoned while writing its shards: those written after the run's cleanup are removed here.
      if (!allWritten) {
        await writing;
        await clearAttemptShards(db, runId, lease).catch(() => undefined);
      }
      // The shards in Redis (the table's go with the run's final write or its cleanup).
      if (stored.includes('redis')) await redis.del(...parts.map((_, k) => keyOf(k))).catch(() => undefined);
    },
  };
}

/** The parts [from, to) of these boundaries that hold rows. */
function nonEmptyParts(bounds: readonly number[]): { from: number; to: number }[] {
  const parts: { from: number; to: number }[] = [];
  for (let k = 0; k + 1 < bounds.length; k++) {
    const from = bounds[k] as number;
    const to = bounds[k + 1] as number;
    if (to > from) parts.push({ from, to });
  }
  return parts;
}

/**
 * The source the workers build a run's shards from (decision 021, h37): `count` person ranges of about
 * equal answers of the run's matrix (`read`, not collapsed), with what a worker needs to build the same rows.
 */
export function shardSource(
  read: { data: ResponseData; maxAnswerId: string },
  challenges: readonly LiveChallenge[],
  rules: SnapshotRules,
  count: number,
): ShardSource {
  const parts = nonEmptyParts(shardBoundaries(read.data, Math.max(1, count)));
  const bounds = parts.length === 0 ? [0, 0] : [...parts.map((p) => p.from), (parts[parts.length - 1] as { to: number }).to];
  return {
    maxAnswerId: read.maxAnswerId,
    challenges: [...challenges],
    rules,
    bounds,
    persons: read.data.rowStart.length - 1,
    itemIds: [...read.data.itemIds],
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
