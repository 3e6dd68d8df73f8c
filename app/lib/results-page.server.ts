/**
 * What the page « Réponses et tutoriels » of a competence test shows (routes/competences.$code.resultats):
 * the test's results, the day it ended, whether the learner may improve and from when. The page's loader
 * reads it, and so does the test's last answer sent with JavaScript (routes/competences.$code.evaluation),
 * which brings it back so that the page opens without a request of its own.
 */
import { db } from './db.server';
import { asResponse } from './learner.server';
import type { RequestHead } from './request-head';
import { positioningResults } from '../models/positioning-results.server';
import { improvementAllowed, availableAt, IMPROVEMENT_DELAY_DAYS } from '../../engine/framework';
import { localeFromRequest } from '../i18n';
import { formatDay } from '../i18n/apprenant';

/** The page's data, or null when the learner has no test on the competence to show. */
export async function resultsPageData(request: RequestHead, userId: string, code: string, search: URLSearchParams) {
  let results;
  try {
    results = await positioningResults(db(), { userId, competenceCode: code, assessmentId: search.get('evaluation') });
  } catch (error) {
    asResponse(error, request);
  }
  if (!results) return null;
  const started = results.inProgress;
  const locale = localeFromRequest(request);
  const now = new Date();
  const canImprove = !started && improvementAllowed(results.completedAt, now);
  const refusal = search.get('refus');
  return {
    refusal: refusal === 'too_early_improve' || refusal === 'nothing_to_improve' ? (refusal as 'too_early_improve' | 'nothing_to_improve') : null,
    results,
    finished: results.completedAt ? formatDay(results.completedAt, locale) : null,
    inProgress: Boolean(started),
    canImprove,
    improveFrom: !started && !canImprove && results.completedAt ? formatDay(availableAt(results.completedAt, IMPROVEMENT_DELAY_DAYS)!, locale) : null,
  };
}

export type ResultsPageData = NonNullable<Awaited<ReturnType<typeof resultsPageData>>>;
