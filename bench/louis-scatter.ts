/**
 * The Louis pass's scattered 2 × 2 block updates alone (h58), on the 10.5M bench's shape: 2,000 items, `persons`
 * persons answering 15 of them at random, each person's 120 pairs (x ≤ y) subtracting 2 f64x2 from the rows 2x and
 * 2x + 1, columns 2y, of a padded 4,032² matrix (the upper triangle, 64 MB), in WebAssembly as louis.wat does
 * it, without the pair moments. Two ways of queueing the updates:
 *   - flat: a queue of 512 entries (48 bytes: the two rows' addresses, the two f64x2) applied in order when full
 *     (louis.wat's $flush2pl);
 *   - bins C:s: one bin per band of 2^s items' rows (≈ 512 KB of the matrix at s = 3), a bin applied when it
 *     holds C entries, every bin at the end (the same order per entry of the matrix, so the same sums).
 * Each arm runs with the updates applied and without (the queueing alone), on a matrix whose pages were touched
 * before the clock starts and on a fresh one (every page's first touch during the pass). Prints µs of CPU per
 * person, per round.
 * Run: node --import tsx bench/louis-scatter.ts [persons = 200000] [rounds = 3] [C:s …, default 1024:3 2048:3 4096:3]
 */
import { loadavg } from 'node:os';
import wabtInit from 'wabt';

const positional = process.argv.slice(2);
const persons = Number(positional[0] ?? 200_000);
const rounds = Number(positional[1] ?? 3);
const binConfigs = (positional.length > 2 ? positional.slice(2) : ['1024:3', '2048:3', '4096:3']).map((arg) => arg.split(':').map(Number) as [number, number]);
const items = 2000;
const perPerson = 15;
const N = 4032;
const FLAT_BYTES = 512 * 48;

const source = `(module (import "env" "memory" (memory 1 65536 shared))
  (func $apply (param $from i32) (param $to i32) (local $e i32) (local $at i32)
    (local.set $e (local.get $from))
    (block $done (loop $each (br_if $done (i32.ge_u (local.get $e) (local.get $to)))
      (local.set $at (i32.load (local.get $e)))
      (v128.store (local.get $at) (f64x2.sub (v128.load (local.get $at)) (v128.load offset=16 (local.get $e))))
      (local.set $at (i32.load offset=4 (local.get $e)))
      (v128.store (local.get $at) (f64x2.sub (v128.load (local.get $at)) (v128.load offset=32 (local.get $e))))
      (local.set $e (i32.add (local.get $e) (i32.const 48))) (br $each))))
  (func (export "run") (param $persons i32) (param $pi i32) (param $N8 i32) (param $queue i32) (param $binned i32)
      (param $fills i32) (param $bins i32) (param $shift i32) (param $binBytes i32) (param $count i32) (param $apply i32)
    (local $p i32) (local $i i32) (local $j i32) (local $x i32) (local $at i32) (local $e i32) (local $fill i32) (local $k i32) (local $v v128)
    (local.set $e (local.get $queue)) (local.set $v (f64x2.splat (f64.const 0.001)))
    (block $pd (loop $ps (br_if $pd (i32.ge_u (local.get $p) (local.get $persons)))
      (local.set $i (i32.const 0))
      (block $id (loop $is (br_if $id (i32.ge_u (local.get $i) (i32.const ${perPerson})))
        (local.set $x (i32.load (i32.add (local.get $pi) (i32.shl (i32.add (i32.mul (local.get $p) (i32.const ${perPerson})) (local.get $i)) (i32.const 2)))))
        (local.set $j (local.get $i))
        (block $jd (loop $js (br_if $jd (i32.ge_u (local.get $j) (i32.const ${perPerson})))
          (local.set $at (i32.add (i32.mul (i32.shl (local.get $x) (i32.const 1)) (local.get $N8))
            (i32.shl (i32.load (i32.add (local.get $pi) (i32.shl (i32.add (i32.mul (local.get $p) (i32.const ${perPerson})) (local.get $j)) (i32.const 2)))) (i32.const 4))))
          (if (local.get $binned) (then
            (local.set $fill (i32.add (local.get $fills) (i32.shl (i32.shr_u (local.get $x) (local.get $shift)) (i32.const 2))))
            (local.set $e (i32.load (local.get $fill)))))
          (i32.store (local.get $e) (local.get $at))
          (i32.store offset=4 (local.get $e) (i32.add (local.get $at) (local.get $N8)))
          (v128.store offset=16 (local.get $e) (local.get $v))
          (v128.store offset=32 (local.get $e) (local.get $v))
          (local.set $e (i32.add (local.get $e) (i32.const 48)))
          (if (local.get $binned) (then
            (i32.store (local.get $fill) (local.get $e))
            (if (i32.eq (local.get $e) (i32.add (local.get $bins) (i32.mul (i32.add (i32.shr_u (local.get $x) (local.get $shift)) (i32.const 1)) (local.get $binBytes))))
              (then
                (if (local.get $apply) (then (call $apply (i32.sub (local.get $e) (local.get $binBytes)) (local.get $e))))
                (i32.store (local.get $fill) (i32.sub (local.get $e) (local.get $binBytes)))))))
          (local.set $j (i32.add (local.get $j) (i32.const 1))) (br $js)))
        (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $is)))
      (if (i32.and (i32.eqz (local.get $binned)) (i32.ge_u (local.get $e) (i32.add (local.get $queue) (i32.const ${FLAT_BYTES})))) (then
        (if (local.get $apply) (then (call $apply (local.get $queue) (local.get $e))))
        (local.set $e (local.get $queue))))
      (local.set $p (i32.add (local.get $p) (i32.const 1))) (br $ps)))
    (if (i32.and (i32.eqz (local.get $binned)) (local.get $apply)) (then (call $apply (local.get $queue) (local.get $e))))
    (if (local.get $binned) (then
      (block $kd (loop $ks (br_if $kd (i32.ge_u (local.get $k) (local.get $count)))
        (local.set $fill (i32.add (local.get $fills) (i32.shl (local.get $k) (i32.const 2))))
        (if (local.get $apply) (then (call $apply (i32.add (local.get $bins) (i32.mul (local.get $k) (local.get $binBytes))) (i32.load (local.get $fill)))))
        (local.set $k (i32.add (local.get $k) (i32.const 1))) (br $ks))))))
)`;

