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
;; Each step takes 8 bytes of a row of A and of four rows of B:
;; v128.load8x8_s loads 8 bytes and sign-extends them to eight int16s, and
;; i32x4.dot_i16x8_s multiplies two such vectors lane by lane and adds
;; adjacent pairs into four int32s, exactly (|a·b + a'·b'| ≤ 2^15). Four
;; accumulators, one per row of B, hold four int32 partial sums each; the
;; end of the row adds their lanes and the last k mod 8 bytes one by one.
;;
;; Relaxed SIMD's i32x4.relaxed_dot_i8x16_i7x16_add_s would take 16 bytes
;; per instruction, but its second operand must be a 7-bit value: for a
;; byte of -128..-65 or 64..127 the result is implementation-defined, so it
;; is not exact on int8 weights and is not used.
;;
;; The last block of columns, when n is not a multiple of 4, reads B's last
;; row in place of the missing ones and does not store those sums.
(module
  (import "go" "mem" (memory 1))
  (func (export "matmul")
    (param $c i32) (param $a i32) (param $b i32)
    (param $m i32) (param $n i32) (param $k i32)
    (local $i i32) (local $j i32) (local $p i32) (local $k8 i32)
    (local $ar i32) (local $b0 i32) (local $b1 i32) (local $b2 i32) (local $b3 i32)
    (local $last i32) (local $out i32) (local $x i32)
    (local $s0 i32) (local $s1 i32) (local $s2 i32) (local $s3 i32)
    (local $va v128) (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128)

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
    local.get $c
    local.set $out

    ;; for i = 0; i < m; i++   (one row of A)
    i32.const 0
    local.set $i
    block $idone
    loop $iloop
      local.get $i
      local.get $m
      i32.ge_u
      br_if $idone
      ;; ar = a + i·k
      local.get $a
      local.get $i
      local.get $k
      i32.mul
      i32.add
      local.set $ar

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
          local.get $ar
          local.get $p
          i32.add
          v128.load8x8_s
          local.set $va

          local.get $acc0
          local.get $va
          local.get $b0
          local.get $p
          i32.add
          v128.load8x8_s
          i32x4.dot_i16x8_s
          i32x4.add
          local.set $acc0

          local.get $acc1
          local.get $va
          local.get $b1
          local.get $p
          i32.add
          v128.load8x8_s
          i32x4.dot_i16x8_s
          i32x4.add
          local.set $acc1

          local.get $acc2
          local.get $va
          local.get $b2
          local.get $p
          i32.add
          v128.load8x8_s
          i32x4.dot_i16x8_s
          i32x4.add
          local.set $acc2

          local.get $acc3
          local.get $va
          local.get $b3
          local.get $p
          i32.add
          v128.load8x8_s
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

        ;; s_t = the four lanes of acc_t added
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

        ;; the last k mod 8 bytes, one at a time (p = k8 here)
        block $tdone
        loop $tloop
          local.get $p
          local.get $k
          i32.ge_u
          br_if $tdone
          local.get $ar
          local.get $p
          i32.add
          i32.load8_s
          local.set $x
          local.get $s0
          local.get $x
          local.get $b0
          local.get $p
          i32.add
          i32.load8_s
          i32.mul
          i32.add
          local.set $s0
          local.get $s1
          local.get $x
          local.get $b1
          local.get $p
          i32.add
          i32.load8_s
          i32.mul
          i32.add
          local.set $s1
          local.get $s2
          local.get $x
          local.get $b2
          local.get $p
          i32.add
          i32.load8_s
          i32.mul
          i32.add
          local.set $s2
          local.get $s3
          local.get $x
          local.get $b3
          local.get $p
          i32.add
          i32.load8_s
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

        ;; store the sums of the columns that exist: j, then j+1.. while < n
        local.get $out
        local.get $s0
        i32.store
        block $sdone
          local.get $j
          i32.const 1
          i32.add
          local.get $n
          i32.ge_u
          br_if $sdone
          local.get $out
          local.get $s1
          i32.store offset=4
          local.get $j
          i32.const 2
          i32.add
          local.get $n
          i32.ge_u
          br_if $sdone
          local.get $out
          local.get $s2
          i32.store offset=8
          local.get $j
          i32.const 3
          i32.add
          local.get $n
          i32.ge_u
          br_if $sdone
          local.get $out
          local.get $s3
          i32.store offset=12
        end
        ;; out += 4 int32s (past the row's end only when j+4 >= n, see below)
        local.get $out
        i32.const 16
        i32.add
        local.set $out
        local.get $j
        i32.const 4
        i32.add
        local.set $j
        br $jloop
      end
      end
      ;; out = c + (i+1)·n·4: undo the overshoot of the last block
      local.get $i
      i32.const 1
      i32.add
      local.tee $i
      local.get $n
      i32.mul
      i32.const 2
      i32.shl
      local.get $c
      i32.add
      local.set $out
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
)
