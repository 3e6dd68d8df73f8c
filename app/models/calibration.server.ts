/**
 * Calibration runs as the psychometrician and the workers see them: settings, the data check before
 * a run starts, creating and cancelling runs, and the list with live progress. The computation
 * itself is workers/calibration.ts; approval is parameter-set.server.ts.
 */
import { z } from 'zod';
import type { PrismaClient } from '../../prisma/client';
import { parseJsonColumn } from '../lib/json-column';
import { countEligibleAnswers, liveChallenges, withPgClient } from './calibration-data.server';
import { calibrationVersionIds } from './content-version.server';
import { applicableParameters } from './parameter-set.server';
import type { CalibrationPhase, RunReview, RunStatus, RunTrigger } from './calibration-labels';
import type { LocalDependenceReport, PersonFitDistribution } from '../../engine/calibration';

export type { CalibrationPhase };

/** Fewer eligible answers than this, and a run is refused before it starts. */
export const MIN_ANSWERS_TO_CALIBRATE = 1000;
/** Fewer persons than this, and the worker stops the run (the data cannot carry a scale). */
export const MIN_PERSONS_TO_CALIBRATE = 100;
/** Default "enough new answers" threshold of the automatic trigger. */
export const DEFAULT_NEW_ANSWERS_THRESHOLD = 5000;
export const SETTING_NEW_ANSWERS_THRESHOLD = 'calibration.newAnswersThreshold';

export const AnchorMode = z.enum(['keep-live', 'recalibrate-all']);
export type AnchorMode = z.infer<typeof AnchorMode>;

export const CalibrationRunSettings = z.object({
  model: z.enum(['2pl', 'rasch']).default('2pl'),
  priors: z.boolean().default(true),
  /** keep-live: the active set's items are anchors (held fixed), only new items are estimated. */
  anchors: AnchorMode.default('recalibrate-all'),
  /** Calibrate the live challenges of these competences only (ids); all when empty. */
  competenceIds: z.array(z.string()).default([]),
  quadraturePoints: z.number().int().min(5).max(201).default(61),
  tolerance: z.number().positive().max(0.1).default(1e-4),
  maxCycles: z.number().int().min(1).max(100_000).default(2000),
  acceleration: z.enum(['squarem', 'none']).default('squarem'),
  /** Snapshot bound (answers with id ≤ this); default: the latest answer when the run starts. */
  maxAnswerId: z.string().regex(/^\d+$/).nullable().default(null),
  minAnswers: z.number().int().min(1).default(MIN_ANSWERS_TO_CALIBRATE),
  minPersons: z.number().int().min(1).default(MIN_PERSONS_TO_CALIBRATE),
  /** DIF by locale only when each group has at least this many persons. */
  difMinPersons: z.number().int().min(1).default(100),
  /** 'auto': shard jobs when the data is large and several worker processes listen. */
  distribution: z.enum(['auto', 'local', 'shards']).default('auto'),
  /** Number of shards when distributed (0 = from the data size and the workers listening). */
  shards: z.number().int().min(0).max(256).default(0),
  /**
   * Start the EM from the estimates of the latest succeeded run of the same scope and model (same fixed
   * point, fewer cycles: decision 021); false: from the active set and the items' facilities.
   */
  warmStart: z.boolean().default(true),
});
export type CalibrationRunSettings = z.infer<typeof CalibrationRunSettings>;
export type CalibrationRunSettingsInput = z.input<typeof CalibrationRunSettings>;

const PHASES: Record<CalibrationPhase, true> = {
  queued: true,
  reading: true,
  sharding: true,
  estimating: true,
  diagnostics: true,
  writing: true,
  done: true,
  cancelled: true,
  failed: true,
};

/** What `CalibrationRun.progress` holds (and what the job reports with updateProgress). */
export const calibrationProgressSchema = z.object({
  phase: z.enum(Object.keys(PHASES) as [CalibrationPhase, ...CalibrationPhase[]]),
  /** 0–100, for the progress bar (EM cycles have no known total: estimated from the convergence). */
  percent: z.number(),
  cycle: z.number().optional(),
  logLik: z.number().optional(),
  maxChange: z.number().optional(),
  answersRead: z.number().optional(),
  shards: z.number().optional(),
  attempt: z.number().optional(),
  /** ISO time of this report. */
  at: z.string(),
});
export type CalibrationProgress = z.infer<typeof calibrationProgressSchema>;

