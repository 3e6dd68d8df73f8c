/**
 * SQL statements per request on the learner's path: starts the web server in this process on a fresh
 * seeded database (the build must exist: `npx remix build`), counts the statements the pg driver sends
 * during each request of one learner (sign-up, profile, start, the test's questions, answers, results)
 * and prints, per kind of request, the count and the statements.
 *
 *   node --import tsx bench/request-statements.ts [--verbose]
 */
import pg from 'pg';
import { decode } from 'turbo-stream';

const verbose = process.argv.includes('--verbose');
const sent: string[] = [];
const original = pg.Client.prototype.query as (...args: unknown[]) => unknown;
(pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown }).query = function (this: unknown, ...args: unknown[]) {
  const config = args[0] as string | { text?: string };
  sent.push((typeof config === 'string' ? config : (config?.text ?? '?')).replace(/\s+/g, ' ').slice(0, 160));
  return original.apply(this, args);
};

const { seededTestDatabase } = await import('./seeded-database');
const database = await seededTestDatabase();
process.env.DATABASE_URL = database.url;
process.env.NODE_ENV = 'production';
const { startWebServer } = await import('../scripts/server');
const web = await startWebServer({ port: 0, host: '127.0.0.1' });
const base = web.url.replace('localhost', '127.0.0.1');
let cookie = '';

const rows: { what: string; status: number; statements: number; ms: number }[] = [];
async function request(what: string, method: 'GET' | 'POST', url: string, form?: Record<string, string>): Promise<globalThis.Response> {
  sent.length = 0;
  const t0 = performance.now();
  const response = await fetch(`${base}${url}`, {
    method,
    redirect: 'manual',
    headers: { ...(cookie ? { Cookie: cookie } : {}), ...(form ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}) },
    body: form ? new URLSearchParams(form) : undefined,
  });
  const copy = response.clone();
  await copy.arrayBuffer();
  const ms = performance.now() - t0;
  const m = /__session=([^;]*)/.exec(response.headers.get('set-cookie') ?? '');
  if (m) cookie = `__session=${m[1]}`;
  rows.push({ what, status: response.status, statements: sent.length, ms: Number(ms.toFixed(1)) });
  if (verbose) for (const s of sent) console.log(`  ${what}: ${s}`);
  return response;
}

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1] ?? 1) || 1;
const codes = ['1.1', '1.2', '1.3', '2.1', '2.2', '2.3', '2.4', '3.1', '3.2', '3.3', '3.4', '4.1', '4.2', '4.3', '5.1', '5.2'];
for (let round = 0; round < rounds; round++) {
  cookie = '';
  await request('GET /connexion', 'GET', '/connexion');
  await request('POST /inscription', 'POST', '/inscription', {
    firstName: 'Compte',
    lastName: 'Requêtes',
    email: `requetes-${Date.now()}-${round}@exemple.fr`,
    password: 'Charge-2026',
    consent: 'on',
  });
  const profile = await (await request('GET /profil', 'GET', '/profil')).text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(profile)?.[1] ?? '';
  for (const code of round === 0 ? ['1.1'] : codes) {
    const url = `/competences/${code}/evaluation`;
    await request('POST start (.data)', 'POST', `${url}.data`, { csrf, intent: 'start' });
    const first = await decode((await request('GET test (.data)', 'GET', `${url}.data`)).body!);
    await first.done;
    let step = Object.values(first.value as Record<string, { data?: { step?: unknown } }>).find((v) => v?.data?.step)?.data?.step as
      { kind: string; assessmentId: string; challengeId: string } | undefined;
    for (let n = 0; step && step.kind === 'challenge' && n < 30; n++) {
      const d = await decode(
        (
          await request('POST answer (.data)', 'POST', `${url}.data`, {
            csrf,
            intent: 'answer',
            assessmentId: step.assessmentId,
            challengeId: step.challengeId,
            skipped: '1',
          })
        ).body!,
      );
      await d.done;
      step = (d.value as { data?: { step?: typeof step } }).data?.step;
    }
    await request('GET results (.data)', 'GET', `/competences/${code}/resultats.data`);
  }
  await request('GET results (page)', 'GET', '/competences/1.1/resultats');
  await request('GET /profil', 'GET', '/profil');
  if (round === 0 && rounds > 1) rows.length = 0; // the first round warms the caches and the JIT
}

if (rounds > 1) {
  const kinds = new Map<string, { n: number; statements: number; ms: number[] }>();
  for (const r of rows) {
    const k = kinds.get(r.what) ?? { n: 0, statements: 0, ms: [] };
    k.n++;
    k.statements += r.statements;
    k.ms.push(r.ms);
    kinds.set(r.what, k);
  }
  console.table(
    [...kinds].map(([what, k]) => {
      const sorted = [...k.ms].sort((a, b) => a - b);
      return {
        what,
        requests: k.n,
        statementsPerRequest: Number((k.statements / k.n).toFixed(1)),
        p50ms: sorted[Math.floor(sorted.length / 2)],
        meanMs: Number((k.ms.reduce((a, b) => a + b, 0) / k.n).toFixed(1)),
      };
    }),
  );
} else console.table(rows);
await web.close();
await database.drop();
process.exit(0);
