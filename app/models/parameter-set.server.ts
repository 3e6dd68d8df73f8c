/**
 * Parameter sets: the item parameters in force. Approving a calibration run (all its estimated items,
 * or a selection) makes a new ACTIVE version: the previous active set's parameters, with the
 * approved items' replaced (items not approved keep their previous parameters), and the level cut
 * scores computed on the result. A set never changes once written — only which one is active —
 * so a certification that recorded its set can always be re-scored with it.
 *
 * Positioning and certification read the parameters through activeParameters / parametersOfSet.
 */
import { itemSignals, levelCutScores, parseDif, type CutScoreReport, type Signal } from '../../engine/calibration';
import { csvField, type CsvMode } from '../../engine/campaigns';
import type { PrismaClient } from '../../prisma/client';
import { liveChallenges, type LiveChallenge } from './calibration-data.server';
import { versionClasses } from './content-version.server';

type Db = PrismaClient;
type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

export const SETTING_CALIBRATION_BASELINE = 'calibration.newAnswersBaseline';

/** Expected success that defines reaching a level (docs/decisions/006-calibration-pipeline.md). */
export const CUT_SCORE_PROBABILITY = 0.5;

export interface ParametersInForce {
  /** The ParameterSet id (record it on an assessment or a certification session to freeze it). */
  id: string;
  version: number;
  /** challengeId → slope and intercept (b = −d/a). Challenges absent here are uncalibrated. */
  params: Map<string, { a: number; d: number }>;
  /** θ cut score per level, { "1": θ, … } (levels without calibrated live challenges are absent). */
  cutScores: Record<string, number>;
  approvedAt: Date;
}

async function readSet(db: Pick<Db, 'parameterSet'>, where: { active: true } | { id: string }): Promise<ParametersInForce | null> {
  const set = await db.parameterSet.findFirst({
    where,
    orderBy: { version: 'desc' },
    select: { id: true, version: true, cutScores: true, approvedAt: true, items: { select: { challengeId: true, a: true, d: true } } },
  });
  if (!set) return null;
  return {
    id: set.id,
    version: set.version,
    params: new Map(set.items.map((p) => [p.challengeId, { a: p.a, d: p.d }])),
    cutScores: cutScoresOf(set.cutScores),
    approvedAt: set.approvedAt,
  };
}

export interface StoredParameter {
  challengeId: string;
  /** The content version calibrated (null: recorded before versions were tied to parameters). */
  versionId: string | null;
  a: number;
  d: number;
}

/**
 * Which stored parameters apply to the given content versions: a parameter applies to the version it was
 * calibrated on and to the versions equivalent to it (nothing scored changed, or a psychometrician's
 * DifficultyMark). A challenge whose served version changed what is scored is absent: uncalibrated
 * (pretest) in positioning and certification until a run calibrates it or the change is marked.
 * Parameters recorded before versions were tied to them (versionId null) apply as they did.
 */
export async function filterApplicable<P extends StoredParameter>(
  db: Pick<Db, 'challengeVersion' | 'difficultyMark'>,
  params: readonly P[],
  items: readonly { challengeId: string; versionId: string }[],
): Promise<Map<string, P>> {
  const servedVersion = new Map(items.map((i) => [i.challengeId, i.versionId]));
  const out = new Map<string, P>();
  const mismatched: P[] = [];
  for (const p of params) {
    const served = servedVersion.get(p.challengeId);
    if (served === undefined) continue;
    if (p.versionId === null || p.versionId === served) out.set(p.challengeId, p);
    else mismatched.push(p);
  }
  if (mismatched.length > 0) {
    const classes = await versionClasses(
      db,
      mismatched.map((p) => p.challengeId),
    );
    for (const p of mismatched) {
      const c = classes.get(p.challengeId);
      if (c && c.rootOf(p.versionId!) === c.rootOf(servedVersion.get(p.challengeId)!)) out.set(p.challengeId, p);
    }
  }
  return out;
}

/** The parameters of a set that apply to these served versions (see filterApplicable), by challenge. */
export async function applicableParameters(
  db: Pick<Db, 'itemParameter' | 'challengeVersion' | 'difficultyMark'>,
  parameterSetId: string,
  items: readonly { challengeId: string; versionId: string }[],
): Promise<Map<string, { a: number; d: number; versionId: string | null }>> {
  const params = await db.itemParameter.findMany({
    where: { parameterSetId, challengeId: { in: items.map((i) => i.challengeId) } },
    select: { challengeId: true, versionId: true, a: true, d: true },
  });
  return filterApplicable(db, params, items);
}

