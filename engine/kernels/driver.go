package kernels

// microKernel is the innermost piece of the packed variants: it keeps an
// mr×nr tile of C in registers while it walks a packed panel of A (mr rows)
// and a packed panel of B (nr columns) together, then adds the tile to C.
// The rest of the algorithm (driver below) only cuts the matrices into
// blocks and panels and packs them.
type microKernel struct {
	name   string
	mr, nr int // the register tile: mr rows by nr columns of C
	// Block sizes in elements: a kc×nr panel of B stays in the L1 cache
	// while the mc×kc block of A streams through the L2 cache; nc bounds
	// the packed block of B (kc×nc) for the L3 cache.
	mc, kc, nc int
	// fn does C[0:mr, 0:nr] += alpha·(Ap·Bp), where Ap is a packed mr×kc
	// panel of A (len ≥ kc·mr), Bp a packed kc×nr panel of B (len ≥ kc·nr)
	// and c starts at the tile's top-left element, rows ldc apart. It must
	// round alpha·acc before adding it to C (no fused multiply-add there):
	// then adding a tile computed into a zeroed scratch tile gives the same
	// bits as computing in place, which keeps edge tiles deterministic.
	fn func(kc int, a, b []float32, c []float32, ldc int, alpha float32)
	// half, if not nil, is fn for the first halfRows rows of the tile
	// only (same panels, same bits for those rows): the last row panel of
	// a short matrix, such as a convolution's 6 or 16 filters, uses it
	// instead of computing a full tile of mostly padding.
	halfRows int
	half     func(kc int, a, b []float32, c []float32, ldc int, alpha float32)
	// fnB and halfB, if not nil, are fn and half reading B in place, its
	// rows ldb floats apart, instead of from a packed panel: see direct.
	fnB, halfB func(kc int, a, b []float32, c []float32, ldc int, alpha float32, ldb int)
	// dot, if not nil, runs the dot-product path (dot.go) for the
	// products it suits.
	dot dotKernel
}

// direct reports whether the packed driver should read B in place rather
// than pack it: when B is stored along k (not transposed: each step of the
// micro-kernel reads 32 adjacent floats of one row) and C has at most two
// row panels. A packed panel of B pays for its copy by being reused for
// every row panel of A; with one or two (a convolution's 6 or 16 filters
// times its columns) the copy costs more than it saves. Full panels only:
// the last, partial one is still packed, with its zero padding.
func (mk *microKernel) direct(transB bool, m int) bool {
	return mk.fnB != nil && !transB && m <= 2*mk.mr
}

// kBlock returns the k-block size the packed variants use for a given k:
// at most mk.kc, with all blocks about the same length (k = 300 and kc = 256
// gives two blocks of 150, not 256 + 44, so no block is too short to
// amortise the cost of loading and storing C). It depends on k alone, never
// on the thread count, so the order in which each element's products are
// summed, and hence its rounding, is the same for any number of threads.
func (mk *microKernel) kBlock(k int) int { return KBlock(k, mk.kc) }

// KBlock is kBlock for blocks of at most kc steps: the k-slices of
// Packed with BlockKernel.KC = kc, for a pass outside this package that
// must sum in Packed's order (the browser's convolution without columns).
func KBlock(k, kc int) int {
	blocks := (k + kc - 1) / kc
	return (k + blocks - 1) / blocks
}

