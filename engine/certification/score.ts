/**
 * Scoring a certification test with its frozen parameter set (decision 019, "Scoring"; supersedes the
 * confirm-or-lower rule of 008).
 *
 * 1. θ: EAP (prior N(priorMean, priorSd²), default N(0, 1)) and posterior SD from the certification answers
 *    alone, with the frozen parameters. Neutralised answers are left out; skipped and timed out count as
 *    wrong. The positioned profile is not read.
 * 2. Fewer than minAnswers scored answers: rejected ('too_few_answers'), nothing certified.
 * 3. Abandon, end by the invigilator or time up: the questions not reached (maxQuestions − questions shown)
 *    count as wrong answers, one after the other, each to a reference item of the frozen set's median
 *    slope whose difficulty is the θ̂ at that point (the item an adaptive test would have served).
 * 4. Each competence: θ̂ through the competence's intervals (`intervals`, from the frozen parameters of its
 *    calibrated skills; engine/certification/intervals.ts), pix linear inside the interval, level = ⌊pix/8⌋;
 *    a competence without intervals goes through the set's global cut scores the same way. The score is
 *    the sum of the competences' pix.
 * Same input → same output (no randomness, no clock): a certificate re-scored with its frozen set agrees.
 */
import { PIX_PER_LEVEL } from '../framework';
import { updatePosterior, posteriorOnGrid, summarisePosterior, type ItemParameters, type ItemResponse } from '../irt';
import { scoredResponses } from './estimate';
import { competenceAt, continuousLevel } from './intervals';

export { continuousLevel };
import { resolveCertificationSettings } from './settings';
import type { CertificationScore, CertificationSettings, CertifiedCompetence, ScoreCertificationInput } from './types';

/** Cut scores as sorted [level, θ] pairs (levels 1..maxLevel that the set has), non-decreasing θ. */
export function sortedCuts(cutScores: Readonly<Record<string, number>>, maxLevel: number): [number, number][] {
  const cuts = Object.entries(cutScores)
    .map(([k, v]) => [Number(k), v] as [number, number])
    .filter(([l, v]) => Number.isInteger(l) && l >= 1 && l <= maxLevel && Number.isFinite(v))
    .sort((x, y) => x[0] - y[0]);
  // Keep them non-decreasing (a parameter set stores them so; a hand-written one might not).
  for (let i = 1; i < cuts.length; i++)
    if ((cuts[i] as [number, number])[1] < (cuts[i - 1] as [number, number])[1]) (cuts[i] as [number, number])[1] = (cuts[i - 1] as [number, number])[1];
  return cuts;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const n = sorted.length;
  if (n === 0) return 1;
  return n % 2 === 1 ? (sorted[(n - 1) / 2] as number) : 0.5 * ((sorted[n / 2 - 1] as number) + (sorted[n / 2] as number));
}

/** θ after the scored answers and, for an interrupted test, the questions not reached counted as wrong. */
function estimate(responses: readonly ItemResponse[], missing: number, referenceSlope: number, settings: CertificationSettings) {
  let posterior = posteriorOnGrid(responses, { prior: { mean: settings.priorMean, sd: settings.priorSd } });
  let summary = summarisePosterior(posterior);
  for (let k = 0; k < missing; k++) {
    // A wrong answer to the item an adaptive test would serve next: difficulty at θ̂.
    posterior = updatePosterior(posterior, { a: referenceSlope, d: -referenceSlope * summary.theta, score: 0 });
    summary = summarisePosterior(posterior);
  }
  return summary;
}

export function scoreCertification(input: ScoreCertificationInput): CertificationScore {
  const settings = resolveCertificationSettings(input.settings);
  const items = input.parameterSet.items;
  const paramsOf = (id: string): ItemParameters | undefined => (Object.prototype.hasOwnProperty.call(items, id) ? items[id] : undefined);
  const { responses, unknown } = scoredResponses(input.answers, paramsOf);
  const answeredCount = input.answers.length;
  const neutralisedCount = input.answers.filter((a) => a.neutralised).length;
  const scoredCount = answeredCount - neutralisedCount;
  const interrupted = input.endReason === 'abandoned' || input.endReason === 'ended_by_invigilator' || input.endReason === 'time_up';
  const positioned = input.positioned.map((p) => {
    const level = Math.max(0, Math.min(p.level, settings.maxReachableLevel));
    const pix = Math.min(p.pix ?? PIX_PER_LEVEL * level, PIX_PER_LEVEL * settings.maxReachableLevel);
    return { competenceCode: p.competenceCode, level, pix: level === 0 ? 0 : pix };
  });
  const rejected = (reason: CertificationScore['reason'], theta: number, thetaSe: number): CertificationScore => ({
    status: 'rejected',
    reason,
    answeredCount,
    scoredCount,
    neutralisedCount,
    missingCountedWrong: 0,
    theta,
    thetaSe,
    pixScore: 0,
    competences: positioned.map((p) => ({ competenceCode: p.competenceCode, level: 0, pix: 0, positionedLevel: p.level, positionedPix: p.pix })),
  });
  if (unknown !== null) return rejected('unknown_challenge', settings.priorMean, settings.priorSd);
  if (scoredCount < settings.minAnswers) {
    const plain = estimate(responses, 0, 1, settings);
    return rejected('too_few_answers', plain.theta, plain.sd);
  }
  const missing = interrupted ? Math.max(0, settings.maxQuestions - answeredCount) : 0;
  const slope = median(Object.values(items).map((p) => p.a));
  const { theta, sd } = estimate(responses, missing, slope, settings);

  const cuts = sortedCuts(input.parameterSet.cutScores, settings.maxReachableLevel);
  if (cuts.length === 0 && !input.intervals) return { ...rejected('no_cut_scores', theta, sd), missingCountedWrong: missing };
  const global = continuousLevel(cuts, theta, settings.maxReachableLevel);
  const competences: CertifiedCompetence[] = positioned.map((p) => {
    const bounds = input.intervals?.[p.competenceCode];
    const { level, pix } =
      bounds && Object.keys(bounds).length > 0
        ? competenceAt(bounds, theta, settings.maxReachableLevel)
        : { level: Math.floor(global + 1e-9), pix: Math.floor(PIX_PER_LEVEL * global + 1e-9) };
    return { competenceCode: p.competenceCode, level, pix, positionedLevel: p.level, positionedPix: p.pix };
  });
  return {
    status: 'validated',
    answeredCount,
    scoredCount,
    neutralisedCount,
    missingCountedWrong: missing,
    theta,
    thetaSe: sd,
    pixScore: competences.reduce((s, c) => s + c.pix, 0),
    competences,
  };
}
