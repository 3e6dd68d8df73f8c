/** Platform settings. The highest level a learner can reach is a setting, not a constant (6 today). */
export function maxReachableLevel(): number {
  const value = Number(process.env.MAX_REACHABLE_LEVEL ?? 6);
  return Number.isInteger(value) && value >= 1 && value <= 8 ? value : 6;
}