// packed runs Goto's algorithm (the structure of GotoBLAS, OpenBLAS and
// BLIS) with the micro-kernel mk on up to threads goroutines:
//
//	for each nc-wide column block of C:           (jc loop)
//	  for each kc-deep slice of k:                (pc loop)
//	    pack op(B)[pc:pc+kc, jc:jc+nc] into panels of nr columns
//	    for each mc-tall row block of C:          (ic loop)
//	      pack op(A)[ic:ic+mc, pc:pc+kc] into panels of mr rows
//	      for each B panel, for each A panel:     (macro-kernel)
//	        micro-kernel: C tile += alpha · A panel · B panel
//
// Each goroutine owns a rectangle of C (a range of rows and of B panels),
// so no two goroutines ever write the same element. Each packs the B
// panels it uses into a buffer of its own, unless sharesB says the
// goroutines share one packed block of B: then all pack part of it, wait
// for each other at a barrier, compute, and wait again before the next
// block overwrites it.
func packed(mk *microKernel, threads int, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if alpha == 0 || k == 0 {
		scaleC(m, n, beta, c, ldc)
		return
	}
	kc := mk.kBlock(k)
	nc := min(mk.nc, roundUp(n, mk.nr))
	threads = usefulThreads(threads, m, n, k, mk)
	rows, cols := splitThreads(threads, m, n, mk)
	direct := mk.direct(transB, m)
	var shared []float32 // B's packed block, when the goroutines share it
	var bar *barrier
	if sharesB(rows, m) {
		shared = getBuf(kc * roundUp(nc, mk.nr))
		defer putBuf(shared)
		bar = newBarrier(threads)
	}

	parallelFor(threads, func(t int) {
		w := &workerState{rows: span(m, rows, t/cols, mk.mr)}
		defer w.release()
		bp := shared
		if bp == nil {
			bp = getBuf(kc * roundUp(nc, mk.nr))
			defer putBuf(bp)
		}
		for jc := 0; jc < n; jc += nc {
			nb := min(nc, n-jc)
			panels := ceilDiv(nb, mk.nr)
			w.panels = span(panels, cols, t%cols, 1)
			w.scale(beta, c, ldc, jc, nb, mk.nr)
			packs := w.panels // the panels this goroutine packs
			if bar != nil {
				packs = span(panels, threads, t, 1)
			}
			for pc := 0; pc < k; pc += kc {
				kb := min(kc, k-pc)
				var bsrc []float32 // B's block in place, if direct
				first := packs[0]
				if direct {
					bsrc = b[pc*ldb+jc:]
					first = max(first, nb/mk.nr) // the partial panel only
				}
				packB(bp, b, ldb, transB, pc, kb, jc, nb, mk.nr, first, packs[1])
				if bar != nil {
					bar.wait() // B's block is packed
				}
				w.run(mk, a, lda, transA, bp, bsrc, ldb, pc, kb, jc, nb, alpha, c, ldc)
				if bar != nil {
					bar.wait() // everyone is done with B's block
				}
			}
		}
	})
}

// sharesB says whether the goroutines of a product split rows ways over
// m rows share one packed block of B. Split by columns (rows = 1), each
// packs its own panels, with nothing to share. Split by rows, each
// goroutine needs all of B's block: packing it once costs two barriers
// per slice of k, where the faster goroutine waits for the slower, and
// packing it in each goroutine costs the copy again. The copy is the
// smaller cost until each goroutine has many rows to multiply the block
// by: the MLP's 256×128×784 product ran 1.34 times as fast on two
// goroutines as on one with a shared block, 1.60–1.70 times with one
// each, while a 512×512 one lost about 5% with one each.
func sharesB(rows, m int) bool { return rows > 1 && ceilDiv(m, rows) > sharedBRows }

// sharedBRows is the least number of rows per goroutine at which they
// share B's packed block.
const sharedBRows = 192

// workerState is one goroutine's share of a packed matmul: its rows of C,
// its range of B panels, and its own packing and scratch buffers.
type workerState struct {
	rows, panels [2]int // half-open ranges [start, end)
	ap           []float32
	tile         []float32
}

// scale does C = beta·C on this worker's rectangle of the column block
// [jc, jc+nb), before it adds to it.
func (w *workerState) scale(beta float32, c []float32, ldc, jc, nb, nr int) {
	first, last := jc+w.panels[0]*nr, jc+min(w.panels[1]*nr, nb)
	if w.rows[0] < w.rows[1] && first < last {
		scaleC(w.rows[1]-w.rows[0], last-first, beta, c[w.rows[0]*ldc+first:], ldc)
	}
}

// run computes this worker's rectangle of C for one (jc, pc) block. bsrc,
// if not nil, is B's block read in place (rows ldb apart), for its full
// panels.
func (w *workerState) run(mk *microKernel, a []float32, lda int, transA bool, bp, bsrc []float32, ldb, pc, kb, jc, nb int, alpha float32, c []float32, ldc int) {
	if w.rows[0] >= w.rows[1] || w.panels[0] >= w.panels[1] {
		return
	}
	if w.ap == nil {
		w.ap = getBuf(roundUp(mk.mc, mk.mr) * mk.kc)
		w.tile = getBuf(mk.mr * mk.nr)
	}
	for ic := w.rows[0]; ic < w.rows[1]; ic += mk.mc {
		mb := min(mk.mc, w.rows[1]-ic)
		packA(w.ap, a, lda, transA, ic, mb, pc, kb, mk.mr)
		w.macroKernel(mk, kb, mb, nb, bp, bsrc, ldb, alpha, c[ic*ldc+jc:], ldc)
	}
}