/** The parameter set in force, or null when nothing was ever approved (every challenge uncalibrated). */
export function activeParameters(db: Pick<Db, 'parameterSet'>): Promise<ParametersInForce | null> {
  return readSet(db, { active: true });
}

/** A given set, active or not (to re-score a certification with the version it used). */
export function parametersOfSet(db: Pick<Db, 'parameterSet'>, parameterSetId: string): Promise<ParametersInForce | null> {
  return readSet(db, { id: parameterSetId });
}

export function cutScoresOf(json: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (json && typeof json === 'object' && !Array.isArray(json)) {
    for (const [k, v] of Object.entries(json as Record<string, unknown>)) if (/^\d+$/.test(k) && typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  }
  return out;
}

/** Cut scores of a set of parameters over the live challenges (the levels of their skills). */
export function cutScoresFor(params: ReadonlyMap<string, { a: number; d: number }>, live: readonly Pick<LiveChallenge, 'id' | 'level'>[]): CutScoreReport {
  const items = live.flatMap((c) => {
    const p = params.get(c.id);
    return p ? [{ level: c.level, a: p.a, d: p.d }] : [];
  });
  return levelCutScores(items, { probability: CUT_SCORE_PROBABILITY });
}

/** The answer id after which answers count as new for the automatic trigger. */
export async function calibrationBaseline(db: Pick<Db, 'calibrationRun' | 'platformSetting'>): Promise<string> {
  const [run, setting] = await Promise.all([
    db.calibrationRun.findFirst({
      where: { status: 'SUCCEEDED', maxAnswerId: { not: null } },
      orderBy: { maxAnswerId: 'desc' },
      select: { maxAnswerId: true },
    }),
    db.platformSetting.findUnique({ where: { key: SETTING_CALIBRATION_BASELINE } }),
  ]);
  const fromRun = run?.maxAnswerId ?? 0n;
  const fromSetting = typeof setting?.value === 'string' && /^\d+$/.test(setting.value) ? BigInt(setting.value) : 0n;
  return (fromRun > fromSetting ? fromRun : fromSetting).toString();
}

/** Why an approval is refused: a code, said on the page from app/i18n/psychometrie-calibrations.ts (`refusal.approve.<code>`). */
export type ApprovalRefusal = 'not-found' | 'not-finished' | 'already-reviewed' | 'not-converged' | 'empty-selection' | 'unknown-items';

export interface ApprovalInput {
  runId: string;
  userId: string | null;
  /** 'all': every item the run estimated; else the challenge ids to approve. */
  items: 'all' | readonly string[];
  note?: string;
}

export type ApprovalResult =
  { ok: true; parameterSetId: string; version: number; approvedItems: number; cutScores: Record<string, number> } | { ok: false; refusal: ApprovalRefusal };

/** A stored parameter row as a set holds it (copied from a run or from an earlier set). */
export interface SetItemParameter extends StoredParameter {
  b: number;
  seA: number | null;
  seD: number | null;
  seB: number | null;
  sourceRunId: string | null;
}

/** A stored parameter's estimates and where they come from, as a set holds them. */
function estimatesOf(p: Omit<SetItemParameter, 'challengeId' | 'versionId'>) {
  return { a: p.a, d: p.d, b: p.b, seA: p.seA, seD: p.seD, seB: p.seB, sourceRunId: p.sourceRunId };
}

/**
 * Runs a transaction that creates the next set version; two at once saw the same last version and one
 * hits the unique version: it is tried again (three times) with the next number.
 */
export async function withNextSetVersion<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.$transaction(work);
    } catch (error) {
      const unique = typeof error === 'object' && error !== null && (error as { code?: string }).code === 'P2002';
      if (unique && attempt < 3) continue;
      throw error;
    }
  }
}

/**
 * Inside the transaction: the next set version put in force with these items (the set in force retired),
 * and its cut scores computed from the items that apply to the versions served now (a changed key is not
 * counted). Returns the set and which items apply.
 */
