#include "textflag.h"

// Peak loops: one instruction, over and over, on registers only, with
// enough independent accumulators to hide its latency. Their rate is the
// most an int8 kernel built on that instruction can reach on one core.
// The values in the registers do not matter; only the instruction count.

// func vnniPeak(iters int)
//
// 16 VPDPBUSD zmm per iteration: 16·64 multiply-adds.
TEXT ·vnniPeak(SB), NOSPLIT, $0-8
	MOVQ iters+0(FP), CX
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1

vloop:
	VPDPBUSD Z1, Z0, Z16
	VPDPBUSD Z1, Z0, Z17
	VPDPBUSD Z1, Z0, Z18
	VPDPBUSD Z1, Z0, Z19
	VPDPBUSD Z1, Z0, Z20
	VPDPBUSD Z1, Z0, Z21
	VPDPBUSD Z1, Z0, Z22
	VPDPBUSD Z1, Z0, Z23
	VPDPBUSD Z1, Z0, Z24
	VPDPBUSD Z1, Z0, Z25
	VPDPBUSD Z1, Z0, Z26
	VPDPBUSD Z1, Z0, Z27
	VPDPBUSD Z1, Z0, Z28
	VPDPBUSD Z1, Z0, Z29
	VPDPBUSD Z1, Z0, Z30
	VPDPBUSD Z1, Z0, Z31
	DECQ CX
	JNZ  vloop
	VZEROUPPER
	RET

// func avx2Peak(iters int)
//
// 8 VPMADDWD ymm, each followed by the VPADDD that accumulates it, per
// iteration: 8·16 multiply-adds, the AVX2 kernel's inner pair.
TEXT ·avx2Peak(SB), NOSPLIT, $0-8
	MOVQ iters+0(FP), CX
	VPXOR Y14, Y14, Y14
	VPXOR Y15, Y15, Y15

aloop:
	VPMADDWD Y15, Y14, Y8
	VPADDD   Y8, Y0, Y0
	VPMADDWD Y15, Y14, Y9
	VPADDD   Y9, Y1, Y1
	VPMADDWD Y15, Y14, Y10
	VPADDD   Y10, Y2, Y2
	VPMADDWD Y15, Y14, Y11
	VPADDD   Y11, Y3, Y3
	VPMADDWD Y15, Y14, Y12
	VPADDD   Y12, Y4, Y4
	VPMADDWD Y15, Y14, Y13
	VPADDD   Y13, Y5, Y5
	VPMADDWD Y15, Y14, Y8
	VPADDD   Y8, Y6, Y6
	VPMADDWD Y15, Y14, Y9
	VPADDD   Y9, Y7, Y7
	DECQ CX
	JNZ  aloop
	VZEROUPPER
	RET
