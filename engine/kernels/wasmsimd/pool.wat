;; Max pooling over 2×2 windows with stride 2 (LeNet's, VGG's) for
;; WebAssembly SIMD: four outputs per step instead of Go's compare and
;; branch per element. Like vec.wat it works on the Go program's memory
;; (imported as "go" "mem"); pointer arguments are byte addresses in it.
;; Both functions see x (or dx) as planes [h, wd] one after another and
;; the outputs as planes [ho, wo], and do every output of rows of at
;; least 4 outputs (engine/tensor does shorter rows in Go). A row whose outputs
;; are not a multiple of 4 ends with a step of 4 that overlaps the one
;; before: it writes the same values again.
;;
;; The rule is engine/tensor's maxPool2x2 (maxpool_fast.go): a window's
;; elements are visited top-left, top-right, bottom-left, bottom-right,
;; and each replaces the running maximum if it is greater or NaN. So ties
;; keep the first, and the last NaN wins. A comparison gives a mask per
;; lane, and v128.bitselect takes the new value and index where it holds:
;; the same value and index as Go's, bit for bit.
(module
  (import "go" "mem" (memory 1))

  ;; maxPool2x2(x, y, argmax, planes, h, wd, ho, wo): y[p] = the maximum of
  ;; output p's window, argmax[p] = its index in x (elements from x).
  (func (export "maxPool2x2")
    (param $x i32) (param $y i32) (param $arg i32) (param $planes i32)
    (param $h i32) (param $wd i32) (param $ho i32) (param $wo i32)
    (local $nc i32) (local $oi i32) (local $in i32) (local $out i32) (local $end i32)
    (local $rowIdx i32) (local $below i32) (local $bot i32) (local $back i32)
    (local $t0 v128) (local $t1 v128) (local $v v128) (local $m v128)
    (local $best v128) (local $at v128) (local $idx v128)
    (local $one v128) (local $down v128) (local $downOne v128) (local $eight v128)
    ;; a row of fewer than 4 outputs is left to Go
    local.get $wo
    i32.const 4
    i32.lt_u
    if
      return
    end
    i32.const 1
    i32x4.splat
    local.set $one
    local.get $wd
    i32x4.splat
    local.set $down
    local.get $wd
    i32.const 1
    i32.add
    i32x4.splat
    local.set $downOne
    i32.const 8
    i32x4.splat
    local.set $eight
    ;; below: the bytes from a top-row element to the one under it
    local.get $wd
    i32.const 2
    i32.shl
    local.set $below

    i32.const 0
    local.set $nc
    block $planesDone
    loop $planeLoop
      local.get $nc
      local.get $planes
      i32.ge_u
      br_if $planesDone
      i32.const 0
      local.set $oi
      block $rowsDone
      loop $rowLoop
        local.get $oi
        local.get $ho
        i32.ge_u
        br_if $rowsDone
        ;; rowIdx = nc·h·wd + 2·oi·wd: the window row's first element
        local.get $nc
        local.get $h
        i32.mul
        local.get $oi
        i32.const 1
        i32.shl
        i32.add
        local.get $wd
        i32.mul
        local.tee $rowIdx
        i32.const 2
        i32.shl
        local.get $x
        i32.add
        local.set $in
        ;; out = the output row's first element's byte offset
        local.get $nc
        local.get $ho
        i32.mul
        local.get $oi
        i32.add
        local.get $wo
        i32.mul
        i32.const 2
        i32.shl
        local.set $out
        ;; end = out + wo·4: the output row's end
        local.get $out
        local.get $wo
        i32.const 2
        i32.shl
        i32.add
        local.set $end
        ;; idx = rowIdx + [0, 2, 4, 6]: the top-left elements' indices
        local.get $rowIdx
        i32x4.splat
        v128.const i32x4 0 2 4 6
        i32x4.add
        local.set $idx

        block $colsDone
        loop $colLoop
          local.get $out
          local.get $end
          i32.ge_u
          br_if $colsDone
          ;; fewer than 4 outputs left: step back so that these 4 end at
          ;; the row's end. The outputs done twice get the same values.
          local.get $out
          i32.const 16
          i32.add
          local.get $end
          i32.sub
          local.tee $back
          i32.const 0
          i32.gt_s
          if
            local.get $out
            local.get $back
            i32.sub
            local.set $out
            local.get $in
            local.get $back
            i32.const 1
            i32.shl
            i32.sub
            local.set $in
            ;; idx -= back/2: an output's window starts 2 elements on
            local.get $idx
            i32.const 0
            local.get $back
            i32.const 1
            i32.shr_u
            i32.sub
            i32x4.splat
            i32x4.add
            local.set $idx
          end
          ;; the top row's 8 elements, split into even (left) and odd
          ;; (right) ones
          local.get $in
          v128.load align=4
          local.set $t0
          local.get $in
          v128.load offset=16 align=4
          local.set $t1
          ;; best, at = top-left
          local.get $t0
          local.get $t1
          i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
          local.set $best
          local.get $idx
          local.set $at
          ;; top-right
          local.get $t0
          local.get $t1
          i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31
          local.tee $v
          local.get $best
          f32x4.gt
          local.get $v
          local.get $v
          f32x4.ne
          v128.or
          local.set $m
          local.get $v
          local.get $best
          local.get $m
          v128.bitselect
          local.set $best
          local.get $idx
          local.get $one
          i32x4.add
          local.get $at
          local.get $m
          v128.bitselect
          local.set $at
          ;; the bottom row
          local.get $in
          local.get $below
          i32.add
          local.tee $bot
          v128.load align=4
          local.set $t0
          local.get $bot
          v128.load offset=16 align=4
          local.set $t1
          ;; bottom-left
          local.get $t0
          local.get $t1
          i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
          local.tee $v
          local.get $best
          f32x4.gt
          local.get $v
          local.get $v
          f32x4.ne
          v128.or
          local.set $m
          local.get $v
          local.get $best
          local.get $m
          v128.bitselect
          local.set $best
          local.get $idx
          local.get $down
          i32x4.add
          local.get $at
          local.get $m
          v128.bitselect
          local.set $at
          ;; bottom-right
          local.get $t0
          local.get $t1
          i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31
          local.tee $v
          local.get $best
          f32x4.gt
          local.get $v
          local.get $v
          f32x4.ne
          v128.or
          local.set $m
          local.get $y
          local.get $out
          i32.add
          local.get $v
          local.get $best
          local.get $m
          v128.bitselect
          v128.store align=4
          local.get $arg
          local.get $out
          i32.add
          local.get $idx
          local.get $downOne
          i32x4.add
          local.get $at
          local.get $m
          v128.bitselect
          v128.store align=4

          ;; the next 4 outputs: 8 elements on
          local.get $idx
          local.get $eight
          i32x4.add
          local.set $idx
          local.get $in
          i32.const 32
          i32.add
          local.set $in
          local.get $out
          i32.const 16
          i32.add
          local.set $out
          br $colLoop
        end
        end

        local.get $oi
        i32.const 1
        i32.add
        local.set $oi
        br $rowLoop
      end
      end
      local.get $nc
      i32.const 1
      i32.add
      local.set $nc
      br $planeLoop
    end
    end
  )

  ;; maxPool2x2Backward(dx, g, argmax, planes, h, wd, ho, wo, base): for
  ;; every output p (rows of at least 4 outputs), writes the four elements of
  ;; p's window in dx: +0 + g[p] where argmax[p] - base is the element's
  ;; index from dx, +0 elsewhere. That is Go's dx[argmax[p]] += g[p] on a
  ;; cleared dx (+0 + g, so a -0 gradient arrives as +0, as in Go), for
  ;; windows that do not overlap. base is the index of dx's first element
  ;; in argmax's numbering.
  (func (export "maxPool2x2Backward")
    (param $dx i32) (param $g i32) (param $arg i32) (param $planes i32)
    (param $h i32) (param $wd i32) (param $ho i32) (param $wo i32) (param $base i32)
    (local $nc i32) (local $oi i32) (local $in i32) (local $out i32) (local $end i32)
    (local $rowIdx i32) (local $below i32) (local $bot i32) (local $back i32)
    (local $gv v128) (local $a v128) (local $idx v128) (local $left v128) (local $right v128)
    (local $one v128) (local $down v128) (local $downOne v128) (local $eight v128)
    ;; a row of fewer than 4 outputs is left to Go
    local.get $wo
    i32.const 4
    i32.lt_u
    if
      return
    end
    i32.const 1
    i32x4.splat
    local.set $one
    local.get $wd
    i32x4.splat
    local.set $down
    local.get $wd
    i32.const 1
    i32.add
    i32x4.splat
    local.set $downOne
    i32.const 8
    i32x4.splat
    local.set $eight
    local.get $wd
    i32.const 2
    i32.shl
    local.set $below

    i32.const 0
    local.set $nc
    block $planesDone
    loop $planeLoop
      local.get $nc
      local.get $planes
      i32.ge_u
      br_if $planesDone
      i32.const 0
      local.set $oi
      block $rowsDone
      loop $rowLoop
        local.get $oi
        local.get $ho
        i32.ge_u
        br_if $rowsDone
        ;; rowIdx = nc·h·wd + 2·oi·wd, in = its byte address in dx
        local.get $nc
        local.get $h
        i32.mul
        local.get $oi
        i32.const 1
        i32.shl
        i32.add
        local.get $wd
        i32.mul
        local.tee $rowIdx
        i32.const 2
        i32.shl
        local.get $dx
        i32.add
        local.set $in
        local.get $nc
        local.get $ho
        i32.mul
        local.get $oi
        i32.add
        local.get $wo
        i32.mul
        i32.const 2
        i32.shl
        local.set $out
        local.get $out
        local.get $wo
        i32.const 2
        i32.shl
        i32.add
        local.set $end
        ;; idx = base + rowIdx + [0, 2, 4, 6], in argmax's numbering
        local.get $rowIdx
        local.get $base
        i32.add
        i32x4.splat
        v128.const i32x4 0 2 4 6
        i32x4.add
        local.set $idx

        block $colsDone
        loop $colLoop
          local.get $out
          local.get $end
          i32.ge_u
          br_if $colsDone
          ;; fewer than 4 outputs left: step back so that these 4 end at
          ;; the row's end. The outputs done twice get the same values.
          local.get $out
          i32.const 16
          i32.add
          local.get $end
          i32.sub
          local.tee $back
          i32.const 0
          i32.gt_s
          if
            local.get $out
            local.get $back
            i32.sub
            local.set $out
            local.get $in
            local.get $back
            i32.const 1
            i32.shl
            i32.sub
            local.set $in
            ;; idx -= back/2: an output's window starts 2 elements on
            local.get $idx
            i32.const 0
            local.get $back
            i32.const 1
            i32.shr_u
            i32.sub
            i32x4.splat
            i32x4.add
            local.set $idx
          end
          ;; gv = +0 + g
          v128.const i32x4 0 0 0 0
          local.get $g
          local.get $out
          i32.add
          v128.load align=4
          f32x4.add
          local.set $gv
          local.get $arg
          local.get $out
          i32.add
          v128.load align=4
          local.set $a
          ;; the top row: left and right elements of each window,
          ;; interleaved back into 8 consecutive floats
          local.get $gv
          local.get $a
          local.get $idx
          i32x4.eq
          v128.and
          local.set $left
          local.get $gv
          local.get $a
          local.get $idx
          local.get $one
          i32x4.add
          i32x4.eq
          v128.and
          local.set $right
          local.get $in
          local.get $left
          local.get $right
          i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23
          v128.store align=4
          local.get $in
          local.get $left
          local.get $right
          i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31
          v128.store offset=16 align=4
          ;; the bottom row
          local.get $gv
          local.get $a
          local.get $idx
          local.get $down
          i32x4.add
          i32x4.eq
          v128.and
          local.set $left
          local.get $gv
          local.get $a
          local.get $idx
          local.get $downOne
          i32x4.add
          i32x4.eq
          v128.and
          local.set $right
          local.get $in
          local.get $below
          i32.add
          local.tee $bot
          local.get $left
          local.get $right
          i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23
          v128.store align=4
          local.get $bot
          local.get $left
          local.get $right
          i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31
          v128.store offset=16 align=4

          local.get $idx
          local.get $eight
          i32x4.add
          local.set $idx
          local.get $in
          i32.const 32
          i32.add
          local.set $in
          local.get $out
          i32.const 16
          i32.add
          local.set $out
          br $colLoop
        end
        end

        local.get $oi
        i32.const 1
        i32.add
        local.set $oi
        br $rowLoop
      end
      end
      local.get $nc
      i32.const 1
      i32.add
      local.set $nc
      br $planeLoop
    end
    end
  )
)
