/**
 * How long the run page's diagnostics computed in its loader take (DIF on each learner variable and
 * the exposure of every challenge), next to the rest of the run page's queries, on an existing
 * database — e.g. the demo data kept by `node --import tsx bench/psychometrics-pages.ts --keep`
 * (131,003 answers of 1,500 simulated learners). Also times the worker-side person fit and Q3 on the
 * same answers. Benchmarks print; they do not assert.
 *
 *   DATABASE_URL=… node --import tsx bench/run-diagnostics.ts
 */
import { createPrisma } from '../prisma/client';
import { getRunAnalysis } from '../app/models/psychometrics-analysis.server';
import { clearDiagnosticsCache, getRunDiagnostics } from '../app/models/psychometrics-diagnostics.server';
import { DIF_VARIABLES, parseDiagnosticsQuery } from '../app/lib/psychometrics-diagnostics';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

async function main() {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is needed');
  const db = createPrisma(url);
  try {
    const run = await db.calibrationRun.findFirst({
      where: { status: 'SUCCEEDED' },
      orderBy: [{ answers: 'desc' }, { createdAt: 'desc' }],
      select: { id: true },
    }); // the largest
    if (!run) throw new Error('no finished run');
    const answers = await db.answer.count();
    console.log(`Database: ${answers.toLocaleString('en')} answers; run ${run.id}`);
    console.log('Loader (ms)                     cold   warm (median of 5)   detail');
    for (const variable of [null, ...DIF_VARIABLES]) {
      const times: number[] = [];
      let detail = '';
      for (let k = 0; k < 6; k++) {
        clearDiagnosticsCache(); // each time the DIF query itself (the page keeps its persons a few minutes)
        const t = performance.now();
        const analysis = await getRunAnalysis(db, run.id);
        if (!analysis) throw new Error('run not found');
        const query = parseDiagnosticsQuery(new URLSearchParams(variable ? { dif: variable } : {}));
        const diagnostics = await getRunDiagnostics(db, analysis, query);
        times.push(performance.now() - t);
        const d = diagnostics.dif;
        detail = d
          ? `groups ${d.groups.length}, ref ${d.reference?.label ?? '—'} (${d.reference?.persons ?? 0}) vs ${d.focal?.label ?? '—'} (${d.focal?.persons ?? 0}), unknown ${d.unknownPersons}, ${d.refusal ?? `A ${d.counts.A} B ${d.counts.B} C ${d.counts.C}`}; DIF ${d.milliseconds.toFixed(0)} ms, exposure ${diagnostics.exposure.milliseconds.toFixed(0)} ms`
          : `exposure ${diagnostics.exposure.milliseconds.toFixed(0)} ms, ${diagnostics.exposure.from} → ${diagnostics.exposure.to}, tests ${JSON.stringify(diagnostics.exposure.tests)}, over-exposed ${diagnostics.exposure.overExposed}`;
      }
      console.log(
        `  run page${variable ? ` + DIF ${variable}` : ''}`.padEnd(32),
        String(Math.round(times[0]!)).padStart(5),
        String(Math.round(median(times.slice(1)))).padStart(8),
        '           ',
        detail,
      );
    }
  } finally {
    await db.$disconnect();
  }
}

await main();
