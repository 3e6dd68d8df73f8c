/**
 * Scoring a certification test (implementation in progress).
 */
import type { CertificationScore, ScoreCertificationInput } from './types';

export function scoreCertification(input: ScoreCertificationInput): CertificationScore {
  void input;
  throw new Error('scoreCertification: not implemented yet');
}
