/**
 * Queries behind the psychometrician's analysis pages: a calibration run with its items, one item
 * across runs with its observed proportions correct in θ̂ groups, the live bank of a competence under
 * a parameter set (information, standard error, Wright map), and two runs side by side.
 *
 * Persons' θ̂ are EAP estimates computed here from the stored answers with the engine (engine/irt and
 * the calibration kernel's row abilities), under the data rules of calibration (calibration-data.server.ts,
 * mirrored in SQL here so that PostgreSQL groups the answers by person): previews, the content staff's
 * test runs and neutralised answers are left out; skipped, timed-out and abandoned answers count as
 * wrong; a "person" is one learner on one competence (positioning, campaigns) or one certification
 * test; a person's first answer to a challenge is the one that counts; a run's θ̂ use the answers of its
 * snapshot (id ≤ maxAnswerId) and its latent distribution.
 */
import { Prisma } from '../../prisma/generated/client';
import type { PrismaClient } from '../../prisma/client';
import { computeRowAbilities, parseDif, ResponseDataBuilder, type DifEntry } from '../../engine/calibration';
import { gridNodes, normalWeights, posteriorOnGrid, probability, testInformation, type ItemResponse } from '../../engine/irt';
import type { RichDoc } from '../../engine/challenges';
import {
  groupCount,
  histogram,
  mean as meanOf,
  pearson,
  quantileGroups,
  rootMeanSquare,
  sampleSd,
  spearman,
  wilsonInterval,
  type HistogramBin,
  type RankCorrelation,
} from '../../engine/statistics';
import { liveChallenges } from './calibration-data.server';

type Client = PrismaClient;

// ---------------------------------------------------------------- runs

export interface RunHeader {
  id: string;
  status: 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
  trigger: string;
  model: string;
  settings: Record<string, unknown>;
  logLik: number | null;
  iterations: number | null;
  converged: boolean | null;
  persons: number | null;
  answers: number | null;
  seconds: number | null;
  error: string | null;
  progress: Record<string, unknown> | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  requestedBy: string | null;
  itemCount: number;
  /** Parameter set versions approved from this run. */
  approvedAs: { version: number; active: boolean }[];
  review: { status: 'PENDING' | 'APPROVED' | 'REJECTED'; by: string | null; at: string | null; reason: string | null };
  /** The worker's summary (latent distribution, SE method, counts, θ̂ histogram…); {} when absent. */
  summary: Record<string, unknown>;
  /** Answers with an id up to this one were read (as a string: it is a bigint). */
  maxAnswerId: string | null;
}

const RUN_SELECT = {
  id: true,
  status: true,
  trigger: true,
  model: true,
  settings: true,
  logLik: true,
  iterations: true,
  converged: true,
  persons: true,
  answers: true,
  seconds: true,
  error: true,
  progress: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
  requestedBy: { select: { firstName: true, lastName: true } },
  parameterSets: { select: { version: true, active: true }, orderBy: { version: 'asc' } },
  reviewStatus: true,
  reviewedAt: true,
  rejectionReason: true,
  reviewedBy: { select: { firstName: true, lastName: true } },
  summary: true,
  maxAnswerId: true,
  _count: { select: { items: true } },
} as const;

type RunRecord = Prisma.CalibrationRunGetPayload<{ select: typeof RUN_SELECT }>;

