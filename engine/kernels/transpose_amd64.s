#include "textflag.h"

// func transpose4AVX(dst *float32, stride int, r0, r1, r2, r3 *float32, n int)
//
// dst[p·stride + i] = ri[p] for i = 0…3 and p < n, n a multiple of 4: the
// scatter4 loop of pack.go, four steps at a time. It loads four floats of
// each row, transposes the 4×4 block in registers (two unpacks and a
// move of halves per output), and stores four rows of dst: 4 loads and 4
// stores of 16 bytes instead of 16 of each of 4 bytes. Only 128-bit VEX
// instructions, so no VZEROUPPER is needed.
TEXT ·transpose4AVX(SB), NOSPLIT, $0-56
	MOVQ dst+0(FP), DI
	MOVQ stride+8(FP), BX
	SHLQ $2, BX          // stride in bytes
	LEAQ (BX)(BX*2), DX  // 3·stride in bytes
	MOVQ r0+16(FP), R8
	MOVQ r1+24(FP), R9
	MOVQ r2+32(FP), R10
	MOVQ r3+40(FP), R11
	MOVQ n+48(FP), CX

loop:
	VMOVUPS   (R8), X0     // r0[p…p+3]
	VMOVUPS   (R9), X1     // r1
	VMOVUPS   (R10), X2    // r2
	VMOVUPS   (R11), X3    // r3
	VUNPCKLPS X1, X0, X4   // r0[p] r1[p] r0[p+1] r1[p+1]
	VUNPCKHPS X1, X0, X5   // r0[p+2] r1[p+2] r0[p+3] r1[p+3]
	VUNPCKLPS X3, X2, X6   // r2[p] r3[p] r2[p+1] r3[p+1]
	VUNPCKHPS X3, X2, X7   // r2[p+2] r3[p+2] r2[p+3] r3[p+3]
	VMOVLHPS  X6, X4, X0   // step p:   low halves of X4, X6
	VMOVHLPS  X4, X6, X1   // step p+1: high halves of X4, X6
	VMOVLHPS  X7, X5, X2   // step p+2
	VMOVHLPS  X5, X7, X3   // step p+3
	VMOVUPS   X0, (DI)
	VMOVUPS   X1, (DI)(BX*1)
	VMOVUPS   X2, (DI)(BX*2)
	VMOVUPS   X3, (DI)(DX*1)
	ADDQ      $16, R8
	ADDQ      $16, R9
	ADDQ      $16, R10
	ADDQ      $16, R11
	LEAQ      (DI)(BX*4), DI
	SUBQ      $4, CX
	JNZ       loop
	RET
