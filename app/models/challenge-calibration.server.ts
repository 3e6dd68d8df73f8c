/**
 * What the psychometricians know of a challenge, for its editor page: parameters in force (the active
 * ParameterSet) and the latest finished calibration run's result (answers, facility, flags).
 */
import type { PrismaClient } from '../../prisma/client';
import { latestFinishedRun } from './challenge-search.server';

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
