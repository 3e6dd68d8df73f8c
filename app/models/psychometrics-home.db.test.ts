import { describe, expect, it } from 'vitest';
import { testDb } from '../../tests/setup/db';
import { progressNow, runsProgress } from './calibration.server';
import { psychometricsHome } from './psychometrics-home.server';

describe('psychometrics home', () => {
  it('reads the runs with their progress checked, and names the run whose progress is malformed', async () => {
    const db = testDb();
    const run = await db.calibrationRun.create({
      data: { model: '2pl', settings: {}, status: 'QUEUED', progress: progressNow({ phase: 'queued', percent: 0 }) as object },
    });
    try {
      const home = await psychometricsHome(db);
      expect(home.runs.find((r) => r.id === run.id)?.progress).toMatchObject({ phase: 'queued', percent: 0 });
      expect(home.threshold).toBeGreaterThan(0);
      expect(home.calibratedLive).toBeLessThanOrEqual(home.live);
      const bare = await db.calibrationRun.create({ data: { model: '2pl', settings: {}, status: 'QUEUED' } });
      try {
        expect((await runsProgress(db, [bare.id]))[0]!.progress).toBeNull();
      } finally {
        await db.calibrationRun.delete({ where: { id: bare.id } });
      }
      await db.calibrationRun.update({ where: { id: run.id }, data: { progress: { phase: 'thinking', percent: 10 } } });
      await expect(runsProgress(db, [run.id])).rejects.toThrow(`CalibrationRun.progress of row ${run.id}: phase:`);
    } finally {
      await db.calibrationRun.delete({ where: { id: run.id } });
    }
  });
});