function asRecord(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function toHeader(r: RunRecord): RunHeader {
  return {
    id: r.id,
    status: r.status,
    trigger: r.trigger,
    model: r.model,
    settings: asRecord(r.settings),
    logLik: r.logLik,
    iterations: r.iterations,
    converged: r.converged,
    persons: r.persons,
    answers: r.answers,
    seconds: r.seconds,
    error: r.error,
    progress: r.progress === null ? null : asRecord(r.progress),
    createdAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
    requestedBy: r.requestedBy ? `${r.requestedBy.firstName} ${r.requestedBy.lastName}`.trim() : null,
    itemCount: r._count.items,
    approvedAs: r.parameterSets,
    review: {
      status: r.reviewStatus,
      by: r.reviewedBy ? `${r.reviewedBy.firstName} ${r.reviewedBy.lastName}`.trim() : null,
      at: r.reviewedAt?.toISOString() ?? null,
      reason: r.rejectionReason,
    },
    summary: asRecord(r.summary),
    maxAnswerId: r.maxAnswerId === null ? null : r.maxAnswerId.toString(),
  };
}

/** The latent distribution a run's θ̂ are computed with: the run's estimate (summary.latent), else N(0, 1). */
export function runLatent(summary: Record<string, unknown>, settings: Record<string, unknown> = {}): { mean: number; sd: number } {
  const candidates = [asRecord(summary['latent']), asRecord(settings['latent'])];
  for (const c of candidates) {
    const mean = c['mean'] ?? c['latentMean'];
    const sd = c['sd'] ?? c['latentSd'];
    if (typeof mean === 'number' && typeof sd === 'number' && Number.isFinite(mean) && sd > 0) return { mean, sd };
  }
  return { mean: 0, sd: 1 };
}

const ITEM_SELECT = {
  challengeId: true,
  a: true,
  d: true,
  b: true,
  seA: true,
  seD: true,
  seB: true,
  n: true,
  pValue: true,
  pointBiserial: true,
  infit: true,
  outfit: true,
  expectedInfit: true,
  expectedOutfit: true,
  anchored: true,
  flags: true,
  driftDeltaB: true,
  dif: true,
  challenge: {
    select: {
      key: true,
      type: true,
      status: true,
      skill: {
        select: {
          name: true,
          level: true,
          tube: { select: { name: true, title: true, competence: { select: { code: true, titleFr: true } } } },
        },
      },
    },
  },
} as const;

type ItemRecord = Prisma.CalibrationItemResultGetPayload<{ select: typeof ITEM_SELECT }>;

/** One item of a run, with its place in the framework. */
export interface ItemRow {
  readonly challengeId: string;
  readonly key: string;
  readonly type: string;
  readonly status: string;
  readonly competenceCode: string;
  readonly competenceTitle: string;
  readonly tubeName: string;
  readonly tubeTitle: string;
  readonly skillName: string;
  readonly level: number;
  readonly a: number;
  readonly d: number;
  readonly b: number;
  readonly seA: number | null;
  readonly seD: number | null;
  readonly seB: number | null;
  readonly n: number;
  readonly pValue: number;
  readonly pointBiserial: number | null;
  readonly infit: number | null;
  readonly outfit: number | null;
  /** What infit/outfit would be on average if the model were true for this design (null: not stored). */
  readonly expectedInfit: number | null;
  readonly expectedOutfit: number | null;
  readonly anchored: boolean;
  readonly flags: readonly string[];
  readonly driftDeltaB: number | null;
  readonly dif: readonly DifEntry[];
}

function toRow(r: ItemRecord): ItemRow {
  const skill = r.challenge.skill;
  return {
    challengeId: r.challengeId,
    key: r.challenge.key,
    type: r.challenge.type,
    status: r.challenge.status,
    competenceCode: skill.tube.competence.code,
    competenceTitle: skill.tube.competence.titleFr,
    tubeName: skill.tube.name,
    tubeTitle: skill.tube.title,
    skillName: skill.name,
    level: skill.level,
    a: r.a,
    d: r.d,
    b: r.b,
    seA: r.seA,
    seD: r.seD,
    seB: r.seB,
    n: r.n,
    pValue: r.pValue,
    pointBiserial: r.pointBiserial,
    infit: r.infit,
    outfit: r.outfit,
    expectedInfit: r.expectedInfit,
    expectedOutfit: r.expectedOutfit,
    anchored: r.anchored,
    flags: r.flags,
    driftDeltaB: r.driftDeltaB,
    dif: parseDif(r.dif),
  };
}

export interface RunAnalysis {
  run: RunHeader;
  items: ItemRow[];
  /** Spearman correlation between the authors' skill levels and b. */
  levelAgreement: RankCorrelation | null;
  /** Cut scores to draw with b by level: the set approved from this run, else the active set. */
  cutScores: { version: number; fromThisRun: boolean; values: Record<string, number> } | null;
  /** The run the active parameter set was approved from (to compare with). */
  activeSourceRunId: string | null;
  /** Persons' θ̂ histogram the worker stored with the run (summary.thetaHistogram), for its Wright map. */
  personBins: HistogramBin[];
}

/** The worker's θ̂ histogram { from, step, counts } as bins. */
export function thetaBins(summary: Record<string, unknown>): HistogramBin[] {
  const h = asRecord(summary['thetaHistogram']);
  const from = h['from'];
  const step = h['step'];
  const counts = h['counts'];
  if (typeof from !== 'number' || typeof step !== 'number' || !(step > 0) || !Array.isArray(counts)) return [];
  return counts.map((c, k) => ({ x0: from + k * step, x1: from + (k + 1) * step, count: typeof c === 'number' ? c : 0 }));
}

function cutScoresOf(json: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(asRecord(json))) if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  return out;
}

