;; SIMD kernels for logistic regression on float16 embeddings (wasm SIMD128, one thread).
;; Source of linalg-wasm.ts: edit here, then run `node scripts/build-linalg-wasm.mjs`.
;;
;; Layout (all pointers are byte offsets into the exported memory, 16-byte aligned):
;;   x      float16 bit patterns, one row of `stride` values per sample (stride a multiple of 8, zero padded)
;;   idx    int32 sample indices: the rows an operation runs over, in order
;;   v      float64 weights, K rows of `stride`
;;   g      float32 per-row coefficients, n rows of K
;;   scratch float32 buffer of `stride` values (one decoded row)
;;
;; float16 -> float32: the half's magnitude bits shifted into a float32's exponent and mantissa, times 2^112,
;; is the exact value for every finite half, subnormals included; the sign bit is copied across.
(module
  (memory (export "memory") 1)

  ;; Decodes row `row` of x into scratch.
  (func $decode (param $x i32) (param $stride i32) (param $row i32) (param $scratch i32)
    (local $src i32) (local $dst i32) (local $end i32) (local $h v128) (local $bits v128)
    (local.set $src (i32.add (local.get $x) (i32.mul (i32.mul (local.get $row) (local.get $stride)) (i32.const 2))))
    (local.set $dst (local.get $scratch))
    (local.set $end (i32.add (local.get $src) (i32.mul (local.get $stride) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $src) (local.get $end)))
        (local.set $h (v128.load align=2 (local.get $src)))
        (local.set $bits (i32x4.extend_low_i16x8_u (local.get $h)))
        (v128.store (local.get $dst)
          (v128.or
            (i32x4.shl (v128.and (local.get $bits) (v128.const i32x4 0x8000 0x8000 0x8000 0x8000)) (i32.const 16))
            (f32x4.mul
              (i32x4.shl (v128.and (local.get $bits) (v128.const i32x4 0x7fff 0x7fff 0x7fff 0x7fff)) (i32.const 13))
              (v128.const f32x4 0x1p112 0x1p112 0x1p112 0x1p112))))
        (local.set $bits (i32x4.extend_high_i16x8_u (local.get $h)))
        (v128.store offset=16 (local.get $dst)
          (v128.or
            (i32x4.shl (v128.and (local.get $bits) (v128.const i32x4 0x8000 0x8000 0x8000 0x8000)) (i32.const 16))
            (f32x4.mul
              (i32x4.shl (v128.and (local.get $bits) (v128.const i32x4 0x7fff 0x7fff 0x7fff 0x7fff)) (i32.const 13))
              (v128.const f32x4 0x1p112 0x1p112 0x1p112 0x1p112))))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
        (br $next))))

  ;; Sum of scratch[0..stride) (float32) * w[0..stride) (float64), accumulated in float64: the objective's line
  ;; search compares values that differ in the 8th digit, below float32's resolution.
  (func $dot (param $scratch i32) (param $w i32) (param $stride i32) (result f64)
    (local $i i32) (local $f v128) (local $acc v128) (local $acc2 v128)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $stride)))
        (local.set $f (v128.load (i32.add (local.get $scratch) (i32.mul (local.get $i) (i32.const 4)))))
        (local.set $acc (f64x2.add (local.get $acc)
          (f64x2.mul (f64x2.promote_low_f32x4 (local.get $f))
                     (v128.load (i32.add (local.get $w) (i32.mul (local.get $i) (i32.const 8)))))))
        (local.set $acc2 (f64x2.add (local.get $acc2)
          (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $f) (local.get $f)))
                     (v128.load offset=16 (i32.add (local.get $w) (i32.mul (local.get $i) (i32.const 8)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $next)))
    (local.set $acc (f64x2.add (local.get $acc) (local.get $acc2)))
    (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc))))

  ;; out[r*K + k] = x[idx[r]] · v[k] for r < n, k < K (v: K float64 rows of stride; out: float64).
  (func (export "scores") (param $x i32) (param $stride i32) (param $idx i32) (param $n i32)
        (param $v i32) (param $K i32) (param $out i32) (param $scratch i32)
    (local $r i32) (local $k i32) (local $rowBytes i32)
    (local.set $rowBytes (i32.mul (local.get $stride) (i32.const 8)))
    (block $rowsDone
      (loop $row
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $n)))
        (call $decode (local.get $x) (local.get $stride)
          (i32.load (i32.add (local.get $idx) (i32.mul (local.get $r) (i32.const 4)))) (local.get $scratch))
        (local.set $k (i32.const 0))
        (block $classesDone
          (loop $class
            (br_if $classesDone (i32.ge_u (local.get $k) (local.get $K)))
            (f64.store
              (i32.add (local.get $out) (i32.mul (i32.add (i32.mul (local.get $r) (local.get $K)) (local.get $k)) (i32.const 8)))
              (call $dot (local.get $scratch)
                (i32.add (local.get $v) (i32.mul (local.get $k) (local.get $rowBytes))) (local.get $stride)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $class)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))

  ;; acc32[k] += c * scratch over stride values (float32).
  (func $axpy (param $acc i32) (param $scratch i32) (param $c f32) (param $stride i32)
    (local $i i32) (local $end i32) (local $cv v128) (local $p i32)
    (local.set $cv (f32x4.splat (local.get $c)))
    (local.set $end (i32.mul (local.get $stride) (i32.const 4)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $p (i32.add (local.get $acc) (local.get $i)))
        (v128.store (local.get $p) (f32x4.add (v128.load (local.get $p))
          (f32x4.mul (local.get $cv) (v128.load (i32.add (local.get $scratch) (local.get $i))))))
        (v128.store offset=16 (local.get $p) (f32x4.add (v128.load offset=16 (local.get $p))
          (f32x4.mul (local.get $cv) (v128.load offset=16 (i32.add (local.get $scratch) (local.get $i))))))
        (local.set $i (i32.add (local.get $i) (i32.const 32)))
        (br $next))))

  ;; acc64[i] += acc32[i] (float64 += float32) and acc32[i] = 0, for count values (a multiple of 4).
  (func $flush (param $acc64 i32) (param $acc32 i32) (param $count i32)
    (local $i i32) (local $f v128) (local $p i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $f (v128.load (i32.add (local.get $acc32) (i32.mul (local.get $i) (i32.const 4)))))
        (local.set $p (i32.add (local.get $acc64) (i32.mul (local.get $i) (i32.const 8))))
        (v128.store (local.get $p) (f64x2.add (v128.load (local.get $p)) (f64x2.promote_low_f32x4 (local.get $f))))
        (v128.store offset=16 (local.get $p) (f64x2.add (v128.load offset=16 (local.get $p))
          (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $f) (local.get $f)))))
        (v128.store (i32.add (local.get $acc32) (i32.mul (local.get $i) (i32.const 4))) (v128.const i32x4 0 0 0 0))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $next))))

  ;; acc64[k*stride + d] += sum over r < n of g[r*K + k] * x[idx[r]][d]  (float32 blocks of 64 rows, float64 total).
  ;; acc32 is a float32 buffer of K*stride values that must be zero on entry; it is zero again on return.
  (func (export "accumulate") (param $x i32) (param $stride i32) (param $idx i32) (param $n i32)
        (param $g i32) (param $K i32) (param $acc64 i32) (param $acc32 i32) (param $scratch i32)
    (local $r i32) (local $k i32) (local $rowBytes i32) (local $c f32)
    (local.set $rowBytes (i32.mul (local.get $stride) (i32.const 4)))
    (block $rowsDone
      (loop $row
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $n)))
        (call $decode (local.get $x) (local.get $stride)
          (i32.load (i32.add (local.get $idx) (i32.mul (local.get $r) (i32.const 4)))) (local.get $scratch))
        (local.set $k (i32.const 0))
        (block $classesDone
          (loop $class
            (br_if $classesDone (i32.ge_u (local.get $k) (local.get $K)))
            (local.set $c (f32.load
              (i32.add (local.get $g) (i32.mul (i32.add (i32.mul (local.get $r) (local.get $K)) (local.get $k)) (i32.const 4)))))
            (if (f32.ne (local.get $c) (f32.const 0))
              (then (call $axpy (i32.add (local.get $acc32) (i32.mul (local.get $k) (local.get $rowBytes)))
                (local.get $scratch) (local.get $c) (local.get $stride))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $class)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (if (i32.eqz (i32.and (local.get $r) (i32.const 63)))
          (then (call $flush (local.get $acc64) (local.get $acc32) (i32.mul (local.get $K) (local.get $stride)))))
        (br $row)))
    (call $flush (local.get $acc64) (local.get $acc32) (i32.mul (local.get $K) (local.get $stride))))

  ;; sum64[d] += x[idx[r]][d], sq64[d] += x[idx[r]][d]^2 over r < n (float64), for feature means and variances.
  (func (export "moments") (param $x i32) (param $stride i32) (param $idx i32) (param $n i32)
        (param $sum64 i32) (param $sq64 i32) (param $scratch i32)
    (local $r i32) (local $i i32) (local $f v128) (local $lo v128) (local $hi v128) (local $p i32) (local $q i32)
    (block $rowsDone
      (loop $row
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $n)))
        (call $decode (local.get $x) (local.get $stride)
          (i32.load (i32.add (local.get $idx) (i32.mul (local.get $r) (i32.const 4)))) (local.get $scratch))
        (local.set $i (i32.const 0))
        (block $done
          (loop $next
            (br_if $done (i32.ge_u (local.get $i) (local.get $stride)))
            (local.set $f (v128.load (i32.add (local.get $scratch) (i32.mul (local.get $i) (i32.const 4)))))
            (local.set $lo (f64x2.promote_low_f32x4 (local.get $f)))
            (local.set $hi (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $f) (local.get $f))))
            (local.set $p (i32.add (local.get $sum64) (i32.mul (local.get $i) (i32.const 8))))
            (local.set $q (i32.add (local.get $sq64) (i32.mul (local.get $i) (i32.const 8))))
            (v128.store (local.get $p) (f64x2.add (v128.load (local.get $p)) (local.get $lo)))
            (v128.store offset=16 (local.get $p) (f64x2.add (v128.load offset=16 (local.get $p)) (local.get $hi)))
            (v128.store (local.get $q) (f64x2.add (v128.load (local.get $q)) (f64x2.mul (local.get $lo) (local.get $lo))))
            (v128.store offset=16 (local.get $q) (f64x2.add (v128.load offset=16 (local.get $q)) (f64x2.mul (local.get $hi) (local.get $hi))))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $next)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))));; Decodes rows idx[0..n) into `block` (n float32 rows of stride) and scores them: out[r*K + k] = row · v[k]
  ;; (float64). With accumulate_block on the same block, an objective evaluation decodes every row once.
  (func (export "score_block") (param $x i32) (param $stride i32) (param $idx i32) (param $n i32)
        (param $v i32) (param $K i32) (param $out i32) (param $block i32)
    (local $r i32) (local $k i32) (local $rowBytes i32) (local $vBytes i32) (local $row i32)
    (local.set $rowBytes (i32.mul (local.get $stride) (i32.const 4)))
    (local.set $vBytes (i32.mul (local.get $stride) (i32.const 8)))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $n)))
        (local.set $row (i32.add (local.get $block) (i32.mul (local.get $r) (local.get $rowBytes))))
        (call $decode (local.get $x) (local.get $stride)
          (i32.load (i32.add (local.get $idx) (i32.mul (local.get $r) (i32.const 4)))) (local.get $row))
        (local.set $k (i32.const 0))
        (block $classesDone
          (loop $class
            (br_if $classesDone (i32.ge_u (local.get $k) (local.get $K)))
            (f64.store
              (i32.add (local.get $out) (i32.mul (i32.add (i32.mul (local.get $r) (local.get $K)) (local.get $k)) (i32.const 8)))
              (call $dot (local.get $row) (i32.add (local.get $v) (i32.mul (local.get $k) (local.get $vBytes))) (local.get $stride)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $class)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows))))

  ;; acc64[k*stride + d] += sum over r < n of g[r*K + k] * block[r][d], for rows decoded by score_block.
  ;; acc32 (K*stride float32) must be zero on entry and is zero again on return.
  (func (export "accumulate_block") (param $block i32) (param $stride i32) (param $n i32)
        (param $g i32) (param $K i32) (param $acc64 i32) (param $acc32 i32)
    (local $r i32) (local $k i32) (local $rowBytes i32) (local $c f32)
    (local.set $rowBytes (i32.mul (local.get $stride) (i32.const 4)))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $n)))
        (local.set $k (i32.const 0))
        (block $classesDone
          (loop $class
            (br_if $classesDone (i32.ge_u (local.get $k) (local.get $K)))
            (local.set $c (f32.load
              (i32.add (local.get $g) (i32.mul (i32.add (i32.mul (local.get $r) (local.get $K)) (local.get $k)) (i32.const 4)))))
            (if (f32.ne (local.get $c) (f32.const 0))
              (then (call $axpy (i32.add (local.get $acc32) (i32.mul (local.get $k) (local.get $rowBytes)))
                (i32.add (local.get $block) (i32.mul (local.get $r) (local.get $rowBytes))) (local.get $c) (local.get $stride))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $class)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows)))
    (call $flush (local.get $acc64) (local.get $acc32) (i32.mul (local.get $K) (local.get $stride)))))
