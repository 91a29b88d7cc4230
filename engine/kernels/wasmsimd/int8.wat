;; TinyTorch's int8 matrix product for WebAssembly SIMD: the browser's
;; counterpart of engine/kernels/int8mm's AVX2 kernel, exact like it.
;;
;; matmul(c, a, b, m, n, k) does, for i < m, j < n,
;;
;;     c[i*n + j] = Σ_p a[i*k + p] · b[j*k + p]     (int8 · int8 → int32)
;;
;; A is m×k, B is n×k (a weight matrix, one row per output), C is m×n, all
;; row-major, at byte addresses in the Go program's memory (imported as "go"
;; "mem", as matmul.wat does). The Go side (int8.go and wasm/kernel) checks
;; the shapes; k < 2^17, so no sum overflows.
;;
;; v128.load8x8_s loads 8 bytes and sign-extends them to eight int16s, and
;; i32x4.dot_i16x8_s multiplies two such vectors lane by lane and adds
;; adjacent pairs into four int32s, exactly (|a·b + a'·b'| ≤ 2^15).
;; The kernel takes two rows of A against four rows of B at a time: eight
;; accumulators of four int32 partial sums, and each step of 8 bytes loads
;; 2 vectors of A and 4 of B for 8 dot products, so every vector of B
;; serves two rows. A last odd row of A goes alone. The end of a block adds
;; each accumulator's lanes, then the last bytes (k mod 8) one at a time.
;; Steps of 8 bytes, not 16: with two steps' loads in flight V8's
;; optimizing compiler ran out of vector registers and kept four
;; accumulators on the stack, about a tenth slower (measured under node on
;; the MLP's 64×128×784 product).
;;
;; Relaxed SIMD's i32x4.relaxed_dot_i8x16_i7x16_add_s would take 16 bytes
;; per instruction, but its second operand must be a 7-bit value: for a
;; byte of -128..-65 or 64..127 the result is implementation-defined, so it
;; is not exact on int8 weights, nor on 8-bit activations. Splitting each
;; weight into a 7-bit and a 1-bit plane would make it exact with two
;; instructions per 16 bytes, but its register-only loop ran at 312 GOP/s
;; under node 20 against 209 for i32x4.dot_i16x8_s's: 156 for the pair,
;; no gain. On 7-bit activations (quantized layers' default) it is exact
;; with the activations as that operand, shifted by 64 into [0, 127]:
;; int8relaxed.wat, which the kernel prefers where the browser has it.
;;
;; The last block of columns, when n is not a multiple of 4, reads B's last
;; row in place of the missing ones and does not store those sums.
(module
  (import "go" "mem" (memory 1))
  (func (export "matmul")
    (param $c i32) (param $a i32) (param $b i32)
    (param $m i32) (param $n i32) (param $k i32)
    (local $i i32) (local $j i32) (local $p i32) (local $k8 i32)
    (local $ar0 i32) (local $ar1 i32) (local $b0 i32) (local $b1 i32) (local $b2 i32) (local $b3 i32)
    (local $last i32) (local $o i32) (local $x0 i32) (local $x1 i32) (local $y i32)
    (local $s0 i32) (local $s1 i32) (local $s2 i32) (local $s3 i32)
    (local $s4 i32) (local $s5 i32) (local $s6 i32) (local $s7 i32)
    (local $pa0 i32) (local $pa1 i32) (local $pb0 i32) (local $pb1 i32) (local $pb2 i32) (local $pb3 i32) (local $pend i32)
    (local $va0 v128) (local $va1 v128) (local $vb v128)
    (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128)
    (local $acc4 v128) (local $acc5 v128) (local $acc6 v128) (local $acc7 v128)

    ;; k8 = k rounded down to a multiple of 8: the vector steps
    local.get $k
    i32.const -8
    i32.and
    local.set $k8
    ;; last = b + (n-1)·k, B's last row
    local.get $b
    local.get $n
    i32.const 1
    i32.sub
    local.get $k
    i32.mul
    i32.add
    local.set $last
    ;; for i = 0; i < m; i += 2 (two rows of A), or 1 (the last row)
    i32.const 0
    local.set $i
    block $idone
    loop $iloop
      local.get $i
      local.get $m
      i32.ge_u
      br_if $idone
      ;; ar0 = a + i·k, ar1 = the next row
      local.get $a
      local.get $i
      local.get $k
      i32.mul
      i32.add
      local.tee $ar0
      local.get $k
      i32.add
      local.set $ar1
      local.get $i
      i32.const 1
      i32.add
      local.get $m
      i32.lt_u
      if
        ;; for j = 0; j < n; j += 4   (four rows of B)
        i32.const 0
        local.set $j
        block $jdone
        loop $jloop
          local.get $j
          local.get $n
          i32.ge_u
          br_if $jdone
          ;; b0 = b + j·k; b1, b2, b3 the next rows, or B's last row past n
          local.get $b
          local.get $j
          local.get $k
          i32.mul
          i32.add
          local.set $b0
          local.get $b0
          local.get $k
          i32.add
          local.tee $b1
          local.get $last
          local.get $b1
          local.get $last
          i32.le_u
          select
          local.set $b1
          local.get $b1
          local.get $k
          i32.add
          local.tee $b2
          local.get $last
          local.get $b2
          local.get $last
          i32.le_u
          select
          local.set $b2
          local.get $b2
          local.get $k
          i32.add
          local.tee $b3
          local.get $last
          local.get $b3
          local.get $last
          i32.le_u
          select
          local.set $b3
          v128.const i32x4 0 0 0 0
          local.tee $acc0
          local.tee $acc1
          local.tee $acc2
          local.tee $acc3
          local.tee $acc4
          local.tee $acc5
          local.tee $acc6
          local.set $acc7
          ;; for p = 0; p < k8; p += 8, with a pointer into each row
          ;; (pa0, pa1 of A, pb0 … pb3 of B) stepped 8 bytes at a time:
          ;; fewer instructions than adding p to each row's start for
          ;; every load, and this loop is most of a quantized layer's time
          local.get $ar0
          local.tee $pa0
          local.get $k8
          i32.add
          local.set $pend
          local.get $ar1
          local.set $pa1
          local.get $b0
          local.set $pb0
          local.get $b1
          local.set $pb1
          local.get $b2
          local.set $pb2
          local.get $b3
          local.set $pb3
          block $pdone
          loop $ploop
            local.get $pa0
            local.get $pend
            i32.ge_u
            br_if $pdone
            ;; bytes p+0 … p+7
            local.get $pa0
            v128.load8x8_s
            local.set $va0
            local.get $pa1
            v128.load8x8_s
            local.set $va1
            local.get $pb0
            v128.load8x8_s
            local.set $vb
            local.get $acc0
            local.get $va0
            local.get $vb
            i32x4.dot_i16x8_s
            i32x4.add
            local.set $acc0
            local.get $acc4
            local.get $va1
            local.get $vb
            i32x4.dot_i16x8_s
            i32x4.add
            local.set $acc4
            local.get $pb1
            v128.load8x8_s
            local.set $vb
            local.get $acc1
            local.get $va0
            local.get $vb
            i32x4.dot_i16x8_s
            i32x4.add
            local.set $acc1
            local.get $acc5
            local.get $va1
            local.get $vb
            i32x4.dot_i16x8_s
            i32x4.add
            local.set $acc5
            local.get $pb2
            v128.load8x8_s
            local.set $vb
            local.get $acc2
            local.get $va0
            local.get $vb
            i32x4.dot_i16x8_s
            i32x4.add
            local.set $acc2
            local.get $acc6
            local.get $va1
            local.get $vb
            i32x4.dot_i16x8_s
            i32x4.add
            local.set $acc6
            local.get $pb3
            v128.load8x8_s
            local.set $vb
            local.get $acc3
            local.get $va0
            local.get $vb
            i32x4.dot_i16x8_s
            i32x4.add
            local.set $acc3
            local.get $acc7
            local.get $va1
            local.get $vb
            i32x4.dot_i16x8_s
            i32x4.add
            local.set $acc7
            local.get $pa0
            i32.const 8
            i32.add
            local.set $pa0
            local.get $pa1
            i32.const 8
            i32.add
            local.set $pa1
            local.get $pb0
            i32.const 8
            i32.add
            local.set $pb0
            local.get $pb1
            i32.const 8
            i32.add
            local.set $pb1
            local.get $pb2
            i32.const 8
            i32.add
            local.set $pb2
            local.get $pb3
            i32.const 8
            i32.add
            local.set $pb3
            br $ploop
          end
          end
          local.get $k8
          local.set $p
          ;; s = the four lanes of each accumulator added
          local.get $acc0
          i32x4.extract_lane 0
          local.get $acc0
          i32x4.extract_lane 1
          i32.add
          local.get $acc0
          i32x4.extract_lane 2
          i32.add
          local.get $acc0
          i32x4.extract_lane 3
          i32.add
          local.set $s0
          local.get $acc1
          i32x4.extract_lane 0
          local.get $acc1
          i32x4.extract_lane 1
          i32.add
          local.get $acc1
          i32x4.extract_lane 2
          i32.add
          local.get $acc1
          i32x4.extract_lane 3
          i32.add
          local.set $s1
          local.get $acc2
          i32x4.extract_lane 0
          local.get $acc2
          i32x4.extract_lane 1
          i32.add
          local.get $acc2
          i32x4.extract_lane 2
          i32.add
          local.get $acc2
          i32x4.extract_lane 3
          i32.add
          local.set $s2
          local.get $acc3
          i32x4.extract_lane 0
          local.get $acc3
          i32x4.extract_lane 1
          i32.add
          local.get $acc3
          i32x4.extract_lane 2
          i32.add
          local.get $acc3
          i32x4.extract_lane 3
          i32.add
          local.set $s3
          local.get $acc4
          i32x4.extract_lane 0
          local.get $acc4
          i32x4.extract_lane 1
          i32.add
          local.get $acc4
          i32x4.extract_lane 2
          i32.add
          local.get $acc4
          i32x4.extract_lane 3
          i32.add
          local.set $s4
          local.get $acc5
          i32x4.extract_lane 0
          local.get $acc5
          i32x4.extract_lane 1
          i32.add
          local.get $acc5
          i32x4.extract_lane 2
          i32.add
          local.get $acc5
          i32x4.extract_lane 3
          i32.add
          local.set $s5
          local.get $acc6
          i32x4.extract_lane 0
          local.get $acc6
          i32x4.extract_lane 1
          i32.add
          local.get $acc6
          i32x4.extract_lane 2
          i32.add
          local.get $acc6
          i32x4.extract_lane 3
          i32.add
          local.set $s6
          local.get $acc7
          i32x4.extract_lane 0
          local.get $acc7
          i32x4.extract_lane 1
          i32.add
          local.get $acc7
          i32x4.extract_lane 2
          i32.add
          local.get $acc7
          i32x4.extract_lane 3
          i32.add
          local.set $s7
          ;; the last bytes, one at a time (p = k8 here)
          block $tdone
          loop $tloop
            local.get $p
            local.get $k
            i32.ge_u
            br_if $tdone
            local.get $ar0
            local.get $p
            i32.add
            i32.load8_s
            local.set $x0
            local.get $ar1
            local.get $p
            i32.add
            i32.load8_s
            local.set $x1
            local.get $b0
            local.get $p
            i32.add
            i32.load8_s
            local.set $y
            local.get $s0
            local.get $x0
            local.get $y
            i32.mul
            i32.add
            local.set $s0
            local.get $s4
            local.get $x1
            local.get $y
            i32.mul
            i32.add
            local.set $s4
            local.get $b1
            local.get $p
            i32.add
            i32.load8_s
            local.set $y
            local.get $s1
            local.get $x0
            local.get $y
            i32.mul
            i32.add
            local.set $s1
            local.get $s5
            local.get $x1
            local.get $y
            i32.mul
            i32.add
            local.set $s5
            local.get $b2
            local.get $p
            i32.add
            i32.load8_s
            local.set $y
            local.get $s2
            local.get $x0
            local.get $y
            i32.mul
            i32.add
            local.set $s2
            local.get $s6
            local.get $x1
            local.get $y
            i32.mul
            i32.add
            local.set $s6
            local.get $b3
            local.get $p
            i32.add
            i32.load8_s
            local.set $y
            local.get $s3
            local.get $x0
            local.get $y
            i32.mul
            i32.add
            local.set $s3
            local.get $s7
            local.get $x1
            local.get $y
            i32.mul
            i32.add
            local.set $s7
            local.get $p
            i32.const 1
            i32.add
            local.set $p
            br $tloop
          end
          end
          ;; store the sums of the columns that exist (j+t < n)
          local.get $c
          local.get $i
          local.get $n
          i32.mul
          local.get $j
          i32.add
          i32.const 2
          i32.shl
          i32.add
          local.set $o
          local.get $o
          local.get $s0
          i32.store
          block $sdone
            local.get $j
            i32.const 1
            i32.add
            local.get $n
            i32.ge_u
            br_if $sdone
            local.get $o
            local.get $s1
            i32.store offset=4
            local.get $j
            i32.const 2
            i32.add
            local.get $n
            i32.ge_u
            br_if $sdone
            local.get $o
            local.get $s2
            i32.store offset=8
            local.get $j
            i32.const 3
            i32.add
            local.get $n
            i32.ge_u
            br_if $sdone
            local.get $o
            local.get $s3
            i32.store offset=12
          end
          local.get $c
          local.get $i
          i32.const 1
          i32.add
          local.get $n
          i32.mul
          local.get $j
          i32.add
          i32.const 2
          i32.shl
          i32.add
          local.set $o
          local.get $o
          local.get $s4
          i32.store
          block $sdone
            local.get $j
            i32.const 1
            i32.add
            local.get $n
            i32.ge_u
            br_if $sdone
            local.get $o
            local.get $s5
            i32.store offset=4
            local.get $j
            i32.const 2
            i32.add
            local.get $n
            i32.ge_u
            br_if $sdone
            local.get $o
            local.get $s6
            i32.store offset=8
            local.get $j
            i32.const 3
            i32.add
            local.get $n
            i32.ge_u
            br_if $sdone
            local.get $o
            local.get $s7
            i32.store offset=12
          end
          local.get $j
          i32.const 4
          i32.add
          local.set $j
          br $jloop
        end
        end
        local.get $i
        i32.const 2
        i32.add
        local.set $i
      else
        ;; for j = 0; j < n; j += 4   (four rows of B)
        i32.const 0
        local.set $j
        block $jdone
        loop $jloop
          local.get $j
          local.get $n
          i32.ge_u
          br_if $jdone
          ;; b0 = b + j·k; b1, b2, b3 the next rows, or B's last row past n
          local.get $b
          local.get $j
          local.get $k
          i32.mul
          i32.add
          local.set $b0
          local.get $b0
          local.get $k
          i32.add
          local.tee $b1
          local.get $last
          local.get $b1
          local.get $last
          i32.le_u
          select
          local.set $b1
          local.get $b1
          local.get $k
          i32.add
          local.tee $b2
          local.get $last
          local.get $b2
          local.get $last
          i32.le_u
          select
          local.set $b2
          local.get $b2
          local.get $k
          i32.add
          local.tee $b3
          local.get $last
          local.get $b3
          local.get $last
          i32.le_u
          select
          local.set $b3
          v128.const i32x4 0 0 0 0
          local.tee $acc0
          local.tee $acc1
          local.tee $acc2
          local.set $acc3
          ;; for p = 0; p < k8; p += 8
          i32.const 0
          local.set $p
          block $pdone
          loop $ploop
            local.get $p
            local.get $k8
            i32.ge_u
            br_if $pdone
            ;; bytes p+0 … p+7
            local.get $ar0
            local.get $p
            i32.add
            v128.load8x8_s
            local.set $va0
            local.get $b0
            local.get $p
            i32.add
            v128.load8x8_s
            local.set $vb
            local.get $acc0
            local.get $va0
            local.get $vb
            i32x4.dot_i16x8_s
            i32x4.add
            local.set $acc0
            local.get $b1
            local.get $p
            i32.add
            v128.load8x8_s
            local.set $vb
            local.get $acc1
            local.get $va0
            local.get $vb
            i32x4.dot_i16x8_s
            i32x4.add
            local.set $acc1
            local.get $b2
            local.get $p
            i32.add
            v128.load8x8_s
            local.set $vb
            local.get $acc2
            local.get $va0
            local.get $vb
            i32x4.dot_i16x8_s
            i32x4.add
            local.set $acc2
            local.get $b3
            local.get $p
            i32.add
            v128.load8x8_s
            local.set $vb
            local.get $acc3
            local.get $va0
            local.get $vb
            i32x4.dot_i16x8_s
            i32x4.add
            local.set $acc3
            local.get $p
            i32.const 8
            i32.add
            local.set $p
            br $ploop
          end
          end
          ;; s = the four lanes of each accumulator added
          local.get $acc0
          i32x4.extract_lane 0
          local.get $acc0
          i32x4.extract_lane 1
          i32.add
          local.get $acc0
          i32x4.extract_lane 2
          i32.add
          local.get $acc0
          i32x4.extract_lane 3
          i32.add
          local.set $s0
          local.get $acc1
          i32x4.extract_lane 0
          local.get $acc1
          i32x4.extract_lane 1
          i32.add
          local.get $acc1
          i32x4.extract_lane 2
          i32.add
          local.get $acc1
          i32x4.extract_lane 3
          i32.add
          local.set $s1
          local.get $acc2
          i32x4.extract_lane 0
          local.get $acc2
          i32x4.extract_lane 1
          i32.add
          local.get $acc2
          i32x4.extract_lane 2
          i32.add
          local.get $acc2
          i32x4.extract_lane 3
          i32.add
          local.set $s2
          local.get $acc3
          i32x4.extract_lane 0
          local.get $acc3
          i32x4.extract_lane 1
          i32.add
          local.get $acc3
          i32x4.extract_lane 2
          i32.add
          local.get $acc3
          i32x4.extract_lane 3
          i32.add
          local.set $s3
          ;; the last bytes, one at a time (p = k8 here)
          block $tdone
          loop $tloop
            local.get $p
            local.get $k
            i32.ge_u
            br_if $tdone
            local.get $ar0
            local.get $p
            i32.add
            i32.load8_s
            local.set $x0
            local.get $b0
            local.get $p
            i32.add
            i32.load8_s
            local.set $y
            local.get $s0
            local.get $x0
            local.get $y
            i32.mul
            i32.add
            local.set $s0
            local.get $b1
            local.get $p
            i32.add
            i32.load8_s
            local.set $y
            local.get $s1
            local.get $x0
            local.get $y
            i32.mul
            i32.add
            local.set $s1
            local.get $b2
            local.get $p
            i32.add
            i32.load8_s
            local.set $y
            local.get $s2
            local.get $x0
            local.get $y
            i32.mul
            i32.add
            local.set $s2
            local.get $b3
            local.get $p
            i32.add
            i32.load8_s
            local.set $y
            local.get $s3
            local.get $x0
            local.get $y
            i32.mul
            i32.add
            local.set $s3
            local.get $p
            i32.const 1
            i32.add
            local.set $p
            br $tloop
          end
          end
          ;; store the sums of the columns that exist (j+t < n)
          local.get $c
          local.get $i
          local.get $n
          i32.mul
          local.get $j
          i32.add
          i32.const 2
          i32.shl
          i32.add
          local.set $o
          local.get $o
          local.get $s0
          i32.store
          block $sdone
            local.get $j
            i32.const 1
            i32.add
            local.get $n
            i32.ge_u
            br_if $sdone
            local.get $o
            local.get $s1
            i32.store offset=4
            local.get $j
            i32.const 2
            i32.add
            local.get $n
            i32.ge_u
            br_if $sdone
            local.get $o
            local.get $s2
            i32.store offset=8
            local.get $j
            i32.const 3
            i32.add
            local.get $n
            i32.ge_u
            br_if $sdone
            local.get $o
            local.get $s3
            i32.store offset=12
          end
          local.get $j
          i32.const 4
          i32.add
          local.set $j
          br $jloop
        end
        end
        local.get $i
        i32.const 1
        i32.add
        local.set $i
      end
      br $iloop
    end
    end)

  ;; peak(iters): iters × 16 i32x4.dot_i16x8_s, each added into one of 8
  ;; accumulators, on registers only: the fastest this kernel's
  ;; instruction pair can run (8 multiply-adds each, 16 int8 operations).
  ;; Returns a lane of the sum, so the engine cannot drop the work.
  (func (export "peak") (param $iters i32) (result i32)
    (local $x v128) (local $y v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128)
    local.get $iters
    i32x4.splat
    local.tee $x
    local.set $y
    block $done
    loop $next
      local.get $iters
      i32.eqz
      br_if $done
      local.get $a0
      local.get $x
      local.get $y
      i32x4.dot_i16x8_s
      i32x4.add
      local.set $a0
      local.get $a1
      local.get $x
      local.get $y
      i32x4.dot_i16x8_s
      i32x4.add
      local.set $a1
      local.get $a2
      local.get $x
      local.get $y
      i32x4.dot_i16x8_s
      i32x4.add
      local.set $a2
      local.get $a3
      local.get $x
      local.get $y
      i32x4.dot_i16x8_s
      i32x4.add
      local.set $a3
      local.get $a4
      local.get $x
      local.get $y
      i32x4.dot_i16x8_s
      i32x4.add
      local.set $a4
      local.get $a5
      local.get $x
      local.get $y
      i32x4.dot_i16x8_s
      i32x4.add
      local.set $a5
      local.get $a6
      local.get $x
      local.get $y
      i32x4.dot_i16x8_s
      i32x4.add
      local.set $a6
      local.get $a7
      local.get $x
      local.get $y
      i32x4.dot_i16x8_s
      i32x4.add
      local.set $a7
      local.get $a0
      local.get $x
      local.get $y
      i32x4.dot_i16x8_s
      i32x4.add
      local.set $a0
      local.get $a1
      local.get $x
      local.get $y
      i32x4.dot_i16x8_s
      i32x4.add
      local.set $a1
      local.get $a2
      local.get $x
      local.get $y
      i32x4.dot_i16x8_s
      i32x4.add
      local.set $a2
      local.get $a3
      local.get $x
      local.get $y
      i32x4.dot_i16x8_s
      i32x4.add
      local.set $a3
      local.get $a4
      local.get $x
      local.get $y
      i32x4.dot_i16x8_s
      i32x4.add
      local.set $a4
      local.get $a5
      local.get $x
      local.get $y
      i32x4.dot_i16x8_s
      i32x4.add
      local.set $a5
      local.get $a6
      local.get $x
      local.get $y
      i32x4.dot_i16x8_s
      i32x4.add
      local.set $a6
      local.get $a7
      local.get $x
      local.get $y
      i32x4.dot_i16x8_s
      i32x4.add
      local.set $a7
      local.get $iters
      i32.const 1
      i32.sub
      local.set $iters
      br $next
    end
    end
    local.get $a0
    local.get $a1
    i32x4.add
    local.get $a2
    i32x4.add
    local.get $a3
    i32x4.add
    local.get $a4
    i32x4.add
    local.get $a5
    i32x4.add
    local.get $a6
    i32x4.add
    local.get $a7
    i32x4.add
    i32x4.extract_lane 0)

  ;; The edges of a quantized layer (engine/kernels/int8mm's edges.go),
  ;; with the bytes of its Go loops.
  ;;
  ;; quantize(q, x, n, inv, lo, hi, z): for i < n (a multiple of 16),
  ;;
  ;;     q[i] = int8(nearest(clamp(x[i]·inv, lo, hi)) + z)
  ;;
  ;; with a NaN product taken as 0. f32x4.eq(v, v) is false only for NaN,
  ;; so v128.and with it turns NaN lanes into +0 before the clamp. With no
  ;; NaN left, the clamp is f32x4.pmax and f32x4.pmin (b < a ? b : a: one
  ;; x86 instruction each, where f32x4.max and min, which must carry NaNs
  ;; and order -0 below +0, take several; a -0 they may keep rounds to the
  ;; integer 0 all the same). Rounding is the Go loop's: adding
  ;; magic = 1.5·2^23 rounds v (|v| ≤ 255) to an integer, half to even,
  ;; held in the low bits of the sum's float32, so its bits minus magic's,
  ;; 0x4B400000, are that integer; subtracting 0x4B400000 - z adds the
  ;; zero point too. (f32x4.nearest and i32x4.trunc_sat_f32x4_s gave the
  ;; same integers in about three times the instructions: trunc_sat's
  ;; saturation and NaN rules cost V8 a long sequence on x86.)
  ;; The narrowing instructions pack 4+4 int32 to int16 and 8+8 int16 to
  ;; int8 in order, with signed saturation that never saturates here
  ;; (lo+z and hi+z are int8).
  (func (export "quantize")
    (param $q i32) (param $x i32) (param $n i32)
    (param $inv f32) (param $lo f32) (param $hi f32) (param $z i32)
    (local $i i32) (local $o i32) (local $end i32)
    (local $vinv v128) (local $vlo v128) (local $vhi v128) (local $vz v128) (local $vmagic v128) (local $t v128)
    (local $a v128) (local $b v128) (local $c v128) (local $d v128)
    local.get $inv
    f32x4.splat
    local.set $vinv
    local.get $lo
    f32x4.splat
    local.set $vlo
    local.get $hi
    f32x4.splat
    local.set $vhi
    v128.const i32x4 0x4B400000 0x4B400000 0x4B400000 0x4B400000
    local.set $vmagic
    i32.const 0x4B400000
    local.get $z
    i32.sub
    i32x4.splat
    local.set $vz
    ;; i walks x in bytes (4 a value), o walks q (1 a value)
    local.get $n
    i32.const 2
    i32.shl
    local.set $end
    i32.const 0
    local.set $i
    i32.const 0
    local.set $o
    block $done
    loop $next
      local.get $i
      local.get $end
      i32.ge_u
      br_if $done
      local.get $x
      local.get $i
      i32.add
      v128.load offset=0
      local.get $vinv
      f32x4.mul
      local.tee $t
      local.get $t
      local.get $t
      f32x4.eq
      v128.and
      local.get $vlo
      f32x4.pmax
      local.get $vhi
      f32x4.pmin
      local.get $vmagic
      f32x4.add
      local.get $vz
      i32x4.sub
      local.set $a
      local.get $x
      local.get $i
      i32.add
      v128.load offset=16
      local.get $vinv
      f32x4.mul
      local.tee $t
      local.get $t
      local.get $t
      f32x4.eq
      v128.and
      local.get $vlo
      f32x4.pmax
      local.get $vhi
      f32x4.pmin
      local.get $vmagic
      f32x4.add
      local.get $vz
      i32x4.sub
      local.set $b
      local.get $x
      local.get $i
      i32.add
      v128.load offset=32
      local.get $vinv
      f32x4.mul
      local.tee $t
      local.get $t
      local.get $t
      f32x4.eq
      v128.and
      local.get $vlo
      f32x4.pmax
      local.get $vhi
      f32x4.pmin
      local.get $vmagic
      f32x4.add
      local.get $vz
      i32x4.sub
      local.set $c
      local.get $x
      local.get $i
      i32.add
      v128.load offset=48
      local.get $vinv
      f32x4.mul
      local.tee $t
      local.get $t
      local.get $t
      f32x4.eq
      v128.and
      local.get $vlo
      f32x4.pmax
      local.get $vhi
      f32x4.pmin
      local.get $vmagic
      f32x4.add
      local.get $vz
      i32x4.sub
      local.set $d
      local.get $q
      local.get $o
      i32.add
      local.get $a
      local.get $b
      i16x8.narrow_i32x4_s
      local.get $c
      local.get $d
      i16x8.narrow_i32x4_s
      i8x16.narrow_i16x8_s
      v128.store
      local.get $i
      i32.const 64
      i32.add
      local.set $i
      local.get $o
      i32.const 16
      i32.add
      local.set $o
      br $next
    end
    end)

  ;; dequantize(y, acc, off, scale, bias, m, n, hasBias): for i < m, j < n,
  ;;
  ;;     y[i*n+j] = f32(acc[i*n+j] - off[j]) · scale[j] (+ bias[j] if hasBias)
  ;;
  ;; all row-major at byte addresses: the int32 subtraction wraps, the
  ;; conversion rounds to nearest even, and the product and the sum round
  ;; each, as in the Go loop. Each row takes 4 columns a step, then its
  ;; last n mod 4 one at a time with the scalar instructions of the same
  ;; rounding.
  (func (export "dequantize")
    (param $y i32) (param $acc i32) (param $off i32) (param $scale i32) (param $bias i32)
    (param $m i32) (param $n i32) (param $hasBias i32)
    (local $i i32) (local $j i32) (local $yrow i32) (local $arow i32)
    (local $n4 i32) (local $nb i32) (local $v v128) (local $f f32)
    ;; n4, nb = the row's bytes in whole steps of 4 columns, and in all
    local.get $n
    i32.const 2
    i32.shl
    local.tee $nb
    i32.const -16
    i32.and
    local.set $n4
    local.get $y
    local.set $yrow
    local.get $acc
    local.set $arow
    i32.const 0
    local.set $i
    block $rows
    loop $row
      local.get $i
      local.get $m
      i32.ge_u
      br_if $rows
      i32.const 0
      local.set $j
      block $vdone
      loop $vnext
        local.get $j
        local.get $n4
        i32.ge_u
        br_if $vdone
        local.get $arow
        local.get $j
        i32.add
        v128.load
        local.get $off
        local.get $j
        i32.add
        v128.load
        i32x4.sub
        f32x4.convert_i32x4_s
        local.get $scale
        local.get $j
        i32.add
        v128.load
        f32x4.mul
        local.set $v
        local.get $hasBias
        if
          local.get $v
          local.get $bias
          local.get $j
          i32.add
          v128.load
          f32x4.add
          local.set $v
        end
        local.get $yrow
        local.get $j
        i32.add
        local.get $v
        v128.store
        local.get $j
        i32.const 16
        i32.add
        local.set $j
        br $vnext
      end
      end
      block $sdone
      loop $snext
        local.get $j
        local.get $nb
        i32.ge_u
        br_if $sdone
        local.get $arow
        local.get $j
        i32.add
        i32.load
        local.get $off
        local.get $j
        i32.add
        i32.load
        i32.sub
        f32.convert_i32_s
        local.get $scale
        local.get $j
        i32.add
        f32.load
        f32.mul
        local.set $f
        local.get $hasBias
        if
          local.get $f
          local.get $bias
          local.get $j
          i32.add
          f32.load
          f32.add
          local.set $f
        end
        local.get $yrow
        local.get $j
        i32.add
        local.get $f
        f32.store
        local.get $j
        i32.const 4
        i32.add
        local.set $j
        br $snext
      end
      end
      local.get $yrow
      local.get $nb
      i32.add
      local.set $yrow
      local.get $arow
      local.get $nb
      i32.add
      local.set $arow
      local.get $i
      i32.const 1
      i32.add
      local.set $i
      br $row
    end
    end)
)