export async function getRunAnalysis(client: Client, runId: string): Promise<RunAnalysis | null> {
  const run = await client.calibrationRun.findUnique({ where: { id: runId }, select: RUN_SELECT });
  if (!run) return null;
  const [records, own, active] = await Promise.all([
    client.calibrationItemResult.findMany({ where: { runId }, select: ITEM_SELECT }),
    client.parameterSet.findFirst({ where: { sourceRunId: runId }, orderBy: { version: 'desc' }, select: { version: true, cutScores: true } }),
    client.parameterSet.findFirst({ where: { active: true }, orderBy: { version: 'desc' }, select: { version: true, cutScores: true, sourceRunId: true } }),
  ]);
  const items = records.map(toRow).sort((p, q) => p.key.localeCompare(q.key));
  const set = own ?? active;
  const header = toHeader(run);
  return {
    run: header,
    personBins: thetaBins(header.summary),
    items,
    levelAgreement: spearman(
      items.map((i) => i.level),
      items.map((i) => i.b),
    ),
    cutScores: set ? { version: set.version, fromThisRun: own !== null, values: cutScoresOf(set.cutScores) } : null,
    activeSourceRunId: active?.sourceRunId ?? null,
  };
}

export interface RunChoice {
  id: string;
  createdAt: string;
  model: string;
  items: number;
  status: RunHeader['status'];
}

/** Finished runs, newest first, for the comparison and item pages' choosers. */
export async function listFinishedRuns(client: Client, take = 200): Promise<RunChoice[]> {
  const runs = await client.calibrationRun.findMany({
    where: { status: 'SUCCEEDED' },
    orderBy: { createdAt: 'desc' },
    take,
    select: { id: true, createdAt: true, model: true, status: true, _count: { select: { items: true } } },
  });
  return runs.map((r) => ({ id: r.id, createdAt: r.createdAt.toISOString(), model: r.model, items: r._count.items, status: r.status }));
}

// ---------------------------------------------------------------- answers and θ̂

/** Each person's answers as indexes into `challengeIds` and scores (1 right, 0 otherwise). */
interface PersonRow {
  items: number[];
  scores: number[];
}

const STAFF_ROLES = Prisma.sql`ARRAY['ADMIN','AUTHOR','REVIEWER','PSYCHOMETRICIAN']::"GlobalRole"[]`;

/**
 * The first eligible answer of each person to each of the challenges (all of one competence), grouped
 * by person in PostgreSQL. With `answeredChallengeId`, only the persons who answered that challenge.
 * With `maxAnswerId`, only the answers a run read (its snapshot).
 */
