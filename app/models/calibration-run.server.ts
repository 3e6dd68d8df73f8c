/**
 * A calibration run as the calibration workers process it (workers/calibration.ts): claiming the run for
 * one attempt (a lease), progress, the reference parameter set, the final write of the run and its items
 * in one transaction, the scratch shards of a large run, and the watchdog's view of unfinished runs.
 * Every write of an attempt is conditional on its lease, so an attempt that lost its run writes nothing
 * (docs/decisions/006-calibration-pipeline.md). Starting and cancelling runs is calibration.server.ts;
 * reading the answers is calibration-data.server.ts.
 */
import { poolOf, type PrismaClient } from '../../prisma/client';
import { CopyOut, type CopySubmittable } from './calibration-snapshot.server';
import { parseSettings, progressNow, type CalibrationProgress, type CalibrationRunSettings, type CalibrationSummary } from './calibration.server';

type Db = PrismaClient;

const OPEN = ['QUEUED', 'RUNNING'] as const;

// ── One attempt ─────────────────────────────────────────────────────────────────────────────

export interface ClaimedRun {
  settings: CalibrationRunSettings;
  /** Attempts so far, this one included. */
  attempts: number;
  cancelRequested: boolean;
}

/**
 * Claims a QUEUED or RUNNING run for the attempt holding `lease`: RUNNING from now on, one more attempt,
 * progress back to the start. Null when the run is finished (or gone): nothing to do.
 */
export async function claimRun(db: Db, runId: string, lease: string): Promise<ClaimedRun | null> {
  const claimed = await db.calibrationRun.updateMany({
    where: { id: runId, status: { in: [...OPEN] } },
    data: {
      status: 'RUNNING',
      lease,
      attempts: { increment: 1 },
      startedAt: new Date(),
      error: null,
      progress: progressNow({ phase: 'reading', percent: 0 }) as object,
    },
  });
  if (claimed.count === 0) return null;
  const run = await db.calibrationRun.findUniqueOrThrow({ where: { id: runId } });
  return { settings: parseSettings(run.settings), attempts: run.attempts, cancelRequested: run.cancelRequestedAt !== null };
}

/** Writes the attempt's progress; false when the attempt no longer holds the run. */
export async function writeRunProgress(db: Db, runId: string, lease: string, progress: CalibrationProgress): Promise<boolean> {
  const written = await db.calibrationRun.updateMany({ where: { id: runId, lease, status: 'RUNNING' }, data: { progress: progress as object } });
  return written.count > 0;
}

/** Whether the attempt still holds the run, and whether someone asked the run to stop. */
export async function checkRunLease(db: Db, runId: string, lease: string): Promise<'held' | 'stop-requested' | 'lost'> {
  const row = await db.calibrationRun.findUnique({ where: { id: runId }, select: { lease: true, cancelRequestedAt: true } });
  if (!row || row.lease !== lease) return 'lost';
  return row.cancelRequestedAt ? 'stop-requested' : 'held';
}

/** Ends the attempt's run without results, FAILED (with the reason) or CANCELLED, and drops its shards. */
export async function endRunWithoutResults(
  db: Db,
  runId: string,
  lease: string,
  end: { status: 'FAILED' | 'CANCELLED'; error: string | null; seconds: number },
): Promise<void> {
  await db.$transaction([
    db.calibrationRun.updateMany({
      where: { id: runId, lease, status: 'RUNNING' },
      data: {
        status: end.status,
        error: end.error,
        finishedAt: new Date(),
        seconds: end.seconds,
        progress: progressNow({ phase: end.status === 'FAILED' ? 'failed' : 'cancelled', percent: 0 }) as object,
      },
    }),
    db.calibrationShard.deleteMany({ where: { runId, lease } }),
  ]);
}

/** The active parameter set (the reference for drift, anchors and starting values), with its parameters of these challenges. */
export async function activeParameterSetFor(
  db: Db,
  challengeIds: readonly string[],
): Promise<{ id: string; version: number; items: { challengeId: string; versionId: string | null; a: number; d: number }[] } | null> {
  return db.parameterSet.findFirst({
    where: { active: true },
    select: {
      id: true,
      version: true,
      items: { where: { challengeId: { in: [...challengeIds] } }, select: { challengeId: true, versionId: true, a: true, d: true } },
    },
  });
}

