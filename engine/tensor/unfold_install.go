package tensor

// A loop for the moves of Unfold and the convolution (rows in
// unfold_fast.go) that a platform can supply: the browser's kernel
// (wasm/kernel) installs engine/kernels/wasmsimd's unfold.wat, which moves
// a whole list of blocks in one call, four floats per instruction. Go's
// loop copies each run with copy(), which under WebAssembly is a call to
// runtime.memmove per run, and LeNet's runs are 8 and 24 floats long.

// MoveBlocksFunc moves the blocks of runs between the columns and the
// input, in order: a copy into cols (im2col) when add is false, an
// addition into img (col2im) when it is true, with the same bits as
// moveBlock. blocks holds 10 int32 per block, its fields in the order of
// block's: col, colStep, colSample, in, inStep, inSample, width, count,
// samples, step. wasmsimd.MoveBlocksReference is this contract in Go.
type MoveBlocksFunc func(add bool, cols, img []float32, blocks []int32)

var installedMoveBlocks MoveBlocksFunc

// InstallMoveBlocks sets the loop that Unfold, Conv2d and their
// gradients move their columns with; nil leaves the Go loop in place.
// Call it once at start-up, before any convolution.
func InstallMoveBlocks(f MoveBlocksFunc) { installedMoveBlocks = f }

// moveBlocksInstalled lists the blocks of rows and hands them to the
// installed loop in one call.
func (g unfoldGeom) moveBlocksInstalled(dir direction, cols, img []float32) {
	list := make([]int32, 0, 10*g.c*g.kh*g.kw) // room for every row's block
	g.eachBlock(func(b block) {
		list = append(list, int32(b.col), int32(b.colStep), int32(b.colSample), int32(b.in), int32(b.inStep), int32(b.inSample),
			int32(b.width), int32(b.count), int32(b.samples), int32(b.step))
	})
	if len(list) > 0 {
		installedMoveBlocks(dir == col2im, cols, img, list)
	}
}
