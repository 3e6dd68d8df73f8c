/**
 * θ with its standard error for the persons of a calibration run (issue 18): the run's answers (its
 * snapshot and scope, read with the calibration's data rules as the matrix export does), scored by EAP
 * on the run's parameters and latent distribution over the run's quadrature, the same computation as
 * the worker's and the CLI's `score --method eap`.
 *
 * Persons are pseudonymised: HMAC-SHA-256 of the person's key (a learner on a competence, or a
 * certification) under a server secret and the run id, so ids are stable within a run, differ between
 * runs, and reveal neither the user id, the e-mail nor the name.
 */
import { createHmac } from 'node:crypto';
import type { PrismaClient } from '../../prisma/client';
import { computeRowAbilities, selectItems } from '../../engine/calibration';
import { gridNodes, normalWeights } from '../../engine/irt';
import { calibrationVersionIds } from './content-version.server';
import { liveChallenges, readCalibrationData, withPgClient } from './calibration-data.server';
import { parseSettings } from './calibration.server';

/** A person's pseudonym within a run: 16 hex digits of HMAC-SHA-256(secret, run id + person key). */
export function personPseudonym(secret: string, runId: string, personKey: string): string {
  return `p-${createHmac('sha256', secret).update(`theta-download\u0000${runId}\u0000${personKey}`).digest('hex').slice(0, 16)}`;
}

export type RunScores = { ok: true; csv: string; persons: number } | { ok: false; reason: 'not-found' } | { ok: false; reason: 'not-finished'; status: string };

export async function runScoresCsv(db: PrismaClient, databaseUrl: string, runId: string, secret: string): Promise<RunScores> {
  const run = await db.calibrationRun.findUnique({
    where: { id: runId },
    select: { id: true, status: true, maxAnswerId: true, settings: true, summary: true, items: { select: { challengeId: true, a: true, d: true } } },
  });
  if (!run) return { ok: false, reason: 'not-found' };
  if (run.status !== 'SUCCEEDED') return { ok: false, reason: 'not-finished', status: run.status };
  const settings = parseSettings(run.settings);
  const summary = (run.summary ?? {}) as { latent?: { mean?: number; sd?: number } };
  const mean = typeof summary.latent?.mean === 'number' ? summary.latent.mean : 0;
  const sd = typeof summary.latent?.sd === 'number' ? summary.latent.sd : 1;
  const live = await liveChallenges(db, settings.competenceIds);
  const versionIds = await calibrationVersionIds(db, live);
  const read = await withPgClient(databaseUrl, (client) => readCalibrationData(client, live, { maxAnswerId: run.maxAnswerId?.toString() ?? '0', versionIds }));
  const parameters = new Map(run.items.map((i) => [i.challengeId, i] as const));
  const { data, personKeys = [] } = read;
  // Only the run's challenges count (a later release may serve others).
  const known = data.itemIds.map((id) => parameters.get(id) ?? null);
  const keepIndex = new Int32Array(known.length).fill(-1);
  const kept: { a: number; d: number }[] = [];
  known.forEach((p, i) => {
    if (p) {
      keepIndex[i] = kept.length;
      kept.push({ a: p.a, d: p.d });
    }
  });
  const usable = selectItems(
    data,
    keepIndex,
    kept.map((_, k) => String(k)),
  );
  const nodes = gridNodes(-6, 6, settings.quadraturePoints);
  const { theta, sd: se } = computeRowAbilities(
    usable,
    { a: Float64Array.from(kept, (p) => p.a), d: Float64Array.from(kept, (p) => p.d) },
    { nodes, weights: normalWeights(nodes, mean, sd) },
  );
  const lines = ['person,theta,se,answers'];
  let persons = 0;
  for (let r = 0; r < usable.rowStart.length - 1; r++) {
    const answers = (usable.rowStart[r + 1] as number) - (usable.rowStart[r] as number);
    if (answers === 0) continue;
    persons++;
    lines.push(`${personPseudonym(secret, run.id, personKeys[r] ?? String(r))},${theta[r]},${se[r]},${answers}`);
  }
  return { ok: true, csv: `${lines.join('\n')}\n`, persons };
}
