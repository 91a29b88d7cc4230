;; The WebAssembly SIMD roof: a loop of nothing but f32x4 multiplies and
;; adds, for make bench and the profiler's roofline in the browser (the
;; kernel program times it through kernels.RegisterFMALoop). Each of the 8
;; accumulators is a chain of acc = a·b + acc, each step waiting for the one
;; before, so 8 independent chains keep the engine's vector units busy
;; whatever the latency of its add. One round is 8 multiplies and 8 adds of
;; 4 floats: 64 floating-point operations. PeakFusedSource rewrites each
;; multiply-then-add into relaxed SIMD's f32x4.relaxed_madd, as FusedSource
;; does for the matmul. The operands are zeros, which cost what any others
;; do and never become subnormal; the lanes' sum is returned so that the
;; engine cannot drop the work.
(module
  ;; peak(n): n rounds; returns lane 0 of the accumulators' sum (0).
  (func (export "peak") (param $n i32) (result f32)
    (local $a v128) (local $b v128)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128) (local $c4 v128) (local $c5 v128) (local $c6 v128) (local $c7 v128)
    block $done
    loop $next
      local.get $n
      i32.eqz
      br_if $done
      local.get $a
      local.get $b
      f32x4.mul
      local.get $c0
      f32x4.add
      local.set $c0
      local.get $a
      local.get $b
      f32x4.mul
      local.get $c1
      f32x4.add
      local.set $c1
      local.get $a
      local.get $b
      f32x4.mul
      local.get $c2
      f32x4.add
      local.set $c2
      local.get $a
      local.get $b
      f32x4.mul
      local.get $c3
      f32x4.add
      local.set $c3
      local.get $a
      local.get $b
      f32x4.mul
      local.get $c4
      f32x4.add
      local.set $c4
      local.get $a
      local.get $b
      f32x4.mul
      local.get $c5
      f32x4.add
      local.set $c5
      local.get $a
      local.get $b
      f32x4.mul
      local.get $c6
      f32x4.add
      local.set $c6
      local.get $a
      local.get $b
      f32x4.mul
      local.get $c7
      f32x4.add
      local.set $c7
      local.get $n
      i32.const 1
      i32.sub
      local.set $n
      br $next
    end
    end
    local.get $c0
    local.get $c1
    f32x4.add
    local.get $c2
    f32x4.add
    local.get $c3
    f32x4.add
    local.get $c4
    f32x4.add
    local.get $c5
    f32x4.add
    local.get $c6
    f32x4.add
    local.get $c7
    f32x4.add
    f32x4.extract_lane 0
  )
)
