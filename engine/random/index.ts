export type { RandomGenerator, RandomState } from './generator';
export { createRandom, restoreRandom, forkRandom } from './generator';
export { uniform, randomInt, bernoulli, normal, logNormal, shuffle, shuffled, sampleWithoutReplacement, weightedIndex } from './distributions';
