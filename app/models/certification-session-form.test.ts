import { describe, expect, it } from 'vitest';
import { parisToday, readSessionForm } from './certification-session.server';
import { certifMessages } from '../i18n/certif';

function form(date: string): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries({ date, time: '09:30', address: '1 rue de la Paix', room: 'B12', examiner: 'Mme Garnier' })) f.set(k, v);
  return f;
}

describe('the session form refuses a past date for a new session', () => {
  it('gives today in Paris, not in UTC', () => {
    expect(parisToday(new Date('2026-12-06T22:30:00Z'))).toBe('2026-12-06'); // 23:30 in Paris
    expect(parisToday(new Date('2026-12-06T23:30:00Z'))).toBe('2026-12-07'); // 00:30 in Paris
    expect(parisToday(new Date('2026-07-01T22:30:00Z'))).toBe('2026-07-02'); // summer time
  });

  it('refuses a date before today with a code said in French or English, accepts today and later', () => {
    expect(readSessionForm(form('2026-12-05'), { notBefore: '2026-12-06' })).toEqual({ ok: false, errors: { date: 'datePast' } });
    expect(certifMessages.fr['form.error.datePast']).toBe('Cette date est passée : choisissez aujourd’hui ou une date à venir.');
    expect(certifMessages.en['form.error.datePast']).toBe('This date is past: choose today or a later date.');
    expect(readSessionForm(form('2026-12-06'), { notBefore: '2026-12-06' }).ok).toBe(true);
    expect(readSessionForm(form('2027-01-10'), { notBefore: '2026-12-06' }).ok).toBe(true);
  });

  it('gives every field problem as a code the page says in its language, a missing field too', () => {
    const bad = new FormData();
    for (const [k, v] of Object.entries({ date: '2026-02-30', time: '9h', address: '', room: 'x'.repeat(101), durationMinutes: '10' })) bad.set(k, v);
    const read = readSessionForm(bad);
    expect(read).toEqual({
      ok: false,
      errors: {
        date: 'dateInvalid',
        time: 'timeFormat',
        address: 'addressMissing',
        room: 'roomTooLong',
        examiner: 'examinerMissing',
        durationMinutes: 'durationTooShort',
      },
    });
    if (!read.ok) for (const code of Object.values(read.errors)) expect(certifMessages.en[`form.error.${code}`]).toMatch(/^[A-Z]/);
  });

  it('leaves an edited session’s date alone (no notBefore)', () => {
    expect(readSessionForm(form('2020-01-01')).ok).toBe(true);
  });
});
