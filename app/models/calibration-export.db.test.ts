/**
 * The exports read back by the CLI's own parsers: the wide response matrix (and a calibration of it by
 * `cli calibrate` matching the worker's run) and a parameter set's CSV as an anchors file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseUrl, testDb } from '../../tests/setup/db';
import { makeCalibrationFixture, fixtureSettings, type CalibrationFixture } from '../../tests/setup/calibration-fixtures';
import { readAnchorsCsv, readResponseCsv } from '../../cli/csv';
import { calibrateCommand } from '../../cli/calibrate-command';
import { executeCalibrationRun } from '../../workers/calibration';
import { responseMatrixCsv } from './calibration-export.server';
import { approveRun, parameterSetByVersion, parametersCsv } from './parameter-set.server';

const db = testDb();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'calibration-export-'));
let fixture: CalibrationFixture;
let runId: string;

async function text(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

beforeAll(async () => {
  fixture = await makeCalibrationFixture(db, { items: 10, learners: 500, perPerson: 6, seed: 21 });
  const run = await db.calibrationRun.create({ data: { model: '2pl', settings: fixtureSettings(fixture), status: 'QUEUED' } });
  runId = run.id;
  expect(await executeCalibrationRun({ db, databaseUrl: testDatabaseUrl(), threads: false }, runId)).toBe('succeeded');
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('exports', () => {
  it('the response matrix of a run is a wide CSV the CLI reads: same persons, answers and counts per challenge', async () => {
    const matrix = (await responseMatrixCsv(db, testDatabaseUrl(), { runId, chunkRows: 37 }))!;
    const csv = await text(matrix.stream);
    const lines = csv.trimEnd().split('\n');
    expect(lines[0]).toBe(
      `person,${[...fixture.challenges]
        .sort((x, y) => x.level - y.level || x.key.localeCompare(y.key))
        .map((c) => c.key)
        .join(',')}`,
    );
    expect(lines).toHaveLength(501);
    expect(lines[1]).toMatch(/^p1,([01]?,){9}[01]?$/);
    const file = path.join(dir, 'matrice.csv');
    fs.writeFileSync(file, csv);
    const read = await readResponseCsv(file);
    expect(read.format).toBe('wide');
    expect(read.rows).toBe(500);
    expect(read.data.items.length).toBe(fixture.answers);
    const run = await db.calibrationRun.findUniqueOrThrow({ where: { id: runId }, include: { items: { include: { challenge: { select: { key: true } } } } } });
    const answered = new Map<string, { n: number; right: number }>();
    for (let j = 0; j < read.data.items.length; j++) {
      const key = read.data.itemIds[read.data.items[j]!]!;
      const entry = answered.get(key) ?? { n: 0, right: 0 };
      entry.n++;
      entry.right += read.data.scores[j]!;
      answered.set(key, entry);
    }
    for (const item of run.items) {
      expect(answered.get(item.challenge.key)!.n).toBe(item.n);
      expect(answered.get(item.challenge.key)!.right / item.n).toBeCloseTo(item.pValue, 10);
    }

    // The CLI calibrating the exported file finds the run's parameters.
    const { json } = await calibrateCommand([file, '--threads', '1']);
    const cli = JSON.parse(json) as { items: { item: string; a: number; b: number }[]; persons: number };
    expect(cli.persons).toBe(500);
    for (const item of run.items) {
      const same = cli.items.find((i) => i.item === item.challenge.key)!;
      expect(same.b).toBeCloseTo(item.b, 2);
      expect(same.a).toBeCloseTo(item.a, 2);
    }
  });

  it('a parameter set’s CSV is an anchors file for the CLI', async () => {
    const approval = await approveRun(db, { runId, userId: null, items: 'all' });
    if (!approval.ok) throw new Error(approval.refusal);
    const set = (await parameterSetByVersion(db, approval.version))!;
    const file = path.join(dir, 'parametres.csv');
    fs.writeFileSync(file, parametersCsv(set.items));
    const anchors = await readAnchorsCsv(file);
    expect(anchors.size).toBe(set.items.length);
    for (const p of set.items) {
      expect(anchors.get(p.key)!.a).toBe(p.a);
      expect(anchors.get(p.key)!.d).toBe(p.d);
    }
  });
});