// macroKernel multiplies the packed mb×kb block of A by this worker's
// panels of the packed kb×nb block of B (or, for full panels, of bsrc,
// B's block in place, when not nil), adding into c (the block's top-left
// corner). The B panel is the outer loop: it stays in L1 while every A
// panel streams past it.
func (w *workerState) macroKernel(mk *microKernel, kb, mb, nb int, bp, bsrc []float32, ldb int, alpha float32, c []float32, ldc int) {
	mr, nr := mk.mr, mk.nr
	for jp := w.panels[0]; jp < w.panels[1]; jp++ {
		jr := jp * nr
		bpanel := bp[jr*kb : (jr+nr)*kb]
		cols := min(nr, nb-jr)
		inPlace := bsrc != nil && cols == nr
		for ir := 0; ir < mb; ir += mr {
			apanel := w.ap[ir*kb : (ir+mr)*kb]
			rows := min(mr, mb-ir)
			ctile := c[ir*ldc+jr:]
			half := mk.half != nil && rows <= mk.halfRows
			fnRows := mr
			if half {
				fnRows = mk.halfRows
			}
			switch {
			case inPlace && half:
				if rows == fnRows {
					mk.halfB(kb, apanel, bsrc[jr:], ctile, ldc, alpha, ldb)
					continue
				}
				clear(w.tile)
				mk.halfB(kb, apanel, bsrc[jr:], w.tile, nr, alpha, ldb)
			case inPlace:
				if rows == fnRows {
					mk.fnB(kb, apanel, bsrc[jr:], ctile, ldc, alpha, ldb)
					continue
				}
				clear(w.tile)
				mk.fnB(kb, apanel, bsrc[jr:], w.tile, nr, alpha, ldb)
			default:
				fn := mk.fn
				if half {
					fn = mk.half
				}
				if rows == fnRows && cols == nr {
					fn(kb, apanel, bpanel, ctile, ldc, alpha)
					continue
				}
				// Edge tile: compute a full tile into scratch, keep what fits.
				clear(w.tile)
				fn(kb, apanel, bpanel, w.tile, nr, alpha)
			}
			addTile(ctile, ldc, w.tile, nr, rows, cols)
		}
	}
}

// release gives the worker's buffers back to the pool.
func (w *workerState) release() {
	if w.ap != nil {
		putBuf(w.ap)
		putBuf(w.tile)
	}
}

// addTile adds the top-left rows×cols of the scratch tile t (rows ldt
// apart) into c.
func addTile(c []float32, ldc int, t []float32, ldt, rows, cols int) {
	for i := 0; i < rows; i++ {
		crow := c[i*ldc : i*ldc+cols]
		for j, v := range t[i*ldt : i*ldt+cols] {
			crow[j] += v
		}
	}
}

// minFlopsPerThread is the least work worth a goroutine: below about 2
// million floating-point operations (a 100×100×100 product), handing work
// to another goroutine, and waiting for it at the barriers, costs more
// than it saves. Measured on a 2-core virtual machine shared with other
// programs: with 2·64³ (half a million), LeNet's products (1.6 to 4
// million operations each) ran on two goroutines and a training epoch on
// two cores was 8% slower than with this bound. A 128×128×128 product
// (4.2 million) still runs on two.
const minFlopsPerThread = 2 * 128 * 128 * 64

// usefulThreads caps the thread count so that each goroutine gets a fair
// amount of work and at least one tile.
func usefulThreads(threads, m, n, k int, mk *microKernel) int {
	flops := 2 * float64(m) * float64(n) * float64(k) // no overflow on 32-bit platforms
	threads = min(threads, max(1, int(flops/minFlopsPerThread)))
	tiles := ceilDiv(m, mk.mr) * ceilDiv(n, mk.nr)
	return max(1, min(threads, tiles))
}

// splitThreads arranges threads goroutines in a rows×cols grid over C.
// Each goroutine packs its own rows of A and its own panels of B, so a
// grid packs A cols times over and B rows times over: it takes the grid
// that copies the least, cols·m + rows·n floats per step of k (B once
// when the goroutines share its packed block: sharesB), among
// those that give every goroutine a row panel and a column panel. Ties
// go to more rows. The MLP's weight gradient (128×784, summed over a batch
// of 256) split by columns instead of rows packs its 200k-float B once
// instead of twice, and ran 1.6 times as fast on two goroutines as on
// one, against 1.4.
func splitThreads(threads, m, n int, mk *microKernel) (rows, cols int) {
	rows, cols = 1, threads
	best := -1
	for r := threads; r >= 1; r-- {
		c := threads / r
		if threads%r != 0 || ceilDiv(m, mk.mr) < r || (ceilDiv(n, mk.nr) < c && r > 1) {
			continue
		}
		copied := c*m + r*n
		if sharesB(r, m) {
			copied = c*m + n // they pack B's block once, together
		}
		if best < 0 || copied < best {
			rows, cols, best = r, c, copied
		}
	}
	return rows, cols
}

// span returns part i of `parts` near-equal parts of [0, total), with the
// boundaries on multiples of unit.
func span(total, parts, i, unit int) [2]int {
	size := roundUp(ceilDiv(total, parts), unit)
	return [2]int{min(i*size, total), min((i+1)*size, total)}
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

func roundUp(a, b int) int { return ceilDiv(a, b) * b }