export async function putSetInForce<P extends SetItemParameter>(
  tx: Tx,
  items: readonly P[],
  live: readonly LiveChallenge[],
  data: { sourceRunId: string | null; approvedById: string | null; note: string; restoredFromVersion?: number },
) {
  const applicable = await filterApplicable(
    tx,
    items,
    live.map((c) => ({ challengeId: c.id, versionId: c.versionId })),
  );
  const cuts = cutScoresFor(new Map([...applicable].map(([id, p]) => [id, { a: p.a, d: p.d }])), live);
  const last = await tx.parameterSet.findFirst({ orderBy: { version: 'desc' }, select: { version: true } });
  await tx.parameterSet.updateMany({ where: { active: true }, data: { active: false } });
  const set = await tx.parameterSet.create({
    data: { version: (last?.version ?? 0) + 1, active: true, ...data, note: data.note.slice(0, 2000), cutScores: cuts.cutScores },
  });
  await tx.itemParameter.createMany({
    data: items.map((p) => ({ challengeId: p.challengeId, versionId: p.versionId, ...estimatesOf(p), parameterSetId: set.id })),
  });
  return { set, applicable, cutScores: cuts.cutScores };
}

/** Approves a run (or some of its items): a new active parameter set version. */
export async function approveRun(db: Db, input: ApprovalInput): Promise<ApprovalResult> {
  const run = await db.calibrationRun.findUnique({
    where: { id: input.runId },
    select: {
      id: true,
      status: true,
      reviewStatus: true,
      converged: true,
      items: { select: { challengeId: true, versionId: true, a: true, d: true, b: true, seA: true, seD: true, seB: true, anchored: true } },
    },
  });
  if (!run) return { ok: false, refusal: 'not-found' };
  if (run.status !== 'SUCCEEDED') return { ok: false, refusal: 'not-finished' };
  if (run.reviewStatus !== 'PENDING') return { ok: false, refusal: 'already-reviewed' };
  const estimated = run.items.filter((i) => !i.anchored);
  let chosen: typeof estimated;
  if (input.items === 'all') {
    if (run.converged !== true) return { ok: false, refusal: 'not-converged' };
    chosen = estimated;
  } else {
    const wanted = new Set(input.items);
    chosen = estimated.filter((i) => wanted.has(i.challengeId));
    if (chosen.length !== wanted.size) return { ok: false, refusal: wanted.size === 0 ? 'empty-selection' : 'unknown-items' };
  }
  if (chosen.length === 0) return { ok: false, refusal: 'empty-selection' };
  const live = await liveChallenges(db);

  return withNextSetVersion(db, async (tx: Tx) => {
    const claimed = await tx.calibrationRun.updateMany({
      where: { id: run.id, status: 'SUCCEEDED', reviewStatus: 'PENDING' },
      data: { reviewStatus: 'APPROVED', reviewedById: input.userId, reviewedAt: new Date() },
    });
    if (claimed.count !== 1) return { ok: false, refusal: 'already-reviewed' } as const;
    const previous = await tx.parameterSet.findFirst({
      where: { active: true },
      select: {
        id: true,
        items: { select: { challengeId: true, versionId: true, a: true, d: true, b: true, seA: true, seD: true, seB: true, sourceRunId: true } },
      },
    });
    // The set in force, each item replaced by the run's when the psychometrician chose it.
    const merged = new Map<string, SetItemParameter>();
    for (const p of previous?.items ?? []) merged.set(p.challengeId, p);
    for (const i of chosen) {
      merged.set(i.challengeId, {
        challengeId: i.challengeId,
        versionId: i.versionId,
        a: i.a,
        d: i.d,
        b: i.b,
        seA: i.seA,
        seD: i.seD,
        seB: i.seB,
        sourceRunId: run.id,
      });
    }
    const { set, cutScores } = await putSetInForce(tx, [...merged.values()], live, {
      sourceRunId: run.id,
      approvedById: input.userId,
      note: (input.note ?? '').trim(),
    });
    return { ok: true, parameterSetId: set.id, version: set.version, approvedItems: chosen.length, cutScores } as const;
  });
}

/** Why a rejection is refused: a code, said on the page (`refusal.reject.<code>`). */
export type RejectionRefusal = 'not-found' | 'not-finished' | 'already-reviewed' | 'no-reason';

