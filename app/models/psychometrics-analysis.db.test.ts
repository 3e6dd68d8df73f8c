import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { testDb } from '../../tests/setup/db';
import { makeCalibrationFixture, type CalibrationFixture } from '../../tests/setup/psychometrics-fixtures';
import { testInformation } from '../../engine/irt';
import { clearAnalysisCache, getBankAnalysis, getItemAnalysis, getRunAnalysis, getRunComparison } from './psychometrics-analysis.server';
import { itemSignals } from '../../engine/calibration';

const db = testDb();
let fx: CalibrationFixture;

beforeAll(async () => {
  fx = await makeCalibrationFixture(db, { persons: 300, perPerson: 12 });
});

function challengeOf(key: string) {
  const c = fx.challenges.find((x) => x.key === key);
  if (!c) throw new Error(key);
  return c;
}

/** One more answer to a challenge, in an assessment of the given type by a new user with the given roles. */
async function extraAnswer(
  challengeId: string,
  options: { type?: 'POSITIONING' | 'PREVIEW'; roles?: ('LEARNER' | 'PSYCHOMETRICIAN')[]; userId?: string; neutralise?: boolean } = {},
) {
  const userId =
    options.userId ??
    (
      await db.user.create({
        data: { email: `psy-extra-${randomUUID()}@test.exemple.fr`, passwordHash: 'x', firstName: 'X', lastName: 'Y', roles: options.roles ?? ['LEARNER'] },
      })
    ).id;
  const assessment = await db.assessment.create({
    data: { userId, type: options.type ?? 'POSITIONING', state: 'COMPLETED', completedAt: new Date(), competenceId: fx.competence.id },
  });
  const challenge = await db.challenge.findUniqueOrThrow({ where: { id: challengeId }, select: { currentVersionId: true } });
  const answer = await db.answer.create({
    data: { assessmentId: assessment.id, challengeId, challengeVersionId: challenge.currentVersionId as string, value: {}, result: 'ok' },
  });
  if (options.neutralise) await db.neutralisation.create({ data: { answerId: answer.id, reason: 'Test' } });
  return { userId };
}

describe('a calibration run', () => {
  it('gives the run’s header, counts and every item with its place in the framework', async () => {
    const analysis = await getRunAnalysis(db, fx.runB);
    expect(analysis?.run).toMatchObject({
      status: 'SUCCEEDED',
      model: '2pl',
      converged: true,
      persons: 300,
      answers: fx.answers,
      itemCount: 24,
      review: { status: 'PENDING' },
    });
    expect(analysis?.items).toHaveLength(24);
    const item = analysis?.items.find((i) => i.key === fx.planted.misfit);
    expect(item).toMatchObject({ competenceCode: fx.competence.code, tubeName: expect.stringMatching(/^@psy/), flags: ['misfit'] });
    expect(analysis?.personBins.reduce((s, b) => s + b.count, 0)).toBe(300);
  });

  it('says whether the authors’ levels agree with the measured difficulty (rank correlation)', async () => {
    const analysis = await getRunAnalysis(db, fx.runB);
    expect(analysis?.levelAgreement?.n).toBe(24);
    expect(analysis?.levelAgreement?.rho).toBeGreaterThan(0.8);
  });

  it('finds the planted drift, misfit, low discrimination and DIF as signals', async () => {
    const analysis = await getRunAnalysis(db, fx.runB);
    const signals = (key: string) => itemSignals(analysis?.items.find((i) => i.key === key) as NonNullable<typeof analysis>['items'][number]);
    expect(signals(fx.planted.driftReview)).toContain('drift_review');
    expect(signals(fx.planted.driftLook)).toContain('drift_look');
    expect(signals(fx.planted.misfit)).toContain('misfit');
    expect(signals(fx.planted.lowDiscrimination)).toContain('low_discrimination');
    expect(signals(fx.planted.difC)).toContain('dif_c');
    expect(signals(fx.planted.difB)).toContain('dif_b');
    const dif = analysis?.items.find((i) => i.key === fx.planted.difC)?.dif[0];
    expect(dif).toMatchObject({ difClass: 'C', favours: 'reference', nReference: expect.any(Number) });
    expect(dif?.deltaMH).toBeCloseTo(-1.92, 6);
  });

  it('shows the cut scores of the set approved from the run, and nothing for an unknown run', async () => {
    const analysis = await getRunAnalysis(db, fx.runA);
    expect(analysis?.run.approvedAs).toEqual([{ version: fx.parameterSet.version, active: false }]);
    expect(analysis?.cutScores).toMatchObject({ version: fx.parameterSet.version, fromThisRun: true, values: { '1': -2.6, '8': 2.3 } });
    expect(await getRunAnalysis(db, randomUUID())).toBeNull();
  });
});

