#include "textflag.h"

// The AVX-512 VNNI kernels: dot products of rows of A with rows of B,
// 64 bytes at a time.
//
// VPDPBUSD acc, u, s (Go operand order: s, u, acc) multiplies each of
// the 64 unsigned bytes of u by the signed byte of s in the same place,
// and adds each group of four products to the int32 in acc's matching
// lane: 64 multiply-adds in one instruction. A's bytes are signed, so the
// kernels flip their top bit (XOR 0x80), which turns a into a+128 read as
// an unsigned byte. The sums they return are therefore
// Σ (a+128)·b = Σ a·b + 128·Σ b, and the Go driver (vnni_amd64.go)
// subtracts 128·Σ b. Every step is exact in int32.
//
// A k that is not a multiple of 64 ends with a masked load: K1 keeps the
// k mod 64 bytes that exist and loads zeros in the other lanes, never
// touching memory past the row. A zeroed byte of a becomes 128 after the
// flip, but it meets a zeroed byte of b, so it adds nothing.

// FLIP is 0x80 in every byte, in Z8: XOR with it adds 128 to a signed byte
// and reads it as unsigned.
#define FLIP \
	MOVL         $0x80808080, DX; \
	VPBROADCASTD DX, Z8

// MASK sets K1 to the low CX bits (CX < 64): the tail's bytes.
#define MASK \
	MOVQ  $1, DX; \
	SHLQ  CX, DX; \
	DECQ  DX; \
	KMOVQ DX, K1

// HSUM adds the 16 int32 lanes of z and stores the sum at off(DI).
#define HSUM(z, off) \
	VEXTRACTI64X4 $1, z, Y0; \
	VEXTRACTI64X4 $0, z, Y1; \
	VPADDD        Y0, Y1, Y1; \
	VEXTRACTI128  $1, Y1, X0; \
	VPADDD        X0, X1, X1; \
	VPSHUFD       $0x4e, X1, X0; \
	VPADDD        X0, X1, X1; \
	VPSHUFD       $0xb1, X1, X0; \
	VPADDD        X0, X1, X1; \
	VMOVD         X1, off(DI)

// DOT4 adds a (u8, in register u) times the four B rows (Z4-Z7) into four
// accumulators.
#define DOT4(u, c0, c1, c2, c3) \
	VPDPBUSD Z4, u, c0; \
	VPDPBUSD Z5, u, c1; \
	VPDPBUSD Z6, u, c2; \
	VPDPBUSD Z7, u, c3

// LOADB loads 64 bytes of each B row at offset AX.
#define LOADB \
	VMOVDQU64 (R10)(AX*1), Z4; \
	VMOVDQU64 (R11)(AX*1), Z5; \
	VMOVDQU64 (R12)(AX*1), Z6; \
	VMOVDQU64 (R13)(AX*1), Z7

// LOADBTAIL loads the tail of each B row at offset AX, zeros past it.
#define LOADBTAIL \
	VMOVDQU8.Z (R10)(AX*1), K1, Z4; \
	VMOVDQU8.Z (R11)(AX*1), K1, Z5; \
	VMOVDQU8.Z (R12)(AX*1), K1, Z6; \
	VMOVDQU8.Z (R13)(AX*1), K1, Z7

// BROWS loads B's four row pointers from the array at b+off(FP).
#define BROWS(off) \
	MOVQ off(FP), DX; \
	MOVQ 0(DX), R10; \
	MOVQ 8(DX), R11; \
	MOVQ 16(DX), R12; \
	MOVQ 24(DX), R13

// func vnniDot4x4(a *int8, lda int, b *[4]*int8, k int, out *[16]int32)
//
// out[4r+c] = Σ_p (a[r*lda+p]+128)·b[c][p] for r, c < 4, p < k: four rows
// of A against four rows of B, in 16 accumulators (Z16-Z31). Each 64-byte
// step loads 8 vectors and does 16 VPDPBUSDs.
TEXT ·vnniDot4x4(SB), NOSPLIT, $0-40
	MOVQ a+0(FP), SI
	MOVQ lda+8(FP), R8
	LEAQ (SI)(R8*2), R9  // row 2
	LEAQ (SI)(R8*1), R8  // row 1
	LEAQ (R9)(R8*1), BX
	SUBQ SI, BX          // row 3 = row 2 + lda
	BROWS(b+16)
	MOVQ k+24(FP), CX
	MOVQ out+32(FP), DI
	FLIP
	VPXORD Z16, Z16, Z16
	VPXORD Z17, Z17, Z17
	VPXORD Z18, Z18, Z18
	VPXORD Z19, Z19, Z19
	VPXORD Z20, Z20, Z20
	VPXORD Z21, Z21, Z21
	VPXORD Z22, Z22, Z22
	VPXORD Z23, Z23, Z23
	VPXORD Z24, Z24, Z24
	VPXORD Z25, Z25, Z25
	VPXORD Z26, Z26, Z26
	VPXORD Z27, Z27, Z27
	VPXORD Z28, Z28, Z28
	VPXORD Z29, Z29, Z29
	VPXORD Z30, Z30, Z30
	VPXORD Z31, Z31, Z31
	XORQ   AX, AX        // byte offset into the rows
	MOVQ   CX, DX
	SHRQ   $6, DX        // whole 64-byte steps
	JZ     tail4