/** A run's progress (none before a worker took it), checked: an error names the run when the column is malformed. */
export function progressOf(run: { id: string; progress: unknown }): CalibrationProgress | null {
  return parseJsonColumn(calibrationProgressSchema.nullable(), run.progress ?? null, { table: 'CalibrationRun', column: 'progress', row: run.id });
}

/** What `CalibrationRun.summary` holds once a run succeeded. */
export interface CalibrationSummary {
  logPosterior: number;
  latent: { mean: number; sd: number };
  standardErrors: string;
  /** How the standard errors were computed, in words (absent on runs before it was recorded). */
  standardErrorsNote?: string;
  anchors: number;
  freeItems: number;
  items: number;
  /** Live challenges without eligible answers, not calibrated by this run (keys). */
  unanswered: string[];
  counts: {
    read: number;
    used: number;
    excluded: { preview: number; staff: number; neutralised: number; duplicate: number };
    scoredWrong: { skipped: number; timedout: number; aband: number };
    persons: number;
    learnerCompetences: number;
    certificationCandidates: number;
  };
  /** The parameter set the drift and the anchors were taken from. */
  reference: { id: string; version: number } | null;
  drift: { stable: number; look: number; review: number };
  dif: {
    grouping: 'locale';
    reference: string;
    focal: string[];
    referencePersons: number;
    focalPersons: number;
    classes: { A: number; B: number; C: number };
  } | null;
  /** Persons' EAP θ̂ histogram (Wright map): bins [from + k·step, from + (k+1)·step). */
  thetaHistogram: { from: number; step: number; counts: number[] };
  /** Person fit lz at EAP θ̂ and Q3 within a skill or tube (absent on runs before they were computed). */
  personFit?: PersonFitDistribution;
  localDependence?: LocalDependenceReport;
  flags: Record<string, number>;
  execution: {
    mode: 'local' | 'shards';
    shards: number;
    threads: number;
    readSeconds: number;
    estimateSeconds: number;
    /** Where the answers came from: the snapshot kept in memory, its file, or none (all streamed); absent on older runs. */
    snapshot?: 'memory' | 'file' | 'none' | 'off';
    /** Answers streamed from PostgreSQL by this run (only the new ones when a snapshot was extended). */
    streamed?: number;
    /** The run whose estimates the EM started from (a warm start), and how many items took them; absent: none. */
    warmStart?: { runId: string; items: number } | null;
    /** Seconds of each phase of the run (read, collapse, estimate, persons, dif…), the final write excepted. */
    phases?: Record<string, number>;
    /** Resident memory (MiB) of the process at the end of each phase, or the most sampled during it. */
    memory?: Record<string, number>;
  };
  /** Model quality, as the CLI's calibrate document (absent on runs before it was recorded). */
  quality?: RunQuality;
}

/** What the worker stores of the engine's modelQuality and test information (issue 18). */
export interface RunQuality {
  logLik: number;
  parameterCount: number;
  aic: number;
  bic: number;
  marginalReliability: number;
  empiricalReliability: number | null;
  /** S-X² per challenge id; null per item on sparse designs (no common summed score). */
  sx2: Record<string, { statistic: number; df: number; p: number } | null>;
  /** Test information and its SE per competence on a θ grid. */
  testInformation: {
    theta: number[];
    curves: { competenceId: string; code: string; items: number; information: number[]; se: (number | null)[] }[];
  };
}

export function progressNow(progress: Omit<CalibrationProgress, 'at'>): CalibrationProgress {
  return { ...progress, at: new Date().toISOString() };
}

/** Why a run was not started (the home page says it in the viewer's language). */
export type StartRefusal =
  | { kind: 'too-few-answers'; answers: number; minimum: number }
  | { kind: 'no-live-challenges' }
  | { kind: 'nothing-to-calibrate'; anchored: number }
  | { kind: 'queue-unavailable'; message: string };

type Db = PrismaClient;

/**
 * Checks that the data can carry a run: live challenges exist, there are enough eligible answers,
 * and in "keep live items fixed" mode at least one answered live challenge is not in the active set.
 */
