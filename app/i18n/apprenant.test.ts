import { describe, expect, it } from 'vitest';
import { formatDay } from './apprenant';

const reference = (locale: 'fr' | 'en') =>
  new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Paris' });

describe('formatDay (days kept by UTC hour)', () => {
  it('writes every instant of an hour as the formatter does, across midnights and daylight-saving changes', () => {
    const starts = [Date.UTC(2026, 2, 28, 20), Date.UTC(2026, 9, 24, 20), Date.UTC(1940, 5, 14, 20), Date.UTC(1945, 3, 1, 20), Date.UTC(1912, 0, 1, 0)];
    for (const locale of ['fr', 'en'] as const) {
      const formatter = reference(locale);
      for (const start of starts) {
        for (let minute = 0; minute < 3 * 24 * 60; minute += 7) {
          const at = new Date(start + minute * 60_000 + (minute % 60) * 997);
          expect(formatDay(at, locale)).toBe(formatter.format(at));
          expect(formatDay(at.toISOString(), locale)).toBe(formatter.format(at));
        }
      }
    }
  });

  it('writes random instants from 1850 to 2200 as the formatter does', () => {
    let seed = 11;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const from = Date.UTC(1850, 0, 1);
    const to = Date.UTC(2200, 0, 1);
    for (let k = 0; k < 3000; k++) {
      const at = new Date(from + Math.floor(random() * (to - from)));
      const locale = k % 2 ? 'fr' : 'en';
      expect(formatDay(at, locale)).toBe(reference(locale).format(at));
    }
  });

  it('still refuses an invalid date', () => {
    expect(() => formatDay('not a date', 'fr')).toThrow(RangeError);
  });
});
