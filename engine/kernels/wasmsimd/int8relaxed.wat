;; TinyTorch's int8 matrix product on relaxed SIMD's byte dot product, for
;; activations of 7 bits: the browser's fast path for quantized layers
;; whose inputs are quantized to [-64, 63] (engine/quant's default, as
;; PyTorch's x86 default reduces the activations' range to 7 bits for
;; the same reason: see int8relaxed.go).
;;
;; matmul7(c, a, b, m, n, k, sums, tmp) does, for i < m, j < n,
;;
;;     c[i*n + j] = Σ_p a[i*k + p] · b[j*k + p]     (int8 · int8 → int32)
;;
;; exactly as int8.wat's matmul does, when every a lies in [-64, 63], and
;; returns 0; it returns 1, and leaves C alone, if some a does not. sums
;; holds n int32s, sums[j] = Σ_p b[j*k + p] (int8mm.Packed keeps them);
;; tmp has room for m·k bytes.
;;
;; i32x4.relaxed_dot_i8x16_i7x16_add_s(x, y, acc) multiplies 16 signed
;; bytes x by 16 bytes y, adds groups of four products into acc's four
;; int32 lanes: 16 multiply-adds per instruction, twice i32x4.dot_i16x8_s's
;; 8. It is exact only where every byte of y lies in [0, 127]: for a y
;; byte with its top bit set an engine may read it as signed or unsigned,
;; and on x86 (pmaddubsw) pairs of products are added with int16
;; saturation, which |2·(-128)·127| = 32512 never reaches. So y is the
;; activations shifted by 64 into [0, 127], x the weights, and
;;
;;     Σ_p (a + 64)·b = Σ_p a·b + 64·sums[j]
;;
;; is corrected at the store, exactly in int32. A first pass writes the
;; shifted A into tmp and ORs its bytes together: a top bit set means some
;; a lay outside [-64, 63], and the call returns 1 before any product.
;;
;; The blocking is int8.wat's: two rows of A against four rows of B, eight
;; accumulators, here 16 bytes a step; a last odd row of A goes alone; the
;; last k mod 16 bytes go one at a time; the last block of columns, when n
;; is not a multiple of 4, reads B's last row in place of the missing ones
;; and does not store those sums.
(module
  (import "go" "mem" (memory 1))
  (func (export "matmul7")
    (param $c i32) (param $a i32) (param $b i32)
    (param $m i32) (param $n i32) (param $k i32) (param $sums i32) (param $tmp i32)
    (result i32)
    (local $i i32) (local $j i32) (local $p i32) (local $k16 i32) (local $len i32) (local $len16 i32)
    (local $ar0 i32) (local $ar1 i32) (local $b0 i32) (local $b1 i32) (local $b2 i32) (local $b3 i32)
    (local $last i32) (local $o i32) (local $q i32) (local $x0 i32) (local $x1 i32) (local $y i32) (local $badx i32)
    (local $s0 i32) (local $s1 i32) (local $s2 i32) (local $s3 i32)
    (local $s4 i32) (local $s5 i32) (local $s6 i32) (local $s7 i32)
    (local $pa0 i32) (local $pa1 i32) (local $pb0 i32) (local $pb1 i32) (local $pb2 i32) (local $pb3 i32) (local $pend i32)
    (local $va0 v128) (local $va1 v128) (local $vb v128) (local $v64 v128) (local $bad v128)
    (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128)
    (local $acc4 v128) (local $acc5 v128) (local $acc6 v128) (local $acc7 v128)
    ;; the shift pass: tmp = a + 64, bytewise, and bad = their OR
    local.get $m
    local.get $k
    i32.mul
    local.tee $len
    i32.const -16
    i32.and
    local.set $len16
    i32.const 64
    i8x16.splat
    local.set $v64
    v128.const i32x4 0 0 0 0
    local.set $bad
    i32.const 0
    local.set $p
    block $shdone
    loop $shloop
      local.get $p
      local.get $len16
      i32.ge_u
      br_if $shdone
      local.get $tmp
      local.get $p
      i32.add
      local.get $a
      local.get $p
      i32.add
      v128.load
      local.get $v64
      i8x16.add
      local.tee $va0
      v128.store
      local.get $bad
      local.get $va0
      v128.or
      local.set $bad
      local.get $p
      i32.const 16
      i32.add
      local.set $p
      br $shloop
    end
    end
    ;; the last len mod 16 bytes: x = a + 64 as an i32, in [0, 127] or not
    i32.const 0
    local.set $badx
    block $stdone
    loop $stloop
      local.get $p
      local.get $len
      i32.ge_u
      br_if $stdone
      local.get $tmp
      local.get $p
      i32.add
      local.get $a
      local.get $p
      i32.add
      i32.load8_s
      i32.const 64
      i32.add
      local.tee $x0
      i32.store8
      local.get $badx
      local.get $x0
      i32.or
      local.set $badx
      local.get $p
      i32.const 1
      i32.add
      local.set $p
      br $stloop
    end
    end
    ;; a byte of bad with its top bit, or bits of badx beyond 7: refuse
    local.get $bad
    i8x16.bitmask
    local.get $badx
    i32.const -128
    i32.and
    i32.or
    if
      i32.const 1
      return
    end
    ;; k16 = k rounded down to a multiple of 16: the vector steps
    local.get $k
    i32.const -16
    i32.and
    local.set $k16
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
      ;; ar0 = tmp + i·k, the shifted row i; ar1 the next row
      local.get $tmp
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
          ;; for p = 0; p < k16; p += 16, a pointer into each row stepped
          ;; 16 bytes at a time (pa0, pa1 of the shifted A, pb0 … pb3 of B)
          local.get $ar0
          local.tee $pa0
          local.get $k16
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
            local.get $pa0
            v128.load
            local.set $va0
            local.get $pa1
            v128.load
            local.set $va1
            local.get $pb0
            v128.load
            local.tee $vb
            local.get $va0
            local.get $acc0
            i32x4.relaxed_dot_i8x16_i7x16_add_s
            local.set $acc0
            local.get $vb
            local.get $va1
            local.get $acc4
            i32x4.relaxed_dot_i8x16_i7x16_add_s
            local.set $acc4
            local.get $pb1
            v128.load
            local.tee $vb
            local.get $va0
            local.get $acc1
            i32x4.relaxed_dot_i8x16_i7x16_add_s
            local.set $acc1
            local.get $vb
            local.get $va1
            local.get $acc5
            i32x4.relaxed_dot_i8x16_i7x16_add_s
            local.set $acc5
            local.get $pb2
            v128.load
            local.tee $vb
            local.get $va0
            local.get $acc2
            i32x4.relaxed_dot_i8x16_i7x16_add_s
            local.set $acc2
            local.get $vb
            local.get $va1
            local.get $acc6
            i32x4.relaxed_dot_i8x16_i7x16_add_s
            local.set $acc6
            local.get $pb3
            v128.load
            local.tee $vb
            local.get $va0
            local.get $acc3
            i32x4.relaxed_dot_i8x16_i7x16_add_s
            local.set $acc3
            local.get $vb
            local.get $va1
            local.get $acc7
            i32x4.relaxed_dot_i8x16_i7x16_add_s
            local.set $acc7
            local.get $pa0
            i32.const 16
            i32.add
            local.set $pa0
            local.get $pa1
            i32.const 16
            i32.add
            local.set $pa1
            local.get $pb0
            i32.const 16
            i32.add
            local.set $pb0
            local.get $pb1
            i32.const 16
            i32.add
            local.set $pb1
            local.get $pb2
            i32.const 16
            i32.add
            local.set $pb2
            local.get $pb3
            i32.const 16
            i32.add
            local.set $pb3
            br $ploop
          end
          end
          local.get $k16
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
          ;; the last bytes, one at a time (p = k16 here): the shifted a by b
          block $tdone
          loop $tloop
            local.get $p
            local.get $k
            i32.ge_u
            br_if $tdone
            local.get $ar0
            local.get $p
            i32.add
            i32.load8_u
            local.set $x0
            local.get $ar1
            local.get $p
            i32.add
            i32.load8_u
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
          ;; q = sums + 4j, the row sums of this block's columns
          local.get $sums
          local.get $j
          i32.const 2
          i32.shl
          i32.add
          local.set $q
          ;; row i+0: c[(i+0)·n + j + t] = s - 64·sums[j+t], for j+t < n
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
          local.get $q
          i32.load
          i32.const 6
          i32.shl
          i32.sub
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
            local.get $q
            i32.load offset=4
            i32.const 6
            i32.shl
            i32.sub
            i32.store offset=4
            local.get $j
            i32.const 2
            i32.add
            local.get $n
            i32.ge_u
            br_if $sdone
            local.get $o
            local.get $s2
            local.get $q
            i32.load offset=8
            i32.const 6
            i32.shl
            i32.sub
            i32.store offset=8
            local.get $j
            i32.const 3
            i32.add
            local.get $n
            i32.ge_u
            br_if $sdone
            local.get $o
            local.get $s3
            local.get $q
            i32.load offset=12
            i32.const 6
            i32.shl
            i32.sub
            i32.store offset=12
          end
          ;; row i+1: c[(i+1)·n + j + t] = s - 64·sums[j+t], for j+t < n
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
          local.get $q
          i32.load
          i32.const 6
          i32.shl
          i32.sub
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
            local.get $q
            i32.load offset=4
            i32.const 6
            i32.shl
            i32.sub
            i32.store offset=4
            local.get $j
            i32.const 2
            i32.add
            local.get $n
            i32.ge_u
            br_if $sdone
            local.get $o
            local.get $s6
            local.get $q
            i32.load offset=8
            i32.const 6
            i32.shl
            i32.sub
            i32.store offset=8
            local.get $j
            i32.const 3
            i32.add
            local.get $n
            i32.ge_u
            br_if $sdone
            local.get $o
            local.get $s7
            local.get $q
            i32.load offset=12
            i32.const 6
            i32.shl
            i32.sub
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
          ;; for p = 0; p < k16; p += 16, a pointer into each row stepped
          ;; 16 bytes at a time (pa0, pa1 of the shifted A, pb0 … pb3 of B)
          local.get $ar0
          local.tee $pa0
          local.get $k16
          i32.add
          local.set $pend
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
            local.get $pa0
            v128.load
            local.set $va0
            local.get $pb0
            v128.load
            local.tee $vb
            local.get $va0
            local.get $acc0
            i32x4.relaxed_dot_i8x16_i7x16_add_s
            local.set $acc0
            local.get $pb1
            v128.load
            local.tee $vb
            local.get $va0
            local.get $acc1
            i32x4.relaxed_dot_i8x16_i7x16_add_s
            local.set $acc1
            local.get $pb2
            v128.load
            local.tee $vb
            local.get $va0
            local.get $acc2
            i32x4.relaxed_dot_i8x16_i7x16_add_s
            local.set $acc2
            local.get $pb3
            v128.load
            local.tee $vb
            local.get $va0
            local.get $acc3
            i32x4.relaxed_dot_i8x16_i7x16_add_s
            local.set $acc3
            local.get $pa0
            i32.const 16
            i32.add
            local.set $pa0
            local.get $pb0
            i32.const 16
            i32.add
            local.set $pb0
            local.get $pb1
            i32.const 16
            i32.add
            local.set $pb1
            local.get $pb2
            i32.const 16
            i32.add
            local.set $pb2
            local.get $pb3
            i32.const 16
            i32.add
            local.set $pb3
            br $ploop
          end
          end
          local.get $k16
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
          ;; the last bytes, one at a time (p = k16 here): the shifted a by b
          block $tdone
          loop $tloop
            local.get $p
            local.get $k
            i32.ge_u
            br_if $tdone
            local.get $ar0
            local.get $p
            i32.add
            i32.load8_u
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
          ;; q = sums + 4j, the row sums of this block's columns
          local.get $sums
          local.get $j
          i32.const 2
          i32.shl
          i32.add
          local.set $q
          ;; row i+0: c[(i+0)·n + j + t] = s - 64·sums[j+t], for j+t < n
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
          local.get $q
          i32.load
          i32.const 6
          i32.shl
          i32.sub
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
            local.get $q
            i32.load offset=4
            i32.const 6
            i32.shl
            i32.sub
            i32.store offset=4
            local.get $j
            i32.const 2
            i32.add
            local.get $n
            i32.ge_u
            br_if $sdone
            local.get $o
            local.get $s2
            local.get $q
            i32.load offset=8
            i32.const 6
            i32.shl
            i32.sub
            i32.store offset=8
            local.get $j
            i32.const 3
            i32.add
            local.get $n
            i32.ge_u
            br_if $sdone
            local.get $o
            local.get $s3
            local.get $q
            i32.load offset=12
            i32.const 6
            i32.shl
            i32.sub
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
    end
    i32.const 0)

  ;; peak(iters): iters × 16 i32x4.relaxed_dot_i8x16_i7x16_add_s, each
  ;; into one of 8 accumulators, on registers only: the fastest matmul7's
  ;; instruction can run (16 multiply-adds each, 32 int8 operations).
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
      local.get $x
      local.get $y
      local.get $a0
      i32x4.relaxed_dot_i8x16_i7x16_add_s
      local.set $a0
      local.get $x
      local.get $y
      local.get $a1
      i32x4.relaxed_dot_i8x16_i7x16_add_s
      local.set $a1
      local.get $x
      local.get $y
      local.get $a2
      i32x4.relaxed_dot_i8x16_i7x16_add_s
      local.set $a2
      local.get $x
      local.get $y
      local.get $a3
      i32x4.relaxed_dot_i8x16_i7x16_add_s
      local.set $a3
      local.get $x
      local.get $y
      local.get $a4
      i32x4.relaxed_dot_i8x16_i7x16_add_s
      local.set $a4
      local.get $x
      local.get $y
      local.get $a5
      i32x4.relaxed_dot_i8x16_i7x16_add_s
      local.set $a5
      local.get $x
      local.get $y
      local.get $a6
      i32x4.relaxed_dot_i8x16_i7x16_add_s
      local.set $a6
      local.get $x
      local.get $y
      local.get $a7
      i32x4.relaxed_dot_i8x16_i7x16_add_s
      local.set $a7
      local.get $x
      local.get $y
      local.get $a0
      i32x4.relaxed_dot_i8x16_i7x16_add_s
      local.set $a0
      local.get $x
      local.get $y
      local.get $a1
      i32x4.relaxed_dot_i8x16_i7x16_add_s
      local.set $a1
      local.get $x
      local.get $y
      local.get $a2
      i32x4.relaxed_dot_i8x16_i7x16_add_s
      local.set $a2
      local.get $x
      local.get $y
      local.get $a3
      i32x4.relaxed_dot_i8x16_i7x16_add_s
      local.set $a3
      local.get $x
      local.get $y
      local.get $a4
      i32x4.relaxed_dot_i8x16_i7x16_add_s
      local.set $a4
      local.get $x
      local.get $y
      local.get $a5
      i32x4.relaxed_dot_i8x16_i7x16_add_s
      local.set $a5
      local.get $x
      local.get $y
      local.get $a6
      i32x4.relaxed_dot_i8x16_i7x16_add_s
      local.set $a6
      local.get $x
      local.get $y
      local.get $a7
      i32x4.relaxed_dot_i8x16_i7x16_add_s
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
    i32x4.extract_lane 0))
