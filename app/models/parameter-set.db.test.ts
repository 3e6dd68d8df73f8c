/**
 * Approval of calibration runs into parameter set versions, against real PostgreSQL: what is refused,
 * what a new version holds (carried-over and approved items, who, when, cut scores), rejection, and
 * the parameters in force for positioning and certification.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { testDb } from '../../tests/setup/db';
import { makeCalibrationFixture, makeUsers, type CalibrationFixture } from '../../tests/setup/calibration-fixtures';
import { activeParameters, approvalView, approveRun, parametersOfSet, rejectRun } from './parameter-set.server';

const db = testDb();
let fixture: CalibrationFixture;
let reviewer: string;

/** A finished run with results for the fixture's challenges: b = level − 3.5 + shift, a = 1.2. */
async function fakeRun(options: { status?: 'SUCCEEDED' | 'RUNNING' | 'FAILED' | 'QUEUED'; converged?: boolean; shift?: number; anchored?: string[] } = {}) {
  const run = await db.calibrationRun.create({
    data: {
      model: '2pl',
      settings: {},
      status: options.status ?? 'SUCCEEDED',
      converged: options.converged ?? true,
      iterations: 12,
      logLik: -1000,
      persons: 500,
      answers: 3000,
    },
  });
  await db.calibrationItemResult.createMany({
    data: fixture.challenges.map((c) => {
      const b = c.level - 3.5 + (options.shift ?? 0);
      return {
        runId: run.id,
        challengeId: c.id,
        a: 1.2,
        d: -1.2 * b,
        b,
        seB: 0.1,
        n: 300,
        pValue: 0.5,
        flags: [],
        anchored: options.anchored?.includes(c.id) ?? false,
      };
    }),
  });
  return run.id;
}

async function paramsOf(version: number) {
  const set = await db.parameterSet.findUniqueOrThrow({ where: { version }, include: { items: true } });
  return { set, byId: new Map(set.items.map((p) => [p.challengeId, p])) };
}

beforeAll(async () => {
  fixture = await makeCalibrationFixture(db, { items: 12, learners: 0 });
  reviewer = (await makeUsers(db, 1, { roles: ['PSYCHOMETRICIAN'] }))[0]!;
});