/** One item's results, as the run writes them. */
export interface ItemResultRow {
  challengeId: string;
  /** The content version whose answers were used (the version the release served). */
  versionId?: string | null;
  a: number;
  d: number;
  b: number;
  seA: number | null;
  seD: number | null;
  seB: number | null;
  n: number;
  pValue: number;
  pointBiserial: number | null;
  infit: number | null;
  outfit: number | null;
  expectedInfit: number | null;
  expectedOutfit: number | null;
  anchored: boolean;
  flags: string[];
  driftDeltaB: number | null;
  dif?: object;
  observed: object[];
}

export interface RunResults {
  logLik: number;
  iterations: number;
  converged: boolean;
  persons: number;
  answers: number;
  seconds: number;
  /** The largest answer id of the data read (the next automatic run counts the answers after it). */
  maxAnswerId: string | number | bigint;
  summary: CalibrationSummary;
  progress: CalibrationProgress;
  items: ItemResultRow[];
}

/**
 * Writes the run SUCCEEDED with every item's results, and drops its shards, in one transaction: all or
 * nothing. 'lost' when the attempt no longer holds the run (nothing written), 'stop-requested' when
 * someone asked it to stop meanwhile (nothing written either).
 */
export async function writeRunResults(db: Db, runId: string, lease: string, results: RunResults): Promise<'written' | 'lost' | 'stop-requested'> {
  return db.$transaction(
    async (tx) => {
      const current = await tx.calibrationRun.findUnique({ where: { id: runId }, select: { lease: true, status: true, cancelRequestedAt: true } });
      if (!current || current.lease !== lease || current.status !== 'RUNNING') return 'lost' as const;
      if (current.cancelRequestedAt) return 'stop-requested' as const;
      const written = await tx.calibrationRun.updateMany({
        where: { id: runId, lease, status: 'RUNNING' },
        data: {
          status: 'SUCCEEDED',
          logLik: results.logLik,
          iterations: results.iterations,
          converged: results.converged,
          persons: results.persons,
          answers: results.answers,
          seconds: results.seconds,
          finishedAt: new Date(),
          maxAnswerId: BigInt(results.maxAnswerId),
          summary: results.summary as object,
          progress: results.progress as object,
        },
      });
      if (written.count !== 1) return 'lost' as const;
      await insertItemResults(tx, runId, results.items);
      await tx.calibrationShard.deleteMany({ where: { runId } });
      return 'written' as const;
    },
    { timeout: 120_000, maxWait: 20_000 },
  );
}

/** A previous run's estimates, to start the next run's EM from (a warm start). */
export interface PreviousEstimates {
  runId: string;
  /** Freely estimated items by challenge id, with the content version they measured. */
  items: Map<string, { a: number; d: number; versionId: string | null }>;
  latent: { mean: number; sd: number } | null;
}

/** Whether two runs calibrate the same thing the same way (what a warm start needs to be close). */
function sameScope(x: CalibrationRunSettings, y: CalibrationRunSettings): boolean {
  const competences = (s: CalibrationRunSettings) => [...s.competenceIds].sort().join(',');
  return (
    x.model === y.model && x.priors === y.priors && x.anchors === y.anchors && x.quadraturePoints === y.quadraturePoints && competences(x) === competences(y)
  );
}

/**
 * The estimates of the latest succeeded run of the same scope and model as `settings` (model, priors,
 * anchor mode, competences, quadrature), other than `exceptRunId`; null when there is none.
 */
export async function previousEstimates(db: Db, settings: CalibrationRunSettings, exceptRunId: string): Promise<PreviousEstimates | null> {
  const runs = await db.calibrationRun.findMany({
    where: { status: 'SUCCEEDED', id: { not: exceptRunId } },
    orderBy: { finishedAt: 'desc' },
    take: 20,
    select: { id: true, settings: true, summary: true },
  });
  const run = runs.find((r) => sameScope(parseSettings(r.settings), settings));
  if (!run) return null;
  const rows = await db.calibrationItemResult.findMany({
    where: { runId: run.id, anchored: false },
    select: { challengeId: true, versionId: true, a: true, d: true },
  });
  const latent = (run.summary as { latent?: { mean?: unknown; sd?: unknown } } | null)?.latent;
  return {
    runId: run.id,
    items: new Map(rows.filter((r) => Number.isFinite(r.a) && Number.isFinite(r.d)).map((r) => [r.challengeId, { a: r.a, d: r.d, versionId: r.versionId }])),
    latent: typeof latent?.mean === 'number' && typeof latent.sd === 'number' ? { mean: latent.mean, sd: latent.sd } : null,
  };
}

