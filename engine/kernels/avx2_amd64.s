#include "textflag.h"

// The AVX2+FMA micro-kernel: C[0:6, 0:16] += alpha·(Ap·Bp).
//
// A ymm register holds 8 floats, and there are only 16 of them. The 6×16
// tile of C takes 12: row r in Y(2r) (columns 0-7) and Y(2r+1) (8-15).
// Each step p loads row p of the B panel into Y12 and Y13, then for each
// row r broadcasts A[r, p] into Y14 and does two FMAs. That is 12 FMAs
// (192 flops) for 8 loads, with enough independent accumulators to keep
// two FMA units busy.
//
// Register use: AX = A panel, BX = B panel, CX = steps left,
// DX = C, R8 = ldc in bytes.

#define ROW(off, c0, c1) \
	VBROADCASTSS off(AX), Y14; \
	VFMADD231PS  Y12, Y14, c0; \
	VFMADD231PS  Y13, Y14, c1

// STORE adds alpha·(c0, c1) into the 16 floats at DX (rounding the
// product before the add, as the driver requires) and moves to the next row.
#define STORE(c0, c1) \
	VMULPS  Y15, c0, c0; \
	VMULPS  Y15, c1, c1; \
	VADDPS  0(DX), c0, c0; \
	VADDPS  32(DX), c1, c1; \
	VMOVUPS c0, 0(DX); \
	VMOVUPS c1, 32(DX); \
	ADDQ    R8, DX

// func avx2Micro6x16(kc int, a, b, c *float32, ldc int, alpha float32)
TEXT ·avx2Micro6x16(SB), NOSPLIT, $0-44
	MOVQ kc+0(FP), CX
	MOVQ a+8(FP), AX
	MOVQ b+16(FP), BX
	MOVQ c+24(FP), DX
	MOVQ ldc+32(FP), R8
	SHLQ $2, R8

	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11

	TESTQ CX, CX
	JZ    store

loop:
	VMOVUPS 0(BX), Y12
	VMOVUPS 32(BX), Y13
	ROW(0, Y0, Y1)
	ROW(4, Y2, Y3)
	ROW(8, Y4, Y5)
	ROW(12, Y6, Y7)
	ROW(16, Y8, Y9)
	ROW(20, Y10, Y11)
	ADDQ $24, AX // 6 floats of A
	ADDQ $64, BX // 16 floats of B
	DECQ CX
	JNZ  loop

store:
	VBROADCASTSS alpha+40(FP), Y15
	STORE(Y0, Y1)
	STORE(Y2, Y3)
	STORE(Y4, Y5)
	STORE(Y6, Y7)
	STORE(Y8, Y9)
	STORE(Y10, Y11)
	VZEROUPPER
	RET
