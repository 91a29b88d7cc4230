;; The moves of a convolution's columns for WebAssembly SIMD: im2col (the
;; columns take copies of the input) and col2im (the input's gradient
;; adds the columns back), engine/tensor's moveBlock (unfold_fast.go) four
;; floats per instruction, with no call per run. Go copies a run of a
;; window row with copy(), which in WebAssembly is a call to
;; runtime.memmove and a memory.copy: for LeNet's runs of 8 and 24 floats
;; the calls cost more than the copying. Like vec.wat it works on the Go
;; program's memory (imported as "go" "mem"); pointer arguments are byte
;; addresses in it, everything else counts floats.
;;
;; moveBlocks(dir, cols, img, blocks, nblocks): for each of nblocks blocks
;; of 10 int32 at blocks, in order (the fields of engine/tensor's block:
;; col, colStep, colSample, in, inStep, inSample, width, count, samples,
;; step), for each sample n < samples and run t < count, with
;; c = col + n·colSample + t·colStep and i = in + n·inSample + t·inStep:
;;
;;     dir 0 (im2col):  cols[c + j] = img[i + j·step]            for j < width
;;     dir 1 (col2im):  img[i + j·step] = img[i + j·step] + cols[c + j]
;;
;; The additions are made in Go's order, block after block, so an input
;; element that several blocks add to gets the same bits.
(module
  (import "go" "mem" (memory 1))
  (func (export "moveBlocks")
    (param $dir i32) (param $cols i32) (param $img i32) (param $blocks i32) (param $nblocks i32)
    (local $end i32)
    (local $col i32) (local $colStep i32) (local $colSample i32)
    (local $in i32) (local $inStep i32) (local $inSample i32)
    (local $width i32) (local $count i32) (local $samples i32) (local $step i32)
    (local $s i32) (local $t i32) (local $c i32) (local $i i32) (local $j i32)
    (local $w4 i32) (local $wb i32) (local $ip i32)
    ;; end = blocks + nblocks·40
    local.get $nblocks
    i32.const 40
    i32.mul
    local.get $blocks
    i32.add
    local.set $end
    block $blocksDone
    loop $blockLoop
      local.get $blocks
      local.get $end
      i32.ge_u
      br_if $blocksDone
      ;; the block's fields, positions as byte addresses, steps in bytes
      local.get $blocks
      i32.load
      i32.const 2
      i32.shl
      local.get $cols
      i32.add
      local.set $col
      local.get $blocks
      i32.load offset=4
      i32.const 2
      i32.shl
      local.set $colStep
      local.get $blocks
      i32.load offset=8
      i32.const 2
      i32.shl
      local.set $colSample
      local.get $blocks
      i32.load offset=12
      i32.const 2
      i32.shl
      local.get $img
      i32.add
      local.set $in
      local.get $blocks
      i32.load offset=16
      i32.const 2
      i32.shl
      local.set $inStep
      local.get $blocks
      i32.load offset=20
      i32.const 2
      i32.shl
      local.set $inSample
      local.get $blocks
      i32.load offset=24
      local.set $width
      local.get $blocks
      i32.load offset=28
      local.set $count
      local.get $blocks
      i32.load offset=32
      local.set $samples
      local.get $blocks
      i32.load offset=36
      i32.const 2
      i32.shl
      local.set $step
      ;; wb = width·4 bytes, w4 = its whole vectors'
      local.get $width
      i32.const 2
      i32.shl
      local.set $wb
      local.get $width
      i32.const -4
      i32.and
      i32.const 2
      i32.shl
      local.set $w4

      i32.const 0
      local.set $s
      block $samplesDone
      loop $sampleLoop
        local.get $s
        local.get $samples
        i32.ge_u
        br_if $samplesDone
        local.get $col
        local.get $s
        local.get $colSample
        i32.mul
        i32.add
        local.set $c
        local.get $in
        local.get $s
        local.get $inSample
        i32.mul
        i32.add
        local.set $i
        i32.const 0
        local.set $t
        block $runsDone
        loop $runLoop
          local.get $t
          local.get $count
          i32.ge_u
          br_if $runsDone
          i32.const 0
          local.set $j
          local.get $step
          i32.const 4
          i32.eq
          if
            local.get $dir
            i32.eqz
            if
              ;; im2col, a contiguous run: whole vectors, then floats
              ;; (moved as i32, bits untouched)
              block $vecDone
              loop $vecLoop
                local.get $j
                local.get $w4
                i32.ge_u
                br_if $vecDone
                local.get $c
                local.get $j
                i32.add
                local.get $i
                local.get $j
                i32.add
                v128.load align=4
                v128.store align=4
                local.get $j
                i32.const 16
                i32.add
                local.set $j
                br $vecLoop
              end
              end
              block $tailDone
              loop $tailLoop
                local.get $j
                local.get $wb
                i32.ge_u
                br_if $tailDone
                local.get $c
                local.get $j
                i32.add
                local.get $i
                local.get $j
                i32.add
                i32.load
                i32.store
                local.get $j
                i32.const 4
                i32.add
                local.set $j
                br $tailLoop
              end
              end
            else
              ;; col2im, a contiguous run: img += cols
              block $vecDone
              loop $vecLoop
                local.get $j
                local.get $w4
                i32.ge_u
                br_if $vecDone
                local.get $i
                local.get $j
                i32.add
                local.tee $ip
                local.get $ip
                v128.load align=4
                local.get $c
                local.get $j
                i32.add
                v128.load align=4
                f32x4.add
                v128.store align=4
                local.get $j
                i32.const 16
                i32.add
                local.set $j
                br $vecLoop
              end
              end
              block $tailDone
              loop $tailLoop
                local.get $j
                local.get $wb
                i32.ge_u
                br_if $tailDone
                local.get $i
                local.get $j
                i32.add
                local.tee $ip
                local.get $ip
                f32.load
                local.get $c
                local.get $j
                i32.add
                f32.load
                f32.add
                f32.store
                local.get $j
                i32.const 4
                i32.add
                local.set $j
                br $tailLoop
              end
              end
            end
          else
            ;; a strided run (stride > 1): one float at a time, ip the
            ;; input element, j the column entry's byte offset
            local.get $i
            local.set $ip
            block $strideDone
            loop $strideLoop
              local.get $j
              local.get $wb
              i32.ge_u
              br_if $strideDone
              local.get $dir
              i32.eqz
              if
                local.get $c
                local.get $j
                i32.add
                local.get $ip
                i32.load
                i32.store
              else
                local.get $ip
                local.get $ip
                f32.load
                local.get $c
                local.get $j
                i32.add
                f32.load
                f32.add
                f32.store
              end
              local.get $ip
              local.get $step
              i32.add
              local.set $ip
              local.get $j
              i32.const 4
              i32.add
              local.set $j
              br $strideLoop
            end
            end
          end
          local.get $c
          local.get $colStep
          i32.add
          local.set $c
          local.get $i
          local.get $inStep
          i32.add
          local.set $i
          local.get $t
          i32.const 1
          i32.add
          local.set $t
          br $runLoop
        end
        end
        local.get $s
        i32.const 1
        i32.add
        local.set $s
        br $sampleLoop
      end
      end
      local.get $blocks
      i32.const 40
      i32.add
      local.set $blocks
      br $blockLoop
    end
    end
  )
)
