#include "textflag.h"

// func momentumAVX(w, grad, buf *float32, n int, negLR, mu, damp float32)
// n is a multiple of 8. For each group of 8 elements (one ymm register):
//   buf = buf*mu + grad*damp  (two products, then one sum: as the Go loop)
//   w   = w + buf*negLR
TEXT ·momentumAVX(SB), NOSPLIT, $0-44
	MOVQ w+0(FP), DI
	MOVQ grad+8(FP), SI
	MOVQ buf+16(FP), DX
	MOVQ n+24(FP), CX
	VBROADCASTSS negLR+32(FP), Y0
	VBROADCASTSS mu+36(FP), Y1
	VBROADCASTSS damp+40(FP), Y2

loop:
	VMULPS (DX), Y1, Y3 // buf*mu
	VMULPS (SI), Y2, Y4 // grad*damp
	VADDPS Y4, Y3, Y3   // new buf
	VMOVUPS Y3, (DX)
	VMULPS Y0, Y3, Y3   // -lr*buf
	VADDPS (DI), Y3, Y3 // w - lr*buf
	VMOVUPS Y3, (DI)
	ADDQ $32, DI
	ADDQ $32, SI
	ADDQ $32, DX
	SUBQ $8, CX
	JNZ  loop
	VZEROUPPER
	RET

// func sumSquaresAVX(v *float32, n int, part *[16]float64)
// n is a multiple of 16. Four ymm registers hold the 16 partial sums in
// float64: elements 0-3 of each group of 16 go to Y0, 4-7 to Y1, 8-11 to
// Y2, 12-15 to Y3, matching part[i mod 16] of the Go loop.
TEXT ·sumSquaresAVX(SB), NOSPLIT, $0-24
	MOVQ v+0(FP), SI
	MOVQ n+8(FP), CX
	MOVQ part+16(FP), DI
	VMOVUPD 0(DI), Y0
	VMOVUPD 32(DI), Y1
	VMOVUPD 64(DI), Y2
	VMOVUPD 96(DI), Y3

loop:
	VCVTPS2PD 0(SI), Y4 // 4 floats widened to 4 doubles
	VCVTPS2PD 16(SI), Y5
	VCVTPS2PD 32(SI), Y6
	VCVTPS2PD 48(SI), Y7
	VMULPD    Y4, Y4, Y4 // exact: a float32 square fits a float64
	VMULPD    Y5, Y5, Y5
	VMULPD    Y6, Y6, Y6
	VMULPD    Y7, Y7, Y7
	VADDPD    Y4, Y0, Y0
	VADDPD    Y5, Y1, Y1
	VADDPD    Y6, Y2, Y2
	VADDPD    Y7, Y3, Y3
	ADDQ      $64, SI
	SUBQ      $16, CX
	JNZ       loop
	VMOVUPD Y0, 0(DI)
	VMOVUPD Y1, 32(DI)
	VMOVUPD Y2, 64(DI)
	VMOVUPD Y3, 96(DI)
	VZEROUPPER
	RET

// func reluAVX(y, x *float32, n int)
// n is a multiple of 8. mask = !(x < 0), true for x ≥ 0, −0 and NaN
// (compare predicate 5, NLT_UQ); y = x AND mask, which is x or +0.
TEXT ·reluAVX(SB), NOSPLIT, $0-24
	MOVQ y+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	VXORPS Y0, Y0, Y0 // zeros

reluLoop:
	VMOVUPS (SI), Y1
	VCMPPS  $5, Y0, Y1, Y2 // mask = !(x < 0)
	VANDPS  Y1, Y2, Y2
	VMOVUPS Y2, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	SUBQ    $8, CX
	JNZ     reluLoop
	VZEROUPPER
	RET

// func reluBackwardAVX(dx, grad, y *float32, n int)
// n is a multiple of 8. mask = !(y <= 0) (predicate 6, NLE_UQ: true for
// y > 0 and for NaN); dx = grad AND mask, which is grad or +0.
TEXT ·reluBackwardAVX(SB), NOSPLIT, $0-32
	MOVQ dx+0(FP), DI
	MOVQ grad+8(FP), SI
	MOVQ y+16(FP), DX
	MOVQ n+24(FP), CX
	VXORPS Y0, Y0, Y0 // zeros

reluBackwardLoop:
	VMOVUPS (DX), Y4        // y
	VCMPPS  $6, Y0, Y4, Y2  // mask = !(y <= 0)
	VANDPS  (SI), Y2, Y2    // grad or +0
	VMOVUPS Y2, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DX
	ADDQ    $32, DI
	SUBQ    $8, CX
	JNZ     reluBackwardLoop
	VZEROUPPER
	RET

// func adamAVX(w, grad, m, v *float32, n int, c *AdamConsts)
// n is a multiple of 8. The constants, in AdamConsts' order, stay in
// Y0-Y7; each group of 8 elements does the Go loop's operations in its
// order (see adamGo).
TEXT ·adamAVX(SB), NOSPLIT, $0-48
	MOVQ w+0(FP), DI
	MOVQ grad+8(FP), SI
	MOVQ m+16(FP), DX
	MOVQ v+24(FP), R8
	MOVQ n+32(FP), CX
	MOVQ c+40(FP), AX
	VBROADCASTSS 0(AX), Y0  // β₁
	VBROADCASTSS 4(AX), Y1  // 1−β₁
	VBROADCASTSS 8(AX), Y2  // β₂
	VBROADCASTSS 12(AX), Y3 // 1−β₂
	VBROADCASTSS 16(AX), Y4 // √(1−β₂ᵗ)
	VBROADCASTSS 20(AX), Y5 // ε
	VBROADCASTSS 24(AX), Y6 // −step size
	VBROADCASTSS 28(AX), Y7 // decay

adamLoop:
	VMOVUPS (SI), Y8        // g
	VMULPS  (DX), Y0, Y9    // m·β₁
	VMULPS  Y8, Y1, Y10     // (1−β₁)·g
	VADDPS  Y10, Y9, Y9     // m
	VMOVUPS Y9, (DX)
	VMULPS  Y8, Y8, Y10     // g²
	VMULPS  Y10, Y3, Y10    // (1−β₂)·g²
	VMULPS  (R8), Y2, Y11   // v·β₂
	VADDPS  Y10, Y11, Y11   // v
	VMOVUPS Y11, (R8)
	VSQRTPS Y11, Y11        // √v
	VDIVPS  Y4, Y11, Y11    // √v / √(1−β₂ᵗ)
	VADDPS  Y5, Y11, Y11    // + ε
	VDIVPS  Y11, Y9, Y9     // m / denom
	VMULPS  Y6, Y9, Y9      // −step size · m / denom
	VMULPS  (DI), Y7, Y10   // w·decay
	VADDPS  Y9, Y10, Y10
	VMOVUPS Y10, (DI)
	ADDQ    $32, DI
	ADDQ    $32, SI
	ADDQ    $32, DX
	ADDQ    $32, R8
	SUBQ    $8, CX
	JNZ     adamLoop
	VZEROUPPER
	RET
