/**
 * The calibration worker: a job reads the answers of the live challenges (streamed by pages), applies
 * the data rules, runs the engine's EM (in this process, on worker threads, or over shard jobs that
 * any worker process takes), computes drift against the active parameter set and DIF by locale, and
 * writes an immutable run with every item's results in ONE transaction at the end.
 *
 * Faults (docs/decisions/006-calibration-pipeline.md):
 * - Each processing attempt claims the run with a fresh lease; progress and the final write are
 *   conditional on that lease, so an attempt that lost its job (a worker thought dead) writes nothing.
 * - A worker killed mid-run: BullMQ's stalled-job check gives the job to another worker, which
 *   starts the run again from the data (a new lease); past the allowed number of stalls the job
 *   fails and the watchdog marks the run FAILED. Nothing is written before the final transaction.
 * - A job retried after its run was written finds the run finished and does nothing.
 * - The watchdog (every minute in every worker process) puts back the job of a QUEUED or RUNNING run
 *   that Redis lost, and marks FAILED the runs whose job failed.
 */
import { randomUUID } from 'node:crypto';
import type { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  CalibrationCancelledError,
  CalibrationDataError,
  calibrateWithRunner,
  collapsePatterns,
  compareParameterSets,
  createLocalRunner,
  localDependence,
  personFitDistribution,
  mantelHaenszelDif,
  modelQuality,
  scorePersons,
  testInformationCurves,
  type CalibrationResult,
  type EStepRunner,
  type ItemDif,
  type ItemDrift,
} from '../engine/calibration';
import { createThreadedRunner } from '../engine/calibration/parallel';
import type { ItemParameters } from '../engine/irt';
import type { Db } from '../app/lib/db.server';
import { env } from '../app/lib/env.server';
import { CALIBRATE, CHECK_NEW_ANSWERS, SCHEDULED_CALIBRATION, jobIdOfRun, type CalibrateJobData } from '../app/lib/queues.server';
import { join, resolve } from 'node:path';
import { countEligibleAnswers, liveChallenges, readCalibrationData, withPgClient, type CalibrationData } from '../app/models/calibration-data.server';
import { defaultSnapshotDir, readCalibrationDataFromSnapshot } from '../app/models/calibration-snapshot.server';
import {
  CalibrationRunSettings,
  createQueuedRun,
  newAnswersThreshold,
  progressNow,
  startCalibration,
  type CalibrationProgress,
  type CalibrationRunSettingsInput,
  type CalibrationSummary,
} from '../app/models/calibration.server';
import {
  activeParameterSetFor,
  cancelUnfinishedRun,
  checkRunLease,
  claimRun,
  countUnfinishedRuns,
  endRunWithoutResults,
  failUnfinishedRun,
  hasActiveParameterSet,
  previousEstimates,
  unfinishedRuns,
  writeRunProgress,
  writeRunResults,
  type ItemResultRow,
} from '../app/models/calibration-run.server';
import { calibrationBaseline, filterApplicable } from '../app/models/parameter-set.server';
import { calibrationVersionIds, calibrationVersions } from '../app/models/content-version.server';
import { createShardedRunner, shardCount, shardSource, type ShardWaiter } from './calibration-shards';

/** Distributed E-step: the shard queue, its waiter and Redis for the results. */
export interface ShardingContext {
  queue: Queue;
  waiter: ShardWaiter;
  redis: Redis;
  keyPrefix: string;
  /** Worker processes listening on the shard queue. */
  workers: () => Promise<number>;
  /**
   * Machines those processes run on. An 'auto' run is split into shard jobs only when they span two or
   * more: on one machine the in-process threaded E-step uses its cores without the queue's costs.
   */
  machines?: () => Promise<number>;
}