async function personAnswers(
  client: Client,
  challengeIds: readonly string[],
  options: { maxAnswerId?: string | null; answeredChallengeId?: string } = {},
): Promise<PersonRow[]> {
  if (challengeIds.length === 0) return [];
  const ids = [...challengeIds];
  const person = Prisma.sql`CASE WHEN s."type" = 'CERTIFICATION' THEN 'c' || s."id" ELSE 'u' || s."userId" END`;
  const snapshot = options.maxAnswerId ? Prisma.sql`AND a."id" <= ${options.maxAnswerId}::bigint` : Prisma.empty;
  const eligible = Prisma.sql`s."type" <> 'PREVIEW' ${snapshot}
      AND NOT EXISTS (SELECT 1 FROM "User" u WHERE u."id" = s."userId" AND u."roles" && ${STAFF_ROLES})
      AND NOT EXISTS (SELECT 1 FROM "Neutralisation" n WHERE n."answerId" = a."id")`;
  const restrict = options.answeredChallengeId
    ? Prisma.sql`AND ${person} IN (
        SELECT ${person} FROM "Answer" a JOIN "Assessment" s ON s."id" = a."assessmentId"
        WHERE a."challengeId" = ${options.answeredChallengeId} AND ${eligible})`
    : Prisma.empty;
  return client.$queryRaw<PersonRow[]>`
    SELECT array_agg(x.idx) AS items, array_agg(x.score) AS scores
    FROM (
      SELECT DISTINCT ON (person, a."challengeId")
        ${person} AS person,
        array_position(${ids}::text[], a."challengeId")::int - 1 AS idx,
        (a."result" = 'ok')::int AS score
      FROM "Answer" a JOIN "Assessment" s ON s."id" = a."assessmentId"
      WHERE a."challengeId" = ANY(${ids}::text[]) AND ${eligible} ${restrict}
      ORDER BY person, a."challengeId", a."id"
    ) x
    GROUP BY x.person`;
}

/** EAP θ̂ of each person with the given item parameters (engine kernel, 61 nodes on [−6, 6]). */
function eapOfPersons(rows: readonly PersonRow[], params: readonly { a: number; d: number }[], latent: { mean: number; sd: number }): Float64Array {
  const builder = new ResponseDataBuilder(params.map((_, i) => String(i)));
  for (const row of rows) {
    builder.beginRow();
    for (let k = 0; k < row.items.length; k++) builder.addAnswer(row.items[k] as number, row.scores[k] as number);
  }
  const data = builder.build();
  const nodes = gridNodes(-6, 6, 61);
  const quadrature = { nodes, weights: normalWeights(nodes, latent.mean, latent.sd) };
  return computeRowAbilities(data, { a: Float64Array.from(params.map((p) => p.a)), d: Float64Array.from(params.map((p) => p.d)) }, quadrature).theta;
}

// ---------------------------------------------------------------- one item

export interface ObservedGroup {
  index: number;
  n: number;
  correct: number;
  thetaMean: number;
  thetaMin: number;
  thetaMax: number;
  /** Observed proportion correct and its Wilson 95 % interval. */
  p: number;
  low: number;
  high: number;
  /** What the model expects on average in the group: mean over persons of ∫ P(θ) posterior(θ) dθ. */
  expected: number;
  /** The curve at the group's mean θ̂. */
  curveAtMean: number;
}

export interface ItemHistoryEntry {
  runId: string;
  createdAt: string;
  status: RunHeader['status'];
  model: string;
  a: number;
  d: number;
  b: number;
  seA: number | null;
  seB: number | null;
  n: number;
  pValue: number;
  flags: string[];
  driftDeltaB: number | null;
  anchored: boolean;
}

export interface ItemAnalysis {
  challenge: {
    id: string;
    key: string;
    type: string;
    status: string;
    instruction: RichDoc | null;
    version: number | null;
    skill: { name: string; level: number };
    tube: { name: string; title: string };
    competence: { code: string; title: string; titleEn: string };
  };
  run: { id: string; createdAt: string; model: string; status: RunHeader['status'] } | null;
  result: ItemRow | null;
  latent: { mean: number; sd: number };
  /** Observed proportions correct in θ̂ groups (θ̂ from each person's other answers). */
  groups: ObservedGroup[];
  observedPersons: number;
  history: ItemHistoryEntry[];
  parameterSets: { version: number; active: boolean; approvedAt: string; a: number; b: number; seB: number | null; sourceRunId: string | null }[];
}

