package wasmsimd

import _ "embed"

//go:embed unfold.wat
var unfoldSource string

// UnfoldModule returns unfold.wat's module (assembled.go): "moveBlocks", a convolution's im2col
// and col2im moves (engine/tensor's moveBlock) for a whole list of blocks
// in one call, which the browser's kernel installs into engine/tensor.
func UnfoldModule() ([]byte, error) { return assembled("unfold.wasm") }

// BlockFields is the number of int32 that describe one block for
// "moveBlocks": col, colStep, colSample, in, inStep, inSample, width,
// count, samples, step.
const BlockFields = 10

// MoveBlocksReference is unfold.wat's "moveBlocks" in Go, the rule the
// tests hold the module to. blocks holds BlockFields int32 per block; for
// each block in order, each sample n and run t, with
// c = col + n·colSample + t·colStep and i = in + n·inSample + t·inStep, it
// copies img[i + j·step] to cols[c + j] (im2col, when add is false) or
// adds cols[c + j] to img[i + j·step] (col2im), for j < width.
func MoveBlocksReference(add bool, cols, img []float32, blocks []int32) {
	for b := 0; b+BlockFields <= len(blocks); b += BlockFields {
		f := blocks[b : b+BlockFields]
		col, colStep, colSample := int(f[0]), int(f[1]), int(f[2])
		in, inStep, inSample := int(f[3]), int(f[4]), int(f[5])
		width, count, samples, step := int(f[6]), int(f[7]), int(f[8]), int(f[9])
		for n := range samples {
			for t := range count {
				c, i := col+n*colSample+t*colStep, in+n*inSample+t*inStep
				for j := range width {
					if add {
						img[i+j*step] += cols[c+j]
					} else {
						cols[c+j] = img[i+j*step]
					}
				}
			}
		}
	}
}
