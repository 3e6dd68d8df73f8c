;; The dot-product kernel of the blocked Cholesky factorisation and of the columns of L⁻¹
;; (engine/calibration/linalg-blocked.ts, `subtractDots`) in WebAssembly SIMD (f64x2), hand-written; since h59 the
;; trailing update and the columns' products run in `subtractOuter` (outer products, below), `subtractDots` where
;; a block of columns is too wide for the packed copy.
;;
;; Source of engine/calibration/dots-wasm-bytes.ts (compiled with wabt: `npm run build:wasm`; a unit
;; test recompiles this file and checks that the committed bytes are the same). The memory is
;; imported and shared: the matrix lives in it, so worker threads update their rows of one matrix in
;; place (linalg-wasm.ts makes the memory and the views on it).
;;
;; out[r·outRow + c·outCol] −= Σ_k a[r·aStride + k] · b[c·bStride + k] (k < K) for r < rows, c < cols,
;; every address and stride in bytes: 2 × 4 tiles of dot products (2 rows of a, 4 of b), each over
;; pairs of k in the two lanes of f64x2 (even and odd k, added at the end, then the last k when K is
;; odd), so the sums agree with the JavaScript kernel's (k in order) to rounding. No FMA, no relaxed SIMD.
;;
;; Why 2 × 4 and not 3 × 3 (6 loads for 9 products, the JavaScript kernel's tile): V8 (x64) gives
;; WebAssembly 15 vector registers, and 9 sums + 6 loaded vectors + 1 product is 16, so one sum lived
;; on the stack and each k step waited on its store and reload (~4.6 G multiply–adds per second of CPU).
;; 8 sums + 6 loads + 1 fits: ~10 G in the same micro-benchmark (decision 021, addendum h41). Each dot
;; product is computed exactly as before (same lanes, same order), so the results are the same bits.
;;
;; `solveRows` (h53): the triangles of the panel solve and of the columns of L⁻¹, which ran in JavaScript. For
;; each of `rows` vectors x (x + r·xStride), in place, x[j] = (x[j] − Σ_{k<j} x[k]·T[j][k]) / T[j][j] for j < n
;; (T's rows tStride apart), the products subtracted one by one in the order of k, as the JavaScript loops did:
;; the same bits. Four vectors at a time in two f64x2 (two independent chains: the subtraction's latency is
;; the limit), T[j][k] splatted; the vectors left one by one.
;;
;; `subtractOuter` (h59): the trailing update (and the products of the columns of L⁻¹) in outer-product form, on a
;; packed panel. B is packed by groups of eight columns, group g at b + g·bGroup bytes, its K steps of eight doubles
;; (B[k][8g … 8g + 7]); A is read in place
;; (rows aStride bytes apart). out[r·outRow + 8g + c] −= Σ_k a[r·aStride + k] · B[k][8g + c] for r < rows, c < 8,
;; g < groups, only the rows r ≥ 8g − lag of each group (those at or below the diagonal when row r is column
;; r + lag; the tile's other columns are written, in the unused upper triangle). Tiles of 2 rows × 8 columns: two
;; splatted entries of a and four vectors of B per k, eight f64x2 sums (8 + 6 + 1 product = 15 registers, V8's
;; x64 limit), each sum in the order of k from 0: the JavaScript reference's order (subtractDots), so the same
;; bits; an odd last row alone (its tile run with both rows the same, one stored). Against `subtractDots`'s dot
;; products: six loads per 16 multiply–adds too, but no horizontal sums, the rows of out stored as vectors and
;; one pointer step per operand.
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; One dot product over K (two lanes, then the odd last k).
  (func $dot (param $a i32) (param $b i32) (param $K i32) (result f64)
    (local $p i32) (local $end i32) (local $s v128) (local $sum f64)
    (local.set $end (i32.shl (i32.and (local.get $K) (i32.const -2)) (i32.const 3)))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $s
          (f64x2.add (local.get $s)
            (f64x2.mul (v128.load (i32.add (local.get $a) (local.get $p))) (v128.load (i32.add (local.get $b) (local.get $p))))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $each)))
    (local.set $sum (f64.add (f64x2.extract_lane 0 (local.get $s)) (f64x2.extract_lane 1 (local.get $s))))
    (if (i32.and (local.get $K) (i32.const 1))
      (then
        (local.set $sum
          (f64.add (local.get $sum) (f64.mul (f64.load (i32.add (local.get $a) (local.get $end))) (f64.load (i32.add (local.get $b) (local.get $end))))))))
    (local.get $sum))

  ;; out −= the lanes' sum of s, plus the odd last k's product x·y when K is odd.
  (func $subtract (param $out i32) (param $s v128) (param $x i32) (param $y i32) (param $odd i32) (param $end i32)
    (local $sum f64)
    (local.set $sum (f64.add (f64x2.extract_lane 0 (local.get $s)) (f64x2.extract_lane 1 (local.get $s))))
    (if (local.get $odd)
      (then
        (local.set $sum
          (f64.add (local.get $sum) (f64.mul (f64.load (i32.add (local.get $x) (local.get $end))) (f64.load (i32.add (local.get $y) (local.get $end))))))))
    (f64.store (local.get $out) (f64.sub (f64.load (local.get $out)) (local.get $sum))))

  (func (export "subtractDots")
    (param $a i32) (param $aStride i32) (param $b i32) (param $bStride i32) (param $K i32)
    (param $out i32) (param $outRow i32) (param $outCol i32) (param $rows i32) (param $cols i32)
    (local $fullRows i32) (local $fullCols i32) (local $r i32) (local $c i32) (local $p i32) (local $end i32) (local $odd i32)
    (local $a0 i32) (local $a1 i32) (local $b0 i32) (local $b1 i32) (local $b2 i32) (local $b3 i32) (local $o i32) (local $o1 i32)
    (local $x0 v128) (local $x1 v128) (local $y0 v128) (local $y1 v128) (local $y2 v128) (local $y3 v128)
    (local $s00 v128) (local $s01 v128) (local $s02 v128) (local $s03 v128) (local $s10 v128) (local $s11 v128) (local $s12 v128) (local $s13 v128)
    (local.set $fullRows (i32.and (local.get $rows) (i32.const -2)))
    (local.set $fullCols (i32.and (local.get $cols) (i32.const -4)))
    (local.set $end (i32.shl (i32.and (local.get $K) (i32.const -2)) (i32.const 3)))
    (local.set $odd (i32.and (local.get $K) (i32.const 1)))
    (block $rows_done
      (loop $each_rows
        (br_if $rows_done (i32.ge_u (local.get $r) (local.get $fullRows)))
        (local.set $a0 (i32.add (local.get $a) (i32.mul (local.get $r) (local.get $aStride))))
        (local.set $a1 (i32.add (local.get $a0) (local.get $aStride)))
        (local.set $c (i32.const 0))
        (block $cols_done
          (loop $each_cols
            (br_if $cols_done (i32.ge_u (local.get $c) (local.get $fullCols)))
            (local.set $b0 (i32.add (local.get $b) (i32.mul (local.get $c) (local.get $bStride))))
            (local.set $b1 (i32.add (local.get $b0) (local.get $bStride)))
            (local.set $b2 (i32.add (local.get $b1) (local.get $bStride)))
            (local.set $b3 (i32.add (local.get $b2) (local.get $bStride)))
            (local.set $s00 (v128.const i64x2 0 0))
            (local.set $s01 (v128.const i64x2 0 0))
            (local.set $s02 (v128.const i64x2 0 0))
            (local.set $s03 (v128.const i64x2 0 0))
            (local.set $s10 (v128.const i64x2 0 0))
            (local.set $s11 (v128.const i64x2 0 0))
            (local.set $s12 (v128.const i64x2 0 0))
            (local.set $s13 (v128.const i64x2 0 0))
            (local.set $p (i32.const 0))
            (block $k_done
              (loop $each_k
                (br_if $k_done (i32.ge_u (local.get $p) (local.get $end)))
                (local.set $y0 (v128.load (i32.add (local.get $b0) (local.get $p))))
                (local.set $y1 (v128.load (i32.add (local.get $b1) (local.get $p))))
                (local.set $y2 (v128.load (i32.add (local.get $b2) (local.get $p))))
                (local.set $y3 (v128.load (i32.add (local.get $b3) (local.get $p))))
                (local.set $x0 (v128.load (i32.add (local.get $a0) (local.get $p))))
                (local.set $s00 (f64x2.add (local.get $s00) (f64x2.mul (local.get $x0) (local.get $y0))))
                (local.set $s01 (f64x2.add (local.get $s01) (f64x2.mul (local.get $x0) (local.get $y1))))
                (local.set $s02 (f64x2.add (local.get $s02) (f64x2.mul (local.get $x0) (local.get $y2))))
                (local.set $s03 (f64x2.add (local.get $s03) (f64x2.mul (local.get $x0) (local.get $y3))))
                (local.set $x1 (v128.load (i32.add (local.get $a1) (local.get $p))))
                (local.set $s10 (f64x2.add (local.get $s10) (f64x2.mul (local.get $x1) (local.get $y0))))
                (local.set $s11 (f64x2.add (local.get $s11) (f64x2.mul (local.get $x1) (local.get $y1))))
                (local.set $s12 (f64x2.add (local.get $s12) (f64x2.mul (local.get $x1) (local.get $y2))))
                (local.set $s13 (f64x2.add (local.get $s13) (f64x2.mul (local.get $x1) (local.get $y3))))
                (local.set $p (i32.add (local.get $p) (i32.const 16)))
                (br $each_k)))
            (local.set $o (i32.add (local.get $out) (i32.add (i32.mul (local.get $r) (local.get $outRow)) (i32.mul (local.get $c) (local.get $outCol)))))
            (local.set $o1 (i32.add (local.get $o) (local.get $outRow)))
            (call $subtract (local.get $o) (local.get $s00) (local.get $a0) (local.get $b0) (local.get $odd) (local.get $end))
            (call $subtract (i32.add (local.get $o) (local.get $outCol)) (local.get $s01) (local.get $a0) (local.get $b1) (local.get $odd) (local.get $end))
            (local.set $o (i32.add (local.get $o) (i32.shl (local.get $outCol) (i32.const 1))))
            (call $subtract (local.get $o) (local.get $s02) (local.get $a0) (local.get $b2) (local.get $odd) (local.get $end))
            (call $subtract (i32.add (local.get $o) (local.get $outCol)) (local.get $s03) (local.get $a0) (local.get $b3) (local.get $odd) (local.get $end))
            (call $subtract (local.get $o1) (local.get $s10) (local.get $a1) (local.get $b0) (local.get $odd) (local.get $end))
            (call $subtract (i32.add (local.get $o1) (local.get $outCol)) (local.get $s11) (local.get $a1) (local.get $b1) (local.get $odd) (local.get $end))
            (local.set $o1 (i32.add (local.get $o1) (i32.shl (local.get $outCol) (i32.const 1))))
            (call $subtract (local.get $o1) (local.get $s12) (local.get $a1) (local.get $b2) (local.get $odd) (local.get $end))
            (call $subtract (i32.add (local.get $o1) (local.get $outCol)) (local.get $s13) (local.get $a1) (local.get $b3) (local.get $odd) (local.get $end))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $each_cols)))
        (local.set $r (i32.add (local.get $r) (i32.const 2)))
        (br $each_rows)))
    ;; Edges: the last rows (all columns) and the last columns (the full rows), one dot at a time.
    (local.set $r (i32.const 0))
    (block $edge_rows_done
      (loop $edge_rows
        (br_if $edge_rows_done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $c (select (local.get $fullCols) (i32.const 0) (i32.lt_u (local.get $r) (local.get $fullRows))))
        (block $edge_cols_done
          (loop $edge_cols
            (br_if $edge_cols_done (i32.ge_u (local.get $c) (local.get $cols)))
            (local.set $o (i32.add (local.get $out) (i32.add (i32.mul (local.get $r) (local.get $outRow)) (i32.mul (local.get $c) (local.get $outCol)))))
            (f64.store (local.get $o)
              (f64.sub (f64.load (local.get $o))
                (call $dot
                  (i32.add (local.get $a) (i32.mul (local.get $r) (local.get $aStride)))
                  (i32.add (local.get $b) (i32.mul (local.get $c) (local.get $bStride)))
                  (local.get $K))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $edge_cols)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $edge_rows))))

  ;; One vector x (n entries) against the triangle T, in place, in scalar.
  (func $solveOne (param $x i32) (param $t i32) (param $tStride i32) (param $n i32)
    (local $j i32) (local $k i32) (local $row i32) (local $s f64)
    (block $j_done
      (loop $each_j
        (br_if $j_done (i32.ge_u (local.get $j) (local.get $n)))
        (local.set $row (i32.add (local.get $t) (i32.mul (local.get $j) (local.get $tStride))))
        (local.set $s (f64.load (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 3)))))
        (local.set $k (i32.const 0))
        (block $k_done
          (loop $each_k
            (br_if $k_done (i32.ge_u (local.get $k) (local.get $j)))
            (local.set $s
              (f64.sub (local.get $s)
                (f64.mul (f64.load (i32.add (local.get $x) (i32.shl (local.get $k) (i32.const 3))))
                  (f64.load (i32.add (local.get $row) (i32.shl (local.get $k) (i32.const 3)))))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $each_k)))
        (f64.store (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 3)))
          (f64.div (local.get $s) (f64.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 3))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $each_j))))

  (func (export "solveRows") (param $x i32) (param $xStride i32) (param $rows i32) (param $t i32) (param $tStride i32) (param $n i32)
    (local $r i32) (local $j i32) (local $k i32) (local $row i32) (local $x0 i32) (local $x1 i32) (local $x2 i32) (local $x3 i32)
    (local $at i32) (local $s01 v128) (local $s23 v128) (local $l v128)
    (block $groups_done
      (loop $each_group
        (br_if $groups_done (i32.gt_u (i32.add (local.get $r) (i32.const 4)) (local.get $rows)))
        (local.set $x0 (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $xStride))))
        (local.set $x1 (i32.add (local.get $x0) (local.get $xStride)))
        (local.set $x2 (i32.add (local.get $x1) (local.get $xStride)))
        (local.set $x3 (i32.add (local.get $x2) (local.get $xStride)))
        (local.set $j (i32.const 0))
        (block $j_done
          (loop $each_j
            (br_if $j_done (i32.ge_u (local.get $j) (local.get $n)))
            (local.set $row (i32.add (local.get $t) (i32.mul (local.get $j) (local.get $tStride))))
            (local.set $at (i32.shl (local.get $j) (i32.const 3)))
            (local.set $s01 (v128.load64_lane 1 (i32.add (local.get $x1) (local.get $at)) (v128.load64_zero (i32.add (local.get $x0) (local.get $at)))))
            (local.set $s23 (v128.load64_lane 1 (i32.add (local.get $x3) (local.get $at)) (v128.load64_zero (i32.add (local.get $x2) (local.get $at)))))
            (local.set $k (i32.const 0))
            (block $k_done
              (loop $each_k
                (br_if $k_done (i32.ge_u (local.get $k) (local.get $at)))
                (local.set $l (v128.load64_splat (i32.add (local.get $row) (local.get $k))))
                (local.set $s01
                  (f64x2.sub (local.get $s01)
                    (f64x2.mul (v128.load64_lane 1 (i32.add (local.get $x1) (local.get $k)) (v128.load64_zero (i32.add (local.get $x0) (local.get $k))))
                      (local.get $l))))
                (local.set $s23
                  (f64x2.sub (local.get $s23)
                    (f64x2.mul (v128.load64_lane 1 (i32.add (local.get $x3) (local.get $k)) (v128.load64_zero (i32.add (local.get $x2) (local.get $k))))
                      (local.get $l))))
                (local.set $k (i32.add (local.get $k) (i32.const 8)))
                (br $each_k)))
            (local.set $l (v128.load64_splat (i32.add (local.get $row) (local.get $at))))
            (local.set $s01 (f64x2.div (local.get $s01) (local.get $l)))
            (local.set $s23 (f64x2.div (local.get $s23) (local.get $l)))
            (v128.store64_lane 0 (i32.add (local.get $x0) (local.get $at)) (local.get $s01))
            (v128.store64_lane 1 (i32.add (local.get $x1) (local.get $at)) (local.get $s01))
            (v128.store64_lane 0 (i32.add (local.get $x2) (local.get $at)) (local.get $s23))
            (v128.store64_lane 1 (i32.add (local.get $x3) (local.get $at)) (local.get $s23))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $each_j)))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))
        (br $each_group)))
    (block $rest_done
      (loop $each_rest
        (br_if $rest_done (i32.ge_u (local.get $r) (local.get $rows)))
        (call $solveOne (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $xStride))) (local.get $t) (local.get $tStride) (local.get $n))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $each_rest))))
 
  (func (export "subtractOuter")
    (param $a i32) (param $aStride i32) (param $b i32) (param $bGroup i32) (param $K i32) (param $out i32) (param $outRow i32)
    (param $rows i32) (param $groups i32) (param $lag i32)
    (local $g i32) (local $r i32) (local $first i32) (local $bg i32) (local $bp i32) (local $bEnd i32)
    (local $a0 i32) (local $a1 i32) (local $o i32) (local $pair i32)
    (local $x0 v128) (local $x1 v128) (local $y0 v128) (local $y1 v128) (local $y2 v128) (local $y3 v128)
    (local $s00 v128) (local $s01 v128) (local $s02 v128) (local $s03 v128) (local $s10 v128) (local $s11 v128) (local $s12 v128) (local $s13 v128)
    (block $groups_done
      (loop $each_group
        (br_if $groups_done (i32.ge_u (local.get $g) (local.get $groups)))
        (local.set $bg (i32.add (local.get $b) (i32.mul (local.get $g) (local.get $bGroup))))
        (local.set $first (i32.sub (i32.shl (local.get $g) (i32.const 3)) (local.get $lag)))
        (local.set $r (select (local.get $first) (i32.const 0) (i32.gt_s (local.get $first) (i32.const 0))))
        (block $rows_done
          (loop $each_pair
            (br_if $rows_done (i32.ge_u (local.get $r) (local.get $rows)))
            (local.set $pair (i32.lt_u (i32.add (local.get $r) (i32.const 1)) (local.get $rows)))
            (local.set $a0 (i32.add (local.get $a) (i32.mul (local.get $r) (local.get $aStride))))
            (local.set $a1 (select (i32.add (local.get $a0) (local.get $aStride)) (local.get $a0) (local.get $pair)))
            (local.set $bp (local.get $bg))
            (local.set $bEnd (i32.add (local.get $bg) (i32.shl (local.get $K) (i32.const 6))))
            (local.set $s00 (v128.const i64x2 0 0))
            (local.set $s01 (v128.const i64x2 0 0))
            (local.set $s02 (v128.const i64x2 0 0))
            (local.set $s03 (v128.const i64x2 0 0))
            (local.set $s10 (v128.const i64x2 0 0))
            (local.set $s11 (v128.const i64x2 0 0))
            (local.set $s12 (v128.const i64x2 0 0))
            (local.set $s13 (v128.const i64x2 0 0))
            (block $k_done
              (loop $each_k
                (br_if $k_done (i32.ge_u (local.get $bp) (local.get $bEnd)))
                (local.set $y0 (v128.load (local.get $bp)))
                (local.set $y1 (v128.load offset=16 (local.get $bp)))
                (local.set $y2 (v128.load offset=32 (local.get $bp)))
                (local.set $y3 (v128.load offset=48 (local.get $bp)))
                (local.set $x0 (v128.load64_splat (local.get $a0)))
                (local.set $s00 (f64x2.add (local.get $s00) (f64x2.mul (local.get $x0) (local.get $y0))))
                (local.set $s01 (f64x2.add (local.get $s01) (f64x2.mul (local.get $x0) (local.get $y1))))
                (local.set $s02 (f64x2.add (local.get $s02) (f64x2.mul (local.get $x0) (local.get $y2))))
                (local.set $s03 (f64x2.add (local.get $s03) (f64x2.mul (local.get $x0) (local.get $y3))))
                (local.set $x1 (v128.load64_splat (local.get $a1)))
                (local.set $s10 (f64x2.add (local.get $s10) (f64x2.mul (local.get $x1) (local.get $y0))))
                (local.set $s11 (f64x2.add (local.get $s11) (f64x2.mul (local.get $x1) (local.get $y1))))
                (local.set $s12 (f64x2.add (local.get $s12) (f64x2.mul (local.get $x1) (local.get $y2))))
                (local.set $s13 (f64x2.add (local.get $s13) (f64x2.mul (local.get $x1) (local.get $y3))))
                (local.set $bp (i32.add (local.get $bp) (i32.const 64)))
                (local.set $a0 (i32.add (local.get $a0) (i32.const 8)))
                (local.set $a1 (i32.add (local.get $a1) (i32.const 8)))
                (br $each_k)))
            (local.set $o (i32.add (local.get $out) (i32.add (i32.mul (local.get $r) (local.get $outRow)) (i32.shl (local.get $g) (i32.const 6)))))
            (v128.store (local.get $o) (f64x2.sub (v128.load (local.get $o)) (local.get $s00)))
            (v128.store offset=16 (local.get $o) (f64x2.sub (v128.load offset=16 (local.get $o)) (local.get $s01)))
            (v128.store offset=32 (local.get $o) (f64x2.sub (v128.load offset=32 (local.get $o)) (local.get $s02)))
            (v128.store offset=48 (local.get $o) (f64x2.sub (v128.load offset=48 (local.get $o)) (local.get $s03)))
            (if (local.get $pair)
              (then
                (local.set $o (i32.add (local.get $o) (local.get $outRow)))
                (v128.store (local.get $o) (f64x2.sub (v128.load (local.get $o)) (local.get $s10)))
                (v128.store offset=16 (local.get $o) (f64x2.sub (v128.load offset=16 (local.get $o)) (local.get $s11)))
                (v128.store offset=32 (local.get $o) (f64x2.sub (v128.load offset=32 (local.get $o)) (local.get $s12)))
                (v128.store offset=48 (local.get $o) (f64x2.sub (v128.load offset=48 (local.get $o)) (local.get $s13)))))
            (local.set $r (i32.add (local.get $r) (i32.const 2)))
            (br $each_pair)))
        (local.set $g (i32.add (local.get $g) (i32.const 1)))
        (br $each_group))))
)