export async function getItemAnalysis(client: Client, challengeId: string, runId?: string | null): Promise<ItemAnalysis | null> {
  const challenge = await client.challenge.findUnique({
    where: { id: challengeId },
    select: {
      id: true,
      key: true,
      type: true,
      status: true,
      currentVersion: { select: { number: true, body: true } },
      skill: {
        select: {
          name: true,
          level: true,
          tube: { select: { name: true, title: true, competenceId: true, competence: { select: { code: true, titleFr: true, titleEn: true } } } },
        },
      },
    },
  });
  if (!challenge) return null;
  const [results, sets] = await Promise.all([
    client.calibrationItemResult.findMany({
      where: { challengeId },
      select: { ...ITEM_SELECT, run: { select: { id: true, createdAt: true, status: true, model: true, settings: true, summary: true, maxAnswerId: true } } },
      orderBy: { run: { createdAt: 'asc' } },
    }),
    client.itemParameter.findMany({
      where: { challengeId },
      select: { a: true, b: true, seB: true, parameterSet: { select: { version: true, active: true, approvedAt: true, sourceRunId: true } } },
    }),
  ]);
  const chosen =
    (runId ? results.find((r) => r.run.id === runId) : undefined) ??
    [...results].reverse().find((r) => r.run.status === 'SUCCEEDED') ??
    results[results.length - 1] ??
    null;
  const body = asRecord(challenge.currentVersion?.body);
  const analysis: ItemAnalysis = {
    challenge: {
      id: challenge.id,
      key: challenge.key,
      type: challenge.type,
      status: challenge.status,
      instruction: (body['instruction'] as RichDoc | undefined) ?? null,
      version: challenge.currentVersion?.number ?? null,
      skill: { name: challenge.skill.name, level: challenge.skill.level },
      tube: { name: challenge.skill.tube.name, title: challenge.skill.tube.title },
      competence: {
        code: challenge.skill.tube.competence.code,
        title: challenge.skill.tube.competence.titleFr,
        titleEn: challenge.skill.tube.competence.titleEn,
      },
    },
    run: chosen ? { id: chosen.run.id, createdAt: chosen.run.createdAt.toISOString(), model: chosen.run.model, status: chosen.run.status } : null,
    result: chosen ? toRow(chosen) : null,
    latent: chosen ? runLatent(asRecord(chosen.run.summary), asRecord(chosen.run.settings)) : { mean: 0, sd: 1 },
    groups: [],
    observedPersons: 0,
    history: results.map((r) => ({
      runId: r.run.id,
      createdAt: r.run.createdAt.toISOString(),
      status: r.run.status,
      model: r.run.model,
      a: r.a,
      d: r.d,
      b: r.b,
      seA: r.seA,
      seB: r.seB,
      n: r.n,
      pValue: r.pValue,
      flags: r.flags,
      driftDeltaB: r.driftDeltaB,
      anchored: r.anchored,
    })),
    parameterSets: sets
      .map((s) => ({
        version: s.parameterSet.version,
        active: s.parameterSet.active,
        approvedAt: s.parameterSet.approvedAt.toISOString(),
        a: s.a,
        b: s.b,
        seB: s.seB,
        sourceRunId: s.parameterSet.sourceRunId,
      }))
      .sort((p, q) => p.version - q.version),
  };
  if (chosen) {
    const observed = await observedGroups(
      client,
      chosen.run.id,
      challengeId,
      challenge.skill.tube.competenceId,
      analysis.latent,
      chosen.run.maxAnswerId?.toString() ?? null,
    );
    analysis.groups = observed.groups;
    analysis.observedPersons = observed.persons;
  }
  return analysis;
}

/**
 * Observed proportion correct of an item in θ̂ groups, for its characteristic curve. Each person's θ̂
 * is the EAP from their *other* answers in the competence (the item's own answer would pull θ̂ towards
 * its score), with the run's parameters. Because EAP θ̂ is shrunk, the fair comparison for a group is
 * not the curve at its mean θ̂ but the model's expected proportion given the same answers: the mean of
 * ∫ P(θ) posterior(θ | other answers) dθ over the group's persons; both are reported.
 */