export async function checkCalibrationData(db: Db, databaseUrl: string, settings: CalibrationRunSettings): Promise<StartRefusal | null> {
  const live = await liveChallenges(db, settings.competenceIds);
  if (live.length === 0) return { kind: 'no-live-challenges' };
  return withPgClient(databaseUrl, async (client) => {
    const ids = live.map((c) => c.id);
    // Answers on the served versions (or versions equivalent for calibration) only: what a run would read.
    const versionIds = await calibrationVersionIds(db, live);
    const answers = await countEligibleAnswers(client, ids, { limit: settings.minAnswers, afterId: null, versionIds });
    if (answers < settings.minAnswers) return { kind: 'too-few-answers', answers, minimum: settings.minAnswers } as const;
    if (settings.anchors === 'keep-live') {
      const active = await db.parameterSet.findFirst({ where: { active: true }, select: { id: true } });
      if (active) {
        const anchored = new Set(
          (
            await applicableParameters(
              db,
              active.id,
              live.map((c) => ({ challengeId: c.id, versionId: c.versionId })),
            )
          ).keys(),
        );
        const free = ids.filter((id) => !anchored.has(id));
        const freeAnswers = await countEligibleAnswers(client, free, { limit: 1, afterId: null, versionIds });
        if (freeAnswers === 0) return { kind: 'nothing-to-calibrate', anchored: anchored.size } as const;
      }
    }
    return null;
  });
}

export interface StartOptions {
  settings: CalibrationRunSettingsInput;
  trigger?: 'MANUAL' | 'SCHEDULE' | 'NEW_ANSWERS';
  requestedById?: string | null;
  databaseUrl: string;
  /** Queues the run's job; returns the job id. Throws when the queue is unavailable. */
  enqueue: (runId: string) => Promise<string>;
}

/** The QUEUED row of a run with these (parsed) settings, before its job is queued or it is executed. */
export function createQueuedRun(
  db: Pick<Db, 'calibrationRun'>,
  settings: CalibrationRunSettings,
  options: { trigger?: 'MANUAL' | 'SCHEDULE' | 'NEW_ANSWERS'; requestedById?: string | null } = {},
) {
  return db.calibrationRun.create({
    data: {
      status: 'QUEUED',
      trigger: options.trigger ?? 'MANUAL',
      model: settings.model,
      settings: settings as object,
      requestedById: options.requestedById ?? null,
      progress: progressNow({ phase: 'queued', percent: 0 }) as object,
    },
  });
}

/**
 * Starts a run: checks the data, writes the QUEUED run and queues its job. A refusal starts nothing
 * (and leaves no row behind).
 */
export async function startCalibration(db: Db, options: StartOptions): Promise<{ ok: true; runId: string } | { ok: false; refusal: StartRefusal }> {
  const settings = CalibrationRunSettings.parse(options.settings);
  const refusal = await checkCalibrationData(db, options.databaseUrl, settings);
  if (refusal) return { ok: false, refusal };
  const run = await createQueuedRun(db, settings, options);
  try {
    const jobId = await options.enqueue(run.id);
    await db.calibrationRun.update({ where: { id: run.id }, data: { jobId } });
  } catch (error) {
    await db.calibrationRun.delete({ where: { id: run.id } });
    return { ok: false, refusal: { kind: 'queue-unavailable', message: error instanceof Error ? error.message : String(error) } };
  }
  return { ok: true, runId: run.id };
}

/**
 * Asks a run to stop. A queued run is cancelled at once (its job removed when possible); a running
 * one stops before its next E-step (the worker marks it CANCELLED). Finished runs are left alone.
 */
export async function cancelCalibration(
  db: Db,
  runId: string,
  removeQueuedJob?: (jobId: string) => Promise<boolean>,
): Promise<'cancelled' | 'requested' | 'finished' | 'not-found'> {
  const run = await db.calibrationRun.findUnique({ where: { id: runId }, select: { status: true, jobId: true } });
  if (!run) return 'not-found';
  if (run.status !== 'QUEUED' && run.status !== 'RUNNING') return 'finished';
  const now = new Date();
  await db.calibrationRun.updateMany({ where: { id: runId, status: { in: ['QUEUED', 'RUNNING'] } }, data: { cancelRequestedAt: now } });
  if (run.status === 'QUEUED') {
    const removed = removeQueuedJob && run.jobId ? await removeQueuedJob(run.jobId).catch(() => false) : false;
    // Whether or not the job could be removed, a worker that picks it up sees the request and stops.
    const done = await db.calibrationRun.updateMany({
      where: { id: runId, status: 'QUEUED' },
      data: { status: 'CANCELLED', finishedAt: now, progress: progressNow({ phase: 'cancelled', percent: 0 }) as object },
    });
    if (done.count === 1 || removed) return 'cancelled';
  }
  return 'requested';
}