describe('approving a calibration run', () => {
  it('refuses a run that is not finished, and leaves the parameters in force alone', async () => {
    const before = await db.parameterSet.count();
    for (const status of ['QUEUED', 'RUNNING', 'FAILED'] as const) {
      const runId = await fakeRun({ status });
      expect(await approveRun(db, { runId, userId: reviewer!, items: 'all' })).toEqual({ ok: false, refusal: 'not-finished' });
    }
    expect(await approveRun(db, { runId: '00000000-0000-0000-0000-000000000000', userId: reviewer!, items: 'all' })).toEqual({
      ok: false,
      refusal: 'not-found',
    });
    expect(await db.parameterSet.count()).toBe(before);
  });

  it('approving all makes a new active version with every estimated item, who and when, and increasing cut scores', async () => {
    const previous = await activeParameters(db);
    const last = await db.parameterSet.findFirst({ orderBy: { version: 'desc' } });
    const runId = await fakeRun();
    const result = await approveRun(db, { runId, userId: reviewer!, items: 'all', note: 'Première approbation' });
    expect(result).toMatchObject({ ok: true, version: (last?.version ?? 0) + 1, approvedItems: 12 });
    const { set, byId } = await paramsOf((last?.version ?? 0) + 1);
    expect(set).toMatchObject({ active: true, sourceRunId: runId, approvedById: reviewer, note: 'Première approbation' });
    expect(Date.now() - set.approvedAt.getTime()).toBeLessThan(60_000);
    for (const c of fixture.challenges) expect(byId.get(c.id)).toMatchObject({ b: c.level - 3.5, sourceRunId: runId });
    // Items of the previous set not in this run are carried over.
    if (previous) for (const id of previous.params.keys()) if (!fixture.challenges.some((c) => c.id === id)) expect(byId.has(id)).toBe(true);
    expect(await db.parameterSet.count({ where: { active: true } })).toBe(1);
    const cuts = set.cutScores as Record<string, number>;
    const levels = Object.keys(cuts)
      .map(Number)
      .sort((x, y) => x - y);
    for (let k = 1; k < levels.length; k++) expect(cuts[String(levels[k])]!).toBeGreaterThanOrEqual(cuts[String(levels[k - 1])]!);
    expect((await db.calibrationRun.findUniqueOrThrow({ where: { id: runId } })).reviewStatus).toBe('APPROVED');
    // Approving twice is refused.
    expect(await approveRun(db, { runId, userId: reviewer!, items: 'all' })).toEqual({ ok: false, refusal: 'already-reviewed' });
    expect(await rejectRun(db, { runId, userId: reviewer!, reason: 'Trop tard' })).toEqual({ ok: false, refusal: 'already-reviewed' });
  });

  it('approving selected items: the others keep their previous parameters; the old version never changes', async () => {
    const before = (await activeParameters(db))!;
    const runId = await fakeRun({ shift: 0.4 });
    const chosen = fixture.challenges.slice(0, 3).map((c) => c.id);
    const result = await approveRun(db, { runId, userId: reviewer!, items: chosen });
    expect(result).toMatchObject({ ok: true, version: before.version + 1, approvedItems: 3 });
    const { byId } = await paramsOf(before.version + 1);
    for (const c of fixture.challenges) {
      const p = byId.get(c.id)!;
      if (chosen.includes(c.id)) {
        expect(p.sourceRunId).toBe(runId);
        expect(p.b).toBeCloseTo(c.level - 3.1, 10);
      } else expect(p.b).toBeCloseTo(before.params.get(c.id)!.d / -before.params.get(c.id)!.a, 10);
    }
    // Positioning reads the new version; a certification that kept the old one still gets it.
    const now = (await activeParameters(db))!;
    expect(now.version).toBe(before.version + 1);
    expect(now.params.get(chosen[0]!)!.d).toBeCloseTo(-1.2 * (fixture.challenges[0]!.level - 3.1), 10);
    const old = (await parametersOfSet(db, before.id))!;
    expect(old.version).toBe(before.version);
    expect(old.params.get(chosen[0]!)).toEqual(before.params.get(chosen[0]!));
    expect(old.cutScores).toEqual(before.cutScores);
  });

  it('a run that did not converge cannot be approved as a whole, only selected items', async () => {
    const runId = await fakeRun({ converged: false, shift: -0.2 });
    expect(await approveRun(db, { runId, userId: reviewer!, items: 'all' })).toEqual({ ok: false, refusal: 'not-converged' });
    expect(await approveRun(db, { runId, userId: reviewer!, items: [] })).toEqual({ ok: false, refusal: 'empty-selection' });
    expect(await approveRun(db, { runId, userId: reviewer!, items: [fixture.challenges[5]!.id] })).toMatchObject({ ok: true, approvedItems: 1 });
  });

  it('the approval page ticks by default only items the run page flags for nothing: not drift, not DIF B or C', async () => {
    const runId = await fakeRun();
    const [stable, driftLook, driftReview, difB, difC, difA, flagged] = fixture.challenges.map((c) => c.id);
    const set = (challengeId: string, data: { driftDeltaB?: number; dif?: object; flags?: string[] }) =>
      db.calibrationItemResult.updateMany({ where: { runId, challengeId }, data });
    await set(stable!, { driftDeltaB: 0.1 });
    await set(driftLook!, { driftDeltaB: 0.35 });
    await set(driftReview!, { driftDeltaB: -0.8 });
    await set(difB!, { dif: { comparison: 'locale', deltaMH: -1.2, class: 'B' } });
    await set(difC!, { dif: [{ comparison: 'locale', deltaMH: 1.9, class: 'C' }] });
    await set(difA!, { dif: { comparison: 'locale', deltaMH: 0.2, class: 'A' } });
    await set(flagged!, { flags: ['misfit'] });
    const view = (await approvalView(db, runId))!;
    const byId = new Map(view.items.map((i) => [i.challengeId, i]));
    expect(byId.get(stable!)).toMatchObject({ signals: [], preselected: true });
    expect(byId.get(difA!)).toMatchObject({ signals: [], preselected: true });
    expect(byId.get(driftLook!)).toMatchObject({ signals: ['drift_look'], preselected: false });
    expect(byId.get(driftReview!)).toMatchObject({ signals: ['drift_review'], preselected: false });
    expect(byId.get(difB!)).toMatchObject({ signals: ['dif_b'], preselected: false });
    expect(byId.get(difC!)).toMatchObject({ signals: ['dif_c'], preselected: false });
    expect(byId.get(flagged!)).toMatchObject({ signals: ['misfit'], preselected: false });
  });

  it('anchored items were not estimated: they cannot be selected', async () => {
    const anchored = fixture.challenges[0]!.id;
    const runId = await fakeRun({ anchored: [anchored] });
    expect(await approveRun(db, { runId, userId: reviewer!, items: [anchored] })).toEqual({ ok: false, refusal: 'unknown-items' });
    const all = await approveRun(db, { runId, userId: reviewer!, items: 'all' });
    expect(all).toMatchObject({ ok: true, approvedItems: 11 });
  });

  it('rejecting needs a reason, is recorded with who and when, and a rejected run cannot be approved', async () => {
    const runId = await fakeRun();
    expect(await rejectRun(db, { runId, userId: reviewer!, reason: '  ' })).toEqual({ ok: false, refusal: 'no-reason' });
    expect(await rejectRun(db, { runId, userId: reviewer!, reason: 'Données de la rentrée incomplètes' })).toEqual({ ok: true });
    const run = await db.calibrationRun.findUniqueOrThrow({ where: { id: runId } });
    expect(run).toMatchObject({ reviewStatus: 'REJECTED', reviewedById: reviewer, rejectionReason: 'Données de la rentrée incomplètes' });
    expect(await approveRun(db, { runId, userId: reviewer!, items: 'all' })).toEqual({ ok: false, refusal: 'already-reviewed' });
    const failed = await fakeRun({ status: 'FAILED' });
    expect(await rejectRun(db, { runId: failed, userId: reviewer!, reason: 'Échec' })).toEqual({ ok: false, refusal: 'not-finished' });
  });

  it('two approvals at once make two versions, exactly one in force', async () => {
    const [x, y] = [await fakeRun({ shift: 0.1 }), await fakeRun({ shift: 0.2 })];
    const results = await Promise.all([
      approveRun(db, { runId: x, userId: reviewer!, items: 'all' }),
      approveRun(db, { runId: y, userId: reviewer!, items: 'all' }),
    ]);
    expect(results.every((r) => r.ok)).toBe(true);
    const versions = results.map((r) => (r as { version: number }).version);
    expect(new Set(versions).size).toBe(2);
    expect(await db.parameterSet.count({ where: { active: true } })).toBe(1);
    expect((await activeParameters(db))!.version).toBe(Math.max(...versions));
  });
});
