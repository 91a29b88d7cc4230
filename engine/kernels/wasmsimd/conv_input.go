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

// ConvInputFloatsAfter and ConvInputGroupFloatsAfter are how many floats
// after dY's last row convInputGrad, and convInputGrad2 and
// convInputGrad3, read (and ignore) at the end of a run.
const (
	ConvInputFloatsAfter      = 3
	ConvInputGroupFloatsAfter = 11
)

// ConvInputGroupTmpFloats is the length of the scratch of convInputGrad2
// and convInputGrad3: 12 floats per channel.
const ConvInputGroupTmpFloats = 36

// withConvInput returns the module text src with conv_input.wat's
// functions added before the module's closing parenthesis.
func withConvInput(src string) string {
	last := strings.LastIndex(src, ")")
	return src[:last] + convInputSource + src[last:]
}

// ConvInputGroupWeights lays out the weights convInputGrad2 (group 2) or
// convInputGrad3 (group 3) reads for the channels whose first channel's
// blocks are blocks: for block number b, of row r = col / width, q < o
// and g < group, w[q·k + r + g·area] at (b·o + q)·group + g (area =
// KH·KW, the rows between two channels). It reuses dst's storage when it
// is large enough.
func ConvInputGroupWeights(dst, w []float32, k, o, area, width, group int, blocks []int32) []float32 {
	n := len(blocks) / BlockFields * o * group
	if cap(dst) < n {
		dst = make([]float32, n)
	}
	dst = dst[:n]
	for b := range len(blocks) / BlockFields {
		r := int(blocks[b*BlockFields]) / width
		for q := range o {
			for g := range group {
				dst[(b*o+q)*group+g] = w[q*k+r+g*area]
			}
		}
	}
	return dst
}

// ConvInputGroups splits c input channels into the groups the kernel
// computes together: threes, then a pair or a single channel for the
// rest (a pair and a pair for 4, which would leave a single channel
// after a three).
func ConvInputGroups(c int) []int {
	var groups []int
	for c > 0 {
		g := min(3, c)
		if c == 4 {
			g = 2
		}
		groups = append(groups, g)
		c -= g
	}
	return groups
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
