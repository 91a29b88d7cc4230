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
// functions added before the module's closing parenthesis, and
// convInputGrad3 derived from convInputGrad2.
func withConvInput(src string) (string, error) {
	last := strings.LastIndex(src, ")")
	return withDerived(src[:last]+convInputSource+src[last:], "convInputGrad2", "convInputGrad3", convInputThreeEdits)
}

// convInputThreeEdits are the changes from convInputGrad2 to
// convInputGrad3: a third row of accumulators, cleared, fed by a third
// splat of weights at each step and spilled to tmp; three weights per
// step of a block (12 bytes), and three channels to add.
var convInputThreeEdits = []edit{
	{`(func (export "convInputGrad2")`, `(func (export "convInputGrad3")`, 1},
	{"    (local $acc10 v128) (local $acc11 v128) (local $acc12 v128)\n",
		"    (local $acc10 v128) (local $acc11 v128) (local $acc12 v128)\n    (local $acc20 v128) (local $acc21 v128) (local $acc22 v128)\n", 1},
	{"o·2·4 bytes", "o·3·4 bytes", 1},
	{"    local.get $o\n    i32.const 8\n", "    local.get $o\n    i32.const 12\n", 1},
	{"of the 2 channels", "of the 3 channels", 1},
	{"            local.set $acc12\n            local.get $wb\n",
		"            local.tee $acc12\n            local.tee $acc20\n            local.tee $acc21\n            local.set $acc22\n            local.get $wb\n", 1},
	{"              local.set $acc12\n              local.get $a\n              i32.const 8\n",
		"              local.set $acc12\n" + thirdChannelSteps + "              local.get $a\n              i32.const 12\n", 1},
	{"            v128.store offset=80\n", "            v128.store offset=80\n" + thirdChannelSpills, 1},
	{"              i32.const 2\n              i32.lt_u\n              br_if $chLoop\n", "              i32.const 3\n              i32.lt_u\n              br_if $chLoop\n", 1},
}

// thirdChannelSteps are the third channel's multiply-adds of a step, as
// the first two channels' are written.
const thirdChannelSteps = `              local.get $a
              v128.load32_splat offset=8
              local.set $x
              local.get $x
              local.get $v0
              f32x4.mul
              local.get $acc20
              f32x4.add
              local.set $acc20
              local.get $x
              local.get $v1
              f32x4.mul
              local.get $acc21
              f32x4.add
              local.set $acc21
              local.get $x
              local.get $v2
              f32x4.mul
              local.get $acc22
              f32x4.add
              local.set $acc22
`

// thirdChannelSpills store the third channel's sums after the others'.
const thirdChannelSpills = `            local.get $tmp
            local.get $acc20
            v128.store offset=96
            local.get $tmp
            local.get $acc21
            v128.store offset=112
            local.get $tmp
            local.get $acc22
            v128.store offset=128
`

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
