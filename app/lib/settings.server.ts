/**
 * Platform settings. The highest level a learner can reach is a setting, not a constant: this function is
 * the one place that says it (MAX_REACHABLE_LEVEL, default DEFAULT_MAX_REACHABLE_LEVEL of the engine).
 */
import { env } from './env.server';

export function maxReachableLevel(): number {
  return env().MAX_REACHABLE_LEVEL;
}