/** JSON with the numbers JSON has no word for (NaN, ±Infinity) as the strings PostgreSQL's float8 reads. */
function jsonForPostgres(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
}

/**
 * Every item result of a run in one statement: the rows go as one JSON array that PostgreSQL unpacks
 * (jsonb_to_recordset). Prisma's createMany took 3.5–5 s for 2,000 items (its per-row query building),
 * more than a quarter of a 2.1M-answer run; this takes a few tens of milliseconds.
 */
async function insertItemResults(tx: Pick<PrismaClient, '$executeRaw'>, runId: string, items: readonly ItemResultRow[]): Promise<void> {
  if (items.length === 0) return;
  const rows = jsonForPostgres(items.map((r) => ({ ...r, versionId: r.versionId ?? null, dif: r.dif ?? null })));
  await tx.$executeRaw`
    INSERT INTO "CalibrationItemResult" ("runId", "challengeId", "versionId", a, d, b, "seA", "seD", "seB", n, "pValue", "pointBiserial",
      infit, outfit, "expectedInfit", "expectedOutfit", anchored, flags, "driftDeltaB", dif, observed)
    SELECT ${runId}, r."challengeId", r."versionId", r.a, r.d, r.b, r."seA", r."seD", r."seB", r.n, r."pValue", r."pointBiserial",
      r.infit, r.outfit, r."expectedInfit", r."expectedOutfit", r.anchored, r.flags, r."driftDeltaB", r.dif, r.observed
    FROM jsonb_to_recordset(${rows}::jsonb) AS r("challengeId" text, "versionId" text, a float8, d float8, b float8, "seA" float8, "seD" float8,
      "seB" float8, n int, "pValue" float8, "pointBiserial" float8, infit float8, outfit float8, "expectedInfit" float8, "expectedOutfit" float8,
      anchored boolean, flags text[], "driftDeltaB" float8, dif jsonb, observed jsonb)`;
}

// ── Shards of a large run (workers/calibration-shards.ts) ────────────────────────────────────

/** What the shard readers need of the database (the benchmarks pass a client of their own). */
export type ShardStore = Pick<PrismaClient, 'calibrationShard'>;

/**
 * Replaces the run's shards by these (index = position), written for the attempt holding `lease`
 * (clearRunShards, then writeRunShard for each).
 */
export async function writeRunShards(
  db: ShardStore,
  runId: string,
  lease: string,
  shards: readonly { rows: number; answers: number; data: Uint8Array }[],
): Promise<void> {
  await clearRunShards(db, runId);
  await Promise.all(shards.map((shard, index) => writeRunShard(db, runId, lease, index, shard)));
}

/** Deletes every shard of the run (of any attempt), before an attempt writes its own. */
export async function clearRunShards(db: ShardStore, runId: string): Promise<void> {
  await db.calibrationShard.deleteMany({ where: { runId } });
}

/** Deletes the shards this attempt wrote (an attempt abandoned while its shards were being written). */
export async function clearAttemptShards(db: ShardStore, runId: string, lease: string): Promise<void> {
  await db.calibrationShard.deleteMany({ where: { runId, lease } });
}

/**
 * Writes one shard of the run for the attempt holding `lease`. The bytes go to the client's pg pool as a
 * binary parameter when it has one (through Prisma's runtime a shard's bytes cost 2–8× more, decision
 * 021), else through Prisma. The table keeps them uncompressed and out of the write-ahead log (migration
 * calibration_shard_storage).
 */
