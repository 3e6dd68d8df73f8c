/**
 * The certification test (issue 8, issue 15; decisions 008 and 019): pure and JSON in, JSON out.
 *
 * - `nextCertificationChallenge(input, rng)`: the next question, or why the test is over. Up to 32
 *   questions on live calibrated challenges of the frozen set, in the candidate's language; at most one
 *   challenge per tube and one per skill; never a challenge of a family (prototype and declinations) the
 *   candidate saw before (`excludedFamilies`); every competence of the bank visited, in rounds (content
 *   balance), never the same competence twice in a row (nor, when possible, one of the last two); the most
 *   informative at θ̂ (EAP after the answers so far, starting where the positioned profile places the
 *   candidate) with randomesque exposure control, plus an exposure ceiling when the app passes `exposure`.
 *   With `settings.targetSe` the test stops once 20 answers are in and the SE of θ is at most the target.
 *   Use `certificationStepRandom(seed, answers.length)` as the generator so that asking twice at the same
 *   point (a reload) gives the same question with only the seed stored.
 * - `scoreCertification(input)`: θ (EAP, N(0, 1) prior) and its SD from the certification answers alone
 *   with the frozen parameters; neutralised answers leave it untouched; fewer than 20 scored answers →
 *   rejected; after an abandon / end by the invigilator / time up the questions not reached (up to 32)
 *   count as wrong; each competence's pix and level are θ̂ through its intervals (`competenceIntervals`,
 *   Pix v3 style). Same input → same result (re-scoring with the frozen set).
 * - `certificationTimeLeft({ startedAt, now, durationMinutes, extraTimePercentage })`: whole seconds left.
 */
export type {
  AnswerResult,
  CertificationChallenge,
  PositionedCompetence,
  CertificationAnswer,
  CertificationSettings,
  CertificationTestInput,
  CertificationDoneReason,
  CertificationNext,
  FrozenParameterSet,
  CertificationEndReason,
  ScoreCertificationInput,
  CertificationRejectionReason,
  CertifiedCompetence,
  CertificationScore,
  TimeLeftInput,
  ExposureCounts,
  CompetenceIntervals,
} from './types';
export { MAX_QUESTIONS, MIN_ANSWERS, DEFAULT_DURATION_MINUTES, DEFAULT_MAX_REACHABLE_LEVEL } from './types';
export { DEFAULT_CERTIFICATION_SETTINGS, resolveCertificationSettings, certificationStepRandom } from './settings';
export { nextCertificationChallenge } from './select';
export { scoreCertification } from './score';
export { competenceIntervals, competenceAt, levelAt } from './intervals';
export { familyOf } from './select';
export { certificationTimeLeft, certificationDeadline, certificationAllowedMs, certificationTimeIsUp, DEADLINE_GRACE_SECONDS } from './time';
