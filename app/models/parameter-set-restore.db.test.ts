/**
 * Putting an earlier parameter set back in force, against real PostgreSQL: what the confirmation lists
 * (parameters that change, challenges calibrated now but absent from the old set, challenges whose content
 * version changed since and stay uncalibrated, cut scores), who may do it and with what, the new approval
 * event that points to the restored set, the audit entry, and what positioning is then served.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { testDb } from '../../tests/setup/db';
import { makeCalibrationFixture, makeUsers, type CalibrationFixture } from '../../tests/setup/calibration-fixtures';
import { markdownLiteToDoc, newChallengeBody } from '../../engine/challenges';
import { activeParameters, approveRun } from './parameter-set.server';
import { restoreEvents, restoreParameterSet, restorePreview } from './parameter-set-restore.server';
import { createRelease } from './release.server';
import { competenceByCode, loadBank } from './positioning-bank.server';

const db = testDb();
let fixture: CalibrationFixture;
let psychometrician: string;
let author: string;

async function fakeRun(shift: number, versionOf: (challengeId: string) => string) {
  const run = await db.calibrationRun.create({
    data: { model: '2pl', settings: {}, status: 'SUCCEEDED', converged: true, iterations: 12, logLik: -1000, persons: 500, answers: 3000 },
  });
  await db.calibrationItemResult.createMany({
    data: fixture.challenges.map((c) => {
      const b = c.level - 3.5 + shift;
      return {
        runId: run.id,
        challengeId: c.id,
        versionId: versionOf(c.id),
        a: 1.2,
        d: -1.2 * b,
        b,
        seB: 0.1,
        n: 300,
        pValue: 0.5,
        flags: [],
        anchored: false,
      };
    }),
  });
  return run.id;
}

let oldVersion: number;
let newVersion: number;
let changedKey: { id: string; key: string; v2: string };
let absent: string[];

beforeAll(async () => {
  fixture = await makeCalibrationFixture(db, { items: 8, learners: 0 });
  const users = await makeUsers(db, 2, { roles: ['PSYCHOMETRICIAN'] });
  psychometrician = users[0]!;
  author = users[1]!;
  await db.user.update({ where: { id: author! }, data: { roles: ['AUTHOR'] } });
  // The old set: every challenge but the last two, calibrated on version 1.
  absent = fixture.challenges.slice(6).map((c) => c.id);
  const first = await fakeRun(0, (id) => fixture.challenges.find((c) => c.id === id)!.versionId);
  const old = await approveRun(db, { runId: first, userId: psychometrician!, items: fixture.challenges.slice(0, 6).map((c) => c.id), note: 'Ancienne' });
  if (!old.ok) throw new Error(old.refusal);
  oldVersion = old.version;
  // Since then: the first challenge's statement changed (a new version served), and a second run calibrated all of them.
  const c0 = fixture.challenges[0]!;
  const body = { ...newChallengeBody('QCU', ['Tests']), instruction: markdownLiteToDoc('Une consigne réécrite qui change la question.') };
  const v2 = await db.challengeVersion.create({ data: { challengeId: c0.id, number: 2, body: body as object } });
  await db.challenge.update({ where: { id: c0.id }, data: { currentVersionId: v2.id, liveVersionId: v2.id } });
  await db.$transaction((tx) => createRelease(tx, `Restauration ${fixture.unique}`, null));
  changedKey = { id: c0.id, key: c0.key, v2: v2.id };
  const second = await fakeRun(0.5, (id) => (id === c0.id ? v2.id : fixture.challenges.find((c) => c.id === id)!.versionId));
  const next = await approveRun(db, { runId: second, userId: psychometrician!, items: 'all', note: 'Nouvelle' });
  if (!next.ok) throw new Error(next.refusal);
  newVersion = next.version;
});

describe('putting an earlier parameter set back in force', () => {
  it('lists what changes before it is confirmed', async () => {
    const preview = (await restorePreview(db, oldVersion))!;
    expect(preview.active?.version).toBe(newVersion);
    const mine = (items: { challengeId: string }[]) => items.map((i) => i.challengeId).filter((id) => fixture.challenges.some((c) => c.id === id));
    // Parameters that change: the five challenges of the old set still on the version it calibrated (b 0.5 lower).
    expect(mine(preview.changed).sort()).toEqual(
      fixture.challenges
        .slice(1, 6)
        .map((c) => c.id)
        .sort(),
    );
    const one = preview.changed.find((i) => i.challengeId === fixture.challenges[1]!.id)!;
    expect(one.bNow! - one.bRestored!).toBeCloseTo(0.5, 9);
    // Calibrated now, absent from the old set: uncalibrated once restored.
    expect(mine(preview.dropped).sort()).toEqual([...absent].sort());
    // In the old set, but its served version changed what is scored: left uncalibrated (decision 020).
    expect(preview.versionChanged.map((i) => i.challengeId)).toContain(changedKey.id);
    expect(preview.versionChanged.find((i) => i.challengeId === changedKey.id)).toMatchObject({ bRestored: null });
    expect(preview.cutScores.length).toBeGreaterThan(0);
    expect(preview.cutScores.every((c) => 'now' in c && 'restored' in c)).toBe(true);
  });

  it('is refused without a reason, for the set in force, over a set in force that changed, and to other roles', async () => {
    const active = (await activeParameters(db))!;
    const base = { version: oldVersion, userId: psychometrician!, roles: ['PSYCHOMETRICIAN'], expectedActiveId: active.id };
    expect(await restoreParameterSet(db, { ...base, reason: '  ' })).toEqual({ ok: false, refusal: 'no-reason' });
    expect(await restoreParameterSet(db, { ...base, version: newVersion, reason: 'Erreur' })).toEqual({ ok: false, refusal: 'already-active' });
    expect(await restoreParameterSet(db, { ...base, expectedActiveId: fixture.releaseId, reason: 'Erreur' })).toEqual({ ok: false, refusal: 'stale' });
    expect(await restoreParameterSet(db, { ...base, userId: author!, roles: ['AUTHOR'], reason: 'Erreur' })).toEqual({ ok: false, refusal: 'forbidden' });
    expect(await restoreParameterSet(db, { ...base, version: 999_999, reason: 'Erreur' })).toEqual({ ok: false, refusal: 'not-found' });
    expect((await activeParameters(db))!.id).toBe(active.id);
  });

  it('makes a new approved version pointing to the restored set, audited, and positioning is served from it', async () => {
    const competence = (await competenceByCode(db, fixture.competence.code))!;
    const before = (await activeParameters(db))!;
    const release = await db.release.findFirstOrThrow({ orderBy: { number: 'desc' } });
    const bankBefore = await loadBank(db, competence, release.id, before.id);
    expect(bankBefore.bank.challenges.find((c) => c.id === absent[0])?.params).not.toBeNull();

    const result = await restoreParameterSet(db, {
      version: oldVersion,
      reason: 'La v suivante surestime les niveaux 5',
      userId: psychometrician!,
      roles: ['PSYCHOMETRICIAN'],
      expectedActiveId: before.id,
      ip: '192.0.2.7',
    });
    expect(result).toMatchObject({ ok: true, restoredFromVersion: oldVersion });
    if (!result.ok) return;
    const set = await db.parameterSet.findUniqueOrThrow({ where: { id: result.parameterSetId }, include: { items: true } });
    expect(set).toMatchObject({ active: true, restoredFromVersion: oldVersion, approvedById: psychometrician, note: 'La v suivante surestime les niveaux 5' });
    expect(set.version).toBeGreaterThan(newVersion);
    const old = await db.parameterSet.findUniqueOrThrow({ where: { version: oldVersion }, include: { items: true } });
    const strip = (items: typeof set.items) => items.map(({ parameterSetId: _, ...p }) => p).sort((x, y) => x.challengeId.localeCompare(y.challengeId));
    expect(strip(set.items)).toEqual(strip(old.items));
    expect(await db.parameterSet.count({ where: { active: true } })).toBe(1);

    // The audit log says who, when, why and from which set.
    const entry = await db.auditLog.findFirstOrThrow({ where: { action: 'parameters.restore', targetId: set.id } });
    expect(entry).toMatchObject({ actorId: psychometrician, targetType: 'parameter-set', ip: '192.0.2.7' });
    expect(entry.details).toMatchObject({
      version: set.version,
      restoredFromVersion: oldVersion,
      replacedVersion: newVersion,
      reason: 'La v suivante surestime les niveaux 5',
    });
    // Both sets' pages tell it.
    const events = await restoreEvents(db, { version: oldVersion, restoredFromVersion: null });
    expect(events).toEqual([
      expect.objectContaining({ version: set.version, restoredFromVersion: oldVersion, reason: 'La v suivante surestime les niveaux 5' }),
    ]);

    // Positioning serves the restored parameters: the old values, nothing for challenges absent from the
    // old set, nothing for the challenge whose statement changed since.
    const active = (await activeParameters(db))!;
    expect(active.id).toBe(set.id);
    const bank = await loadBank(db, competence, release.id, active.id);
    const params = (id: string) => bank.bank.challenges.find((c) => c.id === id)?.params ?? null;
    const c1 = fixture.challenges[1]!;
    expect(params(c1.id)).toEqual({ a: 1.2, d: -1.2 * (c1.level - 3.5) });
    for (const id of absent) expect(params(id)).toBeNull();
    expect(params(changedKey.id)).toBeNull();
    // The cut scores were computed again from what applies.
    expect(Object.keys(set.cutScores as object).length).toBeGreaterThan(0);
  });
});
