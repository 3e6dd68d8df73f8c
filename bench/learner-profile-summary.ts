/**
 * A summary of V8 CPU profiles (`--cpu-prof`) of the web server: the busy time (idle left out) by
 * package (node_modules/<name>, node's internals, the app's build, garbage collection…) and the
 * functions with the most self time, and the inclusive time of the functions named with --inclusive.
 * Counted from the first sample in @remix-run/express on (the server's start-up is left out); profiles
 * of threads that serve no request (a module loader's) count nothing.
 *
 *   BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" node --import tsx bench/learner-request-cpu.ts
 *   node --import tsx bench/learner-profile-summary.ts /tmp/prof [--top 40] [--inclusive handleDataRequest,action]
 */
import fs from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}
const target = process.argv[2];
if (!target) throw new Error('usage: learner-profile-summary.ts <profile file or folder>');
const files = fs.statSync(target).isDirectory()
  ? fs
      .readdirSync(target)
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => path.join(target, f))
  : [target];
const TOP = Number(option('top', '40'));
const inclusiveNames = option('inclusive', '').split(',').filter(Boolean);
// --windows FILE --kind KIND: only the samples taken while a request of that kind was served (the
// windows bench/learner-load-server.ts writes to BENCH_REQUEST_WINDOWS_FILE; one request at a time).
const windowsFile = option('windows', '');
const kind = option('kind', '');
// --last SECONDS: only the samples of the profile's last SECONDS (bench/learner-load.ts's measured window,
// which ends the run: the sign-ups before it left out).
const lastSeconds = Number(option('last', '0'));
const windows = windowsFile ? ((JSON.parse(fs.readFileSync(windowsFile, 'utf8')) as Record<string, [number, number][]>)[kind] ?? []) : null;
if (windows && windows.length === 0) throw new Error(`no request of kind « ${kind} » in ${windowsFile}`);
windows?.sort((a, b) => a[0] - b[0]);
/** Whether a sample taken at `t` (µs, the monotonic clock) falls in a window; samples come in time order. */
let windowAt = 0;
function inWindow(t: number): boolean {
  if (!windows) return true;
  while (windowAt < windows.length && (windows[windowAt] as [number, number])[1] < t) windowAt++;
  const w = windows[windowAt];
  return w !== undefined && w[0] <= t;
}

/** Where a function comes from: a package, node's internals, the app's build, or V8's own entries. */
function packageOf(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native)';
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url.replace(/\\/g, '/'));
  const inner = url.lastIndexOf('node_modules/');
  if (m && inner >= 0) {
    const rest = url.slice(inner + 'node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? '?');
  }
  if (url.includes('/build/')) return 'app (build)';
  if (url.includes('/prisma/')) return 'prisma (generated)';
  return path.relative(process.cwd(), url.replace(/^file:\/\//, ''));
}

const selfByPackage = new Map<string, number>();
const selfByFunction = new Map<string, number>();
const inclusive = new Map<string, number>();
/** Self time of packages other than the app's, charged to the nearest app function up the stack. */
const byAppCaller = new Map<string, number>();
let busy = 0;
let idle = 0;
for (const file of files) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // Start-up (loading modules) is left out: counting starts at the first request's handler.
  let serving = windows !== null; // a request window is past the start-up anyway
  let t = profile.startTime;
  windowAt = 0;
  const endTime = profile.startTime + profile.timeDeltas.reduce((a, b) => a + b, 0);
  const from = lastSeconds > 0 ? endTime - lastSeconds * 1e6 : -Infinity;
  profile.samples.forEach((id, k) => {
    t += profile.timeDeltas[k] ?? 0;
    const dt = profile.timeDeltas[k + 1] ?? 0;
    if (t < from || !inWindow(t)) return;
    const node = byId.get(id);
    if (!node) return;
    if (!serving && packageOf(node.callFrame.url, '') === '@remix-run/express') serving = true;
    if (!serving) return;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') {
      idle += dt;
      return;
    }
    busy += dt;
    const pkg = packageOf(url, functionName);
    selfByPackage.set(pkg, (selfByPackage.get(pkg) ?? 0) + dt);
    const key = `${functionName || '(anonymous)'} ${pkg}:${lineNumber + 1}`;
    selfByFunction.set(key, (selfByFunction.get(key) ?? 0) + dt);
    if (pkg !== 'app (build)') {
      for (let at: number | undefined = parent.get(id); at !== undefined; at = parent.get(at)) {
        const frame = byId.get(at)?.callFrame;
        if (frame && packageOf(frame.url, frame.functionName) === 'app (build)') {
          const caller = `${frame.functionName || '(anonymous)'}:${frame.lineNumber + 1} → ${pkg}`;
          byAppCaller.set(caller, (byAppCaller.get(caller) ?? 0) + dt);
          break;
        }
      }
    }
    if (inclusiveNames.length) {
      const seen = new Set<string>();
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
        const name = byId.get(at)?.callFrame.functionName ?? '';
        if (inclusiveNames.includes(name) && !seen.has(name)) {
          seen.add(name);
          inclusive.set(name, (inclusive.get(name) ?? 0) + dt);
        }
      }
    }
  });
}

const share = (us: number) => `${((100 * us) / Math.max(1, busy)).toFixed(1)} %`;
console.log(
  `${files.length} profile(s)${windows ? `, ${windows.length} requests « ${kind} »` : ''}: busy ${(busy / 1e3).toFixed(0)} ms${windows ? ` (${((1e3 * busy) / 1e3 / windows.length).toFixed(0)} µs a request)` : ''}, idle ${(idle / 1e3).toFixed(0)} ms`,
);
console.log('\nSelf time by package');
for (const [pkg, us] of [...selfByPackage].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${share(us).padStart(8)}  ${pkg}`);
console.log(`\nSelf time by function (top ${TOP})`);
for (const [fn, us] of [...selfByFunction].sort((a, b) => b[1] - a[1]).slice(0, TOP)) console.log(`${share(us).padStart(8)}  ${fn}`);
console.log(`\nOther packages' self time by the nearest app function calling them (top ${TOP})`);
for (const [fn, us] of [...byAppCaller].sort((a, b) => b[1] - a[1]).slice(0, TOP)) console.log(`${share(us).padStart(8)}  ${fn}`);
if (inclusive.size) {
  console.log('\nInclusive time');
  for (const name of inclusiveNames) console.log(`${share(inclusive.get(name) ?? 0).padStart(8)}  ${name}`);
}