export async function writeRunShard(
  db: ShardStore,
  runId: string,
  lease: string,
  index: number,
  shard: { rows: number; answers: number; data: Uint8Array },
): Promise<void> {
  const pool = poolOf(db);
  if (pool) {
    await pool.query({
      text: 'INSERT INTO "CalibrationShard" ("runId", index, lease, rows, answers, data) VALUES ($1, $2, $3, $4, $5, $6)',
      values: [runId, index, lease, shard.rows, shard.answers, Buffer.from(shard.data.buffer, shard.data.byteOffset, shard.data.byteLength)],
    });
  } else {
    await db.calibrationShard.create({
      data: { runId, index, lease, rows: shard.rows, answers: shard.answers, data: new Uint8Array(shard.data) },
      select: { index: true },
    });
  }
}

/**
 * One shard of a run, with the lease of the attempt that wrote it; null when it is gone. Read as one
 * `COPY … TO STDOUT (FORMAT binary)` on the client's pg pool when it has one: the bytes arrive as they
 * are stored (a bytea in a query's results comes hex-encoded as text, twice its size, and Prisma's or
 * pg's parse of it cost 0.6–1.5 s for a 13 MB shard where the COPY takes 30–110 ms, decision 021 h32).
 */
export async function readRunShard(db: ShardStore, runId: string, index: number): Promise<{ lease: string; data: Uint8Array } | null> {
  const pool = poolOf(db);
  if (!pool) return db.calibrationShard.findUnique({ where: { runId_index: { runId, index } }, select: { lease: true, data: true } });
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    const stream = shardCopyReader();
    await new Promise<void>((resolve, reject) => {
      const copy = new CopyOut(
        // In pieces of 1 MiB (slices of an uncompressed value read only their chunks): the driver assembles
        // each row in a buffer grown by doubling, ~4 fresh bytes per byte of a 10 MB row (decision 021, h43).
        `COPY (SELECT lease, octet_length(data), substring(data FROM s FOR ${SHARD_PIECE_BYTES}) FROM "CalibrationShard", generate_series(1, greatest(octet_length(data), 1), ${SHARD_PIECE_BYTES}) AS s WHERE "runId" = ${client.escapeLiteral(runId)} AND index = ${Math.trunc(index)} ORDER BY s) TO STDOUT (FORMAT binary)`,
        stream.push,
      );
      copy.callback = (error) => (error ? reject(error) : resolve());
      (client as unknown as { query: (q: CopySubmittable) => void }).query(copy);
    }).catch((error: unknown) => {
      broken = error instanceof Error ? error : new Error(String(error));
      throw broken;
    });
    return stream.finish();
  } finally {
    client.release(broken);
  }
}

const COPY_SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/** Bytes per row of a shard's COPY stream (readRunShard): the driver assembles each row in a buffer of its own. */
export const SHARD_PIECE_BYTES = 1 << 20;

/**
 * Reads a shard's binary COPY stream (rows of lease, total length, piece of the data, in order) chunk by
 * chunk; the driver reuses its buffers, so each chunk is consumed before the next arrives. The pieces are
 * copied once, straight into one array of the shard's length (8-byte aligned: the shard's arrays can be
 * views on it), not gathered and concatenated.
 */
