/**
 * The nightly release: a job scheduler (main.ts) runs it every night; it publishes a release only when
 * live content changed since the latest one (see publishNightlyRelease).
 */
import type { Job } from 'bullmq';
import type { Db } from '../app/lib/db.server';
import { NIGHTLY_RELEASE } from '../app/lib/queues.server';
import { publishNightlyRelease, type NightlyOutcome } from '../app/models/release-history.server';

export function releasesProcessor(db: Db, log: (line: string) => void = console.log) {
  return async (job: Job): Promise<NightlyOutcome> => {
    if (job.name !== NIGHTLY_RELEASE) throw new Error(`Tâche inconnue : ${job.name}`);
    const outcome = await publishNightlyRelease(db);
    log(
      outcome.published ? `[releases] version n° ${outcome.number} publiée (${outcome.challenges} épreuves)` : `[releases] rien de nouveau (${outcome.reason})`,
    );
    return outcome;
  };
}
