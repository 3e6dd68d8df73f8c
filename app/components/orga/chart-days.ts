/**
 * The days to label on the activity chart: every day when there are few, else about `count` of them evenly
 * spread (the first and last always), each once. A time scale's own ticks fall within a day when the
 * campaign is a few days old, which printed the same date several times.
 */
export function activityTickDays(days: readonly string[], count = 6): string[] {
  const unique = [...new Set(days)];
  if (unique.length <= count) return unique;
  const step = (unique.length - 1) / (count - 1);
  return [...new Set(Array.from({ length: count }, (_, i) => unique[Math.round(i * step)]!))];
}