export function shardCopyReader(): { push: (chunk: Buffer) => void; finish: () => { lease: string; data: Uint8Array } | null } {
  let stage: 'signature' | 'row' | 'piece' | 'done' = 'signature';
  let pending: Buffer | null = null;
  let lease: string | null = null;
  let data: Uint8Array | null = null;
  let filled = 0;
  let remaining = 0;
  /** Parses the header in front of `stream` (the file's, or a row's up to its piece): bytes used, or −1 if `stream` is too short. */
  const head = (stream: Buffer): number => {
    if (stage === 'signature') {
      if (stream.length >= 11 && !stream.subarray(0, 11).equals(COPY_SIGNATURE)) throw new Error('not a binary COPY stream');
      if (stream.length < 19 || stream.length < 19 + stream.readUInt32BE(15)) return -1;
      stage = 'row';
      return 19 + stream.readUInt32BE(15);
    }
    if (stream.length < 2) return -1;
    const fields = stream.readInt16BE(0);
    if (fields === -1) {
      stage = 'done';
      return 2;
    }
    if (fields !== 3) throw new Error(`unexpected row of ${fields} fields in a shard's COPY stream`);
    if (stream.length < 6) return -1;
    const leaseLength = stream.readInt32BE(2);
    let at = 6 + leaseLength;
    if (stream.length < at + 12) return -1;
    const rowLease = stream.toString('utf8', 6, at);
    const total = stream.readInt32BE(at + 4);
    const piece = stream.readInt32BE(at + 8);
    at += 12;
    data ??= new Uint8Array(total);
    lease ??= rowLease;
    if (rowLease !== lease || total !== data.length || piece < 0 || filled + piece > total) throw new Error("inconsistent pieces in a shard's COPY stream");
    remaining = piece;
    stage = 'piece';
    return at;
  };
  const push = (chunk: Buffer): void => {
    let input = chunk;
    let at = 0;
    for (;;) {
      if (stage === 'done') return;
      if (stage === 'piece') {
        const take = Math.min(remaining, input.length - at);
        (data as Uint8Array).set(input.subarray(at, at + take), filled);
        filled += take;
        at += take;
        remaining -= take;
        if (remaining > 0) return;
        stage = 'row';
        continue;
      }
      const stream: Buffer = pending === null ? input.subarray(at) : Buffer.concat([pending, input.subarray(at)]);
      const used = head(stream);
      if (used < 0) {
        pending = Buffer.from(stream);
        return;
      }
      pending = null;
      input = stream;
      at = used;
    }
  };
  return {
    push,
    finish: () => {
      if (stage !== 'done' || filled !== (data?.length ?? 0)) throw new Error('truncated shard in its COPY stream');
      return lease === null || data === null ? null : { lease, data };
    },
  };
}

// ── Automatic runs and the watchdog ─────────────────────────────────────────────────────────

/** Runs QUEUED or RUNNING. */
export async function countUnfinishedRuns(db: Db): Promise<number> {
  return db.calibrationRun.count({ where: { status: { in: [...OPEN] } } });
}

export async function hasActiveParameterSet(db: Db): Promise<boolean> {
  return (await db.parameterSet.count({ where: { active: true } })) > 0;
}

export interface UnfinishedRun {
  id: string;
  status: 'QUEUED' | 'RUNNING';
  jobId: string | null;
  lease: string | null;
  createdAt: Date;
  cancelRequestedAt: Date | null;
}

/** The QUEUED and RUNNING runs, for the watchdog to compare with their jobs. */
export async function unfinishedRuns(db: Db): Promise<UnfinishedRun[]> {
  const runs = await db.calibrationRun.findMany({
    where: { status: { in: [...OPEN] } },
    select: { id: true, status: true, jobId: true, lease: true, createdAt: true, cancelRequestedAt: true },
  });
  return runs as UnfinishedRun[];
}

/** Marks FAILED a run the watchdog found without a live job, unless it moved on meanwhile; true when marked. */
export async function failUnfinishedRun(db: Db, run: Pick<UnfinishedRun, 'id' | 'status' | 'lease'>, message: string): Promise<boolean> {
  const done = await db.calibrationRun.updateMany({
    where: { id: run.id, status: run.status, lease: run.lease },
    data: { status: 'FAILED', error: message, finishedAt: new Date(), progress: progressNow({ phase: 'failed', percent: 0 }) as object },
  });
  await db.calibrationShard.deleteMany({ where: { runId: run.id } });
  return done.count === 1;
}

/** Marks CANCELLED a run whose stop was asked and whose job is gone. */
export async function cancelUnfinishedRun(db: Db, run: Pick<UnfinishedRun, 'id' | 'status'>): Promise<void> {
  await db.calibrationRun.updateMany({
    where: { id: run.id, status: run.status },
    data: { status: 'CANCELLED', finishedAt: new Date(), progress: progressNow({ phase: 'cancelled', percent: 0 }) as object },
  });
}

/** Marks FAILED a run whose job failed for good (what the processor could not mark itself). */
export async function failRunOfFailedJob(db: Db, runId: string, message: string): Promise<void> {
  await db.calibrationRun.updateMany({
    where: { id: runId, status: { in: [...OPEN] } },
    data: { status: 'FAILED', error: message, finishedAt: new Date() },
  });
}
