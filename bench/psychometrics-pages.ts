/**
 * How long the psychometrician's analysis pages take on the demo data of a fresh install (about
 * 100,000 answers of 1,500 simulated learners, prisma/demo-answers.ts), with two real calibration runs:
 * the seeded one (approved as v1) and a second one over every answer (so there is drift to show).
 *
 * Prints, for each page, the time of its loader's queries (cold: first call in the process; warm: the
 * median of 5 more) and, when a Remix build exists (npm run build), the time of the whole page over
 * HTTP, signed in as the demo psychometrician. Benchmarks print; they do not assert.
 *
 *   node --import tsx bench/psychometrics-pages.ts          # fresh database, dropped at the end
 *   node --import tsx bench/psychometrics-pages.ts --keep   # keep it and print its URL (to browse it)
 *   DATABASE_URL=… node --import tsx bench/psychometrics-pages.ts --existing   # time an existing database
 */
import fs from 'node:fs';
import path from 'node:path';
import { createTestDatabase } from '../scripts/testdb';
import { projectRoot } from '../scripts/database';

const keep = process.argv.includes('--keep');
const existing = process.argv.includes('--existing');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

async function time<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await work();
  return { ms: performance.now() - t, value };
}

async function main() {
  let url = process.env.DATABASE_URL ?? '';
  let drop: (() => Promise<void>) | null = null;
  if (!existing) {
    const database = await createTestDatabase();
    url = database.url;
    drop = database.drop;
  }
  process.env.DATABASE_URL = url;
  const { createPrisma } = await import('../prisma/client');
  const db = createPrisma(url);
  try {
    if (!existing) {
      const { seed } = await import('../prisma/seed');
      const seeded = await time(() => seed(db, (line) => console.log(`  ${line}`), { databaseUrl: url }));
      console.log(`Seed with demo answers: ${(seeded.ms / 1000).toFixed(1)} s`);
      const { calibrateNow } = await import('../workers/calibration');
      const calibrated = await time(() => calibrateNow(db, url, { anchors: 'recalibrate-all', distribution: 'local' }));
      console.log(`Second calibration run: ${calibrated.value.outcome} in ${(calibrated.ms / 1000).toFixed(1)} s`);
    }
    const answers = await db.answer.count();
    const runs = await db.calibrationRun.findMany({
      where: { status: 'SUCCEEDED' },
      orderBy: { createdAt: 'desc' },
      select: { id: true, _count: { select: { items: true } } },
    });
    const latest = runs[0];
    if (!latest) throw new Error('no finished calibration run');
    const item = await db.calibrationItemResult.findFirst({ where: { runId: latest.id }, orderBy: { n: 'desc' }, select: { challengeId: true, n: true } });
    const competence = await db.challenge.findUnique({
      where: { id: item?.challengeId ?? '' },
      select: { skill: { select: { tube: { select: { competence: { select: { code: true } } } } } } },
    });
    const code = competence?.skill.tube.competence.code ?? null;
    console.log(
      `\nData: ${answers.toLocaleString('en')} answers, ${runs.length} finished runs, latest with ${
        latest._count.items
      } items; item page for a challenge with n = ${item?.n}; bank of competence ${code}\n`,
    );

    const analysis = await import('../app/models/psychometrics-analysis.server');
    const pages: { name: string; path: string; load: () => Promise<unknown> }[] = [
      { name: 'run', path: `/psychometrie/calibrations/${latest.id}`, load: () => analysis.getRunAnalysis(db, latest.id) },
      {
        name: 'item',
        path: `/psychometrie/items/${item?.challengeId}?run=${latest.id}`,
        load: () => analysis.getItemAnalysis(db, item?.challengeId ?? '', latest.id),
      },
      {
        name: 'bank',
        path: `/psychometrie/banque?competence=${encodeURIComponent(code ?? '')}`,
        load: () => analysis.getBankAnalysis(db, { competence: code }),
      },
      { name: 'comparison', path: `/psychometrie/comparaison`, load: () => analysis.getRunComparison(db, runs[1]?.id, latest.id) },
    ];
    console.log('Loader queries (ms)        cold     warm (median of 5)');
    for (const page of pages) {
      analysis.clearAnalysisCache();
      const cold = await time(page.load);
      const warm: number[] = [];
      for (let k = 0; k < 5; k++) warm.push((await time(page.load)).ms);
      console.log(`  ${page.name.padEnd(22)} ${cold.ms.toFixed(0).padStart(6)}   ${median(warm).toFixed(0).padStart(6)}`);
    }
    // The bank's θ̂ are cached per (set, competence); without the cache:
    const uncached: number[] = [];
    for (let k = 0; k < 3; k++) {
      analysis.clearAnalysisCache();
      uncached.push((await time(pages[2]!.load)).ms);
    }
    console.log(`  ${'bank, θ̂ not cached'.padEnd(22)} ${''.padStart(6)}   ${median(uncached).toFixed(0).padStart(6)}`);

    if (fs.existsSync(path.join(projectRoot, 'build', 'index.js'))) {
      const { startWebServer } = await import('../scripts/server');
      const { createUserSession } = await import('../app/lib/session.server');
      const user = await db.user.findUniqueOrThrow({ where: { email: 'psychometre@exemple.fr' }, select: { id: true } });
      const cookie = ((await createUserSession(user.id, '/')).headers.get('Set-Cookie') ?? '').split(';')[0] as string;
      const web = await startWebServer({ port: 0, host: '127.0.0.1' });
      try {
        // The server's own first request (module loading, database connections) is not a page's cost.
        await fetch(`${web.url}/psychometrie`, { headers: { Cookie: cookie } }).then((r) => r.text());
        console.log('\nWhole page over HTTP (ms)  first    warm (median of 5)   size');
        for (const page of pages) {
          analysis.clearAnalysisCache();
          const get = async () => {
            const res = await fetch(web.url + page.path, { headers: { Cookie: cookie } });
            if (res.status !== 200) throw new Error(`${page.path}: HTTP ${res.status}`);
            return (await res.text()).length;
          };
          const first = await time(get);
          const warm: number[] = [];
          for (let k = 0; k < 5; k++) warm.push((await time(get)).ms);
          console.log(
            `  ${page.name.padEnd(22)} ${first.ms.toFixed(0).padStart(6)}   ${median(warm).toFixed(0).padStart(6)}              ${(first.value / 1024).toFixed(
              0,
            )} KiB`,
          );
        }
      } finally {
        await web.close();
      }
    } else {
      console.log('\n(no build/: run `npm run build` to time whole pages over HTTP)');
    }
    if (keep) console.log(`\nDatabase kept: ${url}`);
  } finally {
    await db.$disconnect();
    if (drop && !keep) await drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
