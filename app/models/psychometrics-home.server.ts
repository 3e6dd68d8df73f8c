/**
 * The psychometrics home page in one read: the latest calibration runs, the live bank and how much of
 * it the parameters in force cover, the answers collected, the automatic trigger's threshold, the
 * competences a run may be limited to, and the parameter set in force with who approved it.
 */
import type { PrismaClient } from '../../prisma/client';
import { answerCount, listRuns, newAnswersThreshold } from './calibration.server';
import { liveChallenges } from './calibration-data.server';
import { activeParameters } from './parameter-set.server';

export async function psychometricsHome(client: PrismaClient) {
  const [runs, active, live, answers, competences, threshold] = await Promise.all([
    listRuns(client, { take: 30 }),
    activeParameters(client),
    liveChallenges(client),
    answerCount(client),
    client.competence.findMany({ select: { id: true, code: true, titleFr: true, titleEn: true }, orderBy: { code: 'asc' } }),
    newAnswersThreshold(client),
  ]);
  const activeSet = active
    ? await client.parameterSet.findUnique({ where: { id: active.id }, select: { approvedBy: { select: { firstName: true, lastName: true } } } })
    : null;
  const liveIds = new Set(live.map((c) => c.id));
  const calibratedLive = active ? [...active.params.keys()].filter((id) => liveIds.has(id)).length : 0;
  return {
    runs,
    live: live.length,
    calibratedLive,
    answers,
    threshold,
    /** Competences with live challenges (a run may be limited to one), in code order. */
    competences: competences.filter((c) => live.some((l) => l.competenceId === c.id)).sort((x, y) => x.code.localeCompare(y.code, 'fr', { numeric: true })),
    active: active
      ? {
          version: active.version,
          items: active.params.size,
          approvedAt: active.approvedAt.toISOString(),
          approvedBy: activeSet?.approvedBy ? `${activeSet.approvedBy.firstName} ${activeSet.approvedBy.lastName}` : null,
          cutScores: active.cutScores,
        }
      : null,
  };
}
