package tensor

// direction says which way rows moves the values.
type direction int

const (
	im2col direction = iota // columns ← input (Unfold)
	col2im                  // input += columns (its gradient)
)

// rows is each, one block of runs at a time. For a fixed column row
// (channel c and window offset ki, kj) and sample, the window positions
// (oi, oj) whose element lies inside the input form a rectangle: rows
// [loI, hiI) and columns [loJ, hiJ), computed once instead of testing
// every element. Each of its rows is a contiguous run of the column,
// read from (or added to) an input row at a stride, and the rectangles
// of all samples sit at fixed distances from each other; moveBlock moves
// them all in tight loops (or an installed loop moves the whole list,
// unfold_install.go). This is the fast path of Unfold, its gradient and
// the convolution. Entries over the padding are not touched.
func (g unfoldGeom) rows(dir direction, cols, img []float32) {
	if installedMoveBlocks != nil {
		g.moveBlocksInstalled(dir, cols, img)
		return
	}
	g.eachBlock(func(b block) { moveBlock(dir, cols, img, b) })
}

// eachBlock calls f with the block of each column row, in order of the
// rows, skipping the rows whose rectangle is empty.
func (g unfoldGeom) eachBlock(f func(b block)) {
	rows := g.c * g.kh * g.kw
	sh, sw := g.w.Stride[0], g.w.Stride[1]
	for r := range rows {
		c, ki, kj := r/(g.kh*g.kw), r/g.kw%g.kh, r%g.kw
		loI, hiI, shiftI := validRange(ki, g.h, g.ho, 0, g.w)
		loJ, hiJ, shiftJ := validRange(kj, g.wd, g.wo, 1, g.w)
		if loI >= hiI || loJ >= hiJ || g.n == 0 {
			continue
		}
		f(block{
			col: r*g.rStep + loI*g.wo + loJ, colStep: g.wo, colSample: g.nStep,
			in: c*g.h*g.wd + (loI*sh+shiftI)*g.wd + loJ*sw + shiftJ, inStep: sh * g.wd, inSample: g.c * g.h * g.wd,
			width: hiJ - loJ, count: hiI - loI, samples: g.n, step: sw,
		})
	}
}

// validRange returns the range [lo, hi) of window positions o (out of
// outSize) whose element at window offset k lies inside an input
// dimension of size size: 0 ≤ o·stride + shift < size, with
// shift = k·dilation - padding along dimension dim of w.
func validRange(k, size, outSize, dim int, w Window) (lo, hi, shift int) {
	stride := w.Stride[dim]
	shift = k*w.Dilation[dim] - w.Padding[dim]
	if shift < 0 {
		lo = (-shift + stride - 1) / stride
	}
	hi = outSize
	if last := size - 1 - shift; last < 0 {
		hi = 0
	} else {
		hi = min(hi, last/stride+1)
	}
	return lo, hi, shift
}

// block is, for each of samples samples, count runs of width elements:
// run t of sample n is the column entries cols[col+n·colSample+t·colStep …]
// and the input elements img[in+n·inSample+t·inStep], then every step-th
// one.
type block struct {
	col, colStep, colSample int
	in, inStep, inSample    int
	width, count, samples   int
	step                    int
}

// moveBlock moves a block between the columns and the input: a copy for
// im2col, an addition for col2im. The choice is made once per block, and
// the stride-1 cases, by far the most common, get loops of their own.
func moveBlock(dir direction, cols, img []float32, b block) {
	w := b.width
	for range b.samples {
		c, in := b.col, b.in
		switch {
		case dir == im2col && b.step == 1:
			for range b.count {
				copy(cols[c:c+w], img[in:in+w])
				c, in = c+b.colStep, in+b.inStep
			}
		case b.step == 1:
			for range b.count {
				addRun(img[in:in+w], cols[c:c+w])
				c, in = c+b.colStep, in+b.inStep
			}
		default:
			for range b.count {
				col, src := cols[c:c+w], img[in:in+(w-1)*b.step+1]
				for j := range col {
					if dir == im2col {
						col[j] = src[j*b.step]
					} else {
						src[j*b.step] += col[j]
					}
				}
				c, in = c+b.colStep, in+b.inStep
			}
		}
		b.col, b.in = b.col+b.colSample, b.in+b.inSample
	}
}

// addRun does dst[j] += src[j], eight elements per step (as eight
// independent statements, with no loop control in between) while it can.
func addRun(dst, src []float32) {
	src = src[:len(dst)]
	for len(dst) >= 8 {
		d, s := (*[8]float32)(dst), (*[8]float32)(src)
		d[0], d[1], d[2], d[3] = d[0]+s[0], d[1]+s[1], d[2]+s[2], d[3]+s[3]
		d[4], d[5], d[6], d[7] = d[4]+s[4], d[5]+s[5], d[6]+s[6], d[7]+s[7]
		dst, src = dst[8:], src[8:]
	}
	for j, v := range src {
		dst[j] += v
	}
}
