/**
 * The certification test (issue 8; docs/decisions/008-certification-test.md): pure and JSON in, JSON out.
 *
 * - `nextCertificationChallenge(input, rng)`: the next question, or why the test is over. Up to 32
 *   questions on live calibrated challenges of the frozen set, in the candidate's language; at most one
 *   challenge per tube and one per skill; only competences the candidate reached (positioned level ≥ 1),
 *   each visited, in rounds (content balance), never the same competence twice in a row (nor, when
 *   possible, one of the last two); questions from each competence's highest positioned levels; the most
 *   informative at θ̂ (EAP after the answers so far, neutralised ones left out) with randomesque exposure
 *   control, plus an exposure ceiling when the app passes `exposure` (tests started and, per challenge, tests
 *   that showed it): after 20 tests a challenge shown in ≥ 20 % of them is not served, unless the candidate
 *   would end below 20 answers. Use `certificationStepRandom(seed, answers.length)` as the generator so that asking twice at
 *   the same point (a reload) gives the same question with only the seed stored.
 * - `scoreCertification(input)`: θ (EAP, N(0, 1) prior) and its SD from the scored answers with the frozen
 *   parameters; neutralised answers leave it untouched; fewer than 20 scored answers → rejected; after an
 *   abandon / end by the invigilator / time up the questions not reached (up to 32) count as wrong; each
 *   competence's positioned level is confirmed or lowered by the evidence against the frozen cut scores;
 *   pix follow. Same input → same result (re-scoring with the frozen set).
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
} from './types';
export { MAX_QUESTIONS, MIN_ANSWERS, DEFAULT_DURATION_MINUTES, DEFAULT_MAX_REACHABLE_LEVEL } from './types';
export { DEFAULT_CERTIFICATION_SETTINGS, resolveCertificationSettings, certificationStepRandom } from './settings';
export { nextCertificationChallenge } from './select';
export { scoreCertification } from './score';
export { certificationTimeLeft, certificationDeadline, certificationAllowedMs, certificationTimeIsUp, DEADLINE_GRACE_SECONDS } from './time';
