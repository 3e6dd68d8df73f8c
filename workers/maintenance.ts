/** Housekeeping jobs: expired sign-in sessions and old sign-in attempts are removed hourly. */
import type { Job } from 'bullmq';
import type { Db } from '../app/lib/db.server';
import { PURGE_SESSIONS } from '../app/lib/queues.server';
import { purgeExpiredSignIns } from '../app/models/sign-in-housekeeping.server';

export function maintenanceProcessor(db: Db) {
  return async (job: Job) => {
    if (job.name === PURGE_SESSIONS) return purgeExpiredSignIns(db, new Date());
    throw new Error(`Tâche de maintenance inconnue : ${job.name}`);
  };
}
