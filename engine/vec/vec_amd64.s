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

// POOL_STEP(v, off, max, at, m, nan): where v > max or v is NaN
// (predicates GT_OQ and UNORD_Q), max = v and at = off: the Go loop's
// greater(v, max), eight (or four) windows at once.
#define POOL_STEP(v, off, max, at, m, nan) \
	VCMPPS    $0x1E, max, v, m \
	VCMPPS    $3, v, v, nan \
	VORPS     nan, m, m \
	VBLENDVPS m, v, max, max \
	VBLENDVPS m, off, at, at

// func maxPool2x2AVX(y *float32, argmax *int32, top, bottom *float32, n int, base, wd int32)
// n is a multiple of 8. Each step pools 8 windows: the 16 floats of the
// top row and of the bottom row are split into their even and odd
// elements (a, b: the windows' top-left and top-right; c, d: bottom-left
// and bottom-right), then, as the Go loop, max = a and each of b, c, d
// replaces it where it is greater or NaN (predicates GT_OQ and UNORD_Q),
// the offset of the winner (0, 1, wd, wd+1) selected with the same masks.
TEXT ·maxPool2x2AVX(SB), NOSPLIT, $0-48
	MOVQ y+0(FP), DI
	MOVQ argmax+8(FP), R8
	MOVQ top+16(FP), SI
	MOVQ bottom+24(FP), DX
	MOVQ n+32(FP), CX
	MOVL base+40(FP), AX
	MOVL wd+44(FP), BX
	MOVQ AX, X10
	VPBROADCASTD X10, Y10
	VPADDD poolEvens<>(SB), Y10, Y10 // the windows' first indices: base + 2j
	MOVL $16, AX
	MOVQ AX, X11
	VPBROADCASTD X11, Y11            // 16: the next 8 windows
	MOVL $1, AX
	MOVQ AX, X12
	VPBROADCASTD X12, Y12            // offset of b
	MOVQ BX, X13
	VPBROADCASTD X13, Y13            // offset of c: wd
	VPADDD Y12, Y13, Y14             // offset of d: wd + 1

poolLoop:
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y1
	VSHUFPS $0x88, Y1, Y0, Y2 // even elements, in lane order
	VSHUFPS $0xDD, Y1, Y0, Y3 // odd elements
	VPERMPD $0xD8, Y2, Y2     // a
	VPERMPD $0xD8, Y3, Y3     // b
	VMOVUPS (DX), Y0
	VMOVUPS 32(DX), Y1
	VSHUFPS $0x88, Y1, Y0, Y4
	VSHUFPS $0xDD, Y1, Y0, Y5
	VPERMPD $0xD8, Y4, Y4     // c
	VPERMPD $0xD8, Y5, Y5     // d
	VPXOR   Y6, Y6, Y6        // offset 0: a

	POOL_STEP(Y3, Y12, Y2, Y6, Y7, Y8)

	POOL_STEP(Y4, Y13, Y2, Y6, Y7, Y8)

	POOL_STEP(Y5, Y14, Y2, Y6, Y7, Y8)

	VMOVUPS Y2, (DI)
	VPADDD  Y10, Y6, Y6
	VMOVDQU Y6, (R8)
	VPADDD  Y11, Y10, Y10
	ADDQ    $64, SI
	ADDQ    $64, DX
	ADDQ    $32, DI
	ADDQ    $32, R8
	SUBQ    $8, CX
	JNZ     poolLoop
	VZEROUPPER
	RET

DATA poolEvens<>+0(SB)/4, $0
DATA poolEvens<>+4(SB)/4, $2
DATA poolEvens<>+8(SB)/4, $4
DATA poolEvens<>+12(SB)/4, $6
DATA poolEvens<>+16(SB)/4, $8
DATA poolEvens<>+20(SB)/4, $10
DATA poolEvens<>+24(SB)/4, $12
DATA poolEvens<>+28(SB)/4, $14
GLOBL poolEvens<>(SB), RODATA|NOPTR, $32

// func maxPool2x2AVX4(y *float32, argmax *int32, top, bottom *float32, base, wd int32)
// maxPool2x2AVX's step for 4 windows, in 128-bit registers: within one,
// the even and odd elements of 8 floats come out of VSHUFPS in order.
TEXT ·maxPool2x2AVX4(SB), NOSPLIT, $0-40
	MOVQ y+0(FP), DI
	MOVQ argmax+8(FP), R8
	MOVQ top+16(FP), SI
	MOVQ bottom+24(FP), DX
	MOVL base+32(FP), AX
	MOVL wd+36(FP), BX
	MOVQ AX, X10
	VPBROADCASTD X10, X10
	VPADDD poolEvens<>(SB), X10, X10 // base + 0, 2, 4, 6
	MOVL $1, AX
	MOVQ AX, X12
	VPBROADCASTD X12, X12
	MOVQ BX, X13
	VPBROADCASTD X13, X13
	VPADDD X12, X13, X14

	VMOVUPS (SI), X0
	VMOVUPS 16(SI), X1
	VSHUFPS $0x88, X1, X0, X2 // a
	VSHUFPS $0xDD, X1, X0, X3 // b
	VMOVUPS (DX), X0
	VMOVUPS 16(DX), X1
	VSHUFPS $0x88, X1, X0, X4 // c
	VSHUFPS $0xDD, X1, X0, X5 // d
	VPXOR   X6, X6, X6

	POOL_STEP(X3, X12, X2, X6, X7, X8)

	POOL_STEP(X4, X13, X2, X6, X7, X8)

	POOL_STEP(X5, X14, X2, X6, X7, X8)

	VMOVUPS X2, (DI)
	VPADDD  X10, X6, X6
	VMOVDQU X6, (R8)
	RET
