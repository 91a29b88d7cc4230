;; The optimizers' update loops for WebAssembly SIMD: the browser's versions
;; of engine/vec's AVX loops, four floats per instruction. Like matmul.wat
;; they work on the Go program's memory (imported as "go" "mem"); pointer
;; arguments are byte addresses in it, and n, the number of floats, is a
;; multiple of 4 (Go does the rest).
;;
;; Each does the Go loop's float32 operations in its order, a multiply and
;; an add where Go multiplies and adds (no fused multiply-add), and a
;; correctly rounded square root and division: the results are the same
;; bits as engine/vec's Go loops.
(module
  (import "go" "mem" (memory 1))

  ;; momentum(w, g, buf, n, negLR, mu, damp):
  ;;   buf = buf·mu + damp·g;  w = w + negLR·buf
  (func (export "momentum")
    (param $w i32) (param $g i32) (param $buf i32) (param $n i32)
    (param $negLR f32) (param $mu f32) (param $damp f32)
    (local $i i32) (local $bytes i32) (local $a i32)
    (local $vneg v128) (local $vmu v128) (local $vdamp v128) (local $bv v128)
    local.get $negLR
    f32x4.splat
    local.set $vneg
    local.get $mu
    f32x4.splat
    local.set $vmu
    local.get $damp
    f32x4.splat
    local.set $vdamp
    local.get $n
    i32.const 2
    i32.shl
    local.set $bytes
    i32.const 0
    local.set $i
    block $done
    loop $next
      local.get $i
      local.get $bytes
      i32.ge_u
      br_if $done

      ;; buf = buf·mu + damp·g
      local.get $buf
      local.get $i
      i32.add
      local.tee $a
      local.get $a
      v128.load
      local.get $vmu
      f32x4.mul
      local.get $vdamp
      local.get $g
      local.get $i
      i32.add
      v128.load
      f32x4.mul
      f32x4.add
      local.tee $bv
      v128.store
      ;; w = w + negLR·buf
      local.get $w
      local.get $i
      i32.add
      local.tee $a
      local.get $a
      v128.load
      local.get $vneg
      local.get $bv
      f32x4.mul
      f32x4.add
      v128.store

      local.get $i
      i32.const 16
      i32.add
      local.set $i
      br $next
    end
    end
  )

  ;; adam(w, g, m, v, n, beta1, 1-beta1, beta2, 1-beta2, sqrt(1-beta2^t), eps, -stepSize, decay):
  ;;   w = w·decay;  m = m·β₁ + (1−β₁)·g;  v = v·β₂ + (1−β₂)·g²
  ;;   w = w + (−stepSize)·(m / (√v / √(1−β₂ᵗ) + ε))
  (func (export "adam")
    (param $w i32) (param $g i32) (param $m i32) (param $v i32) (param $n i32)
    (param $b1 f32) (param $c1 f32) (param $b2 f32) (param $c2 f32)
    (param $bc f32) (param $eps f32) (param $neg f32) (param $decay f32)
    (local $i i32) (local $bytes i32) (local $a i32)
    (local $vb1 v128) (local $vc1 v128) (local $vb2 v128) (local $vc2 v128)
    (local $vbc v128) (local $veps v128) (local $vneg v128) (local $vdecay v128)
    (local $gv v128) (local $mv v128) (local $vv v128)
    local.get $b1
    f32x4.splat
    local.set $vb1
    local.get $c1
    f32x4.splat
    local.set $vc1
    local.get $b2
    f32x4.splat
    local.set $vb2
    local.get $c2
    f32x4.splat
    local.set $vc2
    local.get $bc
    f32x4.splat
    local.set $vbc
    local.get $eps
    f32x4.splat
    local.set $veps
    local.get $neg
    f32x4.splat
    local.set $vneg
    local.get $decay
    f32x4.splat
    local.set $vdecay
    local.get $n
    i32.const 2
    i32.shl
    local.set $bytes
    i32.const 0
    local.set $i
    block $done
    loop $next
      local.get $i
      local.get $bytes
      i32.ge_u
      br_if $done

      local.get $g
      local.get $i
      i32.add
      v128.load
      local.set $gv
      ;; m = m·β₁ + (1−β₁)·g
      local.get $m
      local.get $i
      i32.add
      local.tee $a
      local.get $a
      v128.load
      local.get $vb1
      f32x4.mul
      local.get $vc1
      local.get $gv
      f32x4.mul
      f32x4.add
      local.tee $mv
      v128.store
      ;; v = v·β₂ + (1−β₂)·(g·g)
      local.get $v
      local.get $i
      i32.add
      local.tee $a
      local.get $a
      v128.load
      local.get $vb2
      f32x4.mul
      local.get $vc2
      local.get $gv
      local.get $gv
      f32x4.mul
      f32x4.mul
      f32x4.add
      local.tee $vv
      v128.store
      ;; w = w·decay + (−stepSize)·(m / (√v / √(1−β₂ᵗ) + ε))
      local.get $w
      local.get $i
      i32.add
      local.tee $a
      local.get $a
      v128.load
      local.get $vdecay
      f32x4.mul
      local.get $vneg
      local.get $mv
      local.get $vv
      f32x4.sqrt
      local.get $vbc
      f32x4.div
      local.get $veps
      f32x4.add
      f32x4.div
      f32x4.mul
      f32x4.add
      v128.store

      local.get $i
      i32.const 16
      i32.add
      local.set $i
      br $next
    end
    end
  )
  ;; relu(y, x, n): y = x where !(x < 0), +0 where x < 0, as engine/vec's
  ;; ReLU: a NaN and -0 pass through (they are not less than 0).
  (func (export "relu")
    (param $y i32) (param $x i32) (param $n i32)
    (local $i i32) (local $bytes i32) (local $xv v128)
    local.get $n
    i32.const 2
    i32.shl
    local.set $bytes
    i32.const 0
    local.set $i
    block $done
    loop $next
      local.get $i
      local.get $bytes
      i32.ge_u
      br_if $done

      local.get $y
      local.get $i
      i32.add
      local.get $x
      local.get $i
      i32.add
      v128.load
      local.tee $xv
      local.get $xv
      v128.const i32x4 0 0 0 0
      f32x4.lt
      v128.andnot
      v128.store

      local.get $i
      i32.const 16
      i32.add
      local.set $i
      br $next
    end
    end
  )

  ;; reluBackward(dx, g, y, n): dx = +0 where y <= 0, g elsewhere (a NaN y
  ;; passes g), PyTorch's threshold_backward and engine/vec's ReLUBackward.
  (func (export "reluBackward")
    (param $dx i32) (param $g i32) (param $yp i32) (param $n i32)
    (local $i i32) (local $bytes i32)
    local.get $n
    i32.const 2
    i32.shl
    local.set $bytes
    i32.const 0
    local.set $i
    block $done
    loop $next
      local.get $i
      local.get $bytes
      i32.ge_u
      br_if $done

      local.get $dx
      local.get $i
      i32.add
      local.get $g
      local.get $i
      i32.add
      v128.load
      local.get $yp
      local.get $i
      i32.add
      v128.load
      v128.const i32x4 0 0 0 0
      f32x4.le
      v128.andnot
      v128.store

      local.get $i
      i32.const 16
      i32.add
      local.set $i
      br $next
    end
    end
  )
;; allFinite(x, n): 1 when none of the n floats at x is NaN or ±Inf,
  ;; else 0, as engine/vec's AllFinite: x - x is +0 for a finite x and
  ;; NaN for the others, and a NaN stays in the sum.
  (func (export "allFinite")
    (param $x i32) (param $n i32) (result i32)
    (local $i i32) (local $bytes i32) (local $v v128) (local $acc v128)
    local.get $n
    i32.const 2
    i32.shl
    local.set $bytes
    i32.const 0
    local.set $i
    block $done
    loop $next
      local.get $i
      local.get $bytes
      i32.ge_u
      br_if $done

      local.get $x
      local.get $i
      i32.add
      v128.load
      local.tee $v
      local.get $v
      f32x4.sub
      local.get $acc
      f32x4.add
      local.set $acc

      local.get $i
      i32.const 16
      i32.add
      local.set $i
      br $next
    end
    end
    ;; every lane of acc is +0 (equal to itself) unless a NaN came in
    local.get $acc
    local.get $acc
    f32x4.eq
    i8x16.bitmask
    i32.const 0xffff
    i32.eq
  )
)
