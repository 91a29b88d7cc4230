package tensor

import "sync"

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

// moveBlocksInstalled hands the blocks of rows to the installed loop in
// one call.
func (g unfoldGeom) moveBlocksInstalled(dir direction, cols, img []float32) {
	if list := g.blockList(); len(list) > 0 {
		installedMoveBlocks(dir == col2im, cols, img, list)
	}
}

// blockLists holds the list of blocks of each geometry moveBlocksInstalled
// has seen: a convolution moves its chunks with the same few geometries
// at every step, and listing 150 blocks with their divisions took about
// 1% of a LeNet step in the browser.
var blockLists struct {
	sync.Mutex
	byGeom map[unfoldGeom][]int32
}

// blockList returns g's blocks in the layout of MoveBlocksFunc, listed
// once per geometry. The list is shared: callers only read it.
func (g unfoldGeom) blockList() []int32 {
	blockLists.Lock()
	defer blockLists.Unlock()
	if list, ok := blockLists.byGeom[g]; ok {
		return list
	}
	list := make([]int32, 0, 10*g.c*g.kh*g.kw) // room for every row's block
	g.eachBlock(func(b block) {
		list = append(list, int32(b.col), int32(b.colStep), int32(b.colSample), int32(b.in), int32(b.inStep), int32(b.inSample),
			int32(b.width), int32(b.count), int32(b.samples), int32(b.step))
	})
	if blockLists.byGeom == nil || len(blockLists.byGeom) >= 32 { // a model has few shapes; a cell trying many should not grow this
		blockLists.byGeom = map[unfoldGeom][]int32{}
	}
	blockLists.byGeom[g] = list
	return list
}
