;; A convolution's input gradient without its columns, for the matmul
;; module (its text is appended to matmul.wat's, so that the fused module
;; fuses its multiply-adds as it does block's).
;;
;; With stride 1, the input gradient of a chunk of samples is
;;
;;     dX = col2im(Wᵀ · dY)
;;
;; where W is the filters [o, k] (k floats between rows; the bias's column,
;; if any, is not read) and dY the output gradient [o, width], channel
;; first. engine/tensor computes Wᵀ·dY into columns [rows, width] with
;; block (a k loop of only o steps) and then adds them to dX with
;; unfold.wat's moveBlocks. convInputGradG adds each column entry to dX as
;; it computes it, without writing the columns, for G = 1, 2 or 3
;; consecutive input channels at once (c, c + 1, …):
;;
;; convInputGradG(wg, o, dy, width, img, blocks, nblocks, inNext, tmp): for
;; each of nblocks blocks of 10 int32 at blocks (moveBlocks' layout, every
;; step 1; channel c's), in order, with r = col / width the block's row of
;; columns and p = col − r·width its first position, for each sample n,
;; run t and channel g < G:
;;
;;     img[i + g·inNext + j] += Σq w[q·k + r + g·KH·KW]·dy[q·width + p' + j]   for j < width
;;
;; where p' = p + n·colSample + t·colStep and i = in + n·inSample + t·inStep.
;; wg holds the group's weights of each block side by side: for block
;; number b, q < o and g < G, wg[(b·o + q)·G + g] = w[q·k + r + g·KH·KW]
;; (ConvInputGroupWeights).
;;
;; The bits are those of block and moveBlocks: each entry's sum starts at 0
;; and adds the o products in order of q, as block's k loop does (one
;; multiply and one add each, or one relaxed multiply-add in the fused
;; module), and block's update C = 0 + 1·acc gives the sum itself; the
;; additions to img are moveBlocks', block after block. (That needs o ≤ KC,
;; so that block saw the o steps in one slice, and alpha 1: the Go side
;; checks.) The channels of a group add to different input elements, so
;; computing them together keeps each element's additions in order, and
;; each step of the sums loads its 12 floats of dY once for the group:
;; 3·G multiply-adds per 3 loads and G splats (and 9 accumulators hide the
;; latency of the multiply-adds, which 6 do not quite). A run is computed
;; 12 positions at a time, into tmp (12 floats per channel) before being
;; added: at the end of a run the lanes past it are computed from the
;; floats after the last position and thrown away, so dy must have 11
;; readable floats after its last row.
;;
;; The text below is convInputGrad2's; convInputGrad1 and convInputGrad3
;; are made from it when the module is assembled (conv_input.go: one row
;; of accumulators fewer or more).
  (func (export "convInputGrad2")
    (param $wg i32) (param $o i32) (param $dy i32) (param $width i32)
    (param $img i32) (param $blocks i32) (param $nblocks i32) (param $inNext i32) (param $tmp i32)
    (local $end i32) (local $wb i32) (local $p i32)
    (local $colStep i32) (local $colSample i32)
    (local $in i32) (local $inStep i32) (local $inSample i32)
    (local $runw i32) (local $count i32) (local $samples i32)
    (local $s i32) (local $t i32) (local $c i32) (local $i i32) (local $j i32)
    (local $a i32) (local $b i32) (local $q i32) (local $ip i32) (local $n i32) (local $e i32) (local $src i32) (local $ch i32)
    (local $wb4 i32) (local $wstep i32)
    (local $x v128) (local $v0 v128) (local $v1 v128) (local $v2 v128)
    (local $acc00 v128) (local $acc01 v128) (local $acc02 v128)
    (local $acc10 v128) (local $acc11 v128) (local $acc12 v128)
    ;; wb4: the distance between rows of dy; wstep: a block's weights,
    ;; o·G·4 bytes; inNext in bytes
    local.get $width
    i32.const 2
    i32.shl
    local.set $wb4
    local.get $o
    i32.const 8
    i32.mul
    local.set $wstep
    local.get $inNext
    i32.const 2
    i32.shl
    local.set $inNext
    local.get $wg
    local.set $wb
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
      ;; p = col mod width
      local.get $blocks
      i32.load
      local.tee $p
      local.get $p
      local.get $width
      i32.div_u
      local.get $width
      i32.mul
      i32.sub
      local.set $p
      local.get $blocks
      i32.load offset=4
      local.set $colStep
      local.get $blocks
      i32.load offset=8
      local.set $colSample
      local.get $blocks
      i32.load offset=12
      local.set $in
      local.get $blocks
      i32.load offset=16
      local.set $inStep
      local.get $blocks
      i32.load offset=20
      local.set $inSample
      local.get $blocks
      i32.load offset=24
      local.set $runw
      local.get $blocks
      i32.load offset=28
      local.set $count
      local.get $blocks
      i32.load offset=32
      local.set $samples

      i32.const 0
      local.set $s
      block $samplesDone
      loop $sampleLoop
        local.get $s
        local.get $samples
        i32.ge_u
        br_if $samplesDone
        local.get $p
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
          block $passDone
          loop $passLoop
            local.get $j
            local.get $runw
            i32.ge_u
            br_if $passDone
            ;; 12 positions of each channel: acc[g][v] = Σq wg·dy, q in order
            f32.const 0
            f32x4.splat
            local.tee $acc00
            local.tee $acc01
            local.tee $acc02
            local.tee $acc10
            local.tee $acc11
            local.set $acc12
            local.get $wb
            local.set $a
            local.get $c
            local.get $j
            i32.add
            i32.const 2
            i32.shl
            local.get $dy
            i32.add
            local.set $b
            local.get $o
            local.set $q
            loop $qLoop
              local.get $b
              v128.load align=4
              local.set $v0
              local.get $b
              v128.load offset=16 align=4
              local.set $v1
              local.get $b
              v128.load offset=32 align=4
              local.set $v2
              local.get $a
              v128.load32_splat
              local.set $x
              local.get $x
              local.get $v0
              f32x4.mul
              local.get $acc00
              f32x4.add
              local.set $acc00
              local.get $x
              local.get $v1
              f32x4.mul
              local.get $acc01
              f32x4.add
              local.set $acc01
              local.get $x
              local.get $v2
              f32x4.mul
              local.get $acc02
              f32x4.add
              local.set $acc02
              local.get $a
              v128.load32_splat offset=4
              local.set $x
              local.get $x
              local.get $v0
              f32x4.mul
              local.get $acc10
              f32x4.add
              local.set $acc10
              local.get $x
              local.get $v1
              f32x4.mul
              local.get $acc11
              f32x4.add
              local.set $acc11
              local.get $x
              local.get $v2
              f32x4.mul
              local.get $acc12
              f32x4.add
              local.set $acc12
              local.get $a
              i32.const 8
              i32.add
              local.set $a
              local.get $b
              local.get $wb4
              i32.add
              local.set $b
              local.get $q
              i32.const 1
              i32.sub
              local.tee $q
              br_if $qLoop
            end
            local.get $tmp
            local.get $acc00
            v128.store offset=0
            local.get $tmp
            local.get $acc01
            v128.store offset=16
            local.get $tmp
            local.get $acc02
            v128.store offset=32
            local.get $tmp
            local.get $acc10
            v128.store offset=48
            local.get $tmp
            local.get $acc11
            v128.store offset=64
            local.get $tmp
            local.get $acc12
            v128.store offset=80
            ;; n = min(12, runw − j) positions to add, for each channel:
            ;; whole vectors, then floats, img + acc as moveBlocks adds
            local.get $runw
            local.get $j
            i32.sub
            local.tee $n
            i32.const 12
            local.get $n
            i32.const 12
            i32.lt_u
            select
            local.set $n
            i32.const 0
            local.set $ch
            loop $chLoop
              ;; ip: the channel's first element; src: its sums in tmp
              local.get $i
              local.get $j
              i32.add
              i32.const 2
              i32.shl
              local.get $img
              i32.add
              local.get $ch
              local.get $inNext
              i32.mul
              i32.add
              local.set $ip
              local.get $ch
              i32.const 48
              i32.mul
              local.get $tmp
              i32.add
              local.set $src
              i32.const 0
              local.set $e
              block $vecDone
              loop $vecLoop
                local.get $e
                i32.const 4
                i32.add
                local.get $n
                i32.gt_u
                br_if $vecDone
                local.get $ip
                local.get $ip
                v128.load align=4
                local.get $src
                v128.load align=4
                f32x4.add
                v128.store align=4
                local.get $ip
                i32.const 16
                i32.add
                local.set $ip
                local.get $src
                i32.const 16
                i32.add
                local.set $src
                local.get $e
                i32.const 4
                i32.add
                local.set $e
                br $vecLoop
              end
              end
              block $floatDone
              loop $floatLoop
                local.get $e
                local.get $n
                i32.ge_u
                br_if $floatDone
                local.get $ip
                local.get $ip
                f32.load
                local.get $src
                f32.load
                f32.add
                f32.store
                local.get $ip
                i32.const 4
                i32.add
                local.set $ip
                local.get $src
                i32.const 4
                i32.add
                local.set $src
                local.get $e
                i32.const 1
                i32.add
                local.set $e
                br $floatLoop
              end
              end
              local.get $ch
              i32.const 1
              i32.add
              local.tee $ch
              i32.const 2
              i32.lt_u
              br_if $chLoop
            end
            local.get $j
            i32.const 12
            i32.add
            local.set $j
            br $passLoop
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
      local.get $wb
      local.get $wstep
      i32.add
      local.set $wb
      local.get $blocks
      i32.const 40
      i32.add
      local.set $blocks
      br $blockLoop
    end
    end
  )
