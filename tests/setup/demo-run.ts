/**
 * A real calibration run on the seeded demo answers (all of them), executed in the test's process as the
 * worker would: the run page then compares it with the seeded set in force (drift on the demo data).
 */
import type { PrismaClient } from '../../prisma/client';
import { CalibrationRunSettings, progressNow } from '../../app/models/calibration.server';
import { executeCalibrationRun } from '../../workers/calibration';

export async function runDemoCalibration(db: PrismaClient, databaseUrl: string, requestedBy = 'psychometre@exemple.fr'): Promise<string> {
  const psychometrician = await db.user.findUnique({ where: { email: requestedBy }, select: { id: true } });
  const settings = CalibrationRunSettings.parse({ anchors: 'recalibrate-all', distribution: 'local' });
  const run = await db.calibrationRun.create({
    data: {
      status: 'QUEUED',
      trigger: 'MANUAL',
      model: settings.model,
      settings: settings as object,
      requestedById: psychometrician?.id ?? null,
      progress: progressNow({ phase: 'queued', percent: 0 }) as object,
    },
  });
  const outcome = await executeCalibrationRun({ db, databaseUrl, threads: false, sharding: null }, run.id);
  if (outcome !== 'succeeded') throw new Error(`Calibration de démonstration : ${outcome}`);
  return run.id;
}