export interface CalibrationContext {
  db: Db;
  databaseUrl: string;
  log?: (line: string) => void;
  /** null: every pass runs in this process (the seed, tests). */
  sharding?: ShardingContext | null;
  /** Local passes on worker threads (default true). */
  threads?: boolean;
  /**
   * Folder of the response-matrix snapshots; null: none (every answer streamed at each run). Default:
   * WORKBENCH_DATA_DIR/calibration unless CALIBRATION_SNAPSHOTS=0.
   */
  snapshotDir?: string | null;
  /** Queues a run's job (for the automatic triggers and the watchdog). */
  enqueue?: (runId: string) => Promise<string>;
  /**
   * Awaited at every checkpoint of a run (after each page of answers read and each EM cycle), before it
   * looks for a stop request: lets the caller pace a run, e.g. to stop or kill it mid-way on purpose.
   */
  atCheckpoint?: () => Promise<void>;
}

/** The attempt lost its run: another attempt took it over, or it was finished meanwhile. */
class LeaseLostError extends Error {
  constructor() {
    super('la calibration a été reprise par un autre worker');
    this.name = 'LeaseLostError';
  }
}

/** The data cannot carry a run: stops it as FAILED with a message for the psychometrician. */
class NotEnoughDataError extends Error {}

/** Writes progress at most twice a second, only while this attempt holds the run. */
class RunReporter {
  private latest: CalibrationProgress | null = null;
  private chain: Promise<void> = Promise.resolve();
  private lastWrite = 0;
  lost = false;

  constructor(
    private readonly db: Db,
    private readonly runId: string,
    private readonly lease: string,
    private readonly job: Job | undefined,
  ) {}

  report(progress: CalibrationProgress, force = false): void {
    this.latest = progress;
    if (force || Date.now() - this.lastWrite >= 500) this.flush();
  }

  flush(): void {
    const progress = this.latest;
    if (!progress) return;
    this.latest = null;
    this.lastWrite = Date.now();
    this.chain = this.chain.then(async () => {
      try {
        if (!(await writeRunProgress(this.db, this.runId, this.lease, progress))) this.lost = true;
        await this.job?.updateProgress(progress as object).catch(() => undefined);
      } catch {
        // A failed progress write is not a failed run.
      }
    });
  }

  /** Waits for the writes under way (a slow database slows the run instead of piling up writes). */
  async settle(): Promise<void> {
    await this.chain;
  }

  /** Writes the latest report now and waits for it. */
  async flushAndSettle(): Promise<void> {
    this.flush();
    await this.chain;
  }
}

function finiteOrNull(x: number | null | undefined): number | null {
  return x !== null && x !== undefined && Number.isFinite(x) ? x : null;
}

const HISTOGRAM = { from: -4, step: 0.25, bins: 32 };
const OBSERVED_BINS = { from: -3, step: 0.5, bins: 12 };

function binOf(theta: number, spec: { from: number; step: number; bins: number }): number {
  return Math.min(spec.bins - 1, Math.max(0, Math.floor((theta - spec.from) / spec.step)));
}

function translateError(error: unknown): string {
  if (error instanceof CalibrationDataError) return `Données impossibles à calibrer : ${error.message}.`;
  const message = error instanceof Error ? error.message : String(error);
  return message;
}

export function describeJobFailure(reason: string | undefined): string {
  if (!reason) return 'Le travail de calibration a échoué sans raison connue.';
  if (/stalled more than allowable limit/i.test(reason)) {
    return 'Le worker qui calculait cette calibration s’est arrêté en cours de route, trop de fois : calibration abandonnée, aucun résultat enregistré.';
  }
  return reason;
}

/**
 * A manual run written and executed at once in this process, without the queue or worker threads (the
 * demo data's first set, test and bench set-ups). Returns the run's id and how it ended.
 */
export async function calibrateNow(
  db: Db,
  databaseUrl: string,
  input: CalibrationRunSettingsInput,
  requestedById: string | null = null,
): Promise<{ runId: string; outcome: Awaited<ReturnType<typeof executeCalibrationRun>> }> {
  const run = await createQueuedRun(db, CalibrationRunSettings.parse(input), { requestedById });
  const outcome = await executeCalibrationRun({ db, databaseUrl, threads: false, sharding: null }, run.id);
  return { runId: run.id, outcome };
}

