;; The Louis pass's per-person loops (engine/calibration/louis-pass.ts) in WebAssembly SIMD (f64x2),
;; hand-written, for the 2PL and the Rasch model (the 3PL stays on the JavaScript pass).
;;
;; Source of engine/calibration/louis-wasm-bytes.ts (compiled with wabt: `npm run build:wasm`; a unit
;; test recompiles this file and checks that the committed bytes are the same).
;; engine/calibration/louis-wasm.ts lays the data out in the linear memory, calls `louis` chunk by
;; chunk of rows and reads the sums back; it documents the layout.
;;
;; Per row (a person, or a pattern with its weight w), as in the JavaScript pass:
;;   - the log-likelihood at each node, log w_q + Σ log P(x | θ_q) in answer order (the same sums,
;;     bit for bit), its largest value, and the posterior exp(l − top) / total; exp is computed here
;;     (range reduction by ln 2, Taylor polynomial of degree 13: within 2 ulp of Math.exp), so the
;;     posterior agrees with the JavaScript one to rounding, not bit for bit;
;;     or, with `given` (the final pass fused with this one, h45), the posterior the diagnostic pass
;;     formed (estep.wat's products with rescaling, divided by their total), copied from given + stride·row:
;;     the same posterior to rounding, without this pass's log-likelihood and exp;
;;   - the nodes [lo, hi) whose posterior is at least 1e-14 of the total; the posterior is set to 0
;;     elsewhere, so whole f64x2 vectors can be used from lo/2 to ⌈hi/2⌉;
;;   - the expected persons and answers per node (the answers not when expectedAnswers is 0: the fused
;;     pass takes them from the E-step's n, h52), then for each free item (answers sorted by their
;;     free index) the node vector x − P and its moments π·v, π·v·θ, π·v·θ² and means Σπ·v, Σπ·v·θ,
;;     then the latent scores' vectors;
;;   - for every pair (x ≤ y) of the row's vectors the node moments G_m = Σ_q π_q v_x v_y θ_q^m, three
;;     item vectors y at a time kept in registers (four for the Rasch model), and −w·(G − means) added
;;     to the packed block of the pair of items (or to the latent sums). The block updates are queued
;;     and applied a few hundred at a time, in order (so the sums are the same as applied at once):
;;     the blocks are scattered over a triangle far larger than the caches, and a tight loop of
;;     independent updates lets the processor wait for many of those cache misses at once.
;; Sums over nodes run in two lanes (even and odd nodes) added at the end, so they agree with the
;; JavaScript sums to rounding. No FMA, no relaxed SIMD.
(module
  ;; A shared memory, created by louis-wasm.ts at its size: the packed blocks can then be handed to
  ;; other threads (the threaded runner unpacks them there) without a copy.
  (import "env" "memory" (memory 1 65536 shared))

  ;; e^x lane-wise for x ≤ 0 (0 below −708, where it would no longer be a normal number).
  (func $exp (param $x v128) (result v128)
    (local $c v128) (local $k v128) (local $r v128) (local $p v128)
    (local.set $c (f64x2.max (local.get $x) (f64x2.splat (f64.const -708))))
    (local.set $k (f64x2.nearest (f64x2.mul (local.get $c) (f64x2.splat (f64.const 0x1.71547652b82fep+0)))))
    ;; r = c − k·ln 2, with ln 2 in two parts (k·hi is exact).
    (local.set $r
      (f64x2.sub
        (f64x2.sub (local.get $c) (f64x2.mul (local.get $k) (f64x2.splat (f64.const 0x1.62e42feep-1))))
        (f64x2.mul (local.get $k) (f64x2.splat (f64.const 0x1.a39ef35793c76p-33)))))
    ;; Σ r^n / n!, n ≤ 13, by Horner.
    (local.set $p (f64x2.splat (f64.const 1.6059043836821613e-10)))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (f64x2.splat (f64.const 2.08767569878681e-09))))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (f64x2.splat (f64.const 2.505210838544172e-08))))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (f64x2.splat (f64.const 2.755731922398589e-07))))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (f64x2.splat (f64.const 2.7557319223985893e-06))))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (f64x2.splat (f64.const 2.48015873015873e-05))))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (f64x2.splat (f64.const 0.0001984126984126984))))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (f64x2.splat (f64.const 0.001388888888888889))))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (f64x2.splat (f64.const 0.008333333333333333))))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (f64x2.splat (f64.const 0.041666666666666664))))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (f64x2.splat (f64.const 0.16666666666666666))))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (f64x2.splat (f64.const 0.5))))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (f64x2.splat (f64.const 1))))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (f64x2.splat (f64.const 1))))
    ;; × 2^k (k ≥ −1021: a normal number), 0 where x < −708.
    (v128.andnot
      (f64x2.mul
        (local.get $p)
        (i64x2.shl
          (i64x2.add (i64x2.extend_low_i32x4_s (i32x4.trunc_sat_f64x2_s_zero (local.get $k))) (i64x2.splat (i64.const 1023)))
          (i32.const 52)))
      (f64x2.lt (local.get $x) (f64x2.splat (f64.const -708)))))

  ;; out[v] = logW[v] + Σ_m table[base(m) + v] for the answers m in [0, count), over all vectors: four
  ;; vectors at a time kept in locals, then one at a time (the sums in answer order, as in JavaScript).
  (func $logLikelihood (param $out i32) (param $logW i32) (param $bases i32) (param $table i32) (param $vectors i32) (param $count i32)
    (local $v i32) (local $off i32) (local $m i32) (local $b i32)
    (local $l0 v128) (local $l1 v128) (local $l2 v128) (local $l3 v128)
    (block $fours_done
      (loop $fours
        (br_if $fours_done (i32.gt_u (i32.add (local.get $v) (i32.const 4)) (local.get $vectors)))
        (local.set $off (i32.shl (local.get $v) (i32.const 4)))
        (local.set $l0 (v128.load offset=0 (i32.add (local.get $logW) (local.get $off))))
        (local.set $l1 (v128.load offset=16 (i32.add (local.get $logW) (local.get $off))))
        (local.set $l2 (v128.load offset=32 (i32.add (local.get $logW) (local.get $off))))
        (local.set $l3 (v128.load offset=48 (i32.add (local.get $logW) (local.get $off))))
        (local.set $m (i32.const 0))
        (block $answers_done
          (loop $answers
            (br_if $answers_done (i32.ge_u (local.get $m) (local.get $count)))
            (local.set $b
              (i32.add (i32.add (local.get $table) (local.get $off))
                (i32.load (i32.add (local.get $bases) (i32.shl (local.get $m) (i32.const 2))))))
            (local.set $l0 (f64x2.add (local.get $l0) (v128.load offset=0 (local.get $b))))
            (local.set $l1 (f64x2.add (local.get $l1) (v128.load offset=16 (local.get $b))))
            (local.set $l2 (f64x2.add (local.get $l2) (v128.load offset=32 (local.get $b))))
            (local.set $l3 (f64x2.add (local.get $l3) (v128.load offset=48 (local.get $b))))
            (local.set $m (i32.add (local.get $m) (i32.const 1)))
            (br $answers)))
        (v128.store offset=0 (i32.add (local.get $out) (local.get $off)) (local.get $l0))
        (v128.store offset=16 (i32.add (local.get $out) (local.get $off)) (local.get $l1))
        (v128.store offset=32 (i32.add (local.get $out) (local.get $off)) (local.get $l2))
        (v128.store offset=48 (i32.add (local.get $out) (local.get $off)) (local.get $l3))
        (local.set $v (i32.add (local.get $v) (i32.const 4)))
        (br $fours)))
    (block $ones_done
      (loop $ones
        (br_if $ones_done (i32.ge_u (local.get $v) (local.get $vectors)))
        (local.set $off (i32.shl (local.get $v) (i32.const 4)))
        (local.set $l0 (v128.load (i32.add (local.get $logW) (local.get $off))))
        (local.set $m (i32.const 0))
        (block $answers_done
          (loop $answers
            (br_if $answers_done (i32.ge_u (local.get $m) (local.get $count)))
            (local.set $l0
              (f64x2.add (local.get $l0)
                (v128.load
                  (i32.add (i32.add (local.get $table) (local.get $off))
                    (i32.load (i32.add (local.get $bases) (i32.shl (local.get $m) (i32.const 2))))))))
            (local.set $m (i32.add (local.get $m) (i32.const 1)))
            (br $answers)))
        (v128.store (i32.add (local.get $out) (local.get $off)) (local.get $l0))
        (local.set $v (i32.add (local.get $v) (i32.const 1)))
        (br $ones))))

  ;; dst[v] += w·src[v] for the vectors v in [from, to).
  (func $addScaled (param $dst i32) (param $src i32) (param $w v128) (param $from i32) (param $to i32)
    (local $p i32) (local $end i32)
    (local.set $p (i32.shl (local.get $from) (i32.const 4)))
    (local.set $end (i32.shl (local.get $to) (i32.const 4)))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (v128.store (i32.add (local.get $dst) (local.get $p))
          (f64x2.add (v128.load (i32.add (local.get $dst) (local.get $p)))
            (f64x2.mul (local.get $w) (v128.load (i32.add (local.get $src) (local.get $p))))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $each))))

  ;; The sum of the two lanes.
  (func $hsum (param $x v128) (result f64)
    (f64.add (f64x2.extract_lane 0 (local.get $x)) (f64x2.extract_lane 1 (local.get $x))))

  ;; For one node vector `vec`: out = π·v, out + stride = π·v·θ, out + 2·stride = π·v·θ² over the
  ;; vectors [from, to), and at `mean` the pair (Σ π·v·θ, Σ π·v).
  (func $moments (param $post i32) (param $vec i32) (param $theta i32) (param $theta2 i32) (param $out i32) (param $stride i32)
    (param $mean i32) (param $from i32) (param $to i32)
    (local $p i32) (local $end i32) (local $t0 v128) (local $t1 v128) (local $s0 v128) (local $s1 v128)
    (local.set $p (i32.shl (local.get $from) (i32.const 4)))
    (local.set $end (i32.shl (local.get $to) (i32.const 4)))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $t0 (f64x2.mul (v128.load (i32.add (local.get $post) (local.get $p))) (v128.load (i32.add (local.get $vec) (local.get $p)))))
        (local.set $t1 (f64x2.mul (local.get $t0) (v128.load (i32.add (local.get $theta) (local.get $p)))))
        (v128.store (i32.add (local.get $out) (local.get $p)) (local.get $t0))
        (v128.store (i32.add (i32.add (local.get $out) (local.get $stride)) (local.get $p)) (local.get $t1))
        (v128.store (i32.add (i32.add (local.get $out) (i32.shl (local.get $stride) (i32.const 1))) (local.get $p))
          (f64x2.mul (local.get $t0) (v128.load (i32.add (local.get $theta2) (local.get $p)))))
        (local.set $s0 (f64x2.add (local.get $s0) (local.get $t0)))
        (local.set $s1 (f64x2.add (local.get $s1) (local.get $t1)))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $each)))
    (f64.store offset=0 (local.get $mean) (call $hsum (local.get $s1)))
    (f64.store offset=8 (local.get $mean) (call $hsum (local.get $s0))))

  ;; The queue of block updates (see $flush2pl): its start, its next free entry, and the fill after
  ;; which it is applied.
  (global $queueStart (mut i32) (i32.const 0))
  (global $queued (mut i32) (i32.const 0))
  (global $queueLimit (mut i32) (i32.const 0))