describe('one item', () => {
  it('groups the persons who answered it by θ̂ and reports observed and expected proportions correct', async () => {
    const key = fx.planted.misfit;
    const analysis = await getItemAnalysis(db, challengeOf(key).id, fx.runB);
    expect(analysis?.run?.id).toBe(fx.runB);
    expect(analysis?.challenge).toMatchObject({ key, skill: { level: expect.any(Number) }, competence: { code: fx.competence.code } });
    expect(analysis?.challenge.instruction?.type).toBe('doc');
    const groups = analysis?.groups ?? [];
    // Every person who answered the challenge is in exactly one group: as many as the run's n.
    expect(groups.reduce((s, g) => s + g.n, 0)).toBe(analysis?.result?.n);
    expect(analysis?.observedPersons).toBe(analysis?.result?.n);
    expect(groups.length).toBeGreaterThanOrEqual(4);
    // Groups are ordered by θ̂, and success rises with θ̂ for a discriminating challenge.
    for (let k = 1; k < groups.length; k++) expect(groups[k]!.thetaMean).toBeGreaterThan(groups[k - 1]!.thetaMean);
    expect(groups[groups.length - 1]!.p).toBeGreaterThan(groups[0]!.p);
    for (const g of groups) {
      expect(g.low).toBeLessThanOrEqual(g.p);
      expect(g.high).toBeGreaterThanOrEqual(g.p);
      expect(g.expected).toBeGreaterThan(0);
      expect(g.expected).toBeLessThan(1);
    }
    // The model's expectation lies within most Wilson intervals (the data were simulated from it).
    expect(groups.filter((g) => g.expected >= g.low && g.expected <= g.high).length).toBeGreaterThanOrEqual(groups.length - 1);
  });

  it('lists the item across runs and parameter sets, and shows the latest finished run by default', async () => {
    const c = challengeOf(fx.planted.driftReview);
    const analysis = await getItemAnalysis(db, c.id);
    expect(analysis?.run?.id).toBe(fx.runB);
    expect(analysis?.history.map((h) => h.runId)).toEqual([fx.runA, fx.runB]);
    expect(analysis?.history[1]?.driftDeltaB).toBeCloseTo(0.75, 6);
    expect(analysis?.parameterSets).toEqual([expect.objectContaining({ version: fx.parameterSet.version, active: false, sourceRunId: fx.runA })]);
    const older = await getItemAnalysis(db, c.id, fx.runA);
    expect(older?.run?.id).toBe(fx.runA);
    expect(await getItemAnalysis(db, randomUUID())).toBeNull();
  });

  it('uses only the answers of the run’s snapshot', async () => {
    const c = challengeOf(fx.planted.driftLook);
    const before = await getItemAnalysis(db, c.id, fx.runB);
    await extraAnswer(c.id);
    const after = await getItemAnalysis(db, c.id, fx.runB);
    expect(after?.observedPersons).toBe(before?.observedPersons);
  });
});

describe('the live bank', () => {
  it('sums the information of the competence’s calibrated live challenges, with SE = 1/√I', async () => {
    clearAnalysisCache();
    const bank = await getBankAnalysis(db, { competence: fx.competence.code, version: fx.parameterSet.version });
    expect(bank.set).toMatchObject({ version: fx.parameterSet.version, active: false, cutScores: { '4': -0.5 } });
    expect(bank.competence?.code).toBe(fx.competence.code);
    expect(bank.competences.find((c) => c.code === fx.competence.code)).toMatchObject({ live: 24, calibrated: 24 });
    expect(bank.items).toHaveLength(24);
    expect(bank.uncalibrated).toEqual([]);
    const at0 = bank.curve.find((p) => p.theta === 0);
    expect(at0?.information).toBeCloseTo(testInformation(bank.items, 0), 10);
    expect(at0?.se).toBeCloseTo(1 / Math.sqrt(at0?.information as number), 10);
    // Items sorted by difficulty.
    expect(bank.items.map((i) => i.b)).toEqual([...bank.items.map((i) => i.b)].sort((x, y) => x - y));
  });

  it('estimates one θ̂ per learner on the competence, under the calibration data rules', async () => {
    clearAnalysisCache();
    const options = { competence: fx.competence.code, version: fx.parameterSet.version };
    const first = await getBankAnalysis(db, options);
    expect(first.persons.count).toBe(301); // the 300 simulated learners and the snapshot test's extra learner
    expect(first.persons.bins.reduce((s, b) => s + b.count, 0)).toBe(301);
    expect(Math.abs(first.persons.mean as number)).toBeLessThan(0.3);
    const c = challengeOf(fx.planted.misfit);
    // Left out: a psychometrician's test run, a preview, a neutralised answer; one learner answering twice counts once.
    await extraAnswer(c.id, { roles: ['PSYCHOMETRICIAN'] });
    await extraAnswer(c.id, { type: 'PREVIEW' });
    await extraAnswer(c.id, { neutralise: true });
    const learner = await extraAnswer(c.id);
    await extraAnswer(challengeOf(fx.planted.difB).id, { userId: learner.userId });
    clearAnalysisCache();
    const second = await getBankAnalysis(db, options);
    expect(second.persons.count).toBe(302);
  });

  it('offers every parameter set and falls back to the one in force', async () => {
    const bank = await getBankAnalysis(db, { competence: fx.competence.code, version: 987654321 });
    expect(bank.sets.map((s) => s.version)).toContain(fx.parameterSet.version);
    const active = await db.parameterSet.findFirst({ where: { active: true }, select: { version: true } });
    expect(bank.set?.version ?? null).toBe(active?.version ?? null);
  });
});

describe('two runs', () => {
  it('pairs the items of both runs, largest difference in b first, with agreement statistics', async () => {
    const comparison = await getRunComparison(db, fx.runA, fx.runB);
    expect(comparison.a?.id).toBe(fx.runA);
    expect(comparison.b?.id).toBe(fx.runB);
    expect(comparison.items).toHaveLength(24);
    expect(comparison.onlyA + comparison.onlyB).toBe(0);
    expect(comparison.items[0]?.key).toBe(fx.planted.driftReview);
    expect(comparison.items[0]!.bB - comparison.items[0]!.bA).toBeCloseTo(0.75, 6);
    expect(comparison.stats.correlationB).toBeGreaterThan(0.95);
    expect(comparison.stats.rmsdB).toBeGreaterThan(0);
    expect(comparison.stats.significantB).toBeGreaterThanOrEqual(1);
    expect(comparison.choices.map((c) => c.id)).toEqual(expect.arrayContaining([fx.runA, fx.runB]));
  });
});
