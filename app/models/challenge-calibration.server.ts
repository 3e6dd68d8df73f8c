/**
 * What the psychometricians know of a challenge, for its editor page: parameters in force (the active
 * ParameterSet) and the latest finished calibration run's result (answers, facility, flags).
 */
import type { PrismaClient } from '../../prisma/client';
import type { ScoredField } from '../../engine/challenges';
import type { GlobalRole } from '../lib/roles';
import { latestFinishedRun } from './challenge-search.server';
import { scoredChangesBetween } from './content-version.server';
import { applicableParameters } from './parameter-set.server';
import { forgetLoadedBanks } from './positioning-bank.server';

type Client = Pick<PrismaClient, 'itemParameter' | 'calibrationRun' | 'calibrationItemResult'>;

export interface ChallengeCalibration {
  /** Difficulty and discrimination: from the parameters in force when there are, else from the latest run. */
  b: number;
  a: number;
  source: 'set' | 'run';
  setVersion: number | null;
  /** From the latest finished run (null when the challenge was not in it). */
  n: number | null;
  pValue: number | null;
  flags: string[];
  runFinishedAt: Date | null;
}

export async function challengeCalibration(client: Client, challengeId: string): Promise<ChallengeCalibration | null> {
  const [param, run] = await Promise.all([
    client.itemParameter.findFirst({
      where: { challengeId, parameterSet: { active: true } },
      orderBy: { parameterSet: { version: 'desc' } },
      select: { a: true, b: true, parameterSet: { select: { version: true } } },
    }),
    latestFinishedRun(client),
  ]);
  const result = run
    ? await client.calibrationItemResult.findUnique({
        where: { runId_challengeId: { runId: run.id, challengeId } },
        select: { a: true, b: true, n: true, pValue: true, flags: true },
      })
    : null;
  if (!param && !result) return null;
  return {
    b: param ? param.b : result!.b,
    a: param ? param.a : result!.a,
    source: param ? 'set' : 'run',
    setVersion: param?.parameterSet.version ?? null,
    n: result?.n ?? null,
    pValue: result?.pValue ?? null,
    flags: result?.flags ?? [],
    runFinishedAt: result ? (run?.finishedAt ?? null) : null,
  };
}

// =============================================================================================
// Which content version the parameters in force are for, and the psychometrician's difficulty mark

export interface ParameterVersionStatus {
  /** Version number the parameters in force were calibrated on (null: none in force, or recorded before versions). */
  calibratedVersion: number | null;
  calibratedVersionId: string | null;
  /** The version validated for learners (what releases serve). */
  liveVersion: number | null;
  liveVersionId: string | null;
  /** Whether the parameters in force apply to the live version (same version, nothing scored changed, or marked). */
  applies: boolean;
  /** Scored fields changed between the calibrated version and the live one. */
  scoredChanges: ScoredField[];
  /** The psychometricians' marks on this challenge, newest first. */
  marks: { versionNumber: number | null; baseVersionNumber: number | null; reason: string; by: string; at: Date }[];
}

export async function parameterVersionStatus(client: PrismaClient, challengeId: string): Promise<ParameterVersionStatus | null> {
  const c = await client.challenge.findUnique({
    where: { id: challengeId },
    select: { id: true, liveVersionId: true, liveVersion: { select: { number: true } } },
  });
  if (!c) return null;
  const [param, marks] = await Promise.all([
    client.itemParameter.findFirst({
      where: { challengeId, parameterSet: { active: true } },
      select: { versionId: true, parameterSetId: true },
    }),
    client.difficultyMark.findMany({ where: { challengeId }, orderBy: { createdAt: 'desc' } }),
  ]);
  const ids = [...new Set([param?.versionId, ...marks.flatMap((m) => [m.versionId, m.baseVersionId])].filter((x): x is string => !!x))];
  const [versions, users] = await Promise.all([
    client.challengeVersion.findMany({ where: { id: { in: ids } }, select: { id: true, number: true } }),
    client.user.findMany({ where: { id: { in: marks.map((m) => m.userId) } }, select: { id: true, firstName: true, lastName: true } }),
  ]);
  const numberOf = new Map(versions.map((v) => [v.id, v.number]));
  const nameOf = new Map(users.map((u) => [u.id, `${u.firstName} ${u.lastName}`]));
  let applies = false;
  let scoredChanges: ScoredField[] = [];
  if (param && c.liveVersionId) {
    applies = (await applicableParameters(client, param.parameterSetId, [{ challengeId, versionId: c.liveVersionId }])).has(challengeId);
    if (param.versionId && param.versionId !== c.liveVersionId) scoredChanges = await scoredChangesBetween(client, param.versionId, c.liveVersionId);
  }
  return {
    calibratedVersion: param?.versionId ? (numberOf.get(param.versionId) ?? null) : null,
    calibratedVersionId: param?.versionId ?? null,
    liveVersion: c.liveVersion?.number ?? null,
    liveVersionId: c.liveVersionId,
    applies,
    scoredChanges,
    marks: marks.map((m) => ({
      versionNumber: numberOf.get(m.versionId) ?? null,
      baseVersionNumber: numberOf.get(m.baseVersionId) ?? null,
      reason: m.reason,
      by: nameOf.get(m.userId) ?? '',
      at: m.createdAt,
    })),
  };
}

export type DifficultyMarkRefusal = 'forbidden' | 'notFound' | 'reasonRequired' | 'nothingToMark';

export class DifficultyMarkError extends Error {
  constructor(public code: DifficultyMarkRefusal) {
    super(code);
    this.name = 'DifficultyMarkError';
  }
}

/**
 * A psychometrician records that the live version's change does not affect difficulty: the parameters in
 * force (calibrated on an earlier version) apply to it again. Needs a reason; append-only.
 */
export async function markDifficultyUnchanged(
  client: PrismaClient,
  input: { challengeId: string; reason: string; userId: string; roles: readonly GlobalRole[] },
) {
  if (!input.roles.includes('PSYCHOMETRICIAN') && !input.roles.includes('ADMIN')) throw new DifficultyMarkError('forbidden');
  const reason = input.reason.trim();
  if (reason.length < 3) throw new DifficultyMarkError('reasonRequired');
  const status = await parameterVersionStatus(client, input.challengeId);
  if (!status) throw new DifficultyMarkError('notFound');
  if (!status.calibratedVersionId || !status.liveVersionId || status.applies) throw new DifficultyMarkError('nothingToMark');
  const mark = await client.difficultyMark.create({
    data: {
      challengeId: input.challengeId,
      versionId: status.liveVersionId,
      baseVersionId: status.calibratedVersionId,
      reason: reason.slice(0, 2000),
      userId: input.userId,
    },
  });
  // Banks loaded in this process read parameters once: forget them so the mark applies at once.
  forgetLoadedBanks();
  return mark;
}
