#include "textflag.h"

// The AVX2 edge loops of a quantized layer (edges.go): float32 to int8
// before the int8 product, int32 accumulators to float32 after it. Each
// does what the Go loop does, 8 lanes at a time, with the same rounding.

// packOrder undoes the lane interleaving of VPACKSSDW and VPACKSSWB,
// which pack each 128-bit half separately: after them the 4-byte groups
// hold elements 0-3, 8-11, 16-19, 24-27, 4-7, 12-15, 20-23, 28-31.
DATA packOrder<>+0(SB)/4, $0
DATA packOrder<>+4(SB)/4, $4
DATA packOrder<>+8(SB)/4, $1
DATA packOrder<>+12(SB)/4, $5
DATA packOrder<>+16(SB)/4, $2
DATA packOrder<>+20(SB)/4, $6
DATA packOrder<>+24(SB)/4, $3
DATA packOrder<>+28(SB)/4, $7
GLOBL packOrder<>(SB), RODATA|NOPTR, $32

// QUANT8 turns 8 floats (in register r) into 8 int32s q with the zero
// point added: r·inv (one rounding, as float32(x·inv)); NaN lanes to +0
// (VCMPPS predicate 7, ordered: all ones unless NaN, then AND); clamp to
// [lo, hi]; VCVTPS2DQ rounds to nearest even (MXCSR's default mode, which
// Go never changes), exactly since |r| ≤ 255.
#define QUANT8(r) \
	VMULPS    Y8, r, r; \
	VCMPPS    $7, r, r, Y4; \
	VANDPS    Y4, r, r; \
	VMAXPS    Y9, r, r; \
	VMINPS    Y10, r, r; \
	VCVTPS2DQ r, r; \
	VPADDD    Y11, r, r

// func quantizeAVX2(q *int8, x *float32, n int, inv, lo, hi float32, z int32)
// n is a multiple of 32. Each step quantizes 32 floats into int32 lanes,
// then packs them to int16 and to int8 with signed saturation (which never
// saturates: lo+z and hi+z are int8) and restores their order.
TEXT ·quantizeAVX2(SB), NOSPLIT, $0-40
	MOVQ         q+0(FP), DI
	MOVQ         x+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSS inv+24(FP), Y8
	VBROADCASTSS lo+28(FP), Y9
	VBROADCASTSS hi+32(FP), Y10
	MOVL         z+36(FP), AX
	VMOVD        AX, X11
	VPBROADCASTD X11, Y11
	VMOVDQU      packOrder<>(SB), Y12

qloop:
	VMOVUPS   0(SI), Y0
	VMOVUPS   32(SI), Y1
	VMOVUPS   64(SI), Y2
	VMOVUPS   96(SI), Y3
	QUANT8(Y0)
	QUANT8(Y1)
	QUANT8(Y2)
	QUANT8(Y3)
	VPACKSSDW Y1, Y0, Y0  // int16: 0-3, 8-11 | 4-7, 12-15
	VPACKSSDW Y3, Y2, Y2  // int16: 16-19, 24-27 | 20-23, 28-31
	VPACKSSWB Y2, Y0, Y0  // int8, in 4-byte groups out of order
	VPERMD    Y0, Y12, Y0 // groups back in order
	VMOVDQU   Y0, (DI)
	ADDQ      $128, SI
	ADDQ      $32, DI
	SUBQ      $32, CX
	JNZ       qloop
	VZEROUPPER
	RET

// func dequantizeRowAVX2(y *float32, acc, off *int32, scale, bias *float32, n int)
// n is a multiple of 8, and at least 8. y = float32(acc - off)·scale
// (+ bias when bias is not nil): the int32 subtraction wraps as Go's does,
// VCVTDQ2PS rounds to nearest even, and the product and the sum are
// rounded each, as in the Go loop (no fused multiply-add).
TEXT ·dequantizeRowAVX2(SB), NOSPLIT, $0-48
	MOVQ  y+0(FP), DI
	MOVQ  acc+8(FP), SI
	MOVQ  off+16(FP), DX
	MOVQ  scale+24(FP), R8
	MOVQ  bias+32(FP), R9
	MOVQ  n+40(FP), CX
	TESTQ R9, R9
	JZ    nobias

bias:
	VMOVDQU   (SI), Y0
	VPSUBD    (DX), Y0, Y0
	VCVTDQ2PS Y0, Y0
	VMULPS    (R8), Y0, Y0
	VADDPS    (R9), Y0, Y0
	VMOVUPS   Y0, (DI)
	ADDQ      $32, DI
	ADDQ      $32, SI
	ADDQ      $32, DX
	ADDQ      $32, R8
	ADDQ      $32, R9
	SUBQ      $8, CX
	JNZ       bias
	VZEROUPPER
	RET

nobias:
	VMOVDQU   (SI), Y0
	VPSUBD    (DX), Y0, Y0
	VCVTDQ2PS Y0, Y0
	VMULPS    (R8), Y0, Y0
	VMOVUPS   Y0, (DI)
	ADDQ      $32, DI
	ADDQ      $32, SI
	ADDQ      $32, DX
	ADDQ      $32, R8
	SUBQ      $8, CX
	JNZ       nobias
	VZEROUPPER
	RET
