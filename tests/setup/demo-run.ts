/**
 * A real calibration run on the seeded demo answers (all of them), executed in the test's process as the
 * worker would: the run page then compares it with the seeded set in force (drift on the demo data).
 */
import type { PrismaClient } from '../../prisma/client';
import { calibrateNow } from '../../workers/calibration';

export async function runDemoCalibration(db: PrismaClient, databaseUrl: string, requestedBy = 'psychometre@exemple.fr'): Promise<string> {
  const psychometrician = await db.user.findUnique({ where: { email: requestedBy }, select: { id: true } });
  const { runId, outcome } = await calibrateNow(db, databaseUrl, { anchors: 'recalibrate-all', distribution: 'local' }, psychometrician?.id ?? null);
  if (outcome !== 'succeeded') throw new Error(`Calibration de démonstration : ${outcome}`);
  return runId;
}