loop4:
	VPXORD (SI)(AX*1), Z8, Z0
	VPXORD (R8)(AX*1), Z8, Z1
	VPXORD (R9)(AX*1), Z8, Z2
	VPXORD (BX)(AX*1), Z8, Z3
	LOADB
	DOT4(Z0, Z16, Z17, Z18, Z19)
	DOT4(Z1, Z20, Z21, Z22, Z23)
	DOT4(Z2, Z24, Z25, Z26, Z27)
	DOT4(Z3, Z28, Z29, Z30, Z31)
	ADDQ   $64, AX
	DECQ   DX
	JNZ    loop4

tail4:
	ANDQ $63, CX
	JZ   sum4
	MASK
	VMOVDQU8.Z (SI)(AX*1), K1, Z0
	VMOVDQU8.Z (R8)(AX*1), K1, Z1
	VMOVDQU8.Z (R9)(AX*1), K1, Z2
	VMOVDQU8.Z (BX)(AX*1), K1, Z3
	VPXORD     Z8, Z0, Z0
	VPXORD     Z8, Z1, Z1
	VPXORD     Z8, Z2, Z2
	VPXORD     Z8, Z3, Z3
	LOADBTAIL
	DOT4(Z0, Z16, Z17, Z18, Z19)
	DOT4(Z1, Z20, Z21, Z22, Z23)
	DOT4(Z2, Z24, Z25, Z26, Z27)
	DOT4(Z3, Z28, Z29, Z30, Z31)

sum4:
	HSUM(Z16, 0)
	HSUM(Z17, 4)
	HSUM(Z18, 8)
	HSUM(Z19, 12)
	HSUM(Z20, 16)
	HSUM(Z21, 20)
	HSUM(Z22, 24)
	HSUM(Z23, 28)
	HSUM(Z24, 32)
	HSUM(Z25, 36)
	HSUM(Z26, 40)
	HSUM(Z27, 44)
	HSUM(Z28, 48)
	HSUM(Z29, 52)
	HSUM(Z30, 56)
	HSUM(Z31, 60)
	VZEROUPPER
	RET

// func vnniDot1x4(a *int8, b *[4]*int8, k int, out *[4]int32)
//
// out[c] = Σ_p (a[p]+128)·b[c][p] for c < 4: one row of A against four
// rows of B, for the last rows of A and for batch 1. With one row there
// are only four sums; VPDPBUSD takes several cycles, so the loop keeps two
// sets of four accumulators (Z16-Z19 for even steps, Z20-Z23 for odd)
// to have eight in flight.
TEXT ·vnniDot1x4(SB), NOSPLIT, $0-32
	MOVQ a+0(FP), SI
	BROWS(b+8)
	MOVQ k+16(FP), CX
	MOVQ out+24(FP), DI
	FLIP
	VPXORD Z16, Z16, Z16
	VPXORD Z17, Z17, Z17
	VPXORD Z18, Z18, Z18
	VPXORD Z19, Z19, Z19
	VPXORD Z20, Z20, Z20
	VPXORD Z21, Z21, Z21
	VPXORD Z22, Z22, Z22
	VPXORD Z23, Z23, Z23
	XORQ   AX, AX
	MOVQ   CX, DX
	SHRQ   $7, DX        // pairs of 64-byte steps
	JZ     single1

pair1:
	VPXORD (SI)(AX*1), Z8, Z0
	LOADB
	DOT4(Z0, Z16, Z17, Z18, Z19)
	VPXORD 64(SI)(AX*1), Z8, Z1
	VMOVDQU64 64(R10)(AX*1), Z4
	VMOVDQU64 64(R11)(AX*1), Z5
	VMOVDQU64 64(R12)(AX*1), Z6
	VMOVDQU64 64(R13)(AX*1), Z7
	DOT4(Z1, Z20, Z21, Z22, Z23)
	ADDQ   $128, AX
	DECQ   DX
	JNZ    pair1

single1:
	TESTQ $64, CX        // one whole step left?
	JZ    tail1
	VPXORD (SI)(AX*1), Z8, Z0
	LOADB
	DOT4(Z0, Z16, Z17, Z18, Z19)
	ADDQ  $64, AX

tail1:
	ANDQ $63, CX
	JZ   sum1
	MASK
	VMOVDQU8.Z (SI)(AX*1), K1, Z0
	VPXORD     Z8, Z0, Z0
	LOADBTAIL
	DOT4(Z0, Z16, Z17, Z18, Z19)

sum1:
	VPADDD Z20, Z16, Z16
	VPADDD Z21, Z17, Z17
	VPADDD Z22, Z18, Z18
	VPADDD Z23, Z19, Z19
	HSUM(Z16, 0)
	HSUM(Z17, 4)
	HSUM(Z18, 8)
	HSUM(Z19, 12)
	VZEROUPPER
	RET

// func vnniRowSum(b *int8, k int) int32
//
// Σ_p b[p]: VPDPBUSD of the row (signed) with 64 ones (unsigned). The
// driver needs 128·Σ b for each row of B when it has no Packed.
TEXT ·vnniRowSum(SB), NOSPLIT, $0-20
	MOVQ b+0(FP), SI
	MOVQ k+8(FP), CX
	MOVL $0x01010101, DX
	VPBROADCASTD DX, Z8
	VPXORD Z16, Z16, Z16
	XORQ   AX, AX
	MOVQ   CX, DX
	SHRQ   $6, DX
	JZ     tails

loops:
	VPDPBUSD (SI)(AX*1), Z8, Z16
	ADDQ     $64, AX
	DECQ     DX
	JNZ      loops

tails:
	ANDQ $63, CX
	JZ   sums
	MASK
	VMOVDQU8.Z (SI)(AX*1), K1, Z4
	VPDPBUSD   Z4, Z8, Z16

sums:
	LEAQ ret+16(FP), DI
	HSUM(Z16, 0)
	VZEROUPPER
	RET
