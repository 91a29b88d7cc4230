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
		// Each stored row of A becomes a column of the panel.
		row := func(r int) []float32 {
			start := (i0+ir+r)*lda + p0
			return a[start : start+kb]
		}
		transposeInto(panel, mr, rows, row)
	}
}

// PackA packs columns [p0, p0+kb) of the rows×k matrix a (row-major, rows
// lda floats apart) into dst as Packed's A: panels of mr rows, the last
// padded with zero rows. dst holds rows rounded up to mr, times kb.
func PackA(dst, a []float32, lda, rows, p0, kb, mr int) {
	packA(dst, a, lda, false, 0, rows, p0, kb, mr)
}

// packB packs the kb×nb block of op(B) starting at (p0, j0) into dst, in
// panels of nr columns, padding the last panel with zero columns. Only
// the panels lo to hi−1 are packed (at their places in dst): a goroutine
// packs those it multiplies.
func packB(dst []float32, b []float32, ldb int, transB bool, p0, kb, j0, nb, nr, lo, hi int) {
	for jr := lo * nr; jr < min(nb, hi*nr); jr += nr {
		panel := dst[jr*kb : (jr+nr)*kb]
		cols := min(nr, nb-jr)
		if cols < nr {
			clear(panel)
		}
		if transB {
			// op(B) column j is row j of the stored B.
			row := func(col int) []float32 {
				start := (j0+jr+col)*ldb + p0
				return b[start : start+kb]
			}
			transposeInto(panel, nr, cols, row)
			continue
		}
		for p := 0; p < kb; p++ {
			src := b[(p0+p)*ldb+j0+jr:]
			copy(panel[p*nr:p*nr+cols], src[:cols])
		}
	}
}

// transposeInto writes the count rows row(0), row(1), … as the first
// columns of panel, whose rows are width floats apart: panel[p*width+r] =
// row(r)[p]. It moves four rows at a time, so that each step writes four
// adjacent floats: about three times faster than one row at a time, which
// writes to a different cache line at every step.
func transposeInto(panel []float32, width, count int, row func(r int) []float32) {
	r := 0
	for ; r+4 <= count; r += 4 {
		scatter4(panel[r:], width, row(r), row(r+1), row(r+2), row(r+3))
	}
	for ; r < count; r++ {
		scatter(panel[r:], width, row(r))
	}
}

// scatter4 does dst[p*stride+i] = ri[p] for i = 0…3: on amd64 the
// leading multiple of 4 steps with a 4×4 transpose in registers
// (transpose_amd64.s), the rest with scatter4Go.
func scatter4(dst []float32, stride int, r0, r1, r2, r3 []float32) {
	done := transpose4(dst, stride, r0, r1, r2, r3)
	if done < len(r0) {
		scatter4Go(dst[done*stride:], stride, r0[done:], r1[done:], r2[done:], r3[done:])
	}
}

// scatter4Go is scatter4 in Go. The loops are in small functions of their
// own so that they compile to a few instructions, without spilling
// variables to the stack.
func scatter4Go(dst []float32, stride int, r0, r1, r2, r3 []float32) {
	r1, r2, r3 = r1[:len(r0)], r2[:len(r0)], r3[:len(r0)] // drop bounds checks
	i := 0
	for p := range r0 {
		out := dst[i : i+4 : i+4]
		out[0], out[1], out[2], out[3] = r0[p], r1[p], r2[p], r3[p]
		i += stride
	}
}

// scatter does dst[p*stride] = src[p].
func scatter(dst []float32, stride int, src []float32) {
	i := 0
	for _, v := range src {
		dst[i] = v
		i += stride
	}
}