/**
 * Processes one run (one attempt). Returns what happened; throws only for unexpected errors (after
 * marking the run FAILED), so that the queue dashboard shows them too.
 */
export async function executeCalibrationRun(ctx: CalibrationContext, runId: string, job?: Job): Promise<'succeeded' | 'failed' | 'cancelled' | 'skipped'> {
  const { db } = ctx;
  const lease = randomUUID();
  const started = performance.now();
  const run = await claimRun(db, runId, lease);
  if (!run) return 'skipped';
  const { settings } = run;
  const reporter = new RunReporter(db, runId, lease, job);
  let lastCheck = 0;
  const checkCancel = async (): Promise<boolean> => {
    await ctx.atCheckpoint?.();
    await reporter.settle();
    if (reporter.lost) throw new LeaseLostError();
    if (Date.now() - lastCheck < 250) return false;
    lastCheck = Date.now();
    const state = await checkRunLease(db, runId, lease);
    if (state === 'lost') throw new LeaseLostError();
    return state === 'stop-requested';
  };
  const finish = async (status: 'FAILED' | 'CANCELLED', error: string | null) => {
    await reporter.flushAndSettle();
    await endRunWithoutResults(db, runId, lease, { status, error, seconds: (performance.now() - started) / 1000 });
  };

  let runner: EStepRunner | null = null;
  // Seconds of each phase of the run (summary.execution.phases: where a run's time goes).
  const phases: Record<string, number> = {};
  // The process's resident memory (MiB) at the end of each phase, and the most sampled during it
  // (summary.execution.memory: where a large run's memory goes).
  const memory: Record<string, number> = {};
  let sampled = 0;
  const sample = () => (sampled = Math.max(sampled, process.memoryUsage.rss()));
  const sampler = setInterval(sample, 250);
  sampler.unref();
  let lapFrom = performance.now();
  const lap = (phase: string) => {
    const now = performance.now();
    phases[phase] = (phases[phase] ?? 0) + (now - lapFrom) / 1000;
    memory[phase] = Math.max(memory[phase] ?? 0, Math.round(Math.max(sampled, sample()) / 1048576));
    sampled = 0;
    lapFrom = now;
  };
  try {
    if (run.cancelRequested) throw new CalibrationCancelledError(0);
    // ── Reading ────────────────────────────────────────────────────────────────────────────
    const live = await liveChallenges(db, settings.competenceIds);
    // Only answers on the served versions (or versions equivalent for calibration) are read.
    const { ids: versionIds, all: everyVersionCounts } = await calibrationVersions(db, live);
    const versionOfLive = new Map(live.map((c) => [c.id, c.versionId]));
    lap('setup');
    const readStarted = performance.now();
    const snapshotDir = ctx.snapshotDir !== undefined ? ctx.snapshotDir : defaultSnapshotDir();
    const readUrl = env().CALIBRATION_READ_DATABASE_URL ?? ctx.databaseUrl;
    const onProgress = async (fraction: number, answersRead: number) => {
      reporter.report(progressNow({ phase: 'reading', percent: Math.round(15 * fraction), answersRead, attempt: run.attempts }));
      if (await checkCancel()) throw new CalibrationCancelledError(0);
    };
    // The snapshot holds the answers on every version of the live challenges. When a scored change means
    // that only some versions count (decision 020), the paged reader filters the answers by version instead.
    const pipeline = everyVersionCounts
      ? await withPgClient(readUrl, (client) => readCalibrationDataFromSnapshot(client, live, { maxAnswerId: settings.maxAnswerId, snapshotDir, onProgress }))
      : await withPgClient(readUrl, async (client) => {
          const paged = await readCalibrationData(client, live, { maxAnswerId: settings.maxAnswerId, versionIds, onPage: onProgress });
          return { read: paged, source: 'none' as const, streamed: paged.counts.read };
        });
    const read: CalibrationData = pipeline.read;
    const readSeconds = (performance.now() - readStarted) / 1000;
    const { data, items, counts } = read;
    if (counts.used < settings.minAnswers || counts.persons < settings.minPersons) {
      throw new NotEnoughDataError(
        `Trop peu de données pour calibrer : ${counts.used} réponses de ${counts.persons} personnes exploitables ` +
          `(il faut au moins ${settings.minAnswers} réponses et ${settings.minPersons} personnes).`,
      );
    }

    // ── Reference set: drift, anchors, starting values ─────────────────────────────────────
    lap('read');
    const active = await activeParameterSetFor(db, data.itemIds as string[]);
    // Parameters of another content version (a changed key) are neither anchors nor a drift reference.
    const applicable = await filterApplicable(
      db,
      active?.items ?? [],
      live.map((c) => ({ challengeId: c.id, versionId: c.versionId })),
    );
    const reference = new Map<string, ItemParameters>([...applicable.values()].map((p) => [p.challengeId, { a: p.a, d: p.d }]));
    const anchors = settings.anchors === 'keep-live' ? reference : new Map<string, ItemParameters>();
    // Warm start: the previous run of the same scope ended at (or within the tolerance of) the fixed point
    // of slightly fewer answers; EM from there reaches this data's fixed point in fewer cycles. Items whose
    // served version changed since take the active set's values (or the default start).
    const previous = settings.warmStart ? await previousEstimates(db, settings, runId) : null;
    const start = new Map(reference);
    let warmItems = 0;
    for (const [id, p] of previous?.items ?? []) {
      if (!versionOfLive.has(id) || (p.versionId !== null && p.versionId !== versionOfLive.get(id))) continue;
      start.set(id, { a: p.a, d: p.d });
      warmItems++;
    }
    const warmStart = previous && warmItems > 0 ? { runId: previous.runId, items: warmItems } : null;
    if (anchors.size > 0 && anchors.size >= items.length) {
      throw new NotEnoughDataError(
        'Rien à calibrer : toutes les épreuves qui ont des réponses ont déjà des paramètres approuvés (mode « garder fixes les épreuves calibrées »).',
      );
    }

    // ── Runner ─────────────────────────────────────────────────────────────────────────────
    reporter.report(progressNow({ phase: 'sharding', percent: 16, answersRead: counts.read }), true);
    lap('reference');
    const collapsed = collapsePatterns(data).data;
    lap('collapse');
    let mode: 'local' | 'shards' = settings.distribution === 'shards' ? 'shards' : 'local';
    let workers = 0;
    if (ctx.sharding) {
      workers = await ctx.sharding.workers().catch(() => 0);
      if (settings.distribution === 'auto' && collapsed.items.length >= env().CALIBRATION_SHARD_MIN_ANSWERS && workers >= 2) {
        const machines = ctx.sharding.machines ? await ctx.sharding.machines().catch(() => 1) : 2;
        if (machines >= 2) mode = 'shards';
      }
    }
    if (!ctx.sharding) mode = 'local';
    let shards = 1;
    let threads = 1;
    if (mode === 'shards' && ctx.sharding) {
      const count = settings.shards > 0 ? settings.shards : Math.max(2, shardCount(collapsed.items.length, workers));
      const sharded = await createShardedRunner({
        db,
        redis: ctx.sharding.redis,
        queue: ctx.sharding.queue,
        waiter: ctx.sharding.waiter,
        keyPrefix: ctx.sharding.keyPrefix,
        runId,
        lease,
        data: collapsed,
        shards: count,
        // Read through a snapshot, CALIBRATION_SHARD_SOURCE=workers: each worker process builds the shards it takes from its own (h37).
        ...('rules' in pipeline && snapshotDir !== null && env().CALIBRATION_SHARD_SOURCE === 'workers'
          ? { source: shardSource(read, live, pipeline.rules, count) }
          : {}),
      });
      shards = sharded.shards;
      runner = sharded;
    } else if (ctx.threads !== false) {
      const threaded = await createThreadedRunner(collapsed);
      threads = threaded.threads;
      runner = threaded;
    } else {
      runner = createLocalRunner(collapsed);
    }

    lap('runner');
    // ── Estimation ─────────────────────────────────────────────────────────────────────────
    const estimateStarted = performance.now();
    let firstChange: number | null = null;
    let convergence = 0;
    const result: CalibrationResult = await calibrateWithRunner(
      runner,
      {
        model: settings.model,
        priors: settings.priors,
        tolerance: settings.tolerance,
        maxCycles: settings.maxCycles,
        acceleration: settings.acceleration,
        quadrature: { points: settings.quadraturePoints },
        anchors,
        start,
        ...(warmStart && previous?.latent ? { startLatent: previous.latent } : {}),
      },
      {
        now: () => performance.now(),
        data: collapsed,
        shouldCancel: checkCancel,
        onProgress: ({ cycle, logLik, maxChange }) => {
          firstChange ??= Math.max(maxChange, settings.tolerance * 10);
          if (maxChange > 0 && firstChange > settings.tolerance) {
            const f = Math.log(firstChange / maxChange) / Math.log(firstChange / settings.tolerance);
            convergence = Math.max(convergence, Math.min(1, Math.max(0, f)), cycle / settings.maxCycles);
          }
          reporter.report(
            progressNow({ phase: 'estimating', percent: Math.round(20 + 70 * convergence), cycle, logLik, maxChange, shards, attempt: run.attempts }),
          );
        },
      },
    );
    const estimateSeconds = (performance.now() - estimateStarted) / 1000;
    lap('estimate');
    reporter.report(progressNow({ phase: 'diagnostics', percent: 92, cycle: result.iterations, logLik: result.logLik, shards }), true);
    if (await checkCancel()) throw new CalibrationCancelledError(result.iterations);

    // ── Drift, persons, DIF, observed proportions ──────────────────────────────────────────
    const free = result.items.filter((i) => !i.anchored);
    const driftReport =
      reference.size > 0
        ? compareParameterSets(
            free.map((i) => ({ item: i.item, a: i.a, d: i.d })),
            reference,
          )
        : null;
    const drift = new Map<string, ItemDrift>((driftReport?.items ?? []).map((d) => [d.item, d]));
    lap('drift');
    const abilities = scorePersons(data, result);
    const { theta } = abilities;
    lap('persons');
    const histogram = new Array<number>(HISTOGRAM.bins).fill(0);
    for (const t of theta) histogram[binOf(t, HISTOGRAM)]! += 1;
    let referencePersons = 0;
    for (const g of read.localeGroups) if (g === 0) referencePersons++;
    const focalPersons = read.localeGroups.length - referencePersons;
    const difByItem = new Map<string, ItemDif>();
    if (referencePersons >= settings.difMinPersons && focalPersons >= settings.difMinPersons) {
      for (const d of mantelHaenszelDif(data, read.localeGroups, theta)) difByItem.set(d.item, d);
    }
    lap('dif');
    const itemCount = data.itemIds.length;
    const obsN = new Float64Array(itemCount * OBSERVED_BINS.bins);
    const obsRight = new Float64Array(itemCount * OBSERVED_BINS.bins);
    const obsTheta = new Float64Array(itemCount * OBSERVED_BINS.bins);
    for (let r = 0; r < theta.length; r++) {
      const t = theta[r] as number;
      const bin = binOf(t, OBSERVED_BINS);
      for (let j = data.rowStart[r] as number; j < (data.rowStart[r + 1] as number); j++) {
        const cell = (data.items[j] as number) * OBSERVED_BINS.bins + bin;
        obsN[cell] = (obsN[cell] as number) + 1;
        obsRight[cell] = (obsRight[cell] as number) + (data.scores[j] as number);
        obsTheta[cell] = (obsTheta[cell] as number) + t;
      }
    }

    lap('observed');
    const flagCounts: Record<string, number> = {};
    const rows = result.items.map((item, i): ItemResultRow => {
      const d = drift.get(item.item);
      const dif = difByItem.get(item.item);
      const flags: string[] = [...item.flags];
      if (d && d.status === 'review') flags.push('drift');
      if (dif && dif.class === 'C') flags.push('dif');
      for (const f of flags) flagCounts[f] = (flagCounts[f] ?? 0) + 1;
      const observed = [];
      for (let k = 0; k < OBSERVED_BINS.bins; k++) {
        const n = obsN[i * OBSERVED_BINS.bins + k] as number;
        if (n === 0) continue;
        const lo = k === 0 ? null : OBSERVED_BINS.from + k * OBSERVED_BINS.step;
        const hi = k === OBSERVED_BINS.bins - 1 ? null : OBSERVED_BINS.from + (k + 1) * OBSERVED_BINS.step;
        observed.push({ lo, hi, theta: (obsTheta[i * OBSERVED_BINS.bins + k] as number) / n, n, correct: obsRight[i * OBSERVED_BINS.bins + k] as number });
      }
      return {
        challengeId: item.item,
        versionId: versionOfLive.get(item.item) ?? null,
        a: item.a,
        d: item.d,
        b: item.b,
        seA: finiteOrNull(item.se.a),
        seD: finiteOrNull(item.se.d),
        seB: finiteOrNull(item.se.b),
        n: Math.round(item.n),
        pValue: item.pValue,
        pointBiserial: finiteOrNull(item.pointBiserial),
        infit: finiteOrNull(item.infit),
        outfit: finiteOrNull(item.outfit),
        expectedInfit: finiteOrNull(item.expectedInfit),
        expectedOutfit: finiteOrNull(item.expectedOutfit),
        anchored: item.anchored,
        flags,
        driftDeltaB: d ? d.deltaB : null,
        dif: dif
          ? {
              grouping: 'locale',
              reference: 'fr',
              focal: read.focalLocales,
              referenceN: dif.reference,
              focalN: dif.focal,
              alphaMH: finiteOrNull(dif.alphaMH),
              deltaMH: finiteOrNull(dif.deltaMH),
              seDelta: finiteOrNull(dif.seDelta),
              chiSquare: finiteOrNull(dif.chiSquare),
              pValue: finiteOrNull(dif.pValue),
              class: dif.class,
              favours: dif.favours,
            }
          : undefined,
        observed,
      };
    });
    lap('rows');
    // Person fit and local dependence need the answers: computed here, shown on the run page.
    const personFit = personFitDistribution(data, result, { theta });
    lap('personFit');
    const dependence = localDependence(data, result, new Map(live.map((c) => [c.id, { skill: c.skillId, tube: c.tubeId, competence: c.competenceId }])), {
      theta,
    });
    lap('localDependence');
    const quality = runQuality(result, data, abilities, items);
    lap('quality');
    const difClasses = { A: 0, B: 0, C: 0 };
    for (const d of difByItem.values()) if (d.class) difClasses[d.class]++;
    const summary: CalibrationSummary = {
      logPosterior: result.logPosterior,
      latent: result.latent,
      standardErrors: result.standardErrors,
      standardErrorsNote: result.standardErrorsNote,
      anchors: result.settings.anchors,
      freeItems: free.length,
      items: result.items.length,
      unanswered: read.unanswered.map((c) => c.key),
      counts,
      reference: active ? { id: active.id, version: active.version } : null,
      drift: {
        stable: driftReport?.items.filter((d) => d.status === 'stable').length ?? 0,
        look: driftReport?.items.filter((d) => d.status === 'look').length ?? 0,
        review: driftReport?.items.filter((d) => d.status === 'review').length ?? 0,
      },
      dif: difByItem.size > 0 ? { grouping: 'locale', reference: 'fr', focal: read.focalLocales, referencePersons, focalPersons, classes: difClasses } : null,
      thetaHistogram: { from: HISTOGRAM.from, step: HISTOGRAM.step, counts: histogram },
      personFit,
      localDependence: dependence,
      flags: flagCounts,
      execution: {
        mode,
        shards,
        threads,
        readSeconds,
        estimateSeconds,
        snapshot: snapshotDir === null ? 'off' : pipeline.source,
        streamed: pipeline.streamed,
        warmStart,
        phases,
        memory,
      },
      quality,
    };

    // ── One transaction: the run and all its items, or nothing ─────────────────────────────
    reporter.report(progressNow({ phase: 'writing', percent: 98, cycle: result.iterations, logLik: result.logLik, shards }), true);
    await reporter.flushAndSettle();
    if (reporter.lost) throw new LeaseLostError();
    const outcome = await writeRunResults(db, runId, lease, {
      logLik: result.logLik,
      iterations: result.iterations,
      converged: result.converged,
      persons: counts.persons,
      answers: counts.used,
      seconds: (performance.now() - started) / 1000,
      maxAnswerId: read.maxAnswerId,
      summary,
      progress: progressNow({ phase: 'done', percent: 100, cycle: result.iterations, logLik: result.logLik }),
      items: rows,
    });
    if (outcome === 'lost') return 'skipped';
    if (outcome === 'stop-requested') throw new CalibrationCancelledError(result.iterations);
    ctx.log?.(`[calibration] ${runId} : ${counts.used} réponses, ${result.iterations} cycles, ${mode}${mode === 'shards' ? ` (${shards} parties)` : ''}.`);
    return 'succeeded';
  } catch (error) {
    if (error instanceof LeaseLostError) return 'skipped';
    if (error instanceof CalibrationCancelledError) {
      await finish('CANCELLED', null);
      return 'cancelled';
    }
    if (error instanceof NotEnoughDataError || error instanceof CalibrationDataError) {
      await finish('FAILED', error instanceof NotEnoughDataError ? error.message : translateError(error));
      return 'failed';
    }
    await finish('FAILED', `Erreur pendant le calcul : ${translateError(error)}`).catch(() => undefined);
    throw error;
  } finally {
    clearInterval(sampler);
    await runner?.close?.();
  }
}

