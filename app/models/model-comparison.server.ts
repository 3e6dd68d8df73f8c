/**
 * Rasch against 2PL on the comparison page (issue 18): when two finished runs are the same data — same
 * competences, same answer snapshot, same persons and answers, nothing anchored — and one is Rasch and
 * the other 2PL, their log-likelihoods, parameter counts, AIC and BIC and the likelihood-ratio test of
 * Rasch within the 2PL, with the engine function `cli calibrate --model both` uses. Otherwise, why not.
 */
import { likelihoodRatioTest } from '../../engine/calibration';
import type { RunHeader } from './psychometrics-analysis.server';

export interface ModelFigures {
  runId: string;
  model: 'rasch' | '2pl';
  logLik: number;
  parameters: number;
  aic: number;
  bic: number;
}

export type ModelTest =
  | {
      applies: true;
      rasch: ModelFigures;
      twoPl: ModelFigures;
      likelihoodRatio: { statistic: number; df: number; p: number };
      priors: boolean;
    }
  | { applies: false; reason: 'unfinished' | 'models' | 'scope' | 'snapshot' | 'data' | 'anchors' | 'parameters' };

function figures(run: RunHeader): ModelFigures | null {
  const quality = run.summary['quality'] as { parameterCount?: unknown; aic?: unknown; bic?: unknown } | undefined;
  if (!quality || typeof quality.parameterCount !== 'number' || typeof quality.aic !== 'number' || typeof quality.bic !== 'number') return null;
  return {
    runId: run.id,
    model: run.model === 'rasch' ? 'rasch' : '2pl',
    logLik: run.logLik as number,
    parameters: quality.parameterCount,
    aic: quality.aic,
    bic: quality.bic,
  };
}

const competencesOf = (run: RunHeader) =>
  [...(Array.isArray(run.settings['competenceIds']) ? (run.settings['competenceIds'] as string[]) : [])].sort().join(',');
const anchored = (run: RunHeader) =>
  run.settings['anchors'] === 'keep-live' && typeof run.summary['anchors'] === 'number' && (run.summary['anchors'] as number) > 0;

export function raschVs2plTest(a: RunHeader, b: RunHeader): ModelTest {
  if (a.status !== 'SUCCEEDED' || b.status !== 'SUCCEEDED' || a.logLik === null || b.logLik === null) return { applies: false, reason: 'unfinished' };
  const models = new Set([a.model, b.model]);
  if (!(models.has('rasch') && models.has('2pl'))) return { applies: false, reason: 'models' };
  if (competencesOf(a) !== competencesOf(b)) return { applies: false, reason: 'scope' };
  if (a.maxAnswerId === null || a.maxAnswerId !== b.maxAnswerId) return { applies: false, reason: 'snapshot' };
  if (anchored(a) || anchored(b)) return { applies: false, reason: 'anchors' };
  if (a.persons !== b.persons || a.answers !== b.answers) return { applies: false, reason: 'data' };
  const rasch = figures(a.model === 'rasch' ? a : b);
  const twoPl = figures(a.model === 'rasch' ? b : a);
  if (!rasch || !twoPl) return { applies: false, reason: 'parameters' };
  const test = likelihoodRatioTest(
    { logLik: rasch.logLik, parameterCount: rasch.parameters, persons: a.persons ?? 0, answers: a.answers ?? 0 },
    { logLik: twoPl.logLik, parameterCount: twoPl.parameters, persons: b.persons ?? 0, answers: b.answers ?? 0 },
  );
  return {
    applies: true,
    rasch,
    twoPl,
    likelihoodRatio: { statistic: test.statistic, df: test.df, p: test.p },
    priors: a.settings['priors'] !== false || b.settings['priors'] !== false,
  };
}
