/**
 * S-X² in the calibrate command's document is computed while the threads finish the final pass (decision 021,
 * addendum h46): the document is the one toJson gives from the same run computing it afterwards, bit for bit.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { calibrateCommand, toJson } from './calibrate-command';
import { readResponseCsv } from './csv';
import { calibrateInThreads } from '../engine/calibration/parallel';
import { createRandom } from '../engine/random';
import { simulateCalibrationData } from '../engine/simulation';

const dir = mkdtempSync(join(tmpdir(), 'cli-sx2-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A complete wide CSV (every person answers every item, so S-X² is defined): 20 items × 6,000 persons. */
function completeCsv(): string {
  const { data } = simulateCalibrationData(createRandom(46), { items: 20, persons: 6000 });
  const lines = [['person', ...data.itemIds].join(',')];
  for (let r = 0; r + 1 < data.rowStart.length; r++) {
    const cells = new Array<string>(data.itemIds.length).fill('');
    for (let j = data.rowStart[r] as number; j < (data.rowStart[r + 1] as number); j++) cells[data.items[j] as number] = String(data.scores[j]);
    lines.push(`p${r + 1},${cells.join(',')}`);
  }
  const file = join(dir, 'complete.csv');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const withoutSeconds = (json: string) => JSON.stringify({ ...(JSON.parse(json) as object), seconds: null });

describe('calibrate command: S-X² during the final pass', () => {
  it('gives the document computed afterwards, bit for bit (2PL and Rasch; two threads with one inline or none, one thread)', async () => {
    const file = completeCsv();
    const { data } = await readResponseCsv(file);
    for (const model of ['2pl', 'rasch'] as const) {
      for (const { threads, inline } of [
        { threads: 2, inline: true },
        { threads: 2, inline: false },
        { threads: 1, inline: true },
      ]) {
        const result = await calibrateInThreads(data, { model }, { threads, inline, rowScores: true });
        const reference = toJson(result, data) as { items: { sx2: unknown }[] };
        expect(reference.items.every((item) => item.sx2 !== null)).toBe(true);
        const { json } = await calibrateCommand([file, '--model', model, '--threads', String(threads), '--inline', inline ? 'on' : 'off']);
        expect(withoutSeconds(json)).toBe(withoutSeconds(JSON.stringify(reference)));
      }
    }
  });
});
