/**
 * Issue 18: the worker and the CLI give the same figures on the same data. A run is computed by the
 * worker on real PostgreSQL; its answers are exported with the response-matrix export (the run's
 * snapshot and scope) and calibrated by `cli calibrate` with the run's settings: AIC, BIC, both
 * reliabilities, S-X² per item and the parameters agree to 1e-6. The θ download of the run equals
 * `cli score --method eap` on the same answers with the run's parameters and latent distribution, and
 * its person ids are pseudonyms: stable within a run, different between runs, no user id or e-mail.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseUrl, testDb } from '../tests/setup/db';
import { fixtureSettings, makeCalibrationFixture, type CalibrationFixture } from '../tests/setup/calibration-fixtures';
import { executeCalibrationRun } from './calibration';
import { responseMatrixCsv } from '../app/models/calibration-export.server';
import { runScoresCsv } from '../app/models/calibration-scores.server';
import type { RunQuality } from '../app/models/calibration.server';
import { getRunComparison } from '../app/models/psychometrics-analysis.server';
import { raschVs2plTest } from '../app/models/model-comparison.server';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'calibration-quality-'));
const db = testDb();
const databaseUrl = testDatabaseUrl();
let fixture: CalibrationFixture;
let runId: string;
let otherRunId: string;

async function cli(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], { cwd: repoRoot, maxBuffer: 1 << 26 });
  return stdout;
}

async function streamText(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

beforeAll(async () => {
  // Every learner answers every challenge: a complete design, so S-X² is defined.
  fixture = await makeCalibrationFixture(db, { items: 8, learners: 500, perPerson: 8, seed: 18 });
  const created = await db.calibrationRun.create({ data: { model: '2pl', settings: fixtureSettings(fixture, { model: '2pl' }), status: 'QUEUED' } });
  runId = created.id;
  expect(await executeCalibrationRun({ db, databaseUrl, threads: false, snapshotDir: null }, runId)).toBe('succeeded');
  // The same answer snapshot as the 2PL run, whatever other tests write meanwhile.
  const first = await db.calibrationRun.findUniqueOrThrow({ where: { id: runId } });
  const other = await db.calibrationRun.create({
    data: { model: 'rasch', settings: fixtureSettings(fixture, { model: 'rasch', maxAnswerId: first.maxAnswerId!.toString() }), status: 'QUEUED' },
  });
  otherRunId = other.id;
  expect(await executeCalibrationRun({ db, databaseUrl, threads: false, snapshotDir: null }, otherRunId)).toBe('succeeded');
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the worker and the CLI on the same data', () => {
  it('store and print the same AIC, BIC, reliabilities, S-X² and parameters', async () => {
    const row = await db.calibrationRun.findUniqueOrThrow({ where: { id: runId }, include: { items: true } });
    const quality = (row.summary as unknown as { quality: RunQuality }).quality;
    const matrix = await responseMatrixCsv(db, databaseUrl, { runId });
    const file = join(dir, 'matrix.csv');
    writeFileSync(file, await streamText(matrix!.stream));
    const doc = JSON.parse(await cli('calibrate', file, '--model', '2pl', '--priors', 'on', '--quadpts', '61', '--tol', '1e-4')) as {
      logLik: number;
      parameters: number;
      aic: number;
      bic: number;
      marginalReliability: number;
      empiricalReliability: number;
      items: { item: string; a: number; d: number; sx2: { statistic: number; df: number; p: number } | null }[];
    };
    expect(doc.parameters).toBe(quality.parameterCount);
    expect(Math.abs(doc.logLik - quality.logLik)).toBeLessThan(1e-6);
    expect(Math.abs(doc.aic - quality.aic)).toBeLessThan(1e-6);
    expect(Math.abs(doc.bic - quality.bic)).toBeLessThan(1e-6);
    expect(Math.abs(doc.marginalReliability - quality.marginalReliability)).toBeLessThan(1e-6);
    expect(Math.abs(doc.empiricalReliability - (quality.empiricalReliability as number))).toBeLessThan(1e-6);
    expect(quality.marginalReliability).toBeGreaterThan(0.3);
    const idOfKey = new Map(fixture.challenges.map((c) => [c.key, c.id] as const));
    expect(doc.items).toHaveLength(8);
    let withSx2 = 0;
    for (const item of doc.items) {
      const id = idOfKey.get(item.item) as string;
      const stored = quality.sx2[id];
      const result = row.items.find((i) => i.challengeId === id)!;
      expect(Math.abs(item.a - result.a)).toBeLessThan(1e-6);
      expect(Math.abs(item.d - result.d)).toBeLessThan(1e-6);
      if (item.sx2 === null) {
        expect(stored).toBeNull();
        continue;
      }
      withSx2++;
      expect(stored).not.toBeNull();
      expect(Math.abs(item.sx2.statistic - stored!.statistic)).toBeLessThan(1e-6);
      expect(item.sx2.df).toBe(stored!.df);
      expect(Math.abs(item.sx2.p - stored!.p)).toBeLessThan(1e-6);
    }
    expect(withSx2).toBe(8);
    // Test information of the competence: Σ a²P(1−P) over its challenges, SE = 1/√I.
    const curve = quality.testInformation.curves.find((c) => c.competenceId === fixture.competence.id)!;
    expect(curve.items).toBe(8);
    const q0 = quality.testInformation.theta.findIndex((t) => Math.abs(t) < 1e-9);
    const expected = row.items.reduce((s, i) => {
      const p = 1 / (1 + Math.exp(-i.d));
      return s + i.a * i.a * p * (1 - p);
    }, 0);
    expect(Math.abs((curve.information[q0] as number) - expected)).toBeLessThan(1e-9);
    expect(Math.abs((curve.se[q0] as number) - 1 / Math.sqrt(expected))).toBeLessThan(1e-9);
  }, 120_000);

  it('give the same θ and SE: the run download equals cli score (EAP) with the run’s parameters and latent distribution', async () => {
    const row = await db.calibrationRun.findUniqueOrThrow({ where: { id: otherRunId }, include: { items: true } });
    const latent = (row.summary as unknown as { latent: { mean: number; sd: number } }).latent;
    expect(latent.sd).not.toBeCloseTo(1, 3); // Rasch: σ estimated, so the latent distribution matters
    const scores = await runScoresCsv(db, databaseUrl, otherRunId, 'test-secret');
    expect(scores.ok).toBe(true);
    if (!scores.ok) return;
    const lines = scores.csv.trim().split('\n');
    expect(lines[0]).toBe('person,theta,se,answers');
    expect(lines).toHaveLength(501);
    expect(scores.persons).toBe(500);

    const matrix = await responseMatrixCsv(db, databaseUrl, { runId: otherRunId });
    const file = join(dir, 'matrix-rasch.csv');
    writeFileSync(file, await streamText(matrix!.stream));
    const keyOf = new Map(fixture.challenges.map((c) => [c.id, c.key] as const));
    const params = join(dir, 'params.csv');
    writeFileSync(params, `item,a,d\n${row.items.map((i) => `${keyOf.get(i.challengeId)},${i.a},${i.d}`).join('\n')}\n`);
    const cliLines = (await cli('score', file, '--parameters', params, '--latent-mean', String(latent.mean), '--latent-sd', String(latent.sd)))
      .trim()
      .split('\n');
    expect(cliLines).toHaveLength(501);
    for (let r = 1; r < lines.length; r++) {
      const [, theta, se, answers] = (lines[r] as string).split(',');
      const [, cliTheta, cliSe, cliAnswers] = (cliLines[r] as string).split(',');
      expect(Math.abs(Number(theta) - Number(cliTheta))).toBeLessThan(1e-9);
      expect(Math.abs(Number(se) - Number(cliSe))).toBeLessThan(1e-9);
      expect(answers).toBe(cliAnswers);
    }
  }, 120_000);

  it('compare Rasch and 2PL alike: the comparison page’s likelihood-ratio test equals cli calibrate --model both', async () => {
    const comparison = await getRunComparison(db, otherRunId, runId);
    const test = raschVs2plTest(comparison.a!, comparison.b!);
    expect(test.applies).toBe(true);
    if (!test.applies) return;
    const matrix = await responseMatrixCsv(db, databaseUrl, { runId });
    const file = join(dir, 'matrix-both.csv');
    writeFileSync(file, await streamText(matrix!.stream));
    const doc = JSON.parse(await cli('calibrate', file, '--model', 'both')) as {
      comparison: {
        rasch: { logLik: number; parameters: number; aic: number; bic: number };
        '2pl': { aic: number; bic: number };
        likelihoodRatio: { statistic: number; df: number; p: number };
      };
    };
    expect(test.rasch.parameters).toBe(doc.comparison.rasch.parameters);
    expect(Math.abs(test.rasch.aic - doc.comparison.rasch.aic)).toBeLessThan(1e-6);
    expect(Math.abs(test.twoPl.bic - doc.comparison['2pl'].bic)).toBeLessThan(1e-6);
    expect(test.likelihoodRatio.df).toBe(doc.comparison.likelihoodRatio.df);
    expect(test.likelihoodRatio.df).toBe(7); // 16 − (8 + σ)
    expect(Math.abs(test.likelihoodRatio.statistic - doc.comparison.likelihoodRatio.statistic)).toBeLessThan(1e-6);
    expect(Math.abs(test.likelihoodRatio.p - doc.comparison.likelihoodRatio.p)).toBeLessThan(1e-6);
    // Two 2PL runs, or runs on other answers: the test does not apply, and says why.
    expect(raschVs2plTest(comparison.b!, comparison.b!)).toEqual({ applies: false, reason: 'models' });
    expect(raschVs2plTest({ ...comparison.a!, maxAnswerId: '1' }, comparison.b!)).toEqual({ applies: false, reason: 'snapshot' });
    expect(raschVs2plTest({ ...comparison.a!, settings: { ...comparison.a!.settings, competenceIds: ['x'] } }, comparison.b!)).toEqual({
      applies: false,
      reason: 'scope',
    });
  }, 120_000);

  it('pseudonymises persons: stable within a run, different across runs, never a user id or e-mail', async () => {
    const first = await runScoresCsv(db, databaseUrl, runId, 'test-secret');
    const again = await runScoresCsv(db, databaseUrl, runId, 'test-secret');
    const other = await runScoresCsv(db, databaseUrl, otherRunId, 'test-secret');
    if (!first.ok || !again.ok || !other.ok) throw new Error('scores refused');
    const ids = (csv: string) =>
      csv
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(',')[0] as string);
    expect(ids(first.csv)).toEqual(ids(again.csv));
    expect(new Set(ids(first.csv)).size).toBe(500);
    expect(ids(first.csv).every((id) => /^p-[0-9a-f]{16}$/.test(id))).toBe(true);
    const otherIds = new Set(ids(other.csv));
    expect(ids(first.csv).filter((id) => otherIds.has(id))).toEqual([]);
    for (const userId of fixture.learners.slice(0, 50)) expect(first.csv).not.toContain(userId);
    expect(first.csv).not.toContain('@');
    expect(await runScoresCsv(db, databaseUrl, 'no-such-run', 'test-secret')).toEqual({ ok: false, reason: 'not-found' });
    const queued = await db.calibrationRun.create({ data: { model: '2pl', settings: fixtureSettings(fixture), status: 'QUEUED' } });
    expect(await runScoresCsv(db, databaseUrl, queued.id, 'test-secret')).toEqual({ ok: false, reason: 'not-finished', status: 'QUEUED' });
    await db.calibrationRun.delete({ where: { id: queued.id } });
  }, 120_000);
});