const wabt = await wabtInit();
const bytes = new Uint8Array(wabt.parseWat('scatter.wat', source, { simd: true, bulk_memory: true, threads: true }).toBinary({}).buffer);
const module = new WebAssembly.Module(bytes);

// Each person's 15 items, distinct and increasing (the pass's order by free index).
let seed = 7;
const random = () => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 4294967296;
};
const personItems = new Int32Array(persons * perPerson);
for (let p = 0; p < persons; p++) {
  const chosen = new Set<number>();
  while (chosen.size < perPerson) chosen.add(Math.floor(random() * items));
  personItems.set(
    [...chosen].sort((x, y) => x - y),
    p * perPerson,
  );
}

const matrixBytes = N * N * 8;
const itemsAt = matrixBytes;
const queueAt = itemsAt + personItems.byteLength + 64;
const fillsAt = queueAt + FLAT_BYTES + 64;
const binsAt = fillsAt + 4 * items;
const largest = Math.max(...binConfigs.map(([C, shift]) => (((items - 1) >> shift) + 1) * C * 48));
const pages = Math.ceil((binsAt + largest) / 65536);

/** One run: µs of CPU per person. */
function run(binned: boolean, C: number, shift: number, apply: boolean, touched: boolean): number {
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  const { run: kernel } = new WebAssembly.Instance(module, { env: { memory } }).exports as { run: (...args: number[]) => void };
  new Int32Array(memory.buffer, itemsAt, personItems.length).set(personItems);
  if (touched) new Float64Array(memory.buffer, 0, N * N).fill(0);
  const count = ((items - 1) >> shift) + 1;
  const binBytes = C * 48;
  const fills = new Int32Array(memory.buffer, fillsAt, count);
  for (let k = 0; k < count; k++) fills[k] = binsAt + k * binBytes;
  // The bins' own pages touched before the clock, as the flat queue's (a pass's region is zeroed when it starts).
  if (binned) new Uint8Array(memory.buffer, binsAt, count * binBytes).fill(0);
  const started = process.cpuUsage();
  kernel(persons, itemsAt, N * 8, queueAt, binned ? 1 : 0, fillsAt, binsAt, shift, binBytes, count, apply ? 1 : 0);
  const used = process.cpuUsage(started);
  return (used.user + used.system) / persons;
}

const arms: [string, boolean, number, number][] = [
  ['flat 512', false, 0, 0],
  ...binConfigs.map(([C, s]): [string, boolean, number, number] => [`bins ${C}:${s}`, true, C, s]),
];
const results = new Map<string, string[]>();
for (let round = 0; round < rounds; round++) {
  for (const [name, binned, C, shift] of round % 2 === 0 ? arms : [...arms].reverse()) {
    for (const touched of [true, false]) {
      for (const apply of [true, false]) {
        const key = `${name.padEnd(10)} ${touched ? 'touched' : 'fresh  '} ${apply ? 'applied    ' : 'queued only'}`;
        results.set(key, [...(results.get(key) ?? []), run(binned, C, shift, apply, touched).toFixed(2)]);
      }
    }
  }
}
for (const [key, list] of results) console.log(`${key}  ${list.join(' ')} µs of CPU per person`);
console.log(
  `${persons} persons × ${perPerson} answers on ${items} items, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
