;; TinyTorch's matmul macro-kernel for WebAssembly SIMD (the browser's fast
;; path). Go's compiler emits no SIMD instructions for js/wasm, so this
;; routine is written by hand. It works directly on the Go program's memory:
;; the module imports the memory that the Go instance exports as "mem", and
;; every pointer argument is a byte address in it (Go's pointers are such
;; addresses: unsafe.SliceData of a []float32, converted to a number).
;;
;; block(kb, mb, nb, ap, bp, c, ldc, alpha, tmp) does
;;
;;     C[0:mb, 0:nb] += alpha · (Ap · Bp)
;;
;; for a packed mb×kb block of A and a packed kb×nb block of B, packed by the
;; Go driver (engine/kernels: Packed, pack.go) with a 4×8 register tile:
;;
;;   - Ap: ceil(mb/4) panels of 4 rows; in a panel, step p holds the 4 floats
;;     A[r][p], r = 0..3 (zero rows pad the last panel);
;;   - Bp: ceil(nb/8) panels of 8 columns; in a panel, step p holds the 8
;;     floats B[p][j], j = 0..7 (zero columns pad the last panel);
;;   - c: the block's top-left element of C, rows ldc floats apart;
;;   - tmp: 32 floats of scratch for the tiles at the right and bottom edges.
;;
;; The 4×8 tile of C lives in eight v128 accumulators ($c00 … $c31: row r,
;; columns 0-3 and 4-7). Each step p loads two vectors of B, and for each of
;; the 4 rows splats one float of A and does two multiplies and two adds:
;; 16 multiply-adds of 4 lanes each per 6 loads. With the 2 vectors of B and
;; one of A that makes 11 live vectors, within the 16 registers that V8 uses
;; on x86-64. Baseline WebAssembly SIMD has no fused multiply-add, so a
;; multiply and an add it is; the result is rounded the same way on every
;; machine. A panel with only one or two rows inside A (the second panel of
;; a layer of 6 output channels) runs a k loop of the first two rows only,
;; the 2×8 tile in four accumulators: the same sums for those rows, without
;; the multiply-adds of the padding.
;;
;; The instructions are written flat (one per line, operands on the stack),
;; the form that the small assembler of this package (asm.go) reads;
;; wabt's wat2wasm reads it too.
(module
  (import "go" "mem" (memory 1))
  (func (export "block")
    (param $kb i32) (param $mb i32) (param $nb i32)
    (param $ap i32) (param $bp i32) (param $c i32) (param $ldc i32)
    (param $alpha f32) (param $tmp i32)
    (local $jr i32) (local $ir i32) (local $a i32) (local $b i32) (local $p i32)
    (local $ct i32) (local $rows i32) (local $cols i32) (local $i i32) (local $j i32)
    (local $ldcb i32) (local $t i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $b0 v128) (local $b1 v128) (local $x v128) (local $va v128)

    ;; ldcb = ldc·4, the distance between rows of C in bytes
    local.get $ldc
    i32.const 2
    i32.shl
    local.set $ldcb
    local.get $alpha
    f32x4.splat
    local.set $va

    ;; for jr = 0; jr < nb; jr += 8   (one panel of B)
    i32.const 0
    local.set $jr
    block $jdone
    loop $jloop
      local.get $jr
      local.get $nb
      i32.ge_s
      br_if $jdone

      ;; for ir = 0; ir < mb; ir += 4   (one panel of A)
      i32.const 0
      local.set $ir
      block $idone
      loop $iloop
        local.get $ir
        local.get $mb
        i32.ge_s
        br_if $idone

        ;; a = ap + ir·kb·4, b = bp + jr·kb·4: the panels' first steps
        local.get $ap
        local.get $ir
        local.get $kb
        i32.mul
        i32.const 2
        i32.shl
        i32.add
        local.set $a
        local.get $bp
        local.get $jr
        local.get $kb
        i32.mul
        i32.const 2
        i32.shl
        i32.add
        local.set $b

        ;; rows = min(4, mb-ir), cols = min(8, nb-jr)
        local.get $mb
        local.get $ir
        i32.sub
        local.tee $t
        i32.const 4
        local.get $t
        i32.const 4
        i32.lt_s
        select
        local.set $rows
        local.get $nb
        local.get $jr
        i32.sub
        local.tee $t
        i32.const 8
        local.get $t
        i32.const 8
        i32.lt_s
        select
        local.set $cols

        f32.const 0
        f32x4.splat
        local.tee $c00
        local.tee $c01
        local.tee $c10
        local.tee $c11
        local.tee $c20
        local.tee $c21
        local.tee $c30
        local.set $c31

        local.get $rows
        i32.const 2
        i32.le_s
        if
          ;; the k loop for a panel with one or two rows inside A (the rest
          ;; padding, as in a layer of 6 output channels): the 2×8 tile only
          local.get $kb
          local.set $p
          loop $kloop2
            local.get $b
            v128.load
            local.set $b0
            local.get $b
            v128.load offset=16
            local.set $b1

            ;; row 0
            local.get $a
            v128.load32_splat
            local.tee $x
            local.get $b0
            f32x4.mul
            local.get $c00
            f32x4.add
            local.set $c00
            local.get $x
            local.get $b1
            f32x4.mul
            local.get $c01
            f32x4.add
            local.set $c01
            ;; row 1
            local.get $a
            v128.load32_splat offset=4
            local.tee $x
            local.get $b0
            f32x4.mul
            local.get $c10
            f32x4.add
            local.set $c10
            local.get $x
            local.get $b1
            f32x4.mul
            local.get $c11
            f32x4.add
            local.set $c11
            local.get $a
            i32.const 16
            i32.add
            local.set $a
            local.get $b
            i32.const 32
            i32.add
            local.set $b
            local.get $p
            i32.const 1
            i32.sub
            local.tee $p
            br_if $kloop2
          end
        else
          ;; the k loop: kb ≥ 1 steps
          local.get $kb
          local.set $p
          loop $kloop
            local.get $b
            v128.load
            local.set $b0
            local.get $b
            v128.load offset=16
            local.set $b1

            ;; row 0
            local.get $a
            v128.load32_splat
            local.tee $x
            local.get $b0
            f32x4.mul
            local.get $c00
            f32x4.add
            local.set $c00
            local.get $x
            local.get $b1
            f32x4.mul
            local.get $c01
            f32x4.add
            local.set $c01
            ;; row 1
            local.get $a
            v128.load32_splat offset=4
            local.tee $x
            local.get $b0
            f32x4.mul
            local.get $c10
            f32x4.add
            local.set $c10
            local.get $x
            local.get $b1
            f32x4.mul
            local.get $c11
            f32x4.add
            local.set $c11
            ;; row 2
            local.get $a
            v128.load32_splat offset=8
            local.tee $x
            local.get $b0
            f32x4.mul
            local.get $c20
            f32x4.add
            local.set $c20
            local.get $x
            local.get $b1
            f32x4.mul
            local.get $c21
            f32x4.add
            local.set $c21
            ;; row 3
            local.get $a
            v128.load32_splat offset=12
            local.tee $x
            local.get $b0
            f32x4.mul
            local.get $c30
            f32x4.add
            local.set $c30
            local.get $x
            local.get $b1
            f32x4.mul
            local.get $c31
            f32x4.add
            local.set $c31

            local.get $a
            i32.const 16
            i32.add
            local.set $a
            local.get $b
            i32.const 32
            i32.add
            local.set $b
            local.get $p
            i32.const 1
            i32.sub
            local.tee $p
            br_if $kloop
          end
        end

        ;; ct = c + (ir·ldc + jr)·4: the tile's top-left element
        local.get $c
        local.get $ir
        local.get $ldc
        i32.mul
        local.get $jr
        i32.add
        i32.const 2
        i32.shl
        i32.add
        local.set $ct
        local.get $cols
        i32.const 8
        i32.eq
        if
          ;; a tile of full rows: C row r += alpha·acc, four floats at a
          ;; time, for the rows inside C
          local.get $ct
          local.get $ct
          v128.load
          local.get $va
          local.get $c00
          f32x4.mul
          f32x4.add
          v128.store
          local.get $ct
          local.get $ct
          v128.load offset=16
          local.get $va
          local.get $c01
          f32x4.mul
          f32x4.add
          v128.store offset=16
          local.get $rows
          i32.const 1
          i32.gt_s
          if
            local.get $ct
            local.get $ldcb
            i32.add
            local.tee $ct
            local.get $ct
            v128.load
            local.get $va
            local.get $c10
            f32x4.mul
            f32x4.add
            v128.store
            local.get $ct
            local.get $ct
            v128.load offset=16
            local.get $va
            local.get $c11
            f32x4.mul
            f32x4.add
            v128.store offset=16
          end
          local.get $rows
          i32.const 2
          i32.gt_s
          if
            local.get $ct
            local.get $ldcb
            i32.add
            local.tee $ct
            local.get $ct
            v128.load
            local.get $va
            local.get $c20
            f32x4.mul
            f32x4.add
            v128.store
            local.get $ct
            local.get $ct
            v128.load offset=16
            local.get $va
            local.get $c21
            f32x4.mul
            f32x4.add
            v128.store offset=16
          end
          local.get $rows
          i32.const 3
          i32.gt_s
          if
            local.get $ct
            local.get $ldcb
            i32.add
            local.tee $ct
            local.get $ct
            v128.load
            local.get $va
            local.get $c30
            f32x4.mul
            f32x4.add
            v128.store
            local.get $ct
            local.get $ct
            v128.load offset=16
            local.get $va
            local.get $c31
            f32x4.mul
            f32x4.add
            v128.store offset=16
          end
        else
          ;; an edge tile: store alpha·acc in tmp (row r at tmp + 32r),
          ;; then add the rows×cols that lie inside C, one float at a time
          local.get $tmp
          local.get $va
          local.get $c00
          f32x4.mul
          v128.store
          local.get $tmp
          local.get $va
          local.get $c01
          f32x4.mul
          v128.store offset=16
          local.get $tmp
          local.get $va
          local.get $c10
          f32x4.mul
          v128.store offset=32
          local.get $tmp
          local.get $va
          local.get $c11
          f32x4.mul
          v128.store offset=48
          local.get $tmp
          local.get $va
          local.get $c20
          f32x4.mul
          v128.store offset=64
          local.get $tmp
          local.get $va
          local.get $c21
          f32x4.mul
          v128.store offset=80
          local.get $tmp
          local.get $va
          local.get $c30
          f32x4.mul
          v128.store offset=96
          local.get $tmp
          local.get $va
          local.get $c31
          f32x4.mul
          v128.store offset=112

          i32.const 0
          local.set $i
          loop $erow
            i32.const 0
            local.set $j
            loop $ecol
              ;; t = ct + i·ldcb + j·4
              local.get $ct
              local.get $i
              local.get $ldcb
              i32.mul
              i32.add
              local.get $j
              i32.const 2
              i32.shl
              i32.add
              local.tee $t
              local.get $t
              f32.load
              ;; tmp + i·32 + j·4
              local.get $tmp
              local.get $i
              i32.const 5
              i32.shl
              i32.add
              local.get $j
              i32.const 2
              i32.shl
              i32.add
              f32.load
              f32.add
              f32.store
              local.get $j
              i32.const 1
              i32.add
              local.tee $j
              local.get $cols
              i32.lt_s
              br_if $ecol
            end
            local.get $i
            i32.const 1
            i32.add
            local.tee $i
            local.get $rows
            i32.lt_s
            br_if $erow
          end
        end

        local.get $ir
        i32.const 4
        i32.add
        local.set $ir
        br $iloop
      end
      end

      local.get $jr
      i32.const 8
      i32.add
      local.set $jr
      br $jloop
    end
    end
  )
)
