/**
 * The floor of the factorisation's kernels on this machine: one core's rate of f64x2 multiply–adds in
 * WebAssembly (a multiplication, then an addition: no FMA, as the engine's kernels): `chains` independent
 * sums s += x · m, two x loaded per step from a 1 KiB buffer (so that V8 cannot hoist the product out of the
 * loop; 3 loads per cycle are far from the limit), four m in registers, every product distinct (V8 merges
 * equal products). Also one dependent chain of additions
 * (latency 3 cycles on this CPU: the clock). Prints G multiply–adds per second of CPU (one lane = one).
 * Run: node --import tsx bench/fma-floor.ts [iterations = 2e8]
 */
import { loadavg } from 'node:os';
import wabtInit from 'wabt';

function kernel(name: string, chains: number): string {
  const s = [...Array(chains).keys()];
  return [
    `(func (export "${name}") (param $n i32) (param $x f64) (result f64)`,
    `(local $i i32) (local $p i32) (local $v v128) (local $w v128) (local $m0 v128) (local $m1 v128) (local $m2 v128) (local $m3 v128)`,
    ...s.map((k) => `(local $s${k} v128)`),
    `(local.set $m0 (f64x2.splat (local.get $x))) (local.set $m1 (f64x2.add (local.get $m0) (local.get $m0)))`,
    `(local.set $m2 (f64x2.mul (local.get $m1) (local.get $m0))) (local.set $m3 (f64x2.sub (local.get $m2) (local.get $m1)))`,
    `(block $d (loop $l (br_if $d (i32.ge_u (local.get $i) (local.get $n)))`,
    `(local.set $v (v128.load (local.get $p))) (local.set $w (v128.load offset=16 (local.get $p))) (local.set $p (i32.and (i32.add (local.get $p) (i32.const 16)) (i32.const 992)))`,
    ...s.map((k) => `(local.set $s${k} (f64x2.add (local.get $s${k}) (f64x2.mul (local.get ${k < 4 ? '$v' : '$w'}) (local.get $m${k % 4}))))`),
    `(local.set $i (i32.add (local.get $i) (i32.const 1))) (br $l)))`,
    `(f64x2.extract_lane 0 (${s.slice(1).reduce((acc, k) => `f64x2.add ${acc.startsWith('(') ? acc : `(local.get $s0)`} (local.get $s${k})`, '(local.get $s0)')}))`,
    `)`,
  ].join('\n');
}

const iterations = Number(process.argv[2] ?? 2e8);
const variants = [4, 6, 8];
const wabt = await wabtInit();
const features = { simd: true };
const chain = `(func (export "chain") (param $n i32) (param $x f64) (result f64) (local $i i32) (local $s f64)
  (block $d (loop $l (br_if $d (i32.ge_u (local.get $i) (local.get $n)))
    (local.set $s (f64.add (local.get $s) (local.get $x))) (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $l)))
  (local.get $s))`;
const source = `(module (memory 1)\n${variants.map((c) => kernel(`k${c}`, c)).join('\n')}\n${chain})`;
const bytes = new Uint8Array(wabt.parseWat('floor.wat', source, features).toBinary({}).buffer);
const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), {});
const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e3;
};
for (let round = 0; round < 3; round++) {
  const add = instance.exports.chain as (n: number, x: number) => number;
  add(1000, 1e-9);
  const t0 = cpu();
  add(iterations, 1e-9);
  const addMs = cpu() - t0;
  console.log(`dependent additions: ${((addMs * 1e6) / iterations).toFixed(3)} ns each (≈ ${((3 * iterations) / addMs / 1e6).toFixed(2)} GHz if 3 cycles)`);
  for (const c of variants) {
    const run = instance.exports[`k${c}`] as (n: number, x: number) => number;
    run(1000, 1e-9);
    const t = cpu();
    const r = run(iterations / c, 1e-9);
    const ms = cpu() - t;
    const madds = (iterations / c) * c * 2;
    console.log(
      `${c} chains: ${(madds / ms / 1e6).toFixed(2)} G multiply–adds/s of CPU (${ms.toFixed(0)} ms, ${r > 0 ? '' : '?'}) load ${(loadavg()[0] as number).toFixed(1)}`,
    );
  }
}
