#include "textflag.h"

// The AVX-512 micro-kernel: C[0:12, 0:32] += alpha·(Ap·Bp).
//
// A zmm register holds 16 floats. The 12×32 tile of C lives in 24 of the
// 32 zmm registers: row r in Z(2r) (columns 0-15) and Z(2r+1) (16-31).
// Each step p of the loop
//   - loads row p of the B panel (32 floats) into Z24 and Z25,
//   - for each of the 12 rows r: does two fused multiply-adds,
//     Z(2r) += A[r, p]·Z24 and Z(2r+1) += A[r, p]·Z25, where the ".BCST"
//     form of the FMA loads A[r, p] from memory and broadcasts it to all
//     16 lanes itself (an "embedded broadcast", new in AVX-512: about 8%
//     faster here than a separate VBROADCASTSS into a register).
// That is 24 FMAs (768 flops) per step. A Zen 5 core can issue two 512-bit
// FMAs per cycle with a latency of 4 cycles, so it needs at least 8
// independent accumulators to stay busy: 24 is comfortable. In a loop that
// does nothing else, this kernel reaches the speed of a pure FMA loop.
//
// Register use: AX = A panel, BX = B panel, CX = steps left,
// DX = C, R8 = ldc in bytes.

// ROW does the two FMAs of one row, whose A value is at byte offset off.
#define ROW(off, c0, c1) \
	VFMADD231PS.BCST off(AX), Z24, c0; \
	VFMADD231PS.BCST off(AX), Z25, c1

// STEP does one step p: B's 32 floats at BX, A's 12 at AX.
#define STEP \
	VMOVUPS 0(BX), Z24; \
	VMOVUPS 64(BX), Z25; \
	ROW(0, Z0, Z1); \
	ROW(4, Z2, Z3); \
	ROW(8, Z4, Z5); \
	ROW(12, Z6, Z7); \
	ROW(16, Z8, Z9); \
	ROW(20, Z10, Z11); \
	ROW(24, Z12, Z13); \
	ROW(28, Z14, Z15); \
	ROW(32, Z16, Z17); \
	ROW(36, Z18, Z19); \
	ROW(40, Z20, Z21); \
	ROW(44, Z22, Z23)

// STORE adds alpha·(c0, c1) into the 32 floats at DX, then moves DX to
// the next row. VMULPS then VADDPS, not one FMA: the driver relies on
// alpha·acc being rounded before the add (see microKernel in driver.go).
#define STORE(c0, c1) \
	VMULPS  Z31, c0, c0; \
	VMULPS  Z31, c1, c1; \
	VADDPS  0(DX), c0, c0; \
	VADDPS  64(DX), c1, c1; \
	VMOVUPS c0, 0(DX); \
	VMOVUPS c1, 64(DX); \
	ADDQ    R8, DX

// func avx512Micro12x32(kc int, a, b, c *float32, ldc int, alpha float32, ldb int)
//
// B's rows are ldb floats apart: 32 in a packed panel, or B's own leading
// dimension when the driver reads it in place (see direct in driver.go).
TEXT ·avx512Micro12x32(SB), NOSPLIT, $0-56
	MOVQ kc+0(FP), CX
	MOVQ a+8(FP), AX
	MOVQ b+16(FP), BX
	MOVQ c+24(FP), DX
	MOVQ ldc+32(FP), R8
	SHLQ $2, R8 // floats to bytes
	MOVQ ldb+48(FP), R9
	SHLQ $2, R9

	// Zero the 24 accumulators.
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	VPXORD Z8, Z8, Z8
	VPXORD Z9, Z9, Z9
	VPXORD Z10, Z10, Z10
	VPXORD Z11, Z11, Z11
	VPXORD Z12, Z12, Z12
	VPXORD Z13, Z13, Z13
	VPXORD Z14, Z14, Z14
	VPXORD Z15, Z15, Z15
	VPXORD Z16, Z16, Z16
	VPXORD Z17, Z17, Z17
	VPXORD Z18, Z18, Z18
	VPXORD Z19, Z19, Z19
	VPXORD Z20, Z20, Z20
	VPXORD Z21, Z21, Z21
	VPXORD Z22, Z22, Z22
	VPXORD Z23, Z23, Z23

	TESTQ CX, CX
	JZ    store

