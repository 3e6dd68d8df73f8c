/**
 * Where the WebAssembly E-step's time goes on a sparse design (one thread, CPU time per answer per node): the
 * committed kernel against variants of engine/calibration/estep.wat compiled here with wabt, each leaving a part of
 * the per-row work out, alternated E-step by E-step in one process (rotated each round) on the same shard:
 * - `no accumulation`: the posterior is not added to the counts (the 1e-14 cut, the node range, still computed);
 * - `no product`: the answers' probabilities are not multiplied in (the posterior is the prior: every node is kept);
 * - `neither`: both out — what is left is the per-row set-up, the row's total, the posterior's loop, the node range,
 *   and the per-E-step work around the kernel (the table, the counts read back);
 * - `neither, no posterior loop`: also without the loop that scales the posterior and finds its largest value;
 * - `f64x2.max`: the committed kernel with the posterior's largest value by f64x2.max instead of f64x2.pmax (the
 *   kernel before h60): the same sums, bit for bit (checked).
 * The variants' sums are wrong by design (except the last); their timings say what each part costs.
 * Run: node --import tsx bench/estep-parts.ts [persons = 100000] [items = 2000] [rounds = 15]
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createExpectationKernel, createWasmKernel, type ExpectationKernel } from '../engine/calibration/estep-wasm';
import { compileWatText } from '../scripts/build-wasm';
import { sparseDesign } from './sparse-design';

const positional = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const persons = Number(positional[0] ?? 100_000);
const items = Number(positional[1] ?? 2000);
const rounds = Number(positional[2] ?? 15);
const source = readFileSync(fileURLToPath(new URL('../engine/calibration/estep.wat', import.meta.url)), 'utf8');

/** The source with each [from, to] replaced (every occurrence; each must occur). */
function variant(edits: readonly (readonly [string, string])[]): string {
  return edits.reduce((text, [from, to]) => {
    if (!text.includes(from)) throw new Error(`estep.wat no longer contains ${from}: update bench/estep-parts.ts`);
    return text.split(from).join(to);
  }, source);
}
const noAccumulation = [
  [
    '(call $accumulateNode (local.get $like) (local.get $bases) (local.get $acc) (local.get $len)',
    '(call $accumulateNode (local.get $like) (local.get $bases) (local.get $acc) (i32.const 0)',
  ],
  [
    '(call $accumulate (local.get $like) (local.get $bases) (local.get $acc) (local.get $len)',
    '(call $accumulate (local.get $like) (local.get $bases) (local.get $acc) (i32.const 0)',
  ],
] as const;
const noProduct = [
  ['(local.get $seg) (local.get $cut))', '(local.get $seg) (local.get $seg))'],
  ['(local.get $seg) (local.get $len))', '(local.get $seg) (local.get $seg))'],
] as const;
const noPosteriorLoop = [['(br_if $post_done (i32.ge_u (local.get $v) (local.get $vectors)))', '(br_if $post_done (i32.const 1))']] as const;
const withMax = [['(local.set $top (f64x2.pmax (local.get $top) (local.get $x)))', '(local.set $top (f64x2.max (local.get $top) (local.get $x)))']] as const;

const { data, params, quadrature } = sparseDesign(persons, items);
const compiled = async (edits: readonly (readonly [string, string])[]): Promise<ExpectationKernel> =>
  createWasmKernel(data, new WebAssembly.Module(Uint8Array.from(await compileWatText('estep', variant(edits)))));
const arms: { name: string; kernel: ExpectationKernel; exact: boolean; times: number[] }[] = [
  { name: 'committed kernel', kernel: createExpectationKernel(data), exact: true, times: [] },
  { name: 'no accumulation', kernel: await compiled(noAccumulation), exact: false, times: [] },
  { name: 'no product', kernel: await compiled(noProduct), exact: false, times: [] },
  { name: 'neither', kernel: await compiled([...noAccumulation, ...noProduct]), exact: false, times: [] },
  { name: 'neither, no posterior loop', kernel: await compiled([...noAccumulation, ...noProduct, ...noPosteriorLoop]), exact: false, times: [] },
  { name: 'f64x2.max (before h60)', kernel: await compiled(withMax), exact: true, times: [] },
];
const nodes = quadrature.nodes.length;
const perAnswerNode = (ms: number): number => (ms * 1e6) / (data.items.length * nodes);
let reference: Float64Array[] | null = null;
let same = true;
for (let r = 0; r < rounds; r++) {
  for (let k = 0; k < arms.length; k++) {
    const arm = arms[(k + r) % arms.length] as (typeof arms)[number];
    const before = process.cpuUsage();
    const stats = arm.kernel.expectations(params, quadrature);
    const used = process.cpuUsage(before);
    arm.times.push((used.user + used.system) / 1e3);
    if (!arm.exact) continue;
    const sums = [stats.r, stats.n, stats.nodeTotals, Float64Array.of(stats.logLik)];
    reference ??= sums;
    same &&= sums.every((array, s) => array.every((v, j) => Object.is(v, reference?.[s]?.[j])));
  }
}
const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[xs.length >> 1] as number;
const base = median((arms[0] as (typeof arms)[number]).times);
for (const arm of arms) {
  const m = median(arm.times);
  console.log(
    `${arm.name.padEnd(28)} ${perAnswerNode(m).toFixed(3)} ns per answer per node (median of ${rounds}), ×${(m / base).toFixed(3)} of the committed kernel`,
  );
}
console.log(
  `${items} items, ${persons} persons × 15 answers, ${nodes} nodes; the committed kernel and f64x2.max give the same sums bit for bit: ${same}; load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
