;; The E-step's hot loop in WebAssembly SIMD (f64x2), hand-written.
;;
;; Source of engine/calibration/estep-wasm-bytes.ts (compiled with wabt: `npm run build:wasm`;
;; a unit test recompiles this file and checks that the committed bytes are the same).
;; engine/calibration/estep-wasm.ts lays the data out in the linear memory, calls `estep` and reads
;; the sums back; it documents the layout. The arithmetic is the JavaScript kernel's
;; (engine/calibration/kernel.ts), operation for operation, so that both give the same bits:
;;   - per row, the likelihood at each node is the prior times the table entry of each answer, in
;;     answer order; when the bound (the product of each answer's smallest entry) says underflow has
;;     become possible, the row is scaled by a power of two (exact) and tiny values are flushed;
;;   - the row's total is summed node by node, in order (scalar: the order of a sum matters);
;;   - the posterior times the row's weight is added to the node totals and, over the nodes where it
;;     is not negligible, to the counts of each answer's (item, score) row.
;; Products and sums per node are lane-wise, so SIMD changes no result. No FMA, no relaxed SIMD.
;;
;; Node rows are padded to an even count (`vectors` v128 of two f64 each); the padding of the prior
;; and of the likelihood is 0, the padding of the table 1.
(module
  ;; JavaScript's Math.exp, imported (the fit sums call it where addAnswerFit does: the same function, the same bits).
  (import "math" "exp" (func $exp (param f64) (result f64)))
  (memory (export "memory") 1)

  ;; like[v] *= table[base(m) + v] for the answers m in [from, to), over all vectors: four vectors at
  ;; a time kept in locals (one load and one multiply per two nodes per answer), then one at a time.
  (func $product (param $like i32) (param $bases i32) (param $table i32) (param $vectors i32) (param $from i32) (param $to i32)
    (local $v i32) (local $p i32) (local $m i32) (local $b i32)
    (local $l0 v128) (local $l1 v128) (local $l2 v128) (local $l3 v128)
    (block $fours_done
      (loop $fours
        (br_if $fours_done (i32.gt_u (i32.add (local.get $v) (i32.const 4)) (local.get $vectors)))
        (local.set $p (i32.add (local.get $like) (i32.shl (local.get $v) (i32.const 4))))
        (local.set $l0 (v128.load offset=0 (local.get $p)))
        (local.set $l1 (v128.load offset=16 (local.get $p)))
        (local.set $l2 (v128.load offset=32 (local.get $p)))
        (local.set $l3 (v128.load offset=48 (local.get $p)))
        (local.set $m (local.get $from))
        (block $answers_done
          (loop $answers
            (br_if $answers_done (i32.ge_u (local.get $m) (local.get $to)))
            (local.set $b
              (i32.add
                (i32.add (local.get $table) (i32.shl (local.get $v) (i32.const 4)))
                (i32.load (i32.add (local.get $bases) (i32.shl (local.get $m) (i32.const 2))))))
            (local.set $l0 (f64x2.mul (local.get $l0) (v128.load offset=0 (local.get $b))))
            (local.set $l1 (f64x2.mul (local.get $l1) (v128.load offset=16 (local.get $b))))
            (local.set $l2 (f64x2.mul (local.get $l2) (v128.load offset=32 (local.get $b))))
            (local.set $l3 (f64x2.mul (local.get $l3) (v128.load offset=48 (local.get $b))))
            (local.set $m (i32.add (local.get $m) (i32.const 1)))
            (br $answers)))
        (v128.store offset=0 (local.get $p) (local.get $l0))
        (v128.store offset=16 (local.get $p) (local.get $l1))
        (v128.store offset=32 (local.get $p) (local.get $l2))
        (v128.store offset=48 (local.get $p) (local.get $l3))
        (local.set $v (i32.add (local.get $v) (i32.const 4)))
        (br $fours)))
    (block $ones_done
      (loop $ones
        (br_if $ones_done (i32.ge_u (local.get $v) (local.get $vectors)))
        (local.set $p (i32.add (local.get $like) (i32.shl (local.get $v) (i32.const 4))))
        (local.set $l0 (v128.load (local.get $p)))
        (local.set $m (local.get $from))
        (block $answers_done
          (loop $answers
            (br_if $answers_done (i32.ge_u (local.get $m) (local.get $to)))
            (local.set $b
              (i32.add
                (i32.add (local.get $table) (i32.shl (local.get $v) (i32.const 4)))
                (i32.load (i32.add (local.get $bases) (i32.shl (local.get $m) (i32.const 2))))))
            (local.set $l0 (f64x2.mul (local.get $l0) (v128.load (local.get $b))))
            (local.set $m (i32.add (local.get $m) (i32.const 1)))
            (br $answers)))
        (v128.store (local.get $p) (local.get $l0))
        (local.set $v (i32.add (local.get $v) (i32.const 1)))
        (br $ones))))

  ;; acc[base(m) + v] += like[v] for the answers m in [0, count) and the vectors v in [from, to).
  (func $accumulate (param $like i32) (param $bases i32) (param $acc i32) (param $count i32) (param $from i32) (param $to i32)
    (local $v i32) (local $p i32) (local $m i32) (local $b i32)
    (local $l0 v128) (local $l1 v128) (local $l2 v128) (local $l3 v128)
    (local.set $v (local.get $from))
    (block $fours_done
      (loop $fours
        (br_if $fours_done (i32.gt_u (i32.add (local.get $v) (i32.const 4)) (local.get $to)))
        (local.set $p (i32.add (local.get $like) (i32.shl (local.get $v) (i32.const 4))))
        (local.set $l0 (v128.load offset=0 (local.get $p)))
        (local.set $l1 (v128.load offset=16 (local.get $p)))
        (local.set $l2 (v128.load offset=32 (local.get $p)))
        (local.set $l3 (v128.load offset=48 (local.get $p)))
        (local.set $m (i32.const 0))
        (block $answers_done
          (loop $answers
            (br_if $answers_done (i32.ge_u (local.get $m) (local.get $count)))
            (local.set $b
              (i32.add
                (i32.add (local.get $acc) (i32.shl (local.get $v) (i32.const 4)))
                (i32.load (i32.add (local.get $bases) (i32.shl (local.get $m) (i32.const 2))))))
            (v128.store offset=0 (local.get $b) (f64x2.add (v128.load offset=0 (local.get $b)) (local.get $l0)))
            (v128.store offset=16 (local.get $b) (f64x2.add (v128.load offset=16 (local.get $b)) (local.get $l1)))
            (v128.store offset=32 (local.get $b) (f64x2.add (v128.load offset=32 (local.get $b)) (local.get $l2)))
            (v128.store offset=48 (local.get $b) (f64x2.add (v128.load offset=48 (local.get $b)) (local.get $l3)))
            (local.set $m (i32.add (local.get $m) (i32.const 1)))
            (br $answers)))
        (local.set $v (i32.add (local.get $v) (i32.const 4)))
        (br $fours)))
    (block $ones_done
      (loop $ones
        (br_if $ones_done (i32.ge_u (local.get $v) (local.get $to)))
        (local.set $l0 (v128.load (i32.add (local.get $like) (i32.shl (local.get $v) (i32.const 4)))))
        (local.set $m (i32.const 0))
        (block $answers_done
          (loop $answers
            (br_if $answers_done (i32.ge_u (local.get $m) (local.get $count)))
            (local.set $b
              (i32.add
                (i32.add (local.get $acc) (i32.shl (local.get $v) (i32.const 4)))
                (i32.load (i32.add (local.get $bases) (i32.shl (local.get $m) (i32.const 2))))))
            (v128.store (local.get $b) (f64x2.add (v128.load (local.get $b)) (local.get $l0)))
            (local.set $m (i32.add (local.get $m) (i32.const 1)))
            (br $answers)))
        (local.set $v (i32.add (local.get $v) (i32.const 1)))
        (br $ones))))

  ;; acc[base(m) + q] += like[q] for one node q (scalar), the answers m in [0, count).
  (func $accumulateNode (param $like i32) (param $bases i32) (param $acc i32) (param $count i32) (param $q i32)
    (local $x f64) (local $m i32) (local $b i32)
    (local.set $x (f64.load (i32.add (local.get $like) (i32.shl (local.get $q) (i32.const 3)))))
    (block $done
      (loop $answers
        (br_if $done (i32.ge_u (local.get $m) (local.get $count)))
        (local.set $b
          (i32.add
            (i32.add (local.get $acc) (i32.shl (local.get $q) (i32.const 3)))
            (i32.load (i32.add (local.get $bases) (i32.shl (local.get $m) (i32.const 2))))))
        (f64.store (local.get $b) (f64.add (f64.load (local.get $b)) (local.get $x)))
        (local.set $m (i32.add (local.get $m) (i32.const 1)))
        (br $answers))))

  ;; Largest value of like (all entries are ≥ 0, the padding is 0). pmax, not max: see the posterior's loop in estep.
  (func $largest (param $like i32) (param $vectors i32) (result f64)
    (local $v i32) (local $top v128)
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $v) (local.get $vectors)))
        (local.set $top (f64x2.pmax (local.get $top) (v128.load (i32.add (local.get $like) (i32.shl (local.get $v) (i32.const 4))))))
        (local.set $v (i32.add (local.get $v) (i32.const 1)))
        (br $each)))
    (f64.max (f64x2.extract_lane 0 (local.get $top)) (f64x2.extract_lane 1 (local.get $top))))

  ;; Scales like by 2^-e, where 2^e ≤ its largest value < 2^(e+1), flushes values below 1e-250 to 0,
  ;; and returns e.
  (func $rescale (param $like i32) (param $vectors i32) (result i32)
    (local $e i32) (local $scale v128) (local $tiny v128) (local $v i32) (local $p i32) (local $x v128)
    (local.set $e
      (i32.sub
        (i32.and (i32.wrap_i64 (i64.shr_u (i64.reinterpret_f64 (call $largest (local.get $like) (local.get $vectors))) (i64.const 52))) (i32.const 0x7ff))
        (i32.const 1023)))
    (local.set $scale
      (f64x2.splat (f64.reinterpret_i64 (i64.shl (i64.extend_i32_u (i32.sub (i32.const 1023) (local.get $e))) (i64.const 52)))))
    (local.set $tiny (f64x2.splat (f64.const 1e-250)))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $v) (local.get $vectors)))
        (local.set $p (i32.add (local.get $like) (i32.shl (local.get $v) (i32.const 4))))
        (local.set $x (f64x2.mul (v128.load (local.get $p)) (local.get $scale)))
        (v128.store (local.get $p) (v128.andnot (local.get $x) (f64x2.lt (local.get $x) (local.get $tiny))))
        (local.set $v (i32.add (local.get $v) (i32.const 1)))
        (br $each)))
    (local.get $e))