loop:
	STEP
	ADDQ $48, AX  // 12 floats of A
	ADDQ R9, BX   // the next row of B
	DECQ CX
	JNZ  loop

store:
	VBROADCASTSS alpha+40(FP), Z31
	STORE(Z0, Z1)
	STORE(Z2, Z3)
	STORE(Z4, Z5)
	STORE(Z6, Z7)
	STORE(Z8, Z9)
	STORE(Z10, Z11)
	STORE(Z12, Z13)
	STORE(Z14, Z15)
	STORE(Z16, Z17)
	STORE(Z18, Z19)
	STORE(Z20, Z21)
	STORE(Z22, Z23)
	VZEROUPPER // avoid the penalty of mixing wide vectors and Go's SSE code
	RET

// STEP6 is STEP for the first 6 rows only.
#define STEP6 \
	VMOVUPS 0(BX), Z24; \
	VMOVUPS 64(BX), Z25; \
	ROW(0, Z0, Z1); \
	ROW(4, Z2, Z3); \
	ROW(8, Z4, Z5); \
	ROW(12, Z6, Z7); \
	ROW(16, Z8, Z9); \
	ROW(20, Z10, Z11)

// func avx512Micro6x32(kc int, a, b, c *float32, ldc int, alpha float32, ldb int)
//
// The top half of avx512Micro12x32, C[0:6, 0:32] += alpha·(Ap·Bp), for
// the last row panel of a matrix whose row count leaves 6 rows or fewer
// there (a convolution with 6 or 16 filters): half the work of the full
// kernel, most of it wasted on padding rows. Ap is the same packed panel
// of 12 rows per step, of which it reads the first 6. Each row is
// computed exactly as avx512Micro12x32 computes it, so the results have
// the same bits.
TEXT ·avx512Micro6x32(SB), NOSPLIT, $0-56
	MOVQ kc+0(FP), CX
	MOVQ a+8(FP), AX
	MOVQ b+16(FP), BX
	MOVQ c+24(FP), DX
	MOVQ ldc+32(FP), R8
	SHLQ $2, R8 // floats to bytes
	MOVQ ldb+48(FP), R9
	SHLQ $2, R9

	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	VPXORD Z8, Z8, Z8
	VPXORD Z9, Z9, Z9
	VPXORD Z10, Z10, Z10
	VPXORD Z11, Z11, Z11

	TESTQ CX, CX
	JZ    store6

loop6:
	STEP6
	ADDQ $48, AX  // 12 floats of A: the panel's layout, half of it used
	ADDQ R9, BX   // the next row of B
	DECQ CX
	JNZ  loop6

store6:
	VBROADCASTSS alpha+40(FP), Z31
	STORE(Z0, Z1)
	STORE(Z2, Z3)
	STORE(Z4, Z5)
	STORE(Z6, Z7)
	STORE(Z8, Z9)
	STORE(Z10, Z11)
	VZEROUPPER
	RET

// DOTROW multiplies row a (already in za) by the four rows of B held in
// Z16-Z19 and adds the products to four accumulators.
#define DOTROW(za, c0, c1, c2, c3) \
	VFMADD231PS Z16, za, c0; \
	VFMADD231PS Z17, za, c1; \
	VFMADD231PS Z18, za, c2; \
	VFMADD231PS Z19, za, c3

// PAIR adds two vectors after shuffling them with op and the two
// immediates: dst = op(lo)(x, y) + op(hi)(x, y). See the reduction below.
#define PAIR(op, lo, hi, y, x, dst) \
	op lo, y, x, Z24; \
	op hi, y, x, Z25; \
	VADDPS Z25, Z24, dst