export async function rejectRun(
  db: Db,
  input: { runId: string; userId: string | null; reason: string },
): Promise<{ ok: true } | { ok: false; refusal: RejectionRefusal }> {
  const reason = input.reason.trim();
  if (reason.length < 3) return { ok: false, refusal: 'no-reason' };
  const run = await db.calibrationRun.findUnique({ where: { id: input.runId }, select: { status: true, reviewStatus: true } });
  if (!run) return { ok: false, refusal: 'not-found' };
  if (run.status !== 'SUCCEEDED') return { ok: false, refusal: 'not-finished' };
  const done = await db.calibrationRun.updateMany({
    where: { id: input.runId, status: 'SUCCEEDED', reviewStatus: 'PENDING' },
    data: { reviewStatus: 'REJECTED', reviewedById: input.userId, reviewedAt: new Date(), rejectionReason: reason.slice(0, 2000) },
  });
  return done.count === 1 ? { ok: true } : { ok: false, refusal: 'already-reviewed' };
}

export interface ApprovalItem {
  challengeId: string;
  key: string;
  skill: string;
  level: number;
  competence: string;
  a: number;
  d: number;
  b: number;
  seB: number | null;
  n: number;
  flags: string[];
  anchored: boolean;
  /** Parameters in force now for this challenge, if any. */
  current: { a: number; d: number; b: number } | null;
  driftDeltaB: number | null;
  /** Still a live challenge (in the latest release, valide). */
  live: boolean;
  /** What the run's analysis page flags on this item: its run flags, drift from the set in force, DIF (class B or C). */
  signals: Signal[];
  /** Ticked when the page opens: only items nothing flags (a flagged item is approved by a deliberate tick). */
  preselected: boolean;
}

/** What the approval page shows: the run, its items next to the parameters in force, and the live bank's levels. */
export async function approvalView(db: Db, runId: string) {
  const run = await db.calibrationRun.findUnique({
    where: { id: runId },
    include: {
      requestedBy: { select: { firstName: true, lastName: true } },
      reviewedBy: { select: { firstName: true, lastName: true } },
      parameterSets: { select: { version: true } },
      items: {
        include: {
          challenge: { select: { key: true, skill: { select: { name: true, level: true, tube: { select: { competence: { select: { code: true } } } } } } } },
        },
      },
    },
  });
  if (!run) return null;
  const [active, live] = await Promise.all([activeParameters(db), liveChallenges(db)]);
  const liveIds = new Set(live.map((c) => c.id));
  const items: ApprovalItem[] = run.items
    .map((i) => {
      const current = active?.params.get(i.challengeId);
      const signals = itemSignals({ flags: i.flags, driftDeltaB: i.driftDeltaB, dif: parseDif(i.dif) });
      return {
        challengeId: i.challengeId,
        key: i.challenge.key,
        skill: i.challenge.skill.name,
        level: i.challenge.skill.level,
        competence: i.challenge.skill.tube.competence.code,
        a: i.a,
        d: i.d,
        b: i.b,
        seB: i.seB,
        n: i.n,
        flags: i.flags,
        anchored: i.anchored,
        current: current ? { ...current, b: -current.d / current.a } : null,
        driftDeltaB: i.driftDeltaB,
        live: liveIds.has(i.challengeId),
        signals,
        preselected: !i.anchored && signals.length === 0,
      };
    })
    .sort((x, y) => x.competence.localeCompare(y.competence, 'fr', { numeric: true }) || x.level - y.level || x.key.localeCompare(y.key));
  return {
    run: {
      id: run.id,
      status: run.status,
      model: run.model,
      converged: run.converged,
      iterations: run.iterations,
      logLik: run.logLik,
      persons: run.persons,
      answers: run.answers,
      createdAt: run.createdAt.toISOString(),
      finishedAt: run.finishedAt?.toISOString() ?? null,
      requestedBy: run.requestedBy ? `${run.requestedBy.firstName} ${run.requestedBy.lastName}` : null,
      reviewStatus: run.reviewStatus,
      reviewedBy: run.reviewedBy ? `${run.reviewedBy.firstName} ${run.reviewedBy.lastName}` : null,
      reviewedAt: run.reviewedAt?.toISOString() ?? null,
      rejectionReason: run.rejectionReason,
      versions: run.parameterSets.map((s) => s.version),
    },
    items,
    active: active ? { version: active.version, cutScores: active.cutScores, params: Object.fromEntries(active.params) } : null,
    /** Live challenges and their levels, to compute cut scores for any selection (in the browser too). */
    live: live.map((c) => ({ id: c.id, level: c.level })),
  };
}

