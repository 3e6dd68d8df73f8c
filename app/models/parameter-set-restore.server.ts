/**
 * Putting an earlier parameter set back in force (psychometricians and administrators, with a reason).
 *
 * A restore is an approval event like any other: a new set version, active, whose items are exactly the
 * earlier set's (same a, d, standard errors, source run and calibrated content version) and whose
 * `restoredFromVersion` and note say from which set and why; the audit log records who, when and why.
 * Everything served to learners follows the set in force by its id (positioning banks, certification
 * banks, bank analyses are cached per set id, and new assessments and sessions read the active set), so a
 * new set switches them exactly as an approval does; assessments and sessions already started keep the
 * set they froze.
 *
 * Parameters stay bound to the content version they were calibrated on (decision 020): a challenge whose
 * served version changed what is scored since the restored set was approved is left uncalibrated, and the
 * confirmation says so. Cut scores are computed again over the live challenges from the parameters that
 * apply, as an approval computes them.
 */
import type { PrismaClient } from '../../prisma/client';
import { liveChallenges } from './calibration-data.server';
import { cutScoresFor, cutScoresOf, filterApplicable, putSetInForce, withNextSetVersion } from './parameter-set.server';
import { recordAudit } from './audit.server';

type Db = PrismaClient;
type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

/** Why a restore is refused: a code, said on the page from app/i18n/psychometrie-calibrations.ts (`refusal.restore.<code>`). */
export type RestoreRefusal = 'not-found' | 'already-active' | 'no-reason' | 'stale' | 'forbidden';

export interface RestoredItem {
  challengeId: string;
  key: string;
  /** b in force now (null: uncalibrated now). */
  bNow: number | null;
  /** b once restored (null: uncalibrated once restored). */
  bRestored: number | null;
}

export interface RestorePreview {
  target: { id: string; version: number; approvedAt: string; note: string };
  active: { id: string; version: number } | null;
  /** Live challenges calibrated in both whose parameters change. */
  changed: RestoredItem[];
  /** Live challenges calibrated now but absent from the restored set: uncalibrated once it is in force. */
  dropped: RestoredItem[];
  /** Live challenges in the restored set whose served version changed what is scored since: left uncalibrated. */
  versionChanged: RestoredItem[];
  /** Live challenges uncalibrated now and calibrated once restored. */
  added: RestoredItem[];
  /** Cut score per level, now and once restored (null when the level has none). */
  cutScores: { level: number; now: number | null; restored: number | null }[];
}

type Param = { challengeId: string; versionId: string | null; a: number; d: number };

async function setParams(db: Db | Tx, parameterSetId: string): Promise<Param[]> {
  return db.itemParameter.findMany({ where: { parameterSetId }, select: { challengeId: true, versionId: true, a: true, d: true } });
}

const bOf = (p: { a: number; d: number } | undefined) => (p ? -p.d / p.a : null);
const SAME = 1e-9;

/** What putting `version` back in force would change for the live challenges; null when there is no such set. */
export async function restorePreview(db: Db, version: number): Promise<RestorePreview | null> {
  const target = await db.parameterSet.findUnique({ where: { version }, select: { id: true, version: true, approvedAt: true, note: true, active: true } });
  if (!target) return null;
  const active = await db.parameterSet.findFirst({
    where: { active: true },
    orderBy: { version: 'desc' },
    select: { id: true, version: true, cutScores: true },
  });
  const live = await liveChallenges(db);
  const served = live.map((c) => ({ challengeId: c.id, versionId: c.versionId }));
  const [targetParams, activeParams] = await Promise.all([setParams(db, target.id), active ? setParams(db, active.id) : Promise.resolve([])]);
  const [restoredApplies, nowApplies] = await Promise.all([filterApplicable(db, targetParams, served), filterApplicable(db, activeParams, served)]);
  const inTarget = new Set(targetParams.map((p) => p.challengeId));
  const changed: RestoredItem[] = [];
  const dropped: RestoredItem[] = [];
  const versionChanged: RestoredItem[] = [];
  const added: RestoredItem[] = [];
  for (const c of live) {
    const now = nowApplies.get(c.id);
    const restored = restoredApplies.get(c.id);
    const item = { challengeId: c.id, key: c.key, bNow: bOf(now), bRestored: bOf(restored) };
    if (!restored && inTarget.has(c.id)) versionChanged.push(item);
    else if (now && !restored) dropped.push(item);
    else if (!now && restored) added.push(item);
    else if (now && restored && (Math.abs(now.a - restored.a) > SAME || Math.abs(now.d - restored.d) > SAME)) changed.push(item);
  }
  const restoredCuts = cutScoresFor(new Map([...restoredApplies].map(([id, p]) => [id, { a: p.a, d: p.d }])), live).cutScores;
  const nowCuts = active ? cutScoresOf(active.cutScores) : {};
  const levels = [...new Set([...Object.keys(nowCuts), ...Object.keys(restoredCuts)].map(Number))].sort((x, y) => x - y);
  const byKey = (x: RestoredItem, y: RestoredItem) => x.key.localeCompare(y.key);
  return {
    target: { id: target.id, version: target.version, approvedAt: target.approvedAt.toISOString(), note: target.note },
    active: active ? { id: active.id, version: active.version } : null,
    changed: changed.sort(byKey),
    dropped: dropped.sort(byKey),
    versionChanged: versionChanged.sort(byKey),
    added: added.sort(byKey),
    cutScores: levels.map((level) => ({ level, now: nowCuts[String(level)] ?? null, restored: restoredCuts[String(level)] ?? null })),
  };
}