// func avx512Dot4x4(k int, rows *[8]*float32, out *[16]float32)
//
// The 16 dot products of 4 rows of A (rows[0..3]) with 4 rows of B
// (rows[4..7]), each of k floats (k a multiple of 16): out[4j+i] =
// Σ_p A_i[p]·B_j[p]. Accumulator Z(4i+j) holds 16 partial sums, one per
// lane; a fixed tree of shuffles and additions then reduces the 16
// accumulators to 16 totals in one register, so the order of the sums,
// and the result, never changes.
TEXT ·avx512Dot4x4(SB), NOSPLIT, $0-24
	MOVQ k+0(FP), CX
	MOVQ rows+8(FP), AX
	MOVQ out+16(FP), DX
	MOVQ 0(AX), R8
	MOVQ 8(AX), R9
	MOVQ 16(AX), R10
	MOVQ 24(AX), R11
	MOVQ 32(AX), R12
	MOVQ 40(AX), R13
	MOVQ 48(AX), SI
	MOVQ 56(AX), DI
	SHLQ $2, CX // floats to bytes
	XORQ AX, AX // byte offset along k

	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	VPXORD Z8, Z8, Z8
	VPXORD Z9, Z9, Z9
	VPXORD Z10, Z10, Z10
	VPXORD Z11, Z11, Z11
	VPXORD Z12, Z12, Z12
	VPXORD Z13, Z13, Z13
	VPXORD Z14, Z14, Z14
	VPXORD Z15, Z15, Z15

	TESTQ CX, CX
	JZ    reduce

dotloop:
	VMOVUPS (R12)(AX*1), Z16
	VMOVUPS (R13)(AX*1), Z17
	VMOVUPS (SI)(AX*1), Z18
	VMOVUPS (DI)(AX*1), Z19
	VMOVUPS (R8)(AX*1), Z20
	VMOVUPS (R9)(AX*1), Z21
	VMOVUPS (R10)(AX*1), Z22
	VMOVUPS (R11)(AX*1), Z23
	DOTROW(Z20, Z0, Z1, Z2, Z3)
	DOTROW(Z21, Z4, Z5, Z6, Z7)
	DOTROW(Z22, Z8, Z9, Z10, Z11)
	DOTROW(Z23, Z12, Z13, Z14, Z15)
	ADDQ $64, AX
	CMPQ AX, CX
	JLT  dotloop

reduce:
	// 1. Pairs (Z0, Z1), (Z2, Z3), …: add the upper 256 bits of each to
	//    its lower 256 bits, both results in one register.
	PAIR(VSHUFF64X2, $0x44, $0xEE, Z1, Z0, Z0)
	PAIR(VSHUFF64X2, $0x44, $0xEE, Z3, Z2, Z2)
	PAIR(VSHUFF64X2, $0x44, $0xEE, Z5, Z4, Z4)
	PAIR(VSHUFF64X2, $0x44, $0xEE, Z7, Z6, Z6)
	PAIR(VSHUFF64X2, $0x44, $0xEE, Z9, Z8, Z8)
	PAIR(VSHUFF64X2, $0x44, $0xEE, Z11, Z10, Z10)
	PAIR(VSHUFF64X2, $0x44, $0xEE, Z13, Z12, Z12)
	PAIR(VSHUFF64X2, $0x44, $0xEE, Z15, Z14, Z14)
	// 2. Down to 4 floats per accumulator, four accumulators a register.
	PAIR(VSHUFF32X4, $0x88, $0xDD, Z2, Z0, Z0)
	PAIR(VSHUFF32X4, $0x88, $0xDD, Z6, Z4, Z4)
	PAIR(VSHUFF32X4, $0x88, $0xDD, Z10, Z8, Z8)
	PAIR(VSHUFF32X4, $0x88, $0xDD, Z14, Z12, Z12)
	// 3. Down to 2 floats, then 4. to 1: the 16 totals in Z0.
	PAIR(VSHUFPS, $0x44, $0xEE, Z4, Z0, Z0)
	PAIR(VSHUFPS, $0x44, $0xEE, Z12, Z8, Z8)
	PAIR(VSHUFPS, $0x88, $0xDD, Z8, Z0, Z0)
	VMOVUPS Z0, (DX)
	VZEROUPPER
	RET
