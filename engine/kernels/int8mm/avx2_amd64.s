#include "textflag.h"

// The AVX2 kernels: dot products of rows of A with rows of B, 16 bytes at
// a time.
//
// VPMOVSXBW widens 16 signed bytes to 16 int16s (one ymm register), and
// VPMADDWD multiplies two such registers lane by lane and adds each pair
// of adjacent products into an int32: 8 int32 partial sums, each exact
// (|a·b + a'·b'| ≤ 2·2¹⁴). VPMADDUBSW would take 32 bytes per instruction,
// but it adds its pairs in saturating int16, and -128·-128 + -128·-128 =
// 32768 does not fit: it is not exact.
//
// The kernels stop at the last whole 16 bytes; the Go driver
// (avx2_amd64.go) adds the last k mod 16 products.

// HSUM adds the 8 int32 lanes of y (whose low half is x) and stores the
// sum at off(DI).
#define HSUM(y, x, off) \
	VEXTRACTI128 $1, y, X15; \
	VPADDD       X15, x, x; \
	VPSHUFD      $0x4e, x, X15; \
	VPADDD       X15, x, x; \
	VPSHUFD      $0xb1, x, X15; \
	VPADDD       X15, x, x; \
	VMOVD        x, off(DI)

// DOT4 adds the int16s of a (in register a) times the four B rows
// (Y10-Y13) into four accumulators.
#define DOT4(a, c0, c1, c2, c3) \
	VPMADDWD Y10, a, Y14; \
	VPADDD   Y14, c0, c0; \
	VPMADDWD Y11, a, Y15; \
	VPADDD   Y15, c1, c1; \
	VPMADDWD Y12, a, Y14; \
	VPADDD   Y14, c2, c2; \
	VPMADDWD Y13, a, Y15; \
	VPADDD   Y15, c3, c3

// LOADB widens 16 bytes of each B row, at offset AX.
#define LOADB \
	VPMOVSXBW (R10)(AX*1), Y10; \
	VPMOVSXBW (R11)(AX*1), Y11; \
	VPMOVSXBW (R12)(AX*1), Y12; \
	VPMOVSXBW (R13)(AX*1), Y13

// BROWS loads B's four row pointers from the array at off(FP).
#define BROWS(off) \
	MOVQ off(FP), DX; \
	MOVQ 0(DX), R10; \
	MOVQ 8(DX), R11; \
	MOVQ 16(DX), R12; \
	MOVQ 24(DX), R13

// func avx2Dot2x4(a *int8, lda int, b *[4]*int8, k int, out *[16]int32)
//
// out[4r+c] = Σ_p a[r*lda+p]·b[c][p] for r < 2, c < 4, p < k rounded
// down to a multiple of 16. Two rows, not four as with AVX-512: AVX2 has
// 16 vector registers, and 8 accumulators, 2 rows of A, 4 of B and 2
// products fill them.
TEXT ·avx2Dot2x4(SB), NOSPLIT, $0-40
	MOVQ a+0(FP), SI
	MOVQ lda+8(FP), R8
	ADDQ SI, R8          // row 1
	BROWS(b+16)
	MOVQ k+24(FP), CX
	MOVQ out+32(FP), DI
	VPXOR Y0, Y0, Y0
	VPXOR Y1, Y1, Y1
	VPXOR Y2, Y2, Y2
	VPXOR Y3, Y3, Y3
	VPXOR Y4, Y4, Y4
	VPXOR Y5, Y5, Y5
	VPXOR Y6, Y6, Y6
	VPXOR Y7, Y7, Y7
	XORQ  AX, AX         // byte offset into the rows
	SHRQ  $4, CX         // 16-byte steps
	JZ    sum2

loop2:
	VPMOVSXBW (SI)(AX*1), Y8
	VPMOVSXBW (R8)(AX*1), Y9
	LOADB
	DOT4(Y8, Y0, Y1, Y2, Y3)
	DOT4(Y9, Y4, Y5, Y6, Y7)
	ADDQ $16, AX
	DECQ CX
	JNZ  loop2

sum2:
	HSUM(Y0, X0, 0)
	HSUM(Y1, X1, 4)
	HSUM(Y2, X2, 8)
	HSUM(Y3, X3, 12)
	HSUM(Y4, X4, 16)
	HSUM(Y5, X5, 20)
	HSUM(Y6, X6, 24)
	HSUM(Y7, X7, 28)
	VZEROUPPER
	RET

// func avx2Dot1x4(a *int8, b *[4]*int8, k int, out *[4]int32)
//
// out[c] = Σ_p a[p]·b[c][p] for c < 4, p < k rounded down to a multiple
// of 16: one row of A against four rows of B.
TEXT ·avx2Dot1x4(SB), NOSPLIT, $0-32
	MOVQ a+0(FP), SI
	BROWS(b+8)
	MOVQ k+16(FP), CX
	MOVQ out+24(FP), DI
	VPXOR Y0, Y0, Y0
	VPXOR Y1, Y1, Y1
	VPXOR Y2, Y2, Y2
	VPXOR Y3, Y3, Y3
	XORQ  AX, AX
	SHRQ  $4, CX
	JZ    sum1

loop1:
	VPMOVSXBW (SI)(AX*1), Y8
	LOADB
	DOT4(Y8, Y0, Y1, Y2, Y3)
	ADDQ $16, AX
	DECQ CX
	JNZ  loop1

sum1:
	HSUM(Y0, X0, 0)
	HSUM(Y1, X1, 4)
	HSUM(Y2, X2, 8)
	HSUM(Y3, X3, 12)
	VZEROUPPER
	RET