export interface ParameterSetRow {
  id: string;
  version: number;
  active: boolean;
  approvedAt: string;
  approvedBy: string | null;
  note: string;
  items: number;
  cutScores: Record<string, number>;
  sourceRun: { id: string; createdAt: string } | null;
  /** The version this one put back in force, when it is a restore. */
  restoredFromVersion: number | null;
}

export async function listParameterSets(db: Db): Promise<ParameterSetRow[]> {
  const sets = await db.parameterSet.findMany({
    orderBy: { version: 'desc' },
    take: 200,
    include: {
      approvedBy: { select: { firstName: true, lastName: true } },
      sourceRun: { select: { id: true, createdAt: true } },
      _count: { select: { items: true } },
    },
  });
  return sets.map((s) => ({
    id: s.id,
    version: s.version,
    active: s.active,
    approvedAt: s.approvedAt.toISOString(),
    approvedBy: s.approvedBy ? `${s.approvedBy.firstName} ${s.approvedBy.lastName}` : null,
    note: s.note,
    items: s._count.items,
    cutScores: cutScoresOf(s.cutScores),
    sourceRun: s.sourceRun ? { id: s.sourceRun.id, createdAt: s.sourceRun.createdAt.toISOString() } : null,
    restoredFromVersion: s.restoredFromVersion,
  }));
}

export interface ParameterRow {
  challengeId: string;
  key: string;
  skill: string;
  level: number;
  competence: string;
  a: number;
  d: number;
  b: number;
  seA: number | null;
  seD: number | null;
  seB: number | null;
  sourceRunId: string | null;
}

export async function parameterSetByVersion(db: Db, version: number) {
  const set = await db.parameterSet.findUnique({
    where: { version },
    include: {
      approvedBy: { select: { firstName: true, lastName: true } },
      items: {
        include: {
          challenge: { select: { key: true, skill: { select: { name: true, level: true, tube: { select: { competence: { select: { code: true } } } } } } } },
        },
      },
    },
  });
  if (!set) return null;
  const items: ParameterRow[] = set.items
    .map((p) => ({
      challengeId: p.challengeId,
      key: p.challenge.key,
      skill: p.challenge.skill.name,
      level: p.challenge.skill.level,
      competence: p.challenge.skill.tube.competence.code,
      ...estimatesOf(p),
    }))
    .sort((x, y) => x.competence.localeCompare(y.competence, 'fr', { numeric: true }) || x.level - y.level || x.key.localeCompare(y.key));
  return {
    id: set.id,
    version: set.version,
    active: set.active,
    approvedAt: set.approvedAt.toISOString(),
    approvedBy: set.approvedBy ? `${set.approvedBy.firstName} ${set.approvedBy.lastName}` : null,
    note: set.note,
    sourceRunId: set.sourceRunId,
    restoredFromVersion: set.restoredFromVersion,
    cutScores: cutScoresOf(set.cutScores),
    items,
  };
}

function csvNumber(x: number | null): string {
  return x === null || !Number.isFinite(x) ? '' : String(x);
}

/**
 * The parameters of a set as CSV: `item,a,d,b,se_a,se_d,se_b,…` with the challenge key as item id,
 * so the file is also an anchors file for `npm run cli -- calibrate --anchors`. Raw by default (the CLI
 * and R read text as stored); `mode: 'spreadsheet'` neutralises text (keys, skill names) a spreadsheet
 * would take as a formula. Numbers are written as numbers in both modes.
 */
export function parametersCsv(items: readonly ParameterRow[], mode: CsvMode = 'raw'): string {
  const csvText = (text: string) => csvField(text, ',', mode);
  const lines = ['item,a,d,b,se_a,se_d,se_b,competence,skill,level,challenge_id,source_run'];
  for (const p of items) {
    lines.push(
      [
        csvText(p.key),
        csvNumber(p.a),
        csvNumber(p.d),
        csvNumber(p.b),
        csvNumber(p.seA),
        csvNumber(p.seD),
        csvNumber(p.seB),
        csvText(p.competence),
        csvText(p.skill),
        String(p.level),
        p.challengeId,
        p.sourceRunId ?? '',
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