;; One answer's fit sums (addAnswerFit in kernel.ts, operation for operation and in the same order, so the
  ;; same bits): from its leave-one-out total lt and moment lm and the same had it been right (rt, rm), item i's
  ;; (a, d, c) at params + 24·i, score y, row weight w, adds to the eleven sums at acc + 88·i: squaredResidual,
  ;; variance, standardisedSquaredResidual, expectedSquaredResidual, expectedVariance,
  ;; expectedStandardisedSquaredResidual, sumW, sumY, sumT, sumTT, sumYT. (c is 0 for the 2PL: 0 + x and 1 − 0
  ;; are exact, so the 2PL's arithmetic is unchanged.)
  (func $fit (param $lt f64) (param $lm f64) (param $rt f64) (param $rm f64) (param $y i32) (param $w f64)
    (param $pr i32) (param $s i32)
    (local $loo f64) (local $right f64) (local $wrong f64) (local $eap1 f64) (local $eap0 f64)
    (local $a f64) (local $d f64) (local $c f64) (local $p1 f64) (local $p0 f64)
    (local $res1 f64) (local $res0 f64) (local $var1 f64) (local $var0 f64) (local $res2 f64) (local $pq f64) (local $yf f64)
    (local.set $loo (f64.div (local.get $lm) (local.get $lt)))
    (local.set $right (f64.div (local.get $rt) (local.get $lt)))
    (local.set $eap1 (f64.div (local.get $rm) (local.get $rt)))
    (local.set $eap0 (f64.div (f64.sub (local.get $lm) (local.get $rm)) (f64.sub (local.get $lt) (local.get $rt))))
    (local.set $a (f64.load offset=0 (local.get $pr)))
    (local.set $d (f64.load offset=8 (local.get $pr)))
    (local.set $c (f64.load offset=16 (local.get $pr)))
    (local.set $p1
      (f64.add (local.get $c)
        (f64.div (f64.sub (f64.const 1) (local.get $c))
          (f64.add (f64.const 1) (call $exp (f64.neg (f64.add (f64.mul (local.get $a) (local.get $eap1)) (local.get $d))))))))
    (local.set $p0
      (f64.add (local.get $c)
        (f64.div (f64.sub (f64.const 1) (local.get $c))
          (f64.add (f64.const 1) (call $exp (f64.neg (f64.add (f64.mul (local.get $a) (local.get $eap0)) (local.get $d))))))))
    (local.set $res1 (f64.mul (f64.sub (f64.const 1) (local.get $p1)) (f64.sub (f64.const 1) (local.get $p1))))
    (local.set $res0 (f64.mul (local.get $p0) (local.get $p0)))
    (local.set $var1 (f64.mul (local.get $p1) (f64.sub (f64.const 1) (local.get $p1))))
    (local.set $var0 (f64.mul (local.get $p0) (f64.sub (f64.const 1) (local.get $p0))))
    (local.set $res2 (select (local.get $res1) (local.get $res0) (local.get $y)))
    (local.set $pq (select (local.get $var1) (local.get $var0) (local.get $y)))
    (f64.store offset=0 (local.get $s) (f64.add (f64.load offset=0 (local.get $s)) (f64.mul (local.get $w) (local.get $res2))))
    (f64.store offset=8 (local.get $s) (f64.add (f64.load offset=8 (local.get $s)) (f64.mul (local.get $w) (local.get $pq))))
    (f64.store offset=16 (local.get $s)
      (f64.add (f64.load offset=16 (local.get $s)) (f64.div (f64.mul (local.get $w) (local.get $res2)) (local.get $pq))))
    (local.set $wrong (f64.sub (f64.const 1) (local.get $right)))
    (f64.store offset=24 (local.get $s)
      (f64.add (f64.load offset=24 (local.get $s))
        (f64.mul (local.get $w)
          (f64.add (f64.mul (local.get $right) (local.get $res1)) (f64.mul (local.get $wrong) (local.get $res0))))))
    (f64.store offset=32 (local.get $s)
      (f64.add (f64.load offset=32 (local.get $s))
        (f64.mul (local.get $w)
          (f64.add (f64.mul (local.get $right) (local.get $var1)) (f64.mul (local.get $wrong) (local.get $var0))))))
    (f64.store offset=40 (local.get $s)
      (f64.add (f64.load offset=40 (local.get $s))
        (f64.mul (local.get $w)
          (f64.add
            (f64.mul (local.get $right) (f64.div (local.get $res1) (local.get $var1)))
            (f64.mul (local.get $wrong) (f64.div (local.get $res0) (local.get $var0)))))))
    (local.set $yf (f64.convert_i32_u (local.get $y)))
    (f64.store offset=48 (local.get $s) (f64.add (f64.load offset=48 (local.get $s)) (local.get $w)))
    (f64.store offset=56 (local.get $s) (f64.add (f64.load offset=56 (local.get $s)) (f64.mul (local.get $w) (local.get $yf))))
    (f64.store offset=64 (local.get $s) (f64.add (f64.load offset=64 (local.get $s)) (f64.mul (local.get $w) (local.get $loo))))
    (f64.store offset=72 (local.get $s)
      (f64.add (f64.load offset=72 (local.get $s)) (f64.mul (f64.mul (local.get $w) (local.get $loo)) (local.get $loo))))
    (f64.store offset=80 (local.get $s)
      (f64.add (f64.load offset=80 (local.get $s)) (f64.mul (f64.mul (local.get $w) (local.get $yf)) (local.get $loo)))))

    ;; The diagnostic pass's sums over the nodes for each answer m of a row, from the row's posterior
  ;; times its weight (like): the leave-one-out posterior's total and first moment (the answer's
  ;; probability divided back out), the same had the answer been right, and the score of the item's
  ;; (a, d), Σ like·(1 − P(observed score)) times θ and not. Written as six f64 per answer at out:
  ;; looTotal, looMoment, rightTotal, rightMoment, gA, gD (each the sum of its two lanes; the
  ;; JavaScript pass sums node by node, so these agree with it to rounding, not bit for bit).
  ;; When $withScore is 0, gA and gD are neither summed nor written (the per-item Louis blocks alone read them):
  ;; the node loop reads two table rows instead of three, and the four other sums are the same bits.
  (func $diagnose (param $like i32) (param $bases i32) (param $table i32) (param $inverse i32) (param $theta i32)
    (param $vectors i32) (param $stride i32) (param $count i32) (param $scores i32) (param $out i32) (param $withScore i32)
    (param $w f64) (param $items i32) (param $fitParams i32) (param $fitAcc i32)
    (local $m i32) (local $item i32) (local $f0 f64) (local $f1 f64) (local $f2 f64) (local $f3 f64) (local $v i32) (local $b i32) (local $rb i32) (local $off i32) (local $o i32)
    (local $x v128) (local $t v128) (local $th v128) (local $loo v128) (local $right v128) (local $resid v128)
    (local $lt v128) (local $lm v128) (local $rt v128) (local $rm v128) (local $ga v128) (local $gd v128)
    (block $answers_done
      (loop $answers
        (br_if $answers_done (i32.ge_u (local.get $m) (local.get $count)))
        (local.set $b (i32.load (i32.add (local.get $bases) (i32.shl (local.get $m) (i32.const 2)))))
        ;; The (item, right) row: the next row when the observed score is 0.
        (local.set $rb
          (i32.add (local.get $b)
            (i32.mul (local.get $stride) (i32.sub (i32.const 1) (i32.load8_u (i32.add (local.get $scores) (local.get $m)))))))
        (local.set $lt (v128.const i64x2 0 0))
        (local.set $lm (v128.const i64x2 0 0))
        (local.set $rt (v128.const i64x2 0 0))
        (local.set $rm (v128.const i64x2 0 0))
        (local.set $ga (v128.const i64x2 0 0))
        (local.set $gd (v128.const i64x2 0 0))
        (local.set $v (i32.const 0))
        (if (i32.eqz (local.get $withScore))
          (then
            (block $fit_done
              (loop $fit
                (br_if $fit_done (i32.ge_u (local.get $v) (local.get $vectors)))
                (local.set $off (i32.shl (local.get $v) (i32.const 4)))
                (local.set $th (v128.load (i32.add (local.get $theta) (local.get $off))))
                (local.set $loo
                  (f64x2.mul (v128.load (i32.add (local.get $like) (local.get $off)))
                    (v128.load (i32.add (local.get $inverse) (i32.add (local.get $b) (local.get $off))))))
                (local.set $lt (f64x2.add (local.get $lt) (local.get $loo)))
                (local.set $lm (f64x2.add (local.get $lm) (f64x2.mul (local.get $loo) (local.get $th))))
                (local.set $right (f64x2.mul (local.get $loo) (v128.load (i32.add (local.get $table) (i32.add (local.get $rb) (local.get $off))))))
                (local.set $rt (f64x2.add (local.get $rt) (local.get $right)))
                (local.set $rm (f64x2.add (local.get $rm) (f64x2.mul (local.get $right) (local.get $th))))
                (local.set $v (i32.add (local.get $v) (i32.const 1)))
                (br $fit)))))
        (block $nodes_done
          (loop $nodes
            (br_if $nodes_done (i32.ge_u (local.get $v) (local.get $vectors)))
            (local.set $off (i32.shl (local.get $v) (i32.const 4)))
            (local.set $x (v128.load (i32.add (local.get $like) (local.get $off))))
            (local.set $t (v128.load (i32.add (local.get $table) (i32.add (local.get $b) (local.get $off)))))
            (local.set $th (v128.load (i32.add (local.get $theta) (local.get $off))))
            (local.set $loo (f64x2.mul (local.get $x) (v128.load (i32.add (local.get $inverse) (i32.add (local.get $b) (local.get $off))))))
            (local.set $lt (f64x2.add (local.get $lt) (local.get $loo)))
            (local.set $lm (f64x2.add (local.get $lm) (f64x2.mul (local.get $loo) (local.get $th))))
            (local.set $right (f64x2.mul (local.get $loo) (v128.load (i32.add (local.get $table) (i32.add (local.get $rb) (local.get $off))))))
            (local.set $rt (f64x2.add (local.get $rt) (local.get $right)))
            (local.set $rm (f64x2.add (local.get $rm) (f64x2.mul (local.get $right) (local.get $th))))
            (local.set $resid (f64x2.mul (local.get $x) (f64x2.sub (f64x2.splat (f64.const 1)) (local.get $t))))
            (local.set $gd (f64x2.add (local.get $gd) (local.get $resid)))
            (local.set $ga (f64x2.add (local.get $ga) (f64x2.mul (local.get $resid) (local.get $th))))
            (local.set $v (i32.add (local.get $v) (i32.const 1)))
            (br $nodes)))
        (local.set $o (i32.add (local.get $out) (i32.mul (local.get $m) (i32.const 48))))
        (local.set $f0 (f64.add (f64x2.extract_lane 0 (local.get $lt)) (f64x2.extract_lane 1 (local.get $lt))))
        (local.set $f1 (f64.add (f64x2.extract_lane 0 (local.get $lm)) (f64x2.extract_lane 1 (local.get $lm))))
        (local.set $f2 (f64.add (f64x2.extract_lane 0 (local.get $rt)) (f64x2.extract_lane 1 (local.get $rt))))
        (local.set $f3 (f64.add (f64x2.extract_lane 0 (local.get $rm)) (f64x2.extract_lane 1 (local.get $rm))))
        (f64.store offset=0 (local.get $o) (local.get $f0))
        (f64.store offset=8 (local.get $o) (local.get $f1))
        (f64.store offset=16 (local.get $o) (local.get $f2))
        (f64.store offset=24 (local.get $o) (local.get $f3))
        ;; With fitAcc: the answer's fit sums, here (addAnswerFit's arithmetic), in answer order.
        (if (local.get $fitAcc)
          (then
            (local.set $item (i32.load (i32.add (local.get $items) (i32.shl (local.get $m) (i32.const 2)))))
            (call $fit (local.get $f0) (local.get $f1) (local.get $f2) (local.get $f3)
              (i32.load8_u (i32.add (local.get $scores) (local.get $m))) (local.get $w)
              (i32.add (local.get $fitParams) (i32.mul (local.get $item) (i32.const 24)))
              (i32.add (local.get $fitAcc) (i32.mul (local.get $item) (i32.const 88))))))
        (if (local.get $withScore)
          (then
            (f64.store offset=32 (local.get $o) (f64.add (f64x2.extract_lane 0 (local.get $ga)) (f64x2.extract_lane 1 (local.get $ga))))
            (f64.store offset=40 (local.get $o) (f64.add (f64x2.extract_lane 0 (local.get $gd)) (f64x2.extract_lane 1 (local.get $gd))))))
        (local.set $m (i32.add (local.get $m) (i32.const 1)))
        (br $answers))))

  ;; The row's EAP θ̂ and posterior SD from its likelihood × prior (like, before any normalisation) and its
  ;; total: m1 = Σ like·θ, θ̂ = m1 / total, m2 = Σ (like·(θ − θ̂))·(θ − θ̂), SD = √(m2 / total), each sum
  ;; node by node in order (scalar), as computeRowAbilities (kernel.ts) does: the same bits.
  (func $moments (param $like i32) (param $theta i32) (param $nodes i32) (param $total f64) (param $at i32) (param $sdAt i32)
    (local $q i32) (local $m1 f64) (local $mean f64) (local $m2 f64) (local $dev f64) (local $p i32)
    (block $first_done
      (loop $first
        (br_if $first_done (i32.ge_u (local.get $q) (local.get $nodes)))
        (local.set $p (i32.shl (local.get $q) (i32.const 3)))
        (local.set $m1
          (f64.add (local.get $m1)
            (f64.mul (f64.load (i32.add (local.get $like) (local.get $p))) (f64.load (i32.add (local.get $theta) (local.get $p))))))
        (local.set $q (i32.add (local.get $q) (i32.const 1)))
        (br $first)))
    (local.set $mean (f64.div (local.get $m1) (local.get $total)))
    (local.set $q (i32.const 0))
    (block $second_done
      (loop $second
        (br_if $second_done (i32.ge_u (local.get $q) (local.get $nodes)))
        (local.set $p (i32.shl (local.get $q) (i32.const 3)))
        (local.set $dev (f64.sub (f64.load (i32.add (local.get $theta) (local.get $p))) (local.get $mean)))
        (local.set $m2
          (f64.add (local.get $m2)
            (f64.mul (f64.mul (f64.load (i32.add (local.get $like) (local.get $p))) (local.get $dev)) (local.get $dev))))
        (local.set $q (i32.add (local.get $q) (i32.const 1)))
        (br $second)))
    (f64.store (local.get $at) (local.get $mean))
    (f64.store (local.get $sdAt) (f64.sqrt (f64.div (local.get $m2) (local.get $total)))))

  ;; One E-step over the rows [row, rows) (see estep-wasm.ts for the layout). For each row of non-zero
  ;; weight, writes its likelihood total (before the weight) to rowTotal and its power-of-two scale to
  ;; rowExponent; adds its weighted posterior to nodeTotals and to acc. When out is not 0, also writes
  ;; the diagnostic sums of each answer a of those rows at out + 48·(a − firstAnswer) (inverse: the
  ;; table's 1/P, theta: the nodes, padded with 0). When rowTheta is not 0 (with out), also writes each such
  ;; row's EAP θ̂ and posterior SD at rowTheta + 8·row and rowSd + 8·row, from its likelihood before the weight.
  ;; When posts is not 0, also writes each such row's posterior (before the weight) at posts + stride·(row − postRow0).
  ;; withScore (with out): 0 leaves out each answer's gA and gD (the last two of its six f64) unwritten.
  ;; fitAcc (with out), when not 0: each answer's fit sums added there ($fit; fitParams: a, d, c per item).
  (func (export "estep")
    (param $row i32) (param $rows i32) (param $nodes i32) (param $vectors i32)
    (param $rowStart i32) (param $items i32) (param $scores i32) (param $weights i32)
    (param $table i32) (param $smallest i32) (param $prior i32) (param $priorMax f64)
    (param $like i32) (param $bases i32) (param $cuts i32) (param $acc i32) (param $nodeTotals i32)
    (param $rowTotal i32) (param $rowExponent i32)
    (param $inverse i32) (param $theta i32) (param $out i32) (param $firstAnswer i32)
    (param $rowTheta i32) (param $rowSd i32) (param $posts i32) (param $postRow0 i32) (param $withScore i32)
    (param $fitParams i32) (param $fitAcc i32)
    (local $w f64) (local $start i32) (local $len i32) (local $k i32) (local $code i32)
    (local $stride i32) (local $bound f64) (local $cutCount i32) (local $c i32) (local $seg i32) (local $cut i32)
    (local $exponent i32) (local $total f64) (local $q i32) (local $f v128) (local $top v128) (local $x v128)
    (local $p i32) (local $floor f64) (local $lo i32) (local $hi i32) (local $v i32)
    (local.set $stride (i32.shl (local.get $vectors) (i32.const 4)))
    (block $rows_done
      (loop $each_row
        (br_if $rows_done (i32.ge_u (local.get $row) (local.get $rows)))
        (block $next_row
          (local.set $w (f64.const 1))
          (if (local.get $weights)
            (then (local.set $w (f64.load (i32.add (local.get $weights) (i32.shl (local.get $row) (i32.const 3)))))))
          (br_if $next_row (f64.eq (local.get $w) (f64.const 0)))
          (local.set $start (i32.load (i32.add (local.get $rowStart) (i32.shl (local.get $row) (i32.const 2)))))
          (local.set $len
            (i32.sub (i32.load offset=4 (i32.add (local.get $rowStart) (i32.shl (local.get $row) (i32.const 2)))) (local.get $start)))
          ;; Each answer's offset into the table (and acc), and where the row must be rescaled.
          (local.set $bound (local.get $priorMax))
          (local.set $cutCount (i32.const 0))
          (local.set $k (i32.const 0))
          (block $answers_done
            (loop $answers
              (br_if $answers_done (i32.ge_u (local.get $k) (local.get $len)))
              (local.set $code
                (i32.or
                  (i32.shl (i32.load (i32.add (local.get $items) (i32.shl (i32.add (local.get $start) (local.get $k)) (i32.const 2)))) (i32.const 1))
                  (i32.load8_u (i32.add (local.get $scores) (i32.add (local.get $start) (local.get $k))))))
              (i32.store (i32.add (local.get $bases) (i32.shl (local.get $k) (i32.const 2))) (i32.mul (local.get $code) (local.get $stride)))
              (local.set $bound (f64.mul (local.get $bound) (f64.load (i32.add (local.get $smallest) (i32.shl (local.get $code) (i32.const 3))))))
              (local.set $k (i32.add (local.get $k) (i32.const 1)))
              (if (i32.and (f64.lt (local.get $bound) (f64.const 1e-200)) (i32.lt_u (local.get $k) (local.get $len)))
                (then
                  (i32.store (i32.add (local.get $cuts) (i32.shl (local.get $cutCount) (i32.const 2))) (local.get $k))
                  (local.set $cutCount (i32.add (local.get $cutCount) (i32.const 1)))
                  (local.set $bound (f64.const 1))))
              (br $answers)))
          ;; like = prior × the answers' probabilities, rescaled at the cuts.
          (memory.copy (local.get $like) (local.get $prior) (local.get $stride))
          (local.set $seg (i32.const 0))
          (local.set $exponent (i32.const 0))
          (local.set $c (i32.const 0))
          (block $cuts_done
            (loop $each_cut
              (br_if $cuts_done (i32.ge_u (local.get $c) (local.get $cutCount)))
              (local.set $cut (i32.load (i32.add (local.get $cuts) (i32.shl (local.get $c) (i32.const 2)))))
              (call $product (local.get $like) (local.get $bases) (local.get $table) (local.get $vectors) (local.get $seg) (local.get $cut))
              (local.set $exponent (i32.add (local.get $exponent) (call $rescale (local.get $like) (local.get $vectors))))
              (local.set $seg (local.get $cut))
              (local.set $c (i32.add (local.get $c) (i32.const 1)))
              (br $each_cut)))
          (call $product (local.get $like) (local.get $bases) (local.get $table) (local.get $vectors) (local.get $seg) (local.get $len))
          ;; The row's total, node by node in order.
          (local.set $total (f64.const 0))
          (local.set $q (i32.const 0))
          (block $sum_done
            (loop $sum
              (br_if $sum_done (i32.ge_u (local.get $q) (local.get $nodes)))
              (local.set $total (f64.add (local.get $total) (f64.load (i32.add (local.get $like) (i32.shl (local.get $q) (i32.const 3))))))
              (local.set $q (i32.add (local.get $q) (i32.const 1)))
              (br $sum)))
          (f64.store (i32.add (local.get $rowTotal) (i32.shl (local.get $row) (i32.const 3))) (local.get $total))
          (i32.store (i32.add (local.get $rowExponent) (i32.shl (local.get $row) (i32.const 2))) (local.get $exponent))
          (if (local.get $rowTheta)
            (then
              (call $moments (local.get $like) (local.get $theta) (local.get $nodes) (local.get $total)
                (i32.add (local.get $rowTheta) (i32.shl (local.get $row) (i32.const 3)))
                (i32.add (local.get $rowSd) (i32.shl (local.get $row) (i32.const 3))))))
          ;; With `posts`: the row's posterior (like / total, before the weight) at posts + stride·(row − postRow0),
          ;; for a pass that reads it (the Louis pass fused with the diagnostic pass, louis-wasm.ts).
          (if (local.get $posts)
            (then
              (local.set $f (f64x2.splat (local.get $total)))
              (local.set $p (i32.add (local.get $posts) (i32.mul (i32.sub (local.get $row) (local.get $postRow0)) (local.get $stride))))
              (local.set $v (i32.const 0))
              (block $copy_done
                (loop $copy
                  (br_if $copy_done (i32.ge_u (local.get $v) (local.get $stride)))
                  (v128.store (i32.add (local.get $p) (local.get $v))
                    (f64x2.div (v128.load (i32.add (local.get $like) (local.get $v))) (local.get $f)))
                  (local.set $v (i32.add (local.get $v) (i32.const 16)))
                  (br $copy)))))
          ;; Posterior × weight: into like and the node totals. The largest value by f64x2.pmax (b > a ? b : a, the
          ;; JavaScript kernel's `if (v > top) top = v`), not f64x2.max: V8 compiles max, which must order −0 and
          ;; propagate NaN, into about eight instructions on the loop's carried chain, pmax into one maxpd. The values
          ;; here are ≥ +0 and not NaN, so both give the same top (×0.76–0.88 of the E-step's CPU at 2,000 items).
          (local.set $f (f64x2.splat (f64.div (local.get $w) (local.get $total))))
          (local.set $top (f64x2.splat (f64.const 0)))
          (local.set $v (i32.const 0))
          (block $post_done
            (loop $post
              (br_if $post_done (i32.ge_u (local.get $v) (local.get $vectors)))
              (local.set $p (i32.shl (local.get $v) (i32.const 4)))
              (local.set $x (f64x2.mul (v128.load (i32.add (local.get $like) (local.get $p))) (local.get $f)))
              (v128.store (i32.add (local.get $like) (local.get $p)) (local.get $x))
              (v128.store (i32.add (local.get $nodeTotals) (local.get $p))
                (f64x2.add (v128.load (i32.add (local.get $nodeTotals) (local.get $p))) (local.get $x)))
              (local.set $top (f64x2.pmax (local.get $top) (local.get $x)))
              (local.set $v (i32.add (local.get $v) (i32.const 1)))
              (br $post)))
          ;; Only the nodes [lo, hi) carrying a non-negligible share of the posterior are accumulated.
          (local.set $floor
            (f64.mul (f64.max (f64x2.extract_lane 0 (local.get $top)) (f64x2.extract_lane 1 (local.get $top))) (f64.const 1e-14)))
          (local.set $lo (i32.const 0))
          (block $lo_done
            (loop $lo_scan
              (br_if $lo_done (f64.ge (f64.load (i32.add (local.get $like) (i32.shl (local.get $lo) (i32.const 3)))) (local.get $floor)))
              (local.set $lo (i32.add (local.get $lo) (i32.const 1)))
              (br $lo_scan)))
          (local.set $hi (local.get $nodes))
          (block $hi_done
            (loop $hi_scan
              (br_if $hi_done
                (f64.ge (f64.load (i32.add (local.get $like) (i32.shl (i32.sub (local.get $hi) (i32.const 1)) (i32.const 3)))) (local.get $floor)))
              (local.set $hi (i32.sub (local.get $hi) (i32.const 1)))
              (br $hi_scan)))
          ;; An odd node at either end alone, then whole vectors.
          (if (i32.and (local.get $lo) (i32.const 1))
            (then
              (call $accumulateNode (local.get $like) (local.get $bases) (local.get $acc) (local.get $len) (local.get $lo))
              (local.set $lo (i32.add (local.get $lo) (i32.const 1)))))
          (if (i32.and (i32.lt_u (local.get $lo) (local.get $hi)) (i32.and (local.get $hi) (i32.const 1)))
            (then
              (local.set $hi (i32.sub (local.get $hi) (i32.const 1)))
              (call $accumulateNode (local.get $like) (local.get $bases) (local.get $acc) (local.get $len) (local.get $hi))))
          (if (i32.lt_u (local.get $lo) (local.get $hi))
            (then
              (call $accumulate (local.get $like) (local.get $bases) (local.get $acc) (local.get $len)
                (i32.shr_u (local.get $lo) (i32.const 1)) (i32.shr_u (local.get $hi) (i32.const 1)))))
          (if (local.get $out)
            (then
              (call $diagnose (local.get $like) (local.get $bases) (local.get $table) (local.get $inverse) (local.get $theta)
                (local.get $vectors) (local.get $stride) (local.get $len) (i32.add (local.get $scores) (local.get $start))
                (i32.add (local.get $out) (i32.mul (i32.sub (local.get $start) (local.get $firstAnswer)) (i32.const 48)))
                (local.get $withScore) (local.get $w) (i32.add (local.get $items) (i32.shl (local.get $start) (i32.const 2)))
                (local.get $fitParams) (local.get $fitAcc)))))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $each_row))))
)