export interface RunListItem {
  id: string;
  status: RunStatus;
  trigger: RunTrigger;
  model: string;
  settings: CalibrationRunSettings;
  requestedBy: string | null;
  progress: CalibrationProgress | null;
  cancelRequested: boolean;
  persons: number | null;
  answers: number | null;
  items: number;
  seconds: number | null;
  logLik: number | null;
  iterations: number | null;
  converged: boolean | null;
  error: string | null;
  reviewStatus: RunReview;
  rejectionReason: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  parameterSetVersions: number[];
}

export function parseSettings(json: unknown): CalibrationRunSettings {
  const parsed = CalibrationRunSettings.safeParse(json ?? {});
  return parsed.success ? parsed.data : CalibrationRunSettings.parse({});
}

/** The latest runs, newest first. */
export async function listRuns(db: Db, options: { take?: number; ids?: string[] } = {}): Promise<RunListItem[]> {
  const runs = await db.calibrationRun.findMany({
    where: options.ids ? { id: { in: options.ids } } : {},
    orderBy: { createdAt: 'desc' },
    take: options.take ?? 50,
    include: {
      requestedBy: { select: { firstName: true, lastName: true } },
      parameterSets: { select: { version: true }, orderBy: { version: 'asc' } },
      _count: { select: { items: true } },
    },
  });
  return runs.map((r) => ({
    id: r.id,
    status: r.status,
    trigger: r.trigger,
    model: r.model,
    settings: parseSettings(r.settings),
    requestedBy: r.requestedBy ? `${r.requestedBy.firstName} ${r.requestedBy.lastName}` : null,
    progress: progressOf(r),
    cancelRequested: r.cancelRequestedAt !== null,
    persons: r.persons,
    answers: r.answers,
    items: r._count.items,
    seconds: r.seconds,
    logLik: r.logLik,
    iterations: r.iterations,
    converged: r.converged,
    error: r.error,
    reviewStatus: r.reviewStatus,
    rejectionReason: r.rejectionReason,
    createdAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
    parameterSetVersions: r.parameterSets.map((s) => s.version),
  }));
}

/** Progress of the given runs (for the list's live refresh). */
export async function runsProgress(db: Db, ids: string[]) {
  const rows = await db.calibrationRun.findMany({
    where: { id: { in: ids } },
    select: { id: true, status: true, progress: true, cancelRequestedAt: true },
  });
  return rows.map((r) => ({ id: r.id, status: r.status, progress: progressOf(r), cancelRequested: r.cancelRequestedAt !== null }));
}

export async function newAnswersThreshold(db: Pick<PrismaClient, 'platformSetting'>): Promise<number> {
  const row = await db.platformSetting.findUnique({ where: { key: SETTING_NEW_ANSWERS_THRESHOLD } });
  const value = Number(row?.value);
  return Number.isInteger(value) && value > 0 ? value : DEFAULT_NEW_ANSWERS_THRESHOLD;
}

export async function setNewAnswersThreshold(db: Pick<PrismaClient, 'platformSetting'>, value: number): Promise<void> {
  await db.platformSetting.upsert({
    where: { key: SETTING_NEW_ANSWERS_THRESHOLD },
    create: { key: SETTING_NEW_ANSWERS_THRESHOLD, value },
    update: { value },
  });
}

/** Number of stored answers: exact up to 200,000, PostgreSQL's estimate above (a count of millions of rows costs seconds). */
export async function answerCount(db: Pick<PrismaClient, 'answer' | '$queryRawUnsafe'>): Promise<{ count: number; estimated: boolean }> {
  const [row] = await db.$queryRawUnsafe<{ estimate: number | null }[]>(`SELECT reltuples::float8 AS estimate FROM pg_class WHERE relname = 'Answer'`);
  const estimate = Number(row?.estimate ?? -1);
  if (estimate > 200_000) return { count: Math.round(estimate), estimated: true };
  return { count: await db.answer.count(), estimated: false };
}
