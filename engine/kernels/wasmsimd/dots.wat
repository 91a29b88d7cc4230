;; Dot products for WebAssembly SIMD: the browser's path for products
;; C = A·Bᵀ where A (m×k) and B (n×k) are both stored row by row, with few
;; rows and a long k, such as a convolution's weight gradient (dY·Xᵀ sums
;; over every output position of a batch for a few filters and window
;; offsets). The packed path (matmul.wat) would first transpose nearly all
;; of the data in Go; here each output is a dot product of two rows read in
;; place. It is appended to matmul.wat's module (dots.go) and works on the
;; Go program's memory like it; pointers are byte addresses.
;;
;; dots(m, n, k, a, lda, b, ldb, out) writes, for i < m and j < n,
;;
;;     out[i·np + j] = (s[0] + s[1]) + (s[2] + s[3]),
;;     s[l] = Σ A_i[p]·B_j[p] over p < k with p mod 4 = l, in order of p,
;;
;; where k is a multiple of 4 (Go adds the rest) and np is n rounded up to
;; a multiple of 2; out has room for m rounded up to a multiple of 4 rows
;; of np floats (the tiles at the edges are written whole: a tile's rows
;; past m repeat row m−1, its columns past n repeat column n−1).
;;
;; A tile of 4 rows of A by 2 rows of B keeps 8 accumulators of 4 lanes,
;; and with the 4 vectors of A and one of B 13 live vectors, within the 16
;; registers V8 uses on x86-64. Each step of 4 floats loads 6 vectors for
;; 8 multiply-adds.
(module
  (import "go" "mem" (memory 1))
  (func (export "dots")
    (param $m i32) (param $n i32) (param $k i32) (param $a i32) (param $lda i32)
    (param $b i32) (param $ldb i32) (param $out i32)
    (local $i0 i32) (local $j0 i32) (local $off i32) (local $kbytes i32) (local $np i32)
    (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32) (local $q0 i32) (local $q1 i32)
    (local $t i32) (local $o i32)
    (local $s00 v128) (local $s01 v128) (local $s10 v128) (local $s11 v128)
    (local $s20 v128) (local $s21 v128) (local $s30 v128) (local $s31 v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $bv v128)

    local.get $k
    i32.const 2
    i32.shl
    local.set $kbytes
    ;; np = (n + 1) &^ 1
    local.get $n
    i32.const 1
    i32.add
    i32.const -2
    i32.and
    local.set $np

    i32.const 0
    local.set $i0
    block $idone
    loop $iloop
      local.get $i0
      local.get $m
      i32.ge_s
      br_if $idone
      ;; r0 = a + min(i0+0, m−1)·lda·4
      local.get $i0
      i32.const 0
      i32.add
      local.tee $t
      local.get $m
      i32.const 1
      i32.sub
      local.get $t
      local.get $m
      i32.lt_s
      select
      local.get $lda
      i32.mul
      i32.const 2
      i32.shl
      local.get $a
      i32.add
      local.set $r0
      ;; r1 = a + min(i0+1, m−1)·lda·4
      local.get $i0
      i32.const 1
      i32.add
      local.tee $t
      local.get $m
      i32.const 1
      i32.sub
      local.get $t
      local.get $m
      i32.lt_s
      select
      local.get $lda
      i32.mul
      i32.const 2
      i32.shl
      local.get $a
      i32.add
      local.set $r1
      ;; r2 = a + min(i0+2, m−1)·lda·4
      local.get $i0
      i32.const 2
      i32.add
      local.tee $t
      local.get $m
      i32.const 1
      i32.sub
      local.get $t
      local.get $m
      i32.lt_s
      select
      local.get $lda
      i32.mul
      i32.const 2
      i32.shl
      local.get $a
      i32.add
      local.set $r2
      ;; r3 = a + min(i0+3, m−1)·lda·4
      local.get $i0
      i32.const 3
      i32.add
      local.tee $t
      local.get $m
      i32.const 1
      i32.sub
      local.get $t
      local.get $m
      i32.lt_s
      select
      local.get $lda
      i32.mul
      i32.const 2
      i32.shl
      local.get $a
      i32.add
      local.set $r3

      i32.const 0
      local.set $j0
      block $jdone
      loop $jloop
        local.get $j0
        local.get $n
        i32.ge_s
        br_if $jdone
        ;; q0 = b + min(j0+0, n−1)·ldb·4
        local.get $j0
        i32.const 0
        i32.add
        local.tee $t
        local.get $n
        i32.const 1
        i32.sub
        local.get $t
        local.get $n
        i32.lt_s
        select
        local.get $ldb
        i32.mul
        i32.const 2
        i32.shl
        local.get $b
        i32.add
        local.set $q0
        ;; q1 = b + min(j0+1, n−1)·ldb·4
        local.get $j0
        i32.const 1
        i32.add
        local.tee $t
        local.get $n
        i32.const 1
        i32.sub
        local.get $t
        local.get $n
        i32.lt_s
        select
        local.get $ldb
        i32.mul
        i32.const 2
        i32.shl
        local.get $b
        i32.add
        local.set $q1

        f32.const 0
        f32x4.splat
        local.tee $s00
        local.tee $s01
        local.tee $s10
        local.tee $s11
        local.tee $s20
        local.tee $s21
        local.tee $s30
        local.set $s31

        ;; the k loop, 4 floats of each row per step
        i32.const 0
        local.set $off
        block $kdone
        loop $kloop
          local.get $off
          local.get $kbytes
          i32.ge_u
          br_if $kdone
          local.get $r0
          local.get $off
          i32.add
          v128.load
          local.set $a0
          local.get $r1
          local.get $off
          i32.add
          v128.load
          local.set $a1
          local.get $r2
          local.get $off
          i32.add
          v128.load
          local.set $a2
          local.get $r3
          local.get $off
          i32.add
          v128.load
          local.set $a3
          local.get $q0
          local.get $off
          i32.add
          v128.load
          local.set $bv
          local.get $a0
          local.get $bv
          f32x4.mul
          local.get $s00
          f32x4.add
          local.set $s00
          local.get $a1
          local.get $bv
          f32x4.mul
          local.get $s10
          f32x4.add
          local.set $s10
          local.get $a2
          local.get $bv
          f32x4.mul
          local.get $s20
          f32x4.add
          local.set $s20
          local.get $a3
          local.get $bv
          f32x4.mul
          local.get $s30
          f32x4.add
          local.set $s30
          local.get $q1
          local.get $off
          i32.add
          v128.load
          local.set $bv
          local.get $a0
          local.get $bv
          f32x4.mul
          local.get $s01
          f32x4.add
          local.set $s01
          local.get $a1
          local.get $bv
          f32x4.mul
          local.get $s11
          f32x4.add
          local.set $s11
          local.get $a2
          local.get $bv
          f32x4.mul
          local.get $s21
          f32x4.add
          local.set $s21
          local.get $a3
          local.get $bv
          f32x4.mul
          local.get $s31
          f32x4.add
          local.set $s31

          local.get $off
          i32.const 16
          i32.add
          local.set $off
          br $kloop
        end
        end

        ;; out[(i0+0)·np + j0+0] = (lane 0 + lane 1) + (lane 2 + lane 3)
        local.get $i0
        i32.const 0
        i32.add
        local.get $np
        i32.mul
        local.get $j0
        i32.add
        i32.const 0
        i32.add
        i32.const 2
        i32.shl
        local.get $out
        i32.add
        local.get $s00
        f32x4.extract_lane 0
        local.get $s00
        f32x4.extract_lane 1
        f32.add
        local.get $s00
        f32x4.extract_lane 2
        local.get $s00
        f32x4.extract_lane 3
        f32.add
        f32.add
        f32.store
        ;; out[(i0+0)·np + j0+1] = (lane 0 + lane 1) + (lane 2 + lane 3)
        local.get $i0
        i32.const 0
        i32.add
        local.get $np
        i32.mul
        local.get $j0
        i32.add
        i32.const 1
        i32.add
        i32.const 2
        i32.shl
        local.get $out
        i32.add
        local.get $s01
        f32x4.extract_lane 0
        local.get $s01
        f32x4.extract_lane 1
        f32.add
        local.get $s01
        f32x4.extract_lane 2
        local.get $s01
        f32x4.extract_lane 3
        f32.add
        f32.add
        f32.store
        ;; out[(i0+1)·np + j0+0] = (lane 0 + lane 1) + (lane 2 + lane 3)
        local.get $i0
        i32.const 1
        i32.add
        local.get $np
        i32.mul
        local.get $j0
        i32.add
        i32.const 0
        i32.add
        i32.const 2
        i32.shl
        local.get $out
        i32.add
        local.get $s10
        f32x4.extract_lane 0
        local.get $s10
        f32x4.extract_lane 1
        f32.add
        local.get $s10
        f32x4.extract_lane 2
        local.get $s10
        f32x4.extract_lane 3
        f32.add
        f32.add
        f32.store
        ;; out[(i0+1)·np + j0+1] = (lane 0 + lane 1) + (lane 2 + lane 3)
        local.get $i0
        i32.const 1
        i32.add
        local.get $np
        i32.mul
        local.get $j0
        i32.add
        i32.const 1
        i32.add
        i32.const 2
        i32.shl
        local.get $out
        i32.add
        local.get $s11
        f32x4.extract_lane 0
        local.get $s11
        f32x4.extract_lane 1
        f32.add
        local.get $s11
        f32x4.extract_lane 2
        local.get $s11
        f32x4.extract_lane 3
        f32.add
        f32.add
        f32.store
        ;; out[(i0+2)·np + j0+0] = (lane 0 + lane 1) + (lane 2 + lane 3)
        local.get $i0
        i32.const 2
        i32.add
        local.get $np
        i32.mul
        local.get $j0
        i32.add
        i32.const 0
        i32.add
        i32.const 2
        i32.shl
        local.get $out
        i32.add
        local.get $s20
        f32x4.extract_lane 0
        local.get $s20
        f32x4.extract_lane 1
        f32.add
        local.get $s20
        f32x4.extract_lane 2
        local.get $s20
        f32x4.extract_lane 3
        f32.add
        f32.add
        f32.store
        ;; out[(i0+2)·np + j0+1] = (lane 0 + lane 1) + (lane 2 + lane 3)
        local.get $i0
        i32.const 2
        i32.add
        local.get $np
        i32.mul
        local.get $j0
        i32.add
        i32.const 1
        i32.add
        i32.const 2
        i32.shl
        local.get $out
        i32.add
        local.get $s21
        f32x4.extract_lane 0
        local.get $s21
        f32x4.extract_lane 1
        f32.add
        local.get $s21
        f32x4.extract_lane 2
        local.get $s21
        f32x4.extract_lane 3
        f32.add
        f32.add
        f32.store
        ;; out[(i0+3)·np + j0+0] = (lane 0 + lane 1) + (lane 2 + lane 3)
        local.get $i0
        i32.const 3
        i32.add
        local.get $np
        i32.mul
        local.get $j0
        i32.add
        i32.const 0
        i32.add
        i32.const 2
        i32.shl
        local.get $out
        i32.add
        local.get $s30
        f32x4.extract_lane 0
        local.get $s30
        f32x4.extract_lane 1
        f32.add
        local.get $s30
        f32x4.extract_lane 2
        local.get $s30
        f32x4.extract_lane 3
        f32.add
        f32.add
        f32.store
        ;; out[(i0+3)·np + j0+1] = (lane 0 + lane 1) + (lane 2 + lane 3)
        local.get $i0
        i32.const 3
        i32.add
        local.get $np
        i32.mul
        local.get $j0
        i32.add
        i32.const 1
        i32.add
        i32.const 2
        i32.shl
        local.get $out
        i32.add
        local.get $s31
        f32x4.extract_lane 0
        local.get $s31
        f32x4.extract_lane 1
        f32.add
        local.get $s31
        f32x4.extract_lane 2
        local.get $s31
        f32x4.extract_lane 3
        f32.add
        f32.add
        f32.store

        local.get $j0
        i32.const 2
        i32.add
        local.set $j0
        br $jloop
      end
      end

      local.get $i0
      i32.const 4
      i32.add
      local.set $i0
      br $iloop
    end
    end
  )
)
