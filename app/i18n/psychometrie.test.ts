import { describe, expect, it } from 'vitest';
import { psychometricsMessages } from './psychometrie';

const { fr, en } = psychometricsMessages;

describe('thresholds in the psychometrics labels', () => {
  it('says the engine’s drift bands, with a decimal comma in French', () => {
    expect(fr['flag.drift_look']).toBe('Dérive à examiner (|Δb| > 0,3)');
    expect(fr['flag.drift_review']).toBe('Dérive à revoir (|Δb| > 0,5)');
    expect(fr['drift.legend.stable']).toBe('|Δb| ≤ 0,3');
    expect(fr['drift.legend.look']).toBe('À examiner : 0,3 < |Δb| ≤ 0,5');
    expect(fr['drift.legend.review']).toBe('À revoir : |Δb| > 0,5');
    expect(fr['drift.summary']).toBe('{n} épreuves comparées : {stable} stables, {look} à examiner (0,3 < |Δb| ≤ 0,5), {review} à revoir (|Δb| > 0,5).');
    expect(fr['drift.desc']).toContain('des écarts de 0,3 et 0,5. {summary}');
    expect(en['flag.drift_look']).toBe('Drift worth a look (|Δb| > 0.3)');
    expect(en['drift.legend.look']).toBe('Worth a look: 0.3 < |Δb| ≤ 0.5');
    expect(en['drift.summary']).toBe('{n} challenges compared: {stable} stable, {look} worth a look (0.3 < |Δb| ≤ 0.5), {review} to review (|Δb| > 0.5).');
  });

  it('says the engine’s acceptable fit region', () => {
    expect(fr['fit.desc']).toContain('(infit 0,7–1,3, outfit 0,5–1,5). {summary}');
    expect(en['fit.desc']).toContain('(infit 0.7–1.3, outfit 0.5–1.5). {summary}');
  });
});
