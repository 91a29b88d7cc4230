package int8mm

import "tinytorch/engine/kernels"

// isa is the instruction set of a tiling: which assembly kernels it calls
// and how it finishes their sums.
type isa int

const (
	isaAVX2 isa = iota // avx2Dot2x4 and avx2Dot1x4; Go adds the last k mod 16 products
	isaVNNI            // vnniDot4x4 and vnniDot1x4; Go subtracts 128·Σb
)

// tiles cuts C into blocks of rows by 4 columns (4 rows with VNNI, 2 with
// AVX2; A's last rows one at a time), has the assembly compute each block
// and stores its sums, finished by finish. The last block of columns, when
// n is not a multiple of 4, repeats B's last row in the missing places and
// throws those results away. The caller has checked the arguments, and m,
// n, k are all positive; sums is B's row sums for VNNI.
//
// The assembly is called directly, not through function values, so that
// out, out1 and rows stay on the stack: no allocation per call.
//
// A product large enough to keep two cores busy (a batch of 64 through the
// MLP's first layer) splits its columns between the matmul's goroutines
// (kernels.Parallel). The sums are exact integers, so the split never
// changes a bit of C.
func tiles(c []int32, a, b []int8, sums []int32, m, n, k int, set isa) {
	blocks := (n + 3) / 4
	grain := max(1, minOpsPerGoroutine/(2*m*k*4)) // blocks of 4 columns
	// Parallel would run a product this small on one goroutine anyway;
	// deciding here keeps the closure below, which escapes to the heap,
	// out of the small products (TestPackedMatMulDoesNotAllocate).
	if blocks < 2*grain || kernels.Threads() < 2 {
		tileColumns(c, a, b, sums, m, n, k, set, 0, n)
		return
	}
	kernels.Parallel(blocks, grain, func(lo, hi int) {
		tileColumns(c, a, b, sums, m, n, k, set, 4*lo, min(4*hi, n))
	})
}

// minOpsPerGoroutine is the least work, in operations (a multiply and an
// add each), worth handing to another goroutine: about 10 µs of the VNNI
// kernel, several times what the hand-over costs. A batch of 64 through a
// 784→128 layer is 12.8 million; a single example's 0.2 million stays on
// one goroutine.
const minOpsPerGoroutine = 4 << 20

// tileColumns is tiles for C's columns [j0, j1), j0 a multiple of 4.
func tileColumns(c []int32, a, b []int8, sums []int32, m, n, k int, set isa, j0, j1 int) {
	mr := 2
	if set == isaVNNI {
		mr = 4
	}
	var out [16]int32
	var out1 [4]int32
	var rows [4]*int8
	for j := j0; j < j1; j += 4 {
		for t := range rows {
			rows[t] = &b[min(j+t, n-1)*k]
		}
		cols := min(4, n-j)
		i := 0
		for ; i+mr <= m; i += mr {
			if set == isaVNNI {
				vnniDot4x4(&a[i*k], k, &rows, k, &out)
			} else {
				avx2Dot2x4(&a[i*k], k, &rows, k, &out)
			}
			for r := range mr {
				for t := range cols {
					c[(i+r)*n+j+t] = finish(set, out[4*r+t], a, b, sums, i+r, j+t, k)
				}
			}
		}
		for ; i < m; i++ {
			if set == isaVNNI {
				vnniDot1x4(&a[i*k], &rows, k, &out1)
			} else {
				avx2Dot1x4(&a[i*k], &rows, k, &out1)
			}
			for t := range cols {
				c[i*n+j+t] = finish(set, out1[t], a, b, sums, i, j+t, k)
			}
		}
	}
}

// finish turns the assembly's sum v for C[i, j] into the product: VNNI's
// Σ (a+128)·b loses 128·Σb; AVX2's gains the products past the last whole
// 16 bytes.
func finish(set isa, v int32, a, b []int8, sums []int32, i, j, k int) int32 {
	if set == isaVNNI {
		return v - 128*sums[j]
	}
	whole := k &^ 15
	bj := b[j*k+whole : j*k+k]
	for p, x := range a[i*k+whole : i*k+k] {
		v += int32(x) * int32(bj[p])
	}
	return v
}