/** The CLI's model-quality figures (same engine functions) and the test information per competence. */
function runQuality(
  result: CalibrationResult,
  data: CalibrationData['data'],
  abilities: { theta: Float64Array; sd: Float64Array },
  items: CalibrationData['items'],
): NonNullable<CalibrationSummary['quality']> {
  const quality = modelQuality(result, data, abilities);
  const competenceOf = new Map(items.map((c) => [c.id, c] as const));
  const information = testInformationCurves(
    result.items.map((i) => ({ a: i.a, d: i.d })),
    result.items.map((i) => competenceOf.get(i.item)?.competenceId ?? null),
  );
  return {
    logLik: quality.logLik,
    parameterCount: quality.parameterCount,
    aic: quality.aic,
    bic: quality.bic,
    marginalReliability: quality.marginalReliability,
    empiricalReliability: quality.empiricalReliability,
    sx2: Object.fromEntries(result.items.map((i, k) => [i.item, quality.sx2[k] ?? null])),
    testInformation: {
      theta: information.theta,
      curves: information.curves.map((c) => ({
        competenceId: c.group,
        code: items.find((i) => i.competenceId === c.group)?.competenceCode ?? c.group,
        items: c.items,
        information: c.information,
        se: c.se,
      })),
    },
  };
}

/** Starts a run from a trigger (schedule, new answers), unless one is already queued or running. */
async function startAutomaticRun(ctx: CalibrationContext, trigger: 'SCHEDULE' | 'NEW_ANSWERS', minNewAnswers: number) {
  const { db } = ctx;
  if (!ctx.enqueue) return { started: false, reason: 'no queue' };
  const busy = await countUnfinishedRuns(db);
  if (busy > 0) return { started: false, reason: 'a run is already queued or running' };
  const baseline = await calibrationBaseline(db);
  const live = await liveChallenges(db);
  const versionIds = await calibrationVersionIds(db, live);
  const fresh = await withPgClient(ctx.databaseUrl, (client) =>
    countEligibleAnswers(
      client,
      live.map((c) => c.id),
      { afterId: baseline, limit: minNewAnswers, versionIds },
    ),
  );
  if (fresh < minNewAnswers) return { started: false, reason: `${fresh} new answers (< ${minNewAnswers})`, newAnswers: fresh };
  const active = await hasActiveParameterSet(db);
  // New answers: calibrate the new challenges on the scale in force; the weekly run recalibrates all
  // (drift shows only on freely estimated items).
  const anchors = trigger === 'NEW_ANSWERS' && active ? ('keep-live' as const) : ('recalibrate-all' as const);
  let outcome = await startCalibration(db, { settings: { anchors }, trigger, databaseUrl: ctx.databaseUrl, enqueue: ctx.enqueue });
  if (!outcome.ok && outcome.refusal.kind === 'nothing-to-calibrate') {
    outcome = await startCalibration(db, { settings: { anchors: 'recalibrate-all' }, trigger, databaseUrl: ctx.databaseUrl, enqueue: ctx.enqueue });
  }
  return outcome.ok ? { started: true, runId: outcome.runId, newAnswers: fresh } : { started: false, reason: outcome.refusal.kind, newAnswers: fresh };
}

