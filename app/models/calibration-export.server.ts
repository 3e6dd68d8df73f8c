/**
 * The response matrix as a wide CSV: one row per person (pseudonymous ids p1, p2, …), one column per
 * challenge (its key), cells 1 (right), 0 (wrong, skipped, timed out) or empty (not answered). The
 * CLI (`npm run cli -- calibrate FILE`) and R (`read.csv` then mirt/ltm/eRm) read it as it is.
 *
 * The answers are read with the calibration's data rules, page by page; the CSV is streamed to the
 * client a few hundred rows at a time. Raw by default (for R); `mode: 'spreadsheet'` neutralises keys
 * that a spreadsheet would take as formulas (cells 0/1 and person ids never need it).
 */
import type { PrismaClient } from '../../prisma/client';
import { calibrationVersionIds } from './content-version.server';
import { liveChallenges, readCalibrationData, withPgClient } from './calibration-data.server';
import { parseSettings } from './calibration.server';
import { csvField, type CsvMode } from '../../engine/campaigns';

export interface MatrixOptions {
  /** Export the data snapshot and scope of this run (its last answer id, its competences). */
  runId?: string | null;
  /** Rows per streamed chunk (default 500). */
  chunkRows?: number;
  /** `raw` (default, what R reads) or `spreadsheet` (challenge keys starting with = + - @ neutralised). */
  mode?: CsvMode;
}

/** The matrix as a stream of CSV text, with the number of persons and challenges. */
export async function responseMatrixCsv(db: PrismaClient, databaseUrl: string, options: MatrixOptions = {}) {
  let maxAnswerId: string | null = null;
  let competenceIds: string[] = [];
  if (options.runId) {
    const run = await db.calibrationRun.findUnique({ where: { id: options.runId }, select: { maxAnswerId: true, settings: true } });
    if (!run) return null;
    maxAnswerId = run.maxAnswerId?.toString() ?? null;
    competenceIds = parseSettings(run.settings).competenceIds;
  }
  const live = await liveChallenges(db, competenceIds);
  // The same answers a run reads: those on the served versions and their equivalents.
  const versionIds = await calibrationVersionIds(db, live);
  const read = await withPgClient(databaseUrl, (client) => readCalibrationData(client, live, { maxAnswerId, versionIds }));
  const { data, items } = read;
  const rows = data.rowStart.length - 1;
  const columns = items.length;
  const chunkRows = options.chunkRows ?? 500;
  const encoder = new TextEncoder();
  let row = -1;
  const cells = new Array<string>(columns);
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (row === -1) {
        controller.enqueue(encoder.encode(`person,${items.map((c) => csvField(c.key, ',', options.mode ?? 'raw')).join(',')}\n`));
        row = 0;
        return;
      }
      if (row >= rows) {
        controller.close();
        return;
      }
      let text = '';
      const end = Math.min(rows, row + chunkRows);
      for (; row < end; row++) {
        cells.fill('');
        for (let j = data.rowStart[row] as number; j < (data.rowStart[row + 1] as number); j++) {
          cells[data.items[j] as number] = data.scores[j] === 1 ? '1' : '0';
        }
        text += `p${row + 1},${cells.join(',')}\n`;
      }
      controller.enqueue(encoder.encode(text));
    },
  });
  return { stream, persons: rows, challenges: columns, answers: read.counts.used, maxAnswerId: read.maxAnswerId };
}