export async function observedGroups(
  client: Client,
  runId: string,
  challengeId: string,
  competenceId: string,
  latent: { mean: number; sd: number },
  maxAnswerId: string | null,
): Promise<{ groups: ObservedGroup[]; persons: number }> {
  const params = await client.calibrationItemResult.findMany({
    where: { runId, challenge: { skill: { tube: { competenceId } } } },
    select: { challengeId: true, a: true, d: true },
    orderBy: { challengeId: 'asc' },
  });
  const target = params.findIndex((p) => p.challengeId === challengeId);
  if (target < 0) return { groups: [], persons: 0 };
  const rows = await personAnswers(
    client,
    params.map((p) => p.challengeId),
    { maxAnswerId, answeredChallengeId: challengeId },
  );
  const item = params[target] as { a: number; d: number };
  const persons: { theta: number; score: number; expected: number }[] = [];
  for (const row of rows) {
    const k = row.items.indexOf(target);
    if (k < 0) continue;
    const others: ItemResponse[] = [];
    for (let j = 0; j < row.items.length; j++) {
      if (j === k) continue;
      const p = params[row.items[j] as number] as { a: number; d: number };
      others.push({ a: p.a, d: p.d, score: row.scores[j] === 1 ? 1 : 0 });
    }
    const posterior = posteriorOnGrid(others, { prior: latent, grid: { min: -6, max: 6, points: 61 } });
    let theta = 0;
    let expected = 0;
    for (let q = 0; q < posterior.nodes.length; q++) {
      const w = posterior.weights[q] as number;
      const node = posterior.nodes[q] as number;
      theta += w * node;
      expected += w * probability(item, node);
    }
    persons.push({ theta, score: row.scores[k] as number, expected });
  }
  const groups = quantileGroups(persons, (p) => p.theta, groupCount(persons.length)).map((group, index): ObservedGroup => {
    let correct = 0;
    let sumTheta = 0;
    let sumExpected = 0;
    for (const p of group) {
      correct += p.score;
      sumTheta += p.theta;
      sumExpected += p.expected;
    }
    const n = group.length;
    const ci = wilsonInterval(correct, n);
    const thetaMean = sumTheta / n;
    return {
      index: index + 1,
      n,
      correct,
      thetaMean,
      thetaMin: (group[0] as { theta: number }).theta,
      thetaMax: (group[n - 1] as { theta: number }).theta,
      p: ci.p,
      low: ci.low,
      high: ci.high,
      expected: sumExpected / n,
      curveAtMean: probability(item, thetaMean),
    };
  });
  return { groups, persons: persons.length };
}

// ---------------------------------------------------------------- the live bank

export interface BankItem {
  challengeId: string;
  key: string;
  level: number;
  tubeName: string;
  a: number;
  d: number;
  b: number;
  seB: number | null;
}

export interface BankAnalysis {
  sets: { version: number; active: boolean; approvedAt: string }[];
  set: { id: string; version: number; active: boolean; approvedAt: string; cutScores: Record<string, number> } | null;
  /** `title` is the French name, `titleEn` the English one. */
  competences: { code: string; title: string; titleEn: string; live: number; calibrated: number }[];
  competence: { code: string; title: string; titleEn: string } | null;
  items: BankItem[];
  uncalibrated: { challengeId: string; key: string; level: number }[];
  /** Test information and its standard error on a θ grid. */
  curve: { theta: number; information: number; se: number }[];
  persons: { count: number; mean: number | null; sd: number | null; bins: HistogramBin[]; answers: number; computedAt: string };
}

export const BANK_THETA = { min: -4, max: 4, step: 0.05 } as const;

const personCache = new Map<string, { watermark: string; at: number; value: BankAnalysis['persons'] }>();
/** How long θ̂ of a bank are reused when new answers have arrived since (ms). */
const PERSON_CACHE_MAX_AGE = 60_000;

export function clearAnalysisCache(): void {
  personCache.clear();
}

