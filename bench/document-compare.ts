/**
 * The same documents from two trees' servers, byte for byte: for a change that must not change the HTML
 * (decision 022's patches to Remix and React Router; an upgrade of them). Makes a fresh seeded database,
 * starts the web server of this tree and of the --old tree (each with its own build/index.js and
 * node_modules, the same database and SESSION_SECRET), signs in as demo accounts and asks each page of
 * both, twice, in turn. Compares the bodies, status and content type after the per-response CSP nonce.
 *
 *   node --import tsx bench/document-compare.ts --old /tmp/old-tree
 *
 * Build both trees first (`NODE_ENV=production npx remix build`), or copy one tree's build/ and
 * public/build/ to the other so that the asset names match. Exits 1 if any page differs.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { decode } from 'turbo-stream';
import { projectRoot } from '../scripts/database';

const at = process.argv.indexOf('--old');
const OLD = at >= 0 ? path.resolve(process.argv[at + 1] ?? '') : '';
if (!OLD) throw new Error('usage: bench/document-compare.ts --old DIR');

const { seededTestDatabase } = await import('./seeded-database');
const database = await seededTestDatabase();
const secret = `document-compare-${Date.now().toString(36)}-0123456789abcdef`;

function start(root: string): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'bench', 'learner-load-server.ts')], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: database.url,
      SESSION_SECRET: secret,
      WORKBENCH_DATA_DIR: path.join(root, '.cache', 'document-compare'),
    },
  });
  return new Promise((resolve, reject) => {
    readline
      .createInterface({ input: child.stdout! })
      .once('line', (line) => resolve({ url: (JSON.parse(line) as { url: string }).url, stop: () => child.kill('SIGTERM') }));
    child.once('exit', (code) => reject(new Error(`server of ${root} exited (${code})`)));
  });
}
const [before, after] = await Promise.all([start(OLD), start(projectRoot)]);

const nonce = (html: string) => html.replace(/nonce="[^"]*"/g, 'nonce=""');
async function page(base: string, url: string, cookie: string): Promise<string> {
  const response = await fetch(base + url, { headers: cookie ? { Cookie: cookie } : {}, redirect: 'manual' });
  return `${response.status} ${response.headers.get('content-type')}\n${nonce(await response.text())}`;
}
async function post(url: string, form: Record<string, string>, cookie = ''): Promise<Response> {
  return fetch(after.url + url, {
    method: 'POST',
    redirect: 'manual',
    body: new URLSearchParams(form),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(cookie ? { Cookie: cookie } : {}) },
  });
}
async function signIn(email: string): Promise<string> {
  const response = await post('/connexion', { email, password: 'Demo-Pix-2026', redirectTo: '' });
  const m = /__session=([^;]*)/.exec(response.headers.get('set-cookie') ?? '');
  if (!m) throw new Error(`sign-in of ${email}: ${response.status}`);
  return `__session=${m[1]}`;
}

const plan: [string, string[]][] = [
  ['', ['/connexion', '/inscription', '/page-qui-n-existe-pas']],
  ['eleve@exemple.fr', ['/profil', '/competences/1.1/evaluation', '/referentiel']],
  ['autrice@exemple.fr', ['/creation', '/creation/epreuves', '/creation/referentiel', '/referentiel/1.1']],
  ['psychometre@exemple.fr', ['/psychometrie']],
  ['admin@exemple.fr', ['/admin']],
];
let differ = 0;
for (const [email, urls] of plan) {
  const cookie = email ? await signIn(email) : '';
  if (email === 'eleve@exemple.fr') {
    // A test under way, so that the test page shows a question.
    const csrf = /name="csrf" value="([^"]+)"/.exec(await page(after.url, '/profil', cookie))?.[1] ?? '';
    await (
      await decode((await post('/competences/1.1/evaluation.data', { csrf, intent: 'start' }, cookie)).body!)
    ).done;
  }
  for (const url of urls) {
    const [old1, new1, old2, new2] = [
      await page(before.url, url, cookie),
      await page(after.url, url, cookie),
      await page(before.url, url, cookie),
      await page(after.url, url, cookie),
    ];
    const same = old1 === new1 && old2 === new2;
    if (!same) differ++;
    console.log(
      `${same ? 'same  ' : 'DIFFER'} ${email || 'visitor'} ${url}: ${old1.split('\n', 1)[0]}, ${old1.length} characters${old1 === old2 ? '' : ' (the old server answered differently the second time)'}`,
    );
    if (!same) {
      const [a, b] = old1 === new1 ? [old2, new2] : [old1, new1];
      let i = 0;
      while (i < a.length && a[i] === b[i]) i++;
      console.log(`  old: ${JSON.stringify(a.slice(Math.max(0, i - 80), i + 120))}\n  new: ${JSON.stringify(b.slice(Math.max(0, i - 80), i + 120))}`);
    }
  }
}
const pages = plan.reduce((n, [, urls]) => n + urls.length, 0);
console.log(JSON.stringify({ pages, same: pages - differ, differ }));
before.stop();
after.stop();
await new Promise((resolve) => setTimeout(resolve, 1000));
await database.drop();
process.exit(differ === 0 ? 0 : 1);
