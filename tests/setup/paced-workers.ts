/**
 * A worker process like `npm run workers` (workers/main.ts) whose calibration runs wait the given number
 * of milliseconds at every checkpoint (each page read, each EM cycle), so that a test can kill it while a
 * run is under way: `node --import tsx tests/setup/paced-workers.ts 150`.
 */
import { runWorkersProcess } from '../../workers/main';

const paceMs = Number(process.argv[2] ?? 0);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

runWorkersProcess({ atCalibrationCheckpoint: paceMs > 0 ? () => sleep(paceMs) : undefined }).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
