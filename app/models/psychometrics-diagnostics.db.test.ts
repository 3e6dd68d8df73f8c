/**
 * The run page's diagnostics against real PostgreSQL: a competence with planted findings
 * (tests/setup/diagnostics-fixtures.ts) calibrated by the real worker, then read as the run page
 * reads it: person fit and Q3 from the run summary, DIF on a chosen learner attribute and exposure
 * computed from the database.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseUrl, testDb } from '../../tests/setup/db';
import { makeDiagnosticsFixture, type DiagnosticsFixture } from '../../tests/setup/diagnostics-fixtures';
import { executeCalibrationRun } from '../../workers/calibration';
import { getRunAnalysis, type RunAnalysis } from './psychometrics-analysis.server';
import { getExposure, getRunDiagnostics, getVariableDif } from './psychometrics-diagnostics.server';
import { OTHER_GROUPS, parseDiagnosticsQuery, storedLocalDependence, storedPersonFit } from '../lib/psychometrics-diagnostics';

const db = testDb();
let fx: DiagnosticsFixture;
let analysis: RunAnalysis;
const keyOf = (id: string) => analysis.items.find((i) => i.challengeId === id)?.key;

beforeAll(async () => {
  fx = await makeDiagnosticsFixture(db);
  const run = await db.calibrationRun.create({
    data: { model: '2pl', status: 'QUEUED', settings: { competenceIds: [fx.competence.id], minAnswers: 200, minPersons: 50 } },
  });
  expect(await executeCalibrationRun({ db, databaseUrl: testDatabaseUrl(), threads: false }, run.id)).toBe('succeeded');
  analysis = (await getRunAnalysis(db, run.id))!;
}, 120_000);

describe('what the worker stores for the run page', () => {
  it('the person-fit distribution: every learner, a few misfitting, the histogram adds up', () => {
    const fit = storedPersonFit(analysis.run.summary)!;
    expect(fit).not.toBeNull();
    expect(fit.persons).toBe(fx.learners);
    expect(fit.histogram.counts.reduce((s, c) => s + c, 0)).toBe(fx.learners);
    expect(fit.misfitting).toBeGreaterThan(0);
    expect(fit.misfitting).toBeLessThan(0.1);
    expect(fit.threshold).toBe(-1.645);
  });

  it('local dependence: the planted pair of one tube is listed above 0.2, alone', () => {
    const report = storedLocalDependence(analysis.run.summary)!;
    expect(report.pairsComputed).toBe(66);
    expect(report.relatedPairs).toBe(30);
    expect(report.pairs).toHaveLength(1);
    const pair = report.pairs[0]!;
    expect(pair.items.map(keyOf).sort()).toEqual([fx.planted.source, fx.planted.dependent].sort());
    expect(pair.relation).toBe('tube');
    expect(pair.n).toBe(fx.learners);
    expect(pair.q3).toBeGreaterThan(0.2);
    expect(report.expectedMean).toBeCloseTo(-1 / 11, 10);
  });
});

describe('DIF on a chosen learner attribute', () => {
  it('birth decade: groups stated, the planted challenge is class C against the 2000s', async () => {
    const dif = await getVariableDif(db, analysis.run, analysis.items, 'birthYear', { reference: '1980', focal: '2000' });
    expect(dif.groups.map((g) => [g.key, g.label, g.persons])).toEqual([
      ['1980', '1980–1989', fx.learners / 2],
      ['2000', '2000–2009', fx.learners / 2],
    ]);
    expect(dif.unknownPersons).toBe(0);
    expect(dif.reference?.key).toBe('1980');
    expect(dif.focal?.key).toBe('2000');
    expect(dif.refusal).toBeNull();
    const top = dif.items[0]!;
    expect(top.key).toBe(fx.planted.difItem);
    expect(top.class).toBe('C');
    expect(top.favours).toBe('reference');
    expect(top.deltaMH!).toBeLessThan(-1.5);
    expect(dif.counts.C).toBe(1);
    expect(dif.items.filter((i) => i.class === 'C' || i.class === 'B').map((i) => i.key)).not.toContain(fx.planted.source);
  });

  it('default groups: the largest as reference against all the others; no DIF planted on the account language', async () => {
    const dif = await getVariableDif(db, analysis.run, analysis.items, 'locale');
    expect(dif.reference).toMatchObject({ key: 'fr', persons: 900 });
    expect(dif.focal).toMatchObject({ key: OTHER_GROUPS, persons: 300 });
    expect(dif.counts.C).toBe(0);
  });

  it('kind of test, campaign, organisation and class come from the test of the first answer; persons without a value are left out', async () => {
    const kind = await getVariableDif(db, analysis.run, analysis.items, 'testType');
    expect(kind.groups.map((g) => [g.key, g.persons])).toEqual([
      ['POSITIONING', 800],
      ['CAMPAIGN', 400],
    ]);
    const campaign = await getVariableDif(db, analysis.run, analysis.items, 'campaign');
    expect(campaign.groups).toHaveLength(1);
    expect(campaign.unknownPersons).toBe(800);
    expect(campaign.refusal).toBe('one-group');
    const organisation = await getVariableDif(db, analysis.run, analysis.items, 'organisation');
    expect(organisation.groups.map((g) => [g.label, g.persons])).toEqual([[fx.organisation, 400]]);
    const division = await getVariableDif(db, analysis.run, analysis.items, 'division');
    expect(division.groups.map((g) => g.label).sort()).toEqual([`${fx.organisation} — 2nde A`, `${fx.organisation} — 2nde B`]);
    // 200 persons per class, above the run's minimum (100): computed; with a minimum of 300, refused.
    expect(division.refusal).toBeNull();
    const few = await getVariableDif(db, { ...analysis.run, settings: { ...analysis.run.settings, difMinPersons: 300 } }, analysis.items, 'division');
    expect(few.refusal).toBe('too-few');
  });
});

describe('exposure of each challenge', () => {
  it('in the run’s answer period: positioning and campaign shares, certification over the ceiling flagged', async () => {
    const exposure = await getExposure(db, analysis.run, analysis.items);
    expect(exposure.runPeriod).toBe(true);
    expect(exposure.tests).toEqual({ POSITIONING: 800, CAMPAIGN: 400, CERTIFICATION: 40 });
    const row = (key: string) => exposure.rows.find((r) => r.key === key)!;
    const over = row(fx.planted.overExposed);
    expect(over.rates.CERTIFICATION).toEqual({ served: 40, tests: 40, rate: 1 });
    expect(over.overExposed).toBe(true);
    expect(exposure.overExposed).toBe(1);
    expect(exposure.rows[0]!.key).toBe(fx.planted.overExposed); // sorted by certification exposure
    // The five others asked in turn: 8 of 40 tests each = 20 %, not above the 20 % ceiling.
    expect(exposure.rows.filter((r) => r.rates.CERTIFICATION.served === 8)).toHaveLength(5);
    expect(exposure.rows.every((r) => r.rates.POSITIONING.rate === 1 && r.rates.CAMPAIGN.rate === 1)).toBe(true);
    // A challenge of the same competence no certification test was asked: 0 of 40.
    expect(row(fx.planted.source).rates.CERTIFICATION).toEqual({ served: 0, tests: 40, rate: 0 });
  });

  it('in a chosen period without tests: no rate, nothing over-exposed; the address chooses through getRunDiagnostics', async () => {
    const query = parseDiagnosticsQuery(new URLSearchParams({ 'expo-du': '2001-01-01', 'expo-au': '2001-12-31', 'expo-tri': 'b', dif: 'birthYear' }));
    const diagnostics = await getRunDiagnostics(db, analysis, query);
    expect(diagnostics.exposure).toMatchObject({ from: '2001-01-01', to: '2001-12-31', runPeriod: false, overExposed: 0 });
    expect(diagnostics.exposure.rows.every((r) => r.rates.CERTIFICATION.rate === null)).toBe(true);
    const bs = diagnostics.exposure.rows.map((r) => r.b);
    expect(bs).toEqual([...bs].sort((x, y) => x - y));
    expect(diagnostics.dif?.variable).toBe('birthYear');
  });
});
