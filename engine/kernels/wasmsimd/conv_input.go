package wasmsimd

import (
	_ "embed"
	"strings"
)

// The matmul module's "convInputGrad" (conv_input.wat): a convolution's
// input gradient, col2im(Wᵀ·dY), computed without writing the columns
// Wᵀ·dY first. In the browser, LeNet's second convolution spent about a
// sixth of a training step on its input gradient: a product with a k
// loop of only 16 steps (its output channels), packing, clearing and
// writing 150 rows of columns, then reading them back in col2im.

//go:embed conv_input.wat
var convInputSource string

// ConvInputFloatsAfter and ConvInputPairFloatsAfter are how many floats
// after dY's last row convInputGrad and convInputGrad2 read (and ignore)
// at the end of a run.
const (
	ConvInputFloatsAfter     = 3
	ConvInputPairFloatsAfter = 11
)

// ConvInputPairTmpFloats is the length of convInputGrad2's scratch.
const ConvInputPairTmpFloats = 24

// ConvInputPairWeights lays out the weights convInputGrad2 reads for the
// channel pair whose first channel's blocks are blocks: for block number
// b, of row r = col / width, and q < o, w[q·k + r] and w[q·k + r + area]
// side by side (area = KH·KW, the rows between two channels). It reuses
// dst's storage when it is large enough.
func ConvInputPairWeights(dst, w []float32, k, o, area, width int, blocks []int32) []float32 {
	n := len(blocks) / BlockFields * o * 2
	if cap(dst) < n {
		dst = make([]float32, n)
	}
	dst = dst[:n]
	for b := range len(blocks) / BlockFields {
		r := int(blocks[b*BlockFields]) / width
		for q := range o {
			dst[(b*o+q)*2] = w[q*k+r]
			dst[(b*o+q)*2+1] = w[q*k+r+area]
		}
	}
	return dst
}

// withConvInput returns the module text src with conv_input.wat's
// function added before the module's closing parenthesis.
func withConvInput(src string) string {
	last := strings.LastIndex(src, ")")
	return src[:last] + convInputSource + src[last:]
}

// ConvInputGradReference is what "convInputGrad" computes, in Go, with a
// multiply and an add per step (the plain module): for each block of
// blocks (MoveBlocksReference's layout, every step 1) in order, with
// r = col / width and p = col mod width, each run's entries
// Σq w[q·k + r]·dy[q·width + p'] (p' the entry's position, q < o in
// order, the sum starting at 0) added to img as moveBlocks adds columns.
func ConvInputGradReference(w []float32, k, o int, dy []float32, width int, img []float32, blocks []int32) {
	for b := 0; b+BlockFields <= len(blocks); b += BlockFields {
		f := blocks[b : b+BlockFields]
		r, p := int(f[0])/width, int(f[0])%width
		colStep, colSample := int(f[1]), int(f[2])
		in, inStep, inSample := int(f[3]), int(f[4]), int(f[5])
		runWidth, count, samples := int(f[6]), int(f[7]), int(f[8])
		for n := range samples {
			for t := range count {
				c, i := p+n*colSample+t*colStep, in+n*inSample+t*inStep
				for j := range runWidth {
					var acc float32
					for q := range o {
						acc += w[q*k+r] * dy[q*width+c+j]
					}
					img[i+j] += acc
				}
			}
		}
	}
}
