import { describe, expect, it } from 'vitest';
import { formatParisDateTime, formatParisTime } from './paris-time';

describe('dates in Paris time', () => {
  it('shows a UTC instant at its Paris hour, winter (UTC+1) and summer (UTC+2)', () => {
    expect(formatParisDateTime('2026-12-06T15:05:00Z')).toBe('06/12/2026 16:05');
    expect(formatParisDateTime(new Date('2026-07-01T22:30:00Z'))).toBe('02/07/2026 00:30');
    expect(formatParisDateTime('2026-12-06T15:05:00Z', 'en')).toBe('06/12/2026, 16:05');
    expect(formatParisTime('2026-12-06T15:05:09Z')).toBe('16:05:09');
  });
});
