/**
 * Tiles of the factorisation's dot-product kernel in WebAssembly SIMD (dots.wat), generated here for
 * timing only (full tiles, K even, no edges): R rows of a × C rows of b, each dot in two f64x2 lanes.
 * V8 (x64) gives WebAssembly 15 vector registers: a tile needs R·C sums + R + C loaded vectors + 1
 * product, so 3 × 3 (16) keeps a sum on the stack and 2 × 4 or 4 × 2 (15) do not. CPU time, one thread.
 * Run: node --import tsx bench/dots-tiles.ts [K = 96] [rows = 48] [cols = 48] [row stride = K]
 * (the trailing update: 96 48 48; the columns of L⁻¹: 2000 24 48 4032)
 */
import { loadavg } from 'node:os';
import wabtInit from 'wabt';

function tileKernel(name: string, R: number, C: number): string {
  const rs = [...Array(R).keys()];
  const cs = [...Array(C).keys()];
  const sums = rs.flatMap((i) => cs.map((j) => `$s${i}${j}`));
  return [
    `(func (export "${name}") (param $a i32) (param $aStride i32) (param $b i32) (param $bStride i32) (param $K i32)`,
    `(param $out i32) (param $outRow i32) (param $outCol i32) (param $rows i32) (param $cols i32)`,
    `(local $r i32) (local $c i32) (local $p i32) (local $end i32) (local $o i32)`,
    ...rs.map((i) => `(local $a${i} i32) (local $x${i} v128)`),
    ...cs.map((j) => `(local $b${j} i32) (local $y${j} v128)`),
    ...sums.map((s) => `(local ${s} v128)`),
    `(local.set $end (i32.shl (local.get $K) (i32.const 3)))`,
    `(block $rd (loop $rl (br_if $rd (i32.ge_u (local.get $r) (local.get $rows)))`,
    ...rs.map((i) => `(local.set $a${i} (i32.add (local.get $a) (i32.mul (i32.add (local.get $r) (i32.const ${i})) (local.get $aStride))))`),
    `(local.set $c (i32.const 0))`,
    `(block $cd (loop $cl (br_if $cd (i32.ge_u (local.get $c) (local.get $cols)))`,
    ...cs.map((j) => `(local.set $b${j} (i32.add (local.get $b) (i32.mul (i32.add (local.get $c) (i32.const ${j})) (local.get $bStride))))`),
    ...sums.map((s) => `(local.set ${s} (v128.const i64x2 0 0))`),
    `(local.set $p (i32.const 0))`,
    `(block $kd (loop $kl (br_if $kd (i32.ge_u (local.get $p) (local.get $end)))`,
    ...cs.map((j) => `(local.set $y${j} (v128.load (i32.add (local.get $b${j}) (local.get $p))))`),
    ...rs.flatMap((i) => [
      `(local.set $x${i} (v128.load (i32.add (local.get $a${i}) (local.get $p))))`,
      ...cs.map((j) => `(local.set $s${i}${j} (f64x2.add (local.get $s${i}${j}) (f64x2.mul (local.get $x${i}) (local.get $y${j}))))`),
    ]),
    `(local.set $p (i32.add (local.get $p) (i32.const 16))) (br $kl)))`,
    `(local.set $o (i32.add (local.get $out) (i32.add (i32.mul (local.get $r) (local.get $outRow)) (i32.mul (local.get $c) (local.get $outCol)))))`,
    ...rs.flatMap((i) =>
      cs.map((j) => {
        const at = `(i32.add (local.get $o) (i32.add (i32.mul (i32.const ${i}) (local.get $outRow)) (i32.mul (i32.const ${j}) (local.get $outCol))))`;
        return `(f64.store ${at} (f64.sub (f64.load ${at}) (f64.add (f64x2.extract_lane 0 (local.get $s${i}${j})) (f64x2.extract_lane 1 (local.get $s${i}${j})))))`;
      }),
    ),
    `(local.set $c (i32.add (local.get $c) (i32.const ${C}))) (br $cl)))`,
    `(local.set $r (i32.add (local.get $r) (i32.const ${R}))) (br $rl))))`,
  ].join('\n');
}

const [K, rows, cols] = [96, 48, 48].map((fallback, k) => Number(process.argv[k + 2] ?? fallback)) as [number, number, number];
const stride = Number(process.argv[5] ?? K);
const tiles: [string, number, number][] = [
  ['3 × 3', 3, 3],
  ['2 × 4', 2, 4],
  ['4 × 2', 4, 2],
  ['3 × 2', 3, 2],
];
const wabt = await wabtInit();
const features = { simd: true, bulk_memory: true, threads: true };
const source = `(module (import "env" "memory" (memory 1 65536 shared))\n${tiles.map(([, R, C], t) => tileKernel(`t${t}`, R, C)).join('\n')})`;
const bytes: ArrayLike<number> = wabt.parseWat('tiles.wat', source, features).toBinary({}).buffer;
const memory = new WebAssembly.Memory({ initial: 400, maximum: 400, shared: true });
const kernels = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(bytes)), { env: { memory } }).exports as Record<
  string,
  (...args: number[]) => void
>;
const heap = new Float64Array(memory.buffer);
for (let k = 0; k < heap.length; k++) heap[k] = Math.sin(k);
const bAt = 8 * rows * stride;
const outAt = bAt + 8 * cols * stride;
const reps = Math.max(1, Math.round((3000 * 96 * 48 * 48) / (K * rows * cols)));
const cpu = (): number => {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1e3;
};
for (let round = 0; round < 3; round++) {
  const line = tiles.map(([label], t) => {
    const kernel = kernels[`t${t}`] as (...args: number[]) => void;
    const started = cpu();
    for (let k = 0; k < reps; k++) kernel(0, 8 * stride, bAt, 8 * stride, K, outAt, 8 * 4032, 8, rows, cols);
    return `${label} ${((reps * rows * cols * K) / (cpu() - started) / 1e6).toFixed(2)}`;
  });
  console.log(
    `round ${round + 1} (K ${K}, ${rows} × ${cols}), G multiply–adds per second of CPU: ${line.join(', ')}; load ${(loadavg()[0] as number).toFixed(1)}`,
  );
}