export interface RestoreInput {
  version: number;
  reason: string;
  userId: string;
  roles: readonly string[];
  /** The set in force when the confirmation was shown (its id): a restore over another set is refused. */
  expectedActiveId: string | null;
  ip?: string | null;
}

export type RestoreResult = { ok: true; parameterSetId: string; version: number; restoredFromVersion: number } | { ok: false; refusal: RestoreRefusal };

/** Puts an earlier set back in force as a new set version (see the file's comment). */
export async function restoreParameterSet(db: Db, input: RestoreInput): Promise<RestoreResult> {
  if (!input.roles.includes('PSYCHOMETRICIAN') && !input.roles.includes('ADMIN')) return { ok: false, refusal: 'forbidden' };
  const reason = input.reason.trim();
  if (reason.length < 3) return { ok: false, refusal: 'no-reason' };
  const live = await liveChallenges(db);
  const servedIds = new Set(live.map((c) => c.id));
  return withNextSetVersion(db, async (tx: Tx) => {
    const target = await tx.parameterSet.findUnique({
      where: { version: input.version },
      select: {
        id: true,
        version: true,
        active: true,
        sourceRunId: true,
        items: { select: { challengeId: true, versionId: true, a: true, d: true, b: true, seA: true, seD: true, seB: true, sourceRunId: true } },
      },
    });
    if (!target) return { ok: false, refusal: 'not-found' } as const;
    if (target.active) return { ok: false, refusal: 'already-active' } as const;
    // Taken under a row lock: two restores or an approval at once cannot both pass this check.
    const [current] = await tx.$queryRaw<{ id: string; version: number }[]>`
      SELECT id, version FROM "ParameterSet" WHERE active ORDER BY version DESC LIMIT 1 FOR UPDATE`;
    if ((current?.id ?? null) !== input.expectedActiveId) return { ok: false, refusal: 'stale' } as const;
    const { set, applicable } = await putSetInForce(tx, target.items, live, {
      sourceRunId: target.sourceRunId,
      approvedById: input.userId,
      note: reason,
      restoredFromVersion: target.version,
    });
    await recordAudit(tx, {
      actorId: input.userId,
      action: 'parameters.restore',
      targetType: 'parameter-set',
      targetId: set.id,
      details: {
        version: set.version,
        restoredFromVersion: target.version,
        replacedVersion: current?.version ?? null,
        reason: reason.slice(0, 2000),
        leftUncalibrated: target.items.filter((p) => servedIds.has(p.challengeId) && !applicable.has(p.challengeId)).map((p) => p.challengeId),
      },
      ip: input.ip ?? null,
    });
    return { ok: true, parameterSetId: set.id, version: set.version, restoredFromVersion: target.version } as const;
  });
}

/** The restores of and by a set, for its page: who put it back in force, when and why. */
export async function restoreEvents(db: Db, set: { version: number; restoredFromVersion: number | null }) {
  const rows = await db.parameterSet.findMany({
    where: { OR: [{ restoredFromVersion: set.version }, ...(set.restoredFromVersion !== null ? [{ version: set.version }] : [])] },
    orderBy: { version: 'asc' },
    select: { version: true, restoredFromVersion: true, approvedAt: true, note: true, approvedBy: { select: { firstName: true, lastName: true } } },
  });
  return rows.map((r) => ({
    version: r.version,
    restoredFromVersion: r.restoredFromVersion as number,
    at: r.approvedAt.toISOString(),
    by: r.approvedBy ? `${r.approvedBy.firstName} ${r.approvedBy.lastName}` : null,
    reason: r.note,
  }));
}
