/**
 * θ from a certification test's answers with the frozen parameters: EAP and posterior SD on the irt grid
 * with a normal prior. Neutralised answers are left out; skipped and timed-out answers count as wrong.
 */
import { estimateEap, type EapEstimate, type ItemParameters, type ItemResponse } from '../irt';
import type { CertificationAnswer, CertificationSettings } from './types';

/** The scored responses (neutralised answers left out), or the id of the first answer without parameters. */
export function scoredResponses(
  answers: readonly CertificationAnswer[],
  paramsOf: (challengeId: string) => ItemParameters | undefined,
): { responses: ItemResponse[]; unknown: string | null } {
  const responses: ItemResponse[] = [];
  for (const answer of answers) {
    if (answer.neutralised) continue;
    const p = paramsOf(answer.challengeId);
    if (!p) return { responses, unknown: answer.challengeId };
    responses.push({ a: p.a, d: p.d, score: answer.result === 'ok' ? 1 : 0 });
  }
  return { responses, unknown: null };
}

export function certificationEap(responses: readonly ItemResponse[], settings: Pick<CertificationSettings, 'priorMean' | 'priorSd'>): EapEstimate {
  return estimateEap(responses, { prior: { mean: settings.priorMean, sd: settings.priorSd } });
}
