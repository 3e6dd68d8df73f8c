/**
 * Document renders: the server CPU of one page rendered by Remix (the HTML a browser without JavaScript,
 * or a first visit, gets), asked alone, one request after the other, with nothing else running on the
 * server. Pages: the sign-in page (anonymous, no database: the reference page of bench/learner-load.ts)
 * and a signed-in learner's profile page (session lookup, its loaders' queries).
 *
 *   node --import tsx bench/document-render-cpu.ts [--count 1000] [--rounds 3] [--user-agent node|browser]
 *                                                  [--pages connexion,profil]
 *
 * Makes a fresh seeded database, builds the app and starts the web server in a child process (as
 * bench/learner-load.ts does; BENCH_SERVER_NODE_ARGS adds Node options to the server, e.g. "--cpu-prof
 * --cpu-prof-dir=/tmp/prof"). Prints, per page and round, the server's CPU per render (ms, from /proc:
 * user + system, the process's threads included), and the page's bytes (as sent, gzip, and decoded).
 *
 * --user-agent node (default) sends what bench/learner-load.ts sends (fetch's headers, user agent "node",
 * which isbot counts as a bot: the page is rendered whole before it is sent); `browser` sends a desktop
 * browser's user agent (the page is streamed from its shell).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import readline from 'node:readline';
import zlib from 'node:zlib';
import { projectRoot } from '../scripts/database';
import { WEB_SERVER_NODE_OPTIONS } from '../scripts/server-node-options';
import { DEMO_PASSWORD } from '../prisma/demo';
import { buildProductionApp, seededTestDatabase } from './seeded-database';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}
const COUNT = Number(option('count', '1000'));
const ROUNDS = Number(option('rounds', '3'));
/** Which pages (comma-separated: connexion, profil); all by default. */
const PAGES = option('pages', 'connexion,profil').split(',');
const USER_AGENT = option('user-agent', 'node') === 'browser' ? 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' : 'node';

function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  sent: number;
  html: string;
}

function get(base: string, url: string, cookie: string, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const target = new URL(url, base);
    const headers: Record<string, string> = {
      accept: '*/*',
      'accept-language': '*',
      'sec-fetch-mode': 'cors',
      'user-agent': USER_AGENT,
      'accept-encoding': 'gzip, deflate',
      ...(cookie ? { cookie } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)) }),
    };
    const req = http.request(
      { method: body === undefined ? 'GET' : 'POST', host: target.hostname, port: target.port, path: target.pathname, agent, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const whole = Buffer.concat(chunks);
          const html = res.headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(whole) : whole;
          resolve({ status: res.statusCode ?? 0, headers: res.headers, sent: whole.length, html: html.toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const database = await seededTestDatabase();
await buildProductionApp();
const dataDir = path.join(projectRoot, '.cache', `bench-render-${Date.now().toString(36)}`);
const nodeArgs = [...WEB_SERVER_NODE_OPTIONS, ...(process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean)];
const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', path.join(projectRoot, 'bench', 'learner-load-server.ts')], {
  cwd: projectRoot,
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, NODE_ENV: 'production', DATABASE_URL: database.url, WORKBENCH_DATA_DIR: dataDir },
});
const base = await new Promise<string>((resolve, reject) => {
  readline.createInterface({ input: child.stdout! }).once('line', (line) => resolve((JSON.parse(line) as { url: string }).url));
  child.once('exit', (code) => reject(new Error(`server exited (${code})`)));
});
const pid = child.pid as number;

try {
  // The learner signs in once (the sign-in form's own hidden fields are all it needs).
  const signIn = await get(base, '/connexion', '', new URLSearchParams({ email: 'eleve@exemple.fr', password: DEMO_PASSWORD, redirectTo: '' }).toString());
  const cookie = /__session=[^;]*/.exec(String(signIn.headers['set-cookie'] ?? ''))?.[0] ?? '';
  if (!cookie) throw new Error(`sign-in failed (${signIn.status})`);
  const pages = [
    { name: 'GET /connexion (anonymous)', url: '/connexion', cookie: '' },
    { name: 'GET /profil (learner)', url: '/profil', cookie },
  ];
  const results: Record<string, unknown>[] = [];
  for (const page of pages.filter((p) => PAGES.includes(p.url.slice(1)))) {
    const first = await get(base, page.url, page.cookie);
    if (first.status !== 200) throw new Error(`${page.url}: ${first.status}`);
    for (let k = 0; k < 200; k++) await get(base, page.url, page.cookie);
    const msPerRender: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const before = cpuSeconds(pid);
      for (let k = 0; k < COUNT; k++) await get(base, page.url, page.cookie);
      msPerRender.push(Number((((cpuSeconds(pid) - before) * 1000) / COUNT).toFixed(3)));
    }
    results.push({
      page: page.name,
      msPerRender,
      bytesSent: first.sent,
      contentEncoding: first.headers['content-encoding'] ?? 'none',
      // chunked: streamed; none: sent whole with its length.
      transferEncoding: first.headers['transfer-encoding'] ?? 'none',
      bytesHtml: Buffer.byteLength(first.html),
    });
  }
  console.log(JSON.stringify({ userAgent: USER_AGENT, count: COUNT, loadavg: fs.readFileSync('/proc/loadavg', 'utf8').trim(), results }, null, 2));
} finally {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  await database.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