export function checkNewAnswers(ctx: CalibrationContext) {
  return newAnswersThreshold(ctx.db).then((threshold) => startAutomaticRun(ctx, 'NEW_ANSWERS', threshold));
}

export function scheduledCalibration(ctx: CalibrationContext) {
  return startAutomaticRun(ctx, 'SCHEDULE', 1);
}

/** The processor of the `calibration` queue. */
export function calibrationProcessor(ctx: CalibrationContext) {
  return async (job: Job) => {
    switch (job.name) {
      case CALIBRATE:
        return { outcome: await executeCalibrationRun(ctx, (job.data as CalibrateJobData).runId, job) };
      case CHECK_NEW_ANSWERS:
        return checkNewAnswers(ctx);
      case SCHEDULED_CALIBRATION:
        return scheduledCalibration(ctx);
      default:
        throw new Error(`Tâche de calibration inconnue : ${job.name}`);
    }
  };
}

/**
 * Brings runs and jobs back in line: a QUEUED or RUNNING run whose job is gone (Redis lost it) gets its
 * job back; one whose job failed (e.g. stalled too many times) or completed without writing is marked
 * FAILED. Returns what it did.
 */
export async function reconcileCalibrationRuns(ctx: CalibrationContext, queue: Queue, options: { graceMs?: number } = {}) {
  const { db } = ctx;
  const grace = options.graceMs ?? 15_000;
  const runs = await unfinishedRuns(db);
  const requeued: string[] = [];
  const failed: string[] = [];
  for (const run of runs) {
    const jobId = run.jobId ?? jobIdOfRun(run.id);
    const job = await queue.getJob(jobId);
    const markFailed = async (message: string) => {
      if (await failUnfinishedRun(db, run, message)) failed.push(run.id);
    };
    if (!job) {
      if (Date.now() - run.createdAt.getTime() < grace) continue;
      if (run.cancelRequestedAt) {
        await cancelUnfinishedRun(db, run);
        continue;
      }
      if (ctx.enqueue) {
        await ctx.enqueue(run.id);
        requeued.push(run.id);
      }
      continue;
    }
    const state = await job.getState();
    // The job was read before its state: failed in between (a stalled job failed by the worker that took it up), its
    // copy has no reason yet. A failed job's record is final: read again, it has the reason.
    const reason = state === 'failed' ? (job.failedReason ?? (await queue.getJob(jobId))?.failedReason) : undefined;
    if (state === 'failed') await markFailed(describeJobFailure(reason));
    else if (state === 'completed') await markFailed('Le travail de calibration s’est terminé sans enregistrer de résultat.');
  }
  return { requeued, failed };
}
