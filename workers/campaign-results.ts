/**
 * Keeps campaign results up to date: recomputes a participation's result row (after it is shared, or
 * when the learner's knowledge elements changed) and then the campaign's aggregate, which the
 * dashboards read. Jobs of one campaign are deduplicated so a burst of shares leads to one recompute.
 */
import type { Job } from 'bullmq';
import type { Db } from '../app/lib/db.server';
import type { CampaignResultsJob } from '../app/lib/queues.server';
import { refreshCampaignAggregate, refreshParticipationResult } from '../app/models/campaign.server';

export function campaignResultsProcessor(db: Db) {
  return async (job: Job<CampaignResultsJob>) => {
    if ('participationId' in job.data) {
      const participation = await refreshParticipationResult(db, job.data.participationId, { force: job.data.force });
      if (participation) await refreshCampaignAggregate(db, participation.campaignId);
      return { participationId: job.data.participationId };
    }
    const data = await refreshCampaignAggregate(db, job.data.campaignId);
    return { campaignId: job.data.campaignId, participants: data.totals.participants };
  };
}