export async function getBankAnalysis(client: Client, options: { competence?: string | null; version?: number | null } = {}): Promise<BankAnalysis> {
  const sets = await client.parameterSet.findMany({
    orderBy: { version: 'desc' },
    select: { id: true, version: true, active: true, approvedAt: true, cutScores: true },
  });
  const set = (options.version != null ? sets.find((s) => s.version === options.version) : undefined) ?? sets.find((s) => s.active) ?? null;
  // Live challenges as learners are served them: the latest release's challenges still valide.
  const [competences, live, calibrated] = await Promise.all([
    client.competence.findMany({ select: { id: true, code: true, titleFr: true, titleEn: true } }),
    liveChallenges(client),
    set
      ? client.itemParameter.findMany({
          where: { parameterSetId: set.id },
          select: {
            challengeId: true,
            a: true,
            d: true,
            b: true,
            seB: true,
            challenge: { select: { skill: { select: { tube: { select: { competenceId: true } } } } } },
          },
        })
      : Promise.resolve([]),
  ]);
  const byCode = (x: { code: string }, y: { code: string }) => x.code.localeCompare(y.code, 'fr', { numeric: true });
  const params = new Map(calibrated.map((p) => [p.challengeId, p] as const));
  const summary = competences
    .map((c) => {
      const own = live.filter((l) => l.competenceId === c.id);
      return { id: c.id, code: c.code, title: c.titleFr, titleEn: c.titleEn, live: own.length, calibrated: own.filter((l) => params.has(l.id)).length };
    })
    .filter((c) => c.live > 0 || c.calibrated > 0)
    .sort(byCode);
  const competence = summary.find((c) => c.code === options.competence) ?? summary.find((c) => c.calibrated > 0) ?? summary[0] ?? null;
  const analysis: BankAnalysis = {
    sets: sets.map((s) => ({ version: s.version, active: s.active, approvedAt: s.approvedAt.toISOString() })),
    set: set ? { id: set.id, version: set.version, active: set.active, approvedAt: set.approvedAt.toISOString(), cutScores: cutScoresOf(set.cutScores) } : null,
    competences: summary.map(({ code, title, titleEn, live: l, calibrated: c }) => ({ code, title, titleEn, live: l, calibrated: c })),
    competence: competence ? { code: competence.code, title: competence.title, titleEn: competence.titleEn } : null,
    items: [],
    uncalibrated: [],
    curve: [],
    persons: { count: 0, mean: null, sd: null, bins: [], answers: 0, computedAt: new Date().toISOString() },
  };
  if (!competence) return analysis;
  for (const l of live) {
    if (l.competenceId !== competence.id) continue;
    const p = params.get(l.id);
    if (p) analysis.items.push({ challengeId: l.id, key: l.key, level: l.level, tubeName: l.tubeName, a: p.a, d: p.d, b: p.b, seB: p.seB });
    else analysis.uncalibrated.push({ challengeId: l.id, key: l.key, level: l.level });
  }
  analysis.items.sort((p, q) => p.b - q.b);
  analysis.uncalibrated.sort((p, q) => p.level - q.level || p.key.localeCompare(q.key));
  const steps = Math.round((BANK_THETA.max - BANK_THETA.min) / BANK_THETA.step);
  for (let k = 0; k <= steps; k++) {
    const theta = Math.round((BANK_THETA.min + k * BANK_THETA.step) * 100) / 100;
    const information = testInformation(analysis.items, theta);
    analysis.curve.push({ theta, information, se: information > 0 ? 1 / Math.sqrt(information) : Infinity });
  }
  if (set) {
    // θ̂ from every answer to the competence's challenges calibrated in the set (live or not).
    const scored = calibrated.filter((p) => p.challenge.skill.tube.competenceId === competence.id).sort((p, q) => p.challengeId.localeCompare(q.challengeId));
    analysis.persons = await bankPersons(client, set.id, competence.id, scored);
  }
  return analysis;
}

async function bankPersons(
  client: Client,
  setId: string,
  competenceId: string,
  scored: readonly { challengeId: string; a: number; d: number }[],
): Promise<BankAnalysis['persons']> {
  const key = `${setId}|${competenceId}`;
  // Answers are append-only: the newest answer id and the number of neutralisations tell whether anything changed.
  const [mark] = await client.$queryRaw<{ watermark: string }[]>`
    SELECT (SELECT coalesce(max("id"), 0) FROM "Answer")::text || ':' || (SELECT count(*) FROM "Neutralisation")::text AS watermark`;
  const watermark = mark?.watermark ?? '';
  const cached = personCache.get(key);
  if (cached && (cached.watermark === watermark || Date.now() - cached.at < PERSON_CACHE_MAX_AGE)) return cached.value;
  const rows = await personAnswers(
    client,
    scored.map((s) => s.challengeId),
  );
  const theta = Array.from(eapOfPersons(rows, scored, { mean: 0, sd: 1 }));
  let answers = 0;
  for (const r of rows) answers += r.items.length;
  const value = {
    count: theta.length,
    mean: meanOf(theta),
    sd: sampleSd(theta),
    bins: histogram(theta, 0.25, [-6, 6]),
    answers,
    computedAt: new Date().toISOString(),
  };
  personCache.set(key, { watermark, at: Date.now(), value });
  return value;
}