;; Where the block of a pair of free items (ox, oy) goes (set by `louis` from its parameters):
  ;; rowAddr[ox] + oy·colStep for ox ≠ oy, diagAddr[ox] for ox = oy; a 2PL block's second row
  ;; (d of x) starts rowStep (diagRowStep) bytes after its first. Packed triangle (louis-wasm.ts's own
  ;; memory): colStep = b²·8, rowStep = 16. Straight into a padded matrix: the upper triangle
  ;; (colStep = b·8, rowStep = N·8), or the lower one, transposed (colStep = b·N·8, rowStep = N·8,
  ;; `transposed` = 1: the block's columns stored as rows), its diagonal blocks then apart.
  (global $rowAddr (mut i32) (i32.const 0))
  (global $colStep (mut i32) (i32.const 0))
  (global $rowStep (mut i32) (i32.const 0))
  (global $diagAddr (mut i32) (i32.const 0))
  (global $diagRowStep (mut i32) (i32.const 0))
  (global $transposed (mut i32) (i32.const 0))

  ;; The address of the block of (ox, oy) (see above).
  (func $blockAt (param $ox i32) (param $oy i32) (result i32)
    (if (result i32) (i32.eq (local.get $ox) (local.get $oy))
      (then (i32.load (i32.add (global.get $diagAddr) (i32.shl (local.get $ox) (i32.const 2)))))
      (else
        (i32.add (i32.load (i32.add (global.get $rowAddr) (i32.shl (local.get $ox) (i32.const 2))))
          (i32.mul (local.get $oy) (global.get $colStep))))))

  ;; 2PL: queues for the block of (ox, oy) (a, d of item x) × (a, d of item y), 4 f64, the subtraction
  ;; of w·(G − means) = w·[G2 − m1x·m1y, G1 − m1x·m0y ; G1 − m0x·m1y, G0 − m0x·m0y] (rows a, d of x),
  ;; from the node sums in two lanes (g0, g1, g2) and the means (m1, m0) of x and y. Transposed, its
  ;; rows are [G2 − m1x·m1y, G1 − m0x·m1y ; G1 − m1x·m0y, G0 − m0x·m0y]: the same products of the
  ;; same numbers, so the same bits. An entry is 48 bytes: the two rows' addresses, then the two f64x2
  ;; to subtract.
  (func $queueBlock2pl (param $ox i32) (param $oy i32) (param $g0 v128) (param $g1 v128) (param $g2 v128) (param $mx i32) (param $my i32) (param $w v128)
    (local $high v128) (local $low v128) (local $m v128) (local $e i32) (local $at i32)
    ;; (G2, G1) and (G1, G0): lane 0 of both plus lane 1 of both.
    (local.set $high
      (f64x2.add
        (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $g2) (local.get $g1))
        (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $g2) (local.get $g1))))
    (local.set $low
      (f64x2.add
        (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $g1) (local.get $g0))
        (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $g1) (local.get $g0))))
    (local.set $e (global.get $queued))
    (local.set $at (call $blockAt (local.get $ox) (local.get $oy)))
    (i32.store (local.get $e) (local.get $at))
    (i32.store offset=4 (local.get $e)
      (i32.add (local.get $at) (select (global.get $diagRowStep) (global.get $rowStep) (i32.eq (local.get $ox) (local.get $oy)))))
    (if (global.get $transposed)
      (then
        (local.set $m (v128.load (local.get $mx)))
        (v128.store offset=16 (local.get $e)
          (f64x2.mul (local.get $w) (f64x2.sub (local.get $high) (f64x2.mul (local.get $m) (v128.load64_splat offset=0 (local.get $my))))))
        (v128.store offset=32 (local.get $e)
          (f64x2.mul (local.get $w) (f64x2.sub (local.get $low) (f64x2.mul (local.get $m) (v128.load64_splat offset=8 (local.get $my)))))))
      (else
        (local.set $m (v128.load (local.get $my)))
        (v128.store offset=16 (local.get $e)
          (f64x2.mul (local.get $w) (f64x2.sub (local.get $high) (f64x2.mul (v128.load64_splat offset=0 (local.get $mx)) (local.get $m)))))
        (v128.store offset=32 (local.get $e)
          (f64x2.mul (local.get $w) (f64x2.sub (local.get $low) (f64x2.mul (v128.load64_splat offset=8 (local.get $mx)) (local.get $m)))))))
    (global.set $queued (i32.add (local.get $e) (i32.const 48))))

  ;; Applies the queued 2PL block updates in order and empties the queue. The blocks are scattered
  ;; over a large triangle (64 MB for 2,000 items): updating them in a tight loop of independent
  ;; loads and stores lets the processor wait for many cache misses at once.
  (func $flush2pl
    (local $e i32) (local $at i32)
    (local.set $e (global.get $queueStart))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $e) (global.get $queued)))
        (local.set $at (i32.load (local.get $e)))
        (v128.store (local.get $at) (f64x2.sub (v128.load (local.get $at)) (v128.load offset=16 (local.get $e))))
        (local.set $at (i32.load offset=4 (local.get $e)))
        (v128.store (local.get $at) (f64x2.sub (v128.load (local.get $at)) (v128.load offset=32 (local.get $e))))
        (local.set $e (i32.add (local.get $e) (i32.const 48)))
        (br $each)))
    (global.set $queued (global.get $queueStart)))

  ;; Rasch: the same with one f64 per entry (16 bytes: at, then the value to subtract).
  (func $flushRasch
    (local $e i32) (local $at i32)
    (local.set $e (global.get $queueStart))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $e) (global.get $queued)))
        (local.set $at (i32.load (local.get $e)))
        (f64.store (local.get $at) (f64.sub (f64.load (local.get $at)) (f64.load offset=8 (local.get $e))))
        (local.set $e (i32.add (local.get $e) (i32.const 16)))
        (br $each)))
    (global.set $queued (global.get $queueStart)))

  ;; 2PL, the pairs of item vectors (x ≤ y < count; owners increasing): two y at a time, then one.
  ;; Two, not three: V8 (x64) gives WebAssembly 15 vector registers; three y took 9 sums + 3 moments of
  ;; x + 3 loaded y + 1 product = 16, so one sum lived on the stack and every node step waited on its
  ;; store and reload. The sums and the queue's order are the same as with three (the same bits).
  (func $pairs2pl (param $count i32) (param $vecRow i32) (param $owner i32) (param $means i32) (param $moments i32) (param $stride i32)
    (param $from i32) (param $to i32) (param $w v128)
    (local $x i32) (local $y i32) (local $ax i32) (local $ox i32) (local $mx i32)
    (local $p i32) (local $end i32) (local $s2 i32) (local $y0 i32) (local $y1 i32)
    (local $p0 v128) (local $p1 v128) (local $p2 v128) (local $t v128)
    (local $g0 v128) (local $g1 v128) (local $g2 v128) (local $h0 v128) (local $h1 v128) (local $h2 v128)
    (local.set $s2 (i32.shl (local.get $stride) (i32.const 1)))
    (local.set $end (i32.shl (local.get $to) (i32.const 4)))
    (block $xs_done
      (loop $xs
        (br_if $xs_done (i32.ge_u (local.get $x) (local.get $count)))
        (local.set $ax (i32.add (local.get $moments) (i32.mul (local.get $x) (i32.mul (local.get $stride) (i32.const 3)))))
        (local.set $ox (i32.load (i32.add (local.get $owner) (i32.shl (local.get $x) (i32.const 2)))))
        (local.set $mx (i32.add (local.get $means) (i32.shl (local.get $x) (i32.const 4))))
        (local.set $y (local.get $x))
        (block $twos_done
          (loop $twos
            (br_if $twos_done (i32.gt_u (i32.add (local.get $y) (i32.const 2)) (local.get $count)))
            (local.set $y0 (i32.load offset=0 (i32.add (local.get $vecRow) (i32.shl (local.get $y) (i32.const 2)))))
            (local.set $y1 (i32.load offset=4 (i32.add (local.get $vecRow) (i32.shl (local.get $y) (i32.const 2)))))
            (local.set $g0 (v128.const i64x2 0 0))
            (local.set $g1 (v128.const i64x2 0 0))
            (local.set $g2 (v128.const i64x2 0 0))
            (local.set $h0 (v128.const i64x2 0 0))
            (local.set $h1 (v128.const i64x2 0 0))
            (local.set $h2 (v128.const i64x2 0 0))
            (local.set $p (i32.shl (local.get $from) (i32.const 4)))
            (block $nodes_done
              (loop $nodes
                (br_if $nodes_done (i32.ge_u (local.get $p) (local.get $end)))
                (local.set $p0 (v128.load (i32.add (local.get $ax) (local.get $p))))
                (local.set $p1 (v128.load (i32.add (i32.add (local.get $ax) (local.get $stride)) (local.get $p))))
                (local.set $p2 (v128.load (i32.add (i32.add (local.get $ax) (local.get $s2)) (local.get $p))))
                (local.set $t (v128.load (i32.add (local.get $y0) (local.get $p))))
                (local.set $g0 (f64x2.add (local.get $g0) (f64x2.mul (local.get $p0) (local.get $t))))
                (local.set $g1 (f64x2.add (local.get $g1) (f64x2.mul (local.get $p1) (local.get $t))))
                (local.set $g2 (f64x2.add (local.get $g2) (f64x2.mul (local.get $p2) (local.get $t))))
                (local.set $t (v128.load (i32.add (local.get $y1) (local.get $p))))
                (local.set $h0 (f64x2.add (local.get $h0) (f64x2.mul (local.get $p0) (local.get $t))))
                (local.set $h1 (f64x2.add (local.get $h1) (f64x2.mul (local.get $p1) (local.get $t))))
                (local.set $h2 (f64x2.add (local.get $h2) (f64x2.mul (local.get $p2) (local.get $t))))
                (local.set $p (i32.add (local.get $p) (i32.const 16)))
                (br $nodes)))
            (call $queueBlock2pl
              (local.get $ox) (i32.load offset=0 (i32.add (local.get $owner) (i32.shl (local.get $y) (i32.const 2))))
              (local.get $g0) (local.get $g1) (local.get $g2) (local.get $mx)
              (i32.add (local.get $means) (i32.shl (local.get $y) (i32.const 4))) (local.get $w))
            (call $queueBlock2pl
              (local.get $ox) (i32.load offset=4 (i32.add (local.get $owner) (i32.shl (local.get $y) (i32.const 2))))
              (local.get $h0) (local.get $h1) (local.get $h2) (local.get $mx)
              (i32.add (local.get $means) (i32.shl (i32.add (local.get $y) (i32.const 1)) (i32.const 4))) (local.get $w))
            (local.set $y (i32.add (local.get $y) (i32.const 2)))
            (br $twos)))
        (block $ones_done
          (loop $ones
            (br_if $ones_done (i32.ge_u (local.get $y) (local.get $count)))
            (local.set $y0 (i32.load (i32.add (local.get $vecRow) (i32.shl (local.get $y) (i32.const 2)))))
            (local.set $g0 (v128.const i64x2 0 0))
            (local.set $g1 (v128.const i64x2 0 0))
            (local.set $g2 (v128.const i64x2 0 0))
            (local.set $p (i32.shl (local.get $from) (i32.const 4)))
            (block $nodes_done
              (loop $nodes
                (br_if $nodes_done (i32.ge_u (local.get $p) (local.get $end)))
                (local.set $t (v128.load (i32.add (local.get $y0) (local.get $p))))
                (local.set $g0 (f64x2.add (local.get $g0) (f64x2.mul (v128.load (i32.add (local.get $ax) (local.get $p))) (local.get $t))))
                (local.set $g1 (f64x2.add (local.get $g1) (f64x2.mul (v128.load (i32.add (i32.add (local.get $ax) (local.get $stride)) (local.get $p))) (local.get $t))))
                (local.set $g2 (f64x2.add (local.get $g2) (f64x2.mul (v128.load (i32.add (i32.add (local.get $ax) (local.get $s2)) (local.get $p))) (local.get $t))))
                (local.set $p (i32.add (local.get $p) (i32.const 16)))
                (br $nodes)))
            (call $queueBlock2pl
              (local.get $ox) (i32.load (i32.add (local.get $owner) (i32.shl (local.get $y) (i32.const 2))))
              (local.get $g0) (local.get $g1) (local.get $g2) (local.get $mx)
              (i32.add (local.get $means) (i32.shl (local.get $y) (i32.const 4))) (local.get $w))
            (local.set $y (i32.add (local.get $y) (i32.const 1)))
            (br $ones)))
        (if (i32.ge_u (global.get $queued) (global.get $queueLimit)) (then (call $flush2pl)))
        (local.set $x (i32.add (local.get $x) (i32.const 1)))
        (br $xs))))

  ;; Rasch, the pairs of item vectors: only G0; the entry of (ox, oy) (see $blockAt) gets
  ;; −w·(G0 − m0x·m0y). Four y at a time, then one.
  (func $pairsRasch (param $count i32) (param $vecRow i32) (param $owner i32) (param $means i32) (param $moments i32) (param $stride i32)
    (param $from i32) (param $to i32) (param $w f64)
    (local $x i32) (local $y i32) (local $ax i32) (local $m0x f64) (local $j i32)
    (local $p i32) (local $end i32) (local $y0 i32) (local $y1 i32) (local $y2 i32) (local $y3 i32) (local $at i32)
    (local $p0 v128) (local $g0 v128) (local $g1 v128) (local $g2 v128) (local $g3 v128)
    (local.set $end (i32.shl (local.get $to) (i32.const 4)))
    (block $xs_done
      (loop $xs
        (br_if $xs_done (i32.ge_u (local.get $x) (local.get $count)))
        (local.set $ax (i32.add (local.get $moments) (i32.mul (local.get $x) (i32.mul (local.get $stride) (i32.const 3)))))
        (local.set $j (i32.load (i32.add (local.get $owner) (i32.shl (local.get $x) (i32.const 2)))))
        (local.set $m0x (f64.load offset=8 (i32.add (local.get $means) (i32.shl (local.get $x) (i32.const 4)))))
        (local.set $y (local.get $x))
        (block $fours_done
          (loop $fours
            (br_if $fours_done (i32.gt_u (i32.add (local.get $y) (i32.const 4)) (local.get $count)))
            (local.set $y0 (i32.load offset=0 (i32.add (local.get $vecRow) (i32.shl (local.get $y) (i32.const 2)))))
            (local.set $y1 (i32.load offset=4 (i32.add (local.get $vecRow) (i32.shl (local.get $y) (i32.const 2)))))
            (local.set $y2 (i32.load offset=8 (i32.add (local.get $vecRow) (i32.shl (local.get $y) (i32.const 2)))))
            (local.set $y3 (i32.load offset=12 (i32.add (local.get $vecRow) (i32.shl (local.get $y) (i32.const 2)))))
            (local.set $g0 (v128.const i64x2 0 0))
            (local.set $g1 (v128.const i64x2 0 0))
            (local.set $g2 (v128.const i64x2 0 0))
            (local.set $g3 (v128.const i64x2 0 0))
            (local.set $p (i32.shl (local.get $from) (i32.const 4)))
            (block $nodes_done
              (loop $nodes
                (br_if $nodes_done (i32.ge_u (local.get $p) (local.get $end)))
                (local.set $p0 (v128.load (i32.add (local.get $ax) (local.get $p))))
                (local.set $g0 (f64x2.add (local.get $g0) (f64x2.mul (local.get $p0) (v128.load (i32.add (local.get $y0) (local.get $p))))))
                (local.set $g1 (f64x2.add (local.get $g1) (f64x2.mul (local.get $p0) (v128.load (i32.add (local.get $y1) (local.get $p))))))
                (local.set $g2 (f64x2.add (local.get $g2) (f64x2.mul (local.get $p0) (v128.load (i32.add (local.get $y2) (local.get $p))))))
                (local.set $g3 (f64x2.add (local.get $g3) (f64x2.mul (local.get $p0) (v128.load (i32.add (local.get $y3) (local.get $p))))))
                (local.set $p (i32.add (local.get $p) (i32.const 16)))
                (br $nodes)))
            (call $addRasch (local.get $j) (local.get $owner) (local.get $means) (local.get $y) (local.get $g0) (local.get $m0x) (local.get $w))
            (call $addRasch (local.get $j) (local.get $owner) (local.get $means) (i32.add (local.get $y) (i32.const 1)) (local.get $g1) (local.get $m0x) (local.get $w))
            (call $addRasch (local.get $j) (local.get $owner) (local.get $means) (i32.add (local.get $y) (i32.const 2)) (local.get $g2) (local.get $m0x) (local.get $w))
            (call $addRasch (local.get $j) (local.get $owner) (local.get $means) (i32.add (local.get $y) (i32.const 3)) (local.get $g3) (local.get $m0x) (local.get $w))
            (local.set $y (i32.add (local.get $y) (i32.const 4)))
            (br $fours)))
        (block $ones_done
          (loop $ones
            (br_if $ones_done (i32.ge_u (local.get $y) (local.get $count)))
            (local.set $y0 (i32.load (i32.add (local.get $vecRow) (i32.shl (local.get $y) (i32.const 2)))))
            (local.set $g0 (v128.const i64x2 0 0))
            (local.set $p (i32.shl (local.get $from) (i32.const 4)))
            (block $nodes_done
              (loop $nodes
                (br_if $nodes_done (i32.ge_u (local.get $p) (local.get $end)))
                (local.set $g0
                  (f64x2.add (local.get $g0)
                    (f64x2.mul (v128.load (i32.add (local.get $ax) (local.get $p))) (v128.load (i32.add (local.get $y0) (local.get $p))))))
                (local.set $p (i32.add (local.get $p) (i32.const 16)))
                (br $nodes)))
            (call $addRasch (local.get $j) (local.get $owner) (local.get $means) (local.get $y) (local.get $g0) (local.get $m0x) (local.get $w))
            (local.set $y (i32.add (local.get $y) (i32.const 1)))
            (br $ones)))
        (if (i32.ge_u (global.get $queued) (global.get $queueLimit)) (then (call $flushRasch)))
        (local.set $x (i32.add (local.get $x) (i32.const 1)))
        (br $xs))))

  ;; Rasch: queues for the entry of (ox, owner[y]) the subtraction of w·(G0 − m0x·m0y).
  (func $addRasch (param $ox i32) (param $owner i32) (param $means i32) (param $y i32) (param $g v128) (param $m0x f64) (param $w f64)
    (local $e i32)
    (local.set $e (global.get $queued))
    (i32.store (local.get $e)
      (call $blockAt (local.get $ox) (i32.load (i32.add (local.get $owner) (i32.shl (local.get $y) (i32.const 2))))))
    (f64.store offset=8 (local.get $e)
      (f64.mul (local.get $w)
        (f64.sub (call $hsum (local.get $g))
          (f64.mul (local.get $m0x) (f64.load offset=8 (i32.add (local.get $means) (i32.shl (local.get $y) (i32.const 4))))))))
    (global.set $queued (i32.add (local.get $e) (i32.const 16))))

  ;; The pairs with a latent vector (the vectors [items, count) are the latent ones): item × latent
  ;; into latentItems (item f, slot s, latent l at (f·b + s)·L + l), latent × latent into latentLatent.
  (func $latentPairs (param $items i32) (param $count i32) (param $vecRow i32) (param $owner i32) (param $means i32) (param $moments i32)
    (param $stride i32) (param $from i32) (param $to i32) (param $w f64) (param $b i32) (param $L i32)
    (param $latentItems i32) (param $latentLatent i32)
    (local $x i32) (local $y i32) (local $ax i32) (local $vy i32) (local $p i32) (local $end i32) (local $t v128)
    (local $s0 v128) (local $s1 v128) (local $g0 f64) (local $g1 f64) (local $mx i32) (local $my i32) (local $at i32) (local $value f64)
    (local $ox i32) (local $oy i32)
    (local.set $end (i32.shl (local.get $to) (i32.const 4)))
    (block $xs_done
      (loop $xs
        (br_if $xs_done (i32.ge_u (local.get $x) (local.get $count)))
        (local.set $ax (i32.add (local.get $moments) (i32.mul (local.get $x) (i32.mul (local.get $stride) (i32.const 3)))))
        (local.set $mx (i32.add (local.get $means) (i32.shl (local.get $x) (i32.const 4))))
        (local.set $ox (i32.load (i32.add (local.get $owner) (i32.shl (local.get $x) (i32.const 2)))))
        (local.set $y (select (local.get $x) (local.get $items) (i32.gt_u (local.get $x) (local.get $items))))
        (block $ys_done
          (loop $ys
            (br_if $ys_done (i32.ge_u (local.get $y) (local.get $count)))
            (local.set $vy (i32.load (i32.add (local.get $vecRow) (i32.shl (local.get $y) (i32.const 2)))))
            (local.set $my (i32.add (local.get $means) (i32.shl (local.get $y) (i32.const 4))))
            (local.set $oy (i32.load (i32.add (local.get $owner) (i32.shl (local.get $y) (i32.const 2)))))
            (local.set $s0 (v128.const i64x2 0 0))
            (local.set $s1 (v128.const i64x2 0 0))
            (local.set $p (i32.shl (local.get $from) (i32.const 4)))
            (block $nodes_done
              (loop $nodes
                (br_if $nodes_done (i32.ge_u (local.get $p) (local.get $end)))
                (local.set $t (v128.load (i32.add (local.get $vy) (local.get $p))))
                (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul (v128.load (i32.add (local.get $ax) (local.get $p))) (local.get $t))))
                (local.set $s1
                  (f64x2.add (local.get $s1) (f64x2.mul (v128.load (i32.add (i32.add (local.get $ax) (local.get $stride)) (local.get $p))) (local.get $t))))
                (local.set $p (i32.add (local.get $p) (i32.const 16)))
                (br $nodes)))
            (local.set $g0 (call $hsum (local.get $s0)))
            (local.set $g1 (call $hsum (local.get $s1)))
            ;; −w·(G0 − m0x·m0y)
            (local.set $value
              (f64.mul (local.get $w) (f64.sub (local.get $g0) (f64.mul (f64.load offset=8 (local.get $mx)) (f64.load offset=8 (local.get $my))))))
            (if (i32.lt_u (local.get $x) (local.get $items))
              (then
                (local.set $at
                  (i32.add (local.get $latentItems)
                    (i32.shl (i32.add (i32.mul (i32.mul (local.get $ox) (local.get $b)) (local.get $L)) (local.get $oy)) (i32.const 3))))
                (if (i32.eq (local.get $b) (i32.const 2))
                  (then
                    ;; slot 0 (a): G1 − m1x·m0y; slot 1 (d): G0 − m0x·m0y
                    (f64.store (local.get $at)
                      (f64.sub (f64.load (local.get $at))
                        (f64.mul (local.get $w)
                          (f64.sub (local.get $g1) (f64.mul (f64.load offset=0 (local.get $mx)) (f64.load offset=8 (local.get $my)))))))
                    (local.set $at (i32.add (local.get $at) (i32.shl (local.get $L) (i32.const 3))))))
                (f64.store (local.get $at) (f64.sub (f64.load (local.get $at)) (local.get $value))))
              (else
                (local.set $at (i32.add (local.get $latentLatent) (i32.shl (i32.add (i32.mul (local.get $ox) (local.get $L)) (local.get $oy)) (i32.const 3))))
                (f64.store (local.get $at) (f64.sub (f64.load (local.get $at)) (local.get $value)))
                (if (i32.ne (local.get $x) (local.get $y))
                  (then
                    (local.set $at
                      (i32.add (local.get $latentLatent) (i32.shl (i32.add (i32.mul (local.get $oy) (local.get $L)) (local.get $ox)) (i32.const 3))))
                    (f64.store (local.get $at) (f64.sub (f64.load (local.get $at)) (local.get $value)))))))
            (local.set $y (i32.add (local.get $y) (i32.const 1)))
            (br $ys)))
        (local.set $x (i32.add (local.get $x) (i32.const 1)))
        (br $xs))))

  ;; The pass over the rows [0, rows) of a chunk (see louis-wasm.ts for the layout): rowStart holds
  ;; rows + 1 answer indices into items (i32) and scores (u8); weights is 0 when every weight is 1.
  ;; Adds each row's share to expectedPersons, expectedAnswers (unless it is 0), the blocks, latentItems and
  ;; latentLatent.
  (func (export "louis")
    (param $rows i32) (param $rowStart i32) (param $items i32) (param $scores i32) (param $weights i32)
    (param $nodes i32) (param $vectors i32) (param $logTable i32) (param $resid i32) (param $freeIndex i32)
    (param $logW i32) (param $theta i32) (param $theta2 i32) (param $latent i32) (param $L i32) (param $b i32)
    (param $rowAddr i32) (param $colStep i32) (param $rowStep i32) (param $diagAddr i32) (param $diagRowStep i32) (param $transposed i32)
    (param $latentItems i32) (param $latentLatent i32) (param $expectedAnswers i32) (param $expectedPersons i32)
    (param $post i32) (param $bases i32) (param $order i32) (param $vecRow i32) (param $owner i32) (param $means i32) (param $moments i32)
    (param $queue i32) (param $queueEntries i32) (param $given i32)
    (local $row i32) (local $w f64) (local $wv v128) (local $start i32) (local $len i32) (local $k i32) (local $stride i32)
    (local $top f64) (local $total f64) (local $q i32) (local $v i32) (local $off i32) (local $lo i32) (local $hi i32) (local $lanes i32)
    (local $vlo i32) (local $vhi i32) (local $tv v128) (local $n i32) (local $at i32) (local $key i32) (local $item i32) (local $f i32)
    (local $V i32) (local $items3 i32) (local $l i32) (local $prev i32)
    (global.set $rowAddr (local.get $rowAddr))
    (global.set $colStep (local.get $colStep))
    (global.set $rowStep (local.get $rowStep))
    (global.set $diagAddr (local.get $diagAddr))
    (global.set $diagRowStep (local.get $diagRowStep))
    (global.set $transposed (local.get $transposed))
    (local.set $stride (i32.shl (local.get $vectors) (i32.const 4)))
    (local.set $lanes (i32.shl (local.get $vectors) (i32.const 1)))
    (global.set $queueStart (local.get $queue))
    (global.set $queued (local.get $queue))
    (global.set $queueLimit
      (i32.add (local.get $queue) (i32.mul (local.get $queueEntries) (select (i32.const 48) (i32.const 16) (i32.eq (local.get $b) (i32.const 2))))))
    (block $rows_done
      (loop $each_row
        (br_if $rows_done (i32.ge_u (local.get $row) (local.get $rows)))
        (block $next_row
          (local.set $w (f64.const 1))
          (if (local.get $weights)
            (then (local.set $w (f64.load (i32.add (local.get $weights) (i32.shl (local.get $row) (i32.const 3)))))))
          (local.set $start (i32.load (i32.add (local.get $rowStart) (i32.shl (local.get $row) (i32.const 2)))))
          (local.set $len
            (i32.sub (i32.load offset=4 (i32.add (local.get $rowStart) (i32.shl (local.get $row) (i32.const 2)))) (local.get $start)))
          (br_if $next_row (i32.or (i32.eqz (local.get $len)) (f64.eq (local.get $w) (f64.const 0))))
          ;; Each answer's (item, score) row offset.
          (local.set $k (i32.const 0))
          (block $codes_done
            (loop $codes
              (br_if $codes_done (i32.ge_u (local.get $k) (local.get $len)))
              (i32.store (i32.add (local.get $bases) (i32.shl (local.get $k) (i32.const 2)))
                (i32.mul (local.get $stride)
                  (i32.or
                    (i32.shl (i32.load (i32.add (local.get $items) (i32.shl (i32.add (local.get $start) (local.get $k)) (i32.const 2)))) (i32.const 1))
                    (i32.load8_u (i32.add (local.get $scores) (i32.add (local.get $start) (local.get $k)))))))
              (local.set $k (i32.add (local.get $k) (i32.const 1)))
              (br $codes)))
          ;; With `given`: the row's posterior formed by the diagnostic pass (estep.wat, row r at given + stride·r),
          ;; copied; total = 1 / its largest value, so that the cut below is the same (post ≥ 1e-14 of the largest).
          (if (local.get $given)
            (then
              (memory.copy (local.get $post) (i32.add (local.get $given) (i32.mul (local.get $row) (local.get $stride))) (local.get $stride))
              (local.set $top (f64.const 0))
              (local.set $q (i32.const 0))
              (block $given_top_done
                (loop $given_tops
                  (br_if $given_top_done (i32.ge_u (local.get $q) (local.get $nodes)))
                  (local.set $top (f64.max (local.get $top) (f64.load (i32.add (local.get $post) (i32.shl (local.get $q) (i32.const 3))))))
                  (local.set $q (i32.add (local.get $q) (i32.const 1)))
                  (br $given_tops)))
              (local.set $total (f64.div (f64.const 1) (local.get $top))))
            (else
              ;; The log-likelihood, its largest value over the nodes, the posterior and its total.
              (call $logLikelihood (local.get $post) (local.get $logW) (local.get $bases) (local.get $logTable) (local.get $vectors) (local.get $len))
              (local.set $top (f64.const -inf))
              (local.set $q (i32.const 0))
              (block $top_done
                (loop $tops
                  (br_if $top_done (i32.ge_u (local.get $q) (local.get $nodes)))
                  (local.set $top (f64.max (local.get $top) (f64.load (i32.add (local.get $post) (i32.shl (local.get $q) (i32.const 3))))))
                  (local.set $q (i32.add (local.get $q) (i32.const 1)))
                  (br $tops)))
              (local.set $tv (f64x2.splat (local.get $top)))
              (local.set $off (i32.const 0))
              (block $exp_done
                (loop $exps
                  (br_if $exp_done (i32.ge_u (local.get $off) (local.get $stride)))
                  (v128.store (i32.add (local.get $post) (local.get $off))
                    (call $exp (f64x2.sub (v128.load (i32.add (local.get $post) (local.get $off))) (local.get $tv))))
                  (local.set $off (i32.add (local.get $off) (i32.const 16)))
                  (br $exps)))
              (local.set $total (f64.const 0))
              (local.set $q (i32.const 0))
              (block $total_done
                (loop $totals
                  (br_if $total_done (i32.ge_u (local.get $q) (local.get $nodes)))
                  (local.set $total (f64.add (local.get $total) (f64.load (i32.add (local.get $post) (i32.shl (local.get $q) (i32.const 3))))))
                  (local.set $q (i32.add (local.get $q) (i32.const 1)))
                  (br $totals)))
              (local.set $tv (f64x2.splat (local.get $total)))
              (local.set $off (i32.const 0))
              (block $div_done
                (loop $divs
                  (br_if $div_done (i32.ge_u (local.get $off) (local.get $stride)))
                  (v128.store (i32.add (local.get $post) (local.get $off))
                    (f64x2.div (v128.load (i32.add (local.get $post) (local.get $off))) (local.get $tv)))
                  (local.set $off (i32.add (local.get $off) (i32.const 16)))
                  (br $divs)))))
          ;; The nodes [lo, hi) where posterior × total ≥ 1e-14 (the largest is ≈ 1); 0 elsewhere.
          (local.set $lo (i32.const 0))
          (block $lo_done
            (loop $lo_scan
              (br_if $lo_done
                (f64.ge (f64.mul (f64.load (i32.add (local.get $post) (i32.shl (local.get $lo) (i32.const 3)))) (local.get $total)) (f64.const 1e-14)))
              (f64.store (i32.add (local.get $post) (i32.shl (local.get $lo) (i32.const 3))) (f64.const 0))
              (local.set $lo (i32.add (local.get $lo) (i32.const 1)))
              (br $lo_scan)))
          (local.set $hi (local.get $nodes))
          (block $hi_done
            (loop $hi_scan
              (br_if $hi_done
                (f64.ge
                  (f64.mul (f64.load (i32.add (local.get $post) (i32.shl (i32.sub (local.get $hi) (i32.const 1)) (i32.const 3)))) (local.get $total))
                  (f64.const 1e-14)))
              (local.set $hi (i32.sub (local.get $hi) (i32.const 1)))
              (f64.store (i32.add (local.get $post) (i32.shl (local.get $hi) (i32.const 3))) (f64.const 0))
              (br $hi_scan)))
          (if (i32.lt_u (local.get $nodes) (local.get $lanes))
            (then (f64.store (i32.add (local.get $post) (i32.shl (local.get $nodes) (i32.const 3))) (f64.const 0))))
          (local.set $vlo (i32.shr_u (local.get $lo) (i32.const 1)))
          (local.set $vhi (i32.shr_u (i32.add (local.get $hi) (i32.const 1)) (i32.const 1)))
          (local.set $wv (f64x2.splat (local.get $w)))
          (call $addScaled (local.get $expectedPersons) (local.get $post) (local.get $wv) (local.get $vlo) (local.get $vhi))
          ;; The answers in increasing free index (fixed items, −1, first): insertion sort.
          (local.set $k (i32.const 0))
          (block $sort_done
            (loop $sort
              (br_if $sort_done (i32.ge_u (local.get $k) (local.get $len)))
              (local.set $key
                (i32.load (i32.add (local.get $freeIndex)
                  (i32.shl (i32.load (i32.add (local.get $items) (i32.shl (i32.add (local.get $start) (local.get $k)) (i32.const 2)))) (i32.const 2)))))
              (local.set $at (local.get $k))
              (block $place_done
                (loop $place
                  (br_if $place_done (i32.eqz (local.get $at)))
                  (local.set $prev (i32.load (i32.add (local.get $order) (i32.shl (i32.sub (local.get $at) (i32.const 1)) (i32.const 2)))))
                  (br_if $place_done
                    (i32.le_s
                      (i32.load (i32.add (local.get $freeIndex)
                        (i32.shl (i32.load (i32.add (local.get $items) (i32.shl (i32.add (local.get $start) (local.get $prev)) (i32.const 2)))) (i32.const 2))))
                      (local.get $key)))
                  (i32.store (i32.add (local.get $order) (i32.shl (local.get $at) (i32.const 2))) (local.get $prev))
                  (local.set $at (i32.sub (local.get $at) (i32.const 1)))
                  (br $place)))
              (i32.store (i32.add (local.get $order) (i32.shl (local.get $at) (i32.const 2))) (local.get $k))
              (local.set $k (i32.add (local.get $k) (i32.const 1)))
              (br $sort)))
          ;; Expected answers of every item; node vectors and moments of the free ones.
          (local.set $V (i32.const 0))
          (local.set $n (i32.const 0))
          (block $answers_done
            (loop $answers
              (br_if $answers_done (i32.ge_u (local.get $n) (local.get $len)))
              (local.set $k (i32.load (i32.add (local.get $order) (i32.shl (local.get $n) (i32.const 2)))))
              (local.set $item (i32.load (i32.add (local.get $items) (i32.shl (i32.add (local.get $start) (local.get $k)) (i32.const 2)))))
              ;; expectedAnswers 0: the caller takes them from the E-step that gave the posteriors (its n).
              (if (local.get $expectedAnswers)
                (then
                  (call $addScaled
                    (i32.add (local.get $expectedAnswers) (i32.mul (local.get $item) (local.get $stride)))
                    (local.get $post) (local.get $wv) (local.get $vlo) (local.get $vhi))))
              (local.set $f (i32.load (i32.add (local.get $freeIndex) (i32.shl (local.get $item) (i32.const 2)))))
              (if (i32.ge_s (local.get $f) (i32.const 0))
                (then
                  (local.set $at (i32.add (local.get $resid) (i32.load (i32.add (local.get $bases) (i32.shl (local.get $k) (i32.const 2))))))
                  (i32.store (i32.add (local.get $vecRow) (i32.shl (local.get $V) (i32.const 2))) (local.get $at))
                  (i32.store (i32.add (local.get $owner) (i32.shl (local.get $V) (i32.const 2))) (local.get $f))
                  (call $moments (local.get $post) (local.get $at) (local.get $theta) (local.get $theta2)
                    (i32.add (local.get $moments) (i32.mul (local.get $V) (i32.mul (local.get $stride) (i32.const 3))))
                    (local.get $stride) (i32.add (local.get $means) (i32.shl (local.get $V) (i32.const 4))) (local.get $vlo) (local.get $vhi))
                  (local.set $V (i32.add (local.get $V) (i32.const 1)))))
              (local.set $n (i32.add (local.get $n) (i32.const 1)))
              (br $answers)))
          (local.set $items3 (local.get $V))
          (local.set $l (i32.const 0))
          (block $latent_done
            (loop $latents
              (br_if $latent_done (i32.ge_u (local.get $l) (local.get $L)))
              (local.set $at (i32.add (local.get $latent) (i32.mul (local.get $l) (local.get $stride))))
              (i32.store (i32.add (local.get $vecRow) (i32.shl (local.get $V) (i32.const 2))) (local.get $at))
              (i32.store (i32.add (local.get $owner) (i32.shl (local.get $V) (i32.const 2))) (local.get $l))
              (call $moments (local.get $post) (local.get $at) (local.get $theta) (local.get $theta2)
                (i32.add (local.get $moments) (i32.mul (local.get $V) (i32.mul (local.get $stride) (i32.const 3))))
                (local.get $stride) (i32.add (local.get $means) (i32.shl (local.get $V) (i32.const 4))) (local.get $vlo) (local.get $vhi))
              (local.set $V (i32.add (local.get $V) (i32.const 1)))
              (local.set $l (i32.add (local.get $l) (i32.const 1)))
              (br $latents)))
          ;; The pairs.
          (if (i32.eq (local.get $b) (i32.const 2))
            (then
              (call $pairs2pl (local.get $items3) (local.get $vecRow) (local.get $owner) (local.get $means) (local.get $moments) (local.get $stride)
                (local.get $vlo) (local.get $vhi) (local.get $wv)))
            (else
              (call $pairsRasch (local.get $items3) (local.get $vecRow) (local.get $owner) (local.get $means) (local.get $moments) (local.get $stride)
                (local.get $vlo) (local.get $vhi) (local.get $w))))
          (if (local.get $L)
            (then
              (call $latentPairs (local.get $items3) (local.get $V) (local.get $vecRow) (local.get $owner) (local.get $means) (local.get $moments)
                (local.get $stride) (local.get $vlo) (local.get $vhi) (local.get $w) (local.get $b) (local.get $L)
                (local.get $latentItems) (local.get $latentLatent)))))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $each_row)))
    (if (i32.eq (local.get $b) (i32.const 2)) (then (call $flush2pl)) (else (call $flushRasch))))
)
