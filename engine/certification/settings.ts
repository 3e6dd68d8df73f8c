/**
 * Default settings of the certification test and their checks.
 */
import { MAX_LEVEL, MIN_LEVEL } from '../framework';
import { createRandom, type RandomGenerator } from '../random';
import { DEFAULT_MAX_REACHABLE_LEVEL, MAX_QUESTIONS, MIN_ANSWERS, type CertificationSettings } from './types';

export const DEFAULT_CERTIFICATION_SETTINGS: Readonly<CertificationSettings> = Object.freeze({
  maxQuestions: MAX_QUESTIONS,
  minAnswers: MIN_ANSWERS,
  maxReachableLevel: DEFAULT_MAX_REACHABLE_LEVEL,
  exposureTopK: 5,
  exposurePickProbability: 0.51,
  maxExposureRate: 0.2,
  exposureWarmUp: 20,
  recentCompetences: 2,
  maxSpread: 1,
  priorMean: 0,
  priorSd: 1,
  targetSe: null,
});

export function resolveCertificationSettings(settings: Partial<CertificationSettings> | undefined): CertificationSettings {
  const s: CertificationSettings = { ...DEFAULT_CERTIFICATION_SETTINGS, ...(settings ?? {}) };
  const bad = (name: string, value: unknown) => new RangeError(`certification settings: bad ${name} (${String(value)})`);
  const int = (v: number, min: number) => Number.isInteger(v) && v >= min;
  if (!int(s.maxQuestions, 1)) throw bad('maxQuestions', s.maxQuestions);
  if (!int(s.minAnswers, 0) || s.minAnswers > s.maxQuestions) throw bad('minAnswers', s.minAnswers);
  if (!int(s.maxReachableLevel, MIN_LEVEL) || s.maxReachableLevel > MAX_LEVEL) throw bad('maxReachableLevel', s.maxReachableLevel);
  if (!int(s.exposureTopK, 1)) throw bad('exposureTopK', s.exposureTopK);
  if (!(s.exposurePickProbability > 0 && s.exposurePickProbability <= 1)) throw bad('exposurePickProbability', s.exposurePickProbability);
  if (!(s.maxExposureRate > 0 && s.maxExposureRate <= 1)) throw bad('maxExposureRate', s.maxExposureRate);
  if (!int(s.exposureWarmUp, 0)) throw bad('exposureWarmUp', s.exposureWarmUp);
  if (!int(s.recentCompetences, 1)) throw bad('recentCompetences', s.recentCompetences);
  if (!int(s.maxSpread, 1)) throw bad('maxSpread', s.maxSpread);
  if (!Number.isFinite(s.priorMean)) throw bad('priorMean', s.priorMean);
  if (!(s.priorSd > 0)) throw bad('priorSd', s.priorSd);
  if (s.targetSe !== null && !(s.targetSe > 0 && Number.isFinite(s.targetSe))) throw bad('targetSe', s.targetSe);
  return s;
}

/**
 * The generator for question `step` (= answers so far) of a test seeded with `seed`: asking twice at the
 * same point gives the same question, with nothing stored but the seed.
 */
export function certificationStepRandom(seed: string | number, step: number): RandomGenerator {
  return createRandom(`certification:${String(seed)}#${step}`);
}