// ---------------------------------------------------------------- two runs

export interface ComparedItem {
  challengeId: string;
  key: string;
  level: number;
  competenceCode: string;
  aA: number;
  aB: number;
  bA: number;
  bB: number;
  seBA: number | null;
  seBB: number | null;
  flagsA: string[];
  flagsB: string[];
}

export interface RunComparison {
  choices: RunChoice[];
  a: RunHeader | null;
  b: RunHeader | null;
  items: ComparedItem[];
  onlyA: number;
  onlyB: number;
  stats: {
    correlationB: number | null;
    correlationA: number | null;
    meanDeltaB: number | null;
    rmsdB: number | null;
    meanDeltaA: number | null;
    rmsdA: number | null;
    /** Items whose |Δb| exceeds 1.96 × the SE of the difference (both runs' SEs, as if independent). */
    significantB: number;
  };
}

export async function getRunComparison(client: Client, aId?: string | null, bId?: string | null): Promise<RunComparison> {
  const choices = await listFinishedRuns(client);
  // Defaults: the latest finished run (B) against the one before it (A).
  const idB = bId || choices[0]?.id || null;
  const idA = aId || choices.find((c) => c.id !== idB)?.id || null;
  const [runA, runB] = await Promise.all([
    idA ? client.calibrationRun.findUnique({ where: { id: idA }, select: RUN_SELECT }) : null,
    idB ? client.calibrationRun.findUnique({ where: { id: idB }, select: RUN_SELECT }) : null,
  ]);
  const empty: RunComparison = {
    choices,
    a: runA ? toHeader(runA) : null,
    b: runB ? toHeader(runB) : null,
    items: [],
    onlyA: 0,
    onlyB: 0,
    stats: { correlationB: null, correlationA: null, meanDeltaB: null, rmsdB: null, meanDeltaA: null, rmsdA: null, significantB: 0 },
  };
  if (!runA || !runB) return empty;
  const [itemsA, itemsB] = await Promise.all([
    client.calibrationItemResult.findMany({ where: { runId: runA.id }, select: ITEM_SELECT }),
    client.calibrationItemResult.findMany({ where: { runId: runB.id }, select: ITEM_SELECT }),
  ]);
  const inB = new Map(itemsB.map((i) => [i.challengeId, i] as const));
  const items: ComparedItem[] = [];
  for (const x of itemsA) {
    const y = inB.get(x.challengeId);
    if (!y) continue;
    items.push({
      challengeId: x.challengeId,
      key: x.challenge.key,
      level: x.challenge.skill.level,
      competenceCode: x.challenge.skill.tube.competence.code,
      aA: x.a,
      aB: y.a,
      bA: x.b,
      bB: y.b,
      seBA: x.seB,
      seBB: y.seB,
      flagsA: x.flags,
      flagsB: y.flags,
    });
  }
  items.sort((p, q) => Math.abs(q.bB - q.bA) - Math.abs(p.bB - p.bA) || p.key.localeCompare(q.key));
  const db = items.map((i) => i.bB - i.bA);
  const da = items.map((i) => i.aB - i.aA);
  return {
    ...empty,
    items,
    onlyA: itemsA.length - items.length,
    onlyB: itemsB.length - items.length,
    stats: {
      correlationB: pearson(
        items.map((i) => i.bA),
        items.map((i) => i.bB),
      ),
      correlationA: pearson(
        items.map((i) => i.aA),
        items.map((i) => i.aB),
      ),
      meanDeltaB: meanOf(db),
      rmsdB: rootMeanSquare(db),
      meanDeltaA: meanOf(da),
      rmsdA: rootMeanSquare(da),
      significantB: items.filter((i) => i.seBA !== null && i.seBB !== null && Math.abs(i.bB - i.bA) > 1.96 * Math.sqrt(i.seBA ** 2 + i.seBB ** 2)).length,
    },
  };
}
