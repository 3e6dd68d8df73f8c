/**
 * Choosing the next question of a certification test (implementation in progress).
 */
import type { RandomGenerator } from '../random';
import type { CertificationNext, CertificationTestInput } from './types';

export function nextCertificationChallenge(input: CertificationTestInput, rng: RandomGenerator): CertificationNext {
  void input;
  void rng;
  throw new Error('nextCertificationChallenge: not implemented yet');
}
