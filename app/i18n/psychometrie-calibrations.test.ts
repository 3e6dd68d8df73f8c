import { describe, expect, it } from 'vitest';
import { codedText } from '../i18n';
import { calibrationMessages, type CalibrationKey } from './psychometrie-calibrations';

const say = (locale: 'fr' | 'en') => (key: CalibrationKey) => calibrationMessages[locale][key];

describe('the calibration pages’ refusals, said from their codes', () => {
  it('keeps the French wording the models used to return and says it in English', () => {
    expect(codedText(say('fr'), 'refusal', { code: 'approve.empty-selection' })).toBe('Aucune épreuve sélectionnée : cochez au moins une épreuve à approuver.');
    expect(codedText(say('en'), 'refusal', { code: 'approve.empty-selection' })).toBe('No challenge selected: tick at least one challenge to approve.');
    expect(codedText(say('fr'), 'refusal', { code: 'reject.no-reason' })).toBe('Indiquez la raison du rejet.');
    expect(codedText(say('en'), 'refusal', { code: 'restore.already-active' })).toBe('This version is already in force.');
  });

  it('fills the parameters of a refused run in each language', () => {
    const params = { answers: '12', minimum: '500' };
    expect(codedText(say('fr'), 'action', { code: 'start.too-few-answers', params })).toBe(
      'Trop peu de réponses pour calibrer : 12 réponses exploitables, il en faut au moins 500. La calibration n’a pas été lancée.',
    );
    expect(codedText(say('en'), 'action', { code: 'start.too-few-answers-one', params: { answers: '1', minimum: '500' } })).toBe(
      'Too few answers to calibrate: 1 usable answer, at least 500 are needed. The calibration run was not started.',
    );
  });

  it('has an English text for every key, never the French one by mistake', () => {
    const same = (Object.keys(calibrationMessages.fr) as CalibrationKey[]).filter(
      (k) =>
        calibrationMessages.en[k].trim() === '' || (calibrationMessages.en[k] === calibrationMessages.fr[k] && /[éèàùç’]| : /.test(calibrationMessages.fr[k])),
    );
    expect(same).toEqual([]);
  });
});
