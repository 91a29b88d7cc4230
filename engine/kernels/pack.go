package kernels

// Packing copies the blocks of A and B that a micro-kernel is about to use
// into small contiguous buffers, in exactly the order the micro-kernel
// reads them. It costs one copy of each operand per block, and buys:
//
//   - sequential, cache-line-friendly loads in the innermost loop whatever
//     the operands' strides or transposes (so the micro-kernel handles one
//     layout only),
//   - no TLB or cache-set conflicts from rows a large leading dimension
//     apart,
//   - zero padding at the edges, so the micro-kernel always works on full
//     mr×nr tiles.
//
// Packed A: the block's rows in panels of mr rows; inside a panel, column p
// of the panel (mr floats) comes after column p-1. Packed B: the block's
// columns in panels of nr columns; inside a panel, row p (nr floats) comes
// after row p-1. So step p of the micro-kernel reads mr floats of A and nr
// floats of B, both contiguous.

// packA packs the mb×kb block of op(A) starting at (i0, p0) into dst, in
// panels of mr rows, padding the last panel with zero rows.
func packA(dst []float32, a []float32, lda int, transA bool, i0, mb, p0, kb, mr int) {
	for ir := 0; ir < mb; ir += mr {
		panel := dst[ir*kb : (ir+mr)*kb]
		rows := min(mr, mb-ir)
		if rows < mr {
			clear(panel)
		}
		if transA {
			// op(A) row i is column i of the stored A: each step p copies
			// mr consecutive floats of stored row p0+p.
			for p := 0; p < kb; p++ {
				src := a[(p0+p)*lda+i0+ir:]
				copy(panel[p*mr:p*mr+rows], src[:rows])
			}
			continue
		}
		for r := 0; r < rows; r++ {
			src := a[(i0+ir+r)*lda+p0:]
			src = src[:kb]
			for p, v := range src {
				panel[p*mr+r] = v
			}
		}
	}
}

// packB packs the kb×nb block of op(B) starting at (p0, j0) into dst, in
// panels of nr columns, padding the last panel with zero columns. Only the
// panels first, first+step, first+2·step, … are packed, so that several
// goroutines can share the work.
func packB(dst []float32, b []float32, ldb int, transB bool, p0, kb, j0, nb, nr, first, step int) {
	for jr := first * nr; jr < nb; jr += step * nr {
		panel := dst[jr*kb : (jr+nr)*kb]
		cols := min(nr, nb-jr)
		if cols < nr {
			clear(panel)
		}
		if transB {
			// op(B) column j is row j of the stored B.
			for col := 0; col < cols; col++ {
				src := b[(j0+jr+col)*ldb+p0:]
				src = src[:kb]
				for p, v := range src {
					panel[p*nr+col] = v
				}
			}
			continue
		}
		for p := 0; p < kb; p++ {
			src := b[(p0+p)*ldb+j0+jr:]
			copy(panel[p*nr:p*nr+cols], src[:cols])
		}
	}
}
