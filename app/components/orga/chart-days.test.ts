import { describe, expect, it } from 'vitest';
import { activityTickDays } from './chart-days';

describe('activity chart labels', () => {
  it('labels each day once when there are few, the first day alone on the first day', () => {
    expect(activityTickDays(['2026-09-01'])).toEqual(['2026-09-01']);
    expect(activityTickDays(['2026-09-01', '2026-09-02', '2026-09-02'])).toEqual(['2026-09-01', '2026-09-02']);
  });

  it('spreads about six labels over a long campaign, first and last day included, none twice', () => {
    const days = Array.from({ length: 30 }, (_, i) => new Date(Date.UTC(2026, 8, 1 + i)).toISOString().slice(0, 10));
    const ticks = activityTickDays(days);
    expect(ticks).toHaveLength(6);
    expect(ticks[0]).toBe('2026-09-01');
    expect(ticks.at(-1)).toBe('2026-09-30');
    expect(new Set(ticks).size).toBe(ticks.length);
  });
});
