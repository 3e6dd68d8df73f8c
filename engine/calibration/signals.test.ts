import { describe, expect, it } from 'vitest';
import { compareParameterSets, driftStatus, DRIFT_THRESHOLDS, itemSignals, mainSignal, parseDif, SIGNAL_SEVERITY, SIGNALS, worstDifClass } from '.';

describe('drift status', () => {
  it('is stable up to 0.3, worth a look up to 0.5, to review above, in either direction', () => {
    expect(DRIFT_THRESHOLDS).toEqual({ look: 0.3, review: 0.5 });
    expect([0.3, -0.31, 0.5, 0.51, -2].map((d) => driftStatus(d))).toEqual(['stable', 'look', 'look', 'review', 'review']);
    expect(driftStatus(0.4, { look: 0.5, review: 1 })).toBe('stable');
  });

  it('is the status compareParameterSets gives', () => {
    const report = compareParameterSets([{ item: 'x', a: 1, d: -0.42 }], [{ item: 'x', a: 1, d: 0 }]);
    expect(report.items[0]?.status).toBe(driftStatus(0.42));
  });
});

describe('DIF as a run stores it', () => {
  const engineDif = {
    item: 'x',
    reference: 420,
    focal: 61,
    alphaMH: 2.26,
    deltaMH: -1.92,
    seDelta: 0.3,
    chiSquare: 12,
    pValue: 0.0005,
    class: 'C',
    favours: 'reference',
  };

  it('reads one engine ItemDif, counts of each group included', () => {
    expect(parseDif(engineDif)).toEqual([
      {
        comparison: '',
        referenceGroup: null,
        focalGroup: null,
        nReference: 420,
        nFocal: 61,
        deltaMH: -1.92,
        seDelta: 0.3,
        pValue: 0.0005,
        difClass: 'C',
        favours: 'reference',
      },
    ]);
  });

  it('reads results keyed by comparison, or a list with group names', () => {
    expect(parseDif({ locale: engineDif, organisation: { ...engineDif, class: 'A' } }).map((e) => [e.comparison, e.difClass])).toEqual([
      ['locale', 'C'],
      ['organisation', 'A'],
    ]);
    const listed = parseDif([{ comparison: 'locale', referenceGroup: 'fr', focalGroup: 'en', deltaMH: 1.1, class: 'B' }]);
    expect(listed[0]).toMatchObject({ comparison: 'locale', referenceGroup: 'fr', focalGroup: 'en', difClass: 'B', nReference: null });
  });

  it('ignores what it cannot read and picks the worst class', () => {
    expect(parseDif(null)).toEqual([]);
    expect(parseDif('C')).toEqual([]);
    expect(parseDif({ note: 'rien' })).toEqual([]);
    expect(parseDif({ ...engineDif, class: 'Z' })[0]?.difClass).toBeNull();
    expect(worstDifClass(parseDif([{ class: 'A' }, { class: 'B' }]))).toBe('B');
    expect(worstDifClass([])).toBeNull();
  });
});

describe('signals of an item', () => {
  it('adds drift and DIF to the run’s own flags, and picks the most serious for the marker', () => {
    const r = { flags: ['too_few_answers', 'misfit'], driftDeltaB: 0.42, dif: parseDif({ class: 'B', deltaMH: -1.2 }) };
    expect(itemSignals(r)).toEqual(['too_few_answers', 'misfit', 'drift_look', 'dif_b']);
    expect(mainSignal(itemSignals(r))).toBe('misfit');
    expect(mainSignal([])).toBeNull();
  });

  it('reads no drift signal from a missing Δb, and ranks every signal once by seriousness', () => {
    expect(itemSignals({ flags: [], driftDeltaB: null, dif: [] })).toEqual([]);
    expect(itemSignals({ flags: [], driftDeltaB: -0.7, dif: [] })).toEqual(['drift_review']);
    expect([...SIGNAL_SEVERITY].sort()).toEqual([...SIGNALS].sort());
  });
});
