package wasmsimd

import (
	_ "embed"
	"fmt"
	"strings"
)

// The matmul module's "convInputGrad1", "convInputGrad2" and
// "convInputGrad3" (conv_input.wat): a convolution's input gradient,
// col2im(Wᵀ·dY), computed without writing the columns Wᵀ·dY first. In the browser, LeNet's second convolution spent about a
// sixth of a training step on its input gradient: a product with a k
// loop of only 16 steps (its output channels), packing, clearing and
// writing 150 rows of columns, then reading them back in col2im.

//go:embed conv_input.wat
var convInputSource string

// ConvInputFloatsAfter is how many floats after dY's last row the
// convInputGradG functions read (and ignore) at the end of a run.
const ConvInputFloatsAfter = 11

// ConvInputTmpFloats is the length of their scratch: 12 floats per
// channel of a group of at most 3.
const ConvInputTmpFloats = 36

// withConvInput returns the module text src with conv_input.wat's
// convInputGrad2 added before the module's closing parenthesis, and
// convInputGrad1 and convInputGrad3 derived from it.
func withConvInput(src string) (string, error) {
	last := strings.LastIndex(src, ")")
	src = src[:last] + convInputSource + src[last:]
	src, err := withDerived(src, "convInputGrad2", "convInputGrad1", convInputEdits(1))
	if err != nil {
		return "", err
	}
	return withDerived(src, "convInputGrad2", "convInputGrad3", convInputEdits(3))
}

// convInputEdits are the changes from convInputGrad2 to the function for
// a group of 1 or 3 channels: the second row of accumulators dropped, or
// a third added (declared, cleared, fed by its own splat of weights at
// each step, spilled to tmp); group weights per step of a block, and as
// many channels to add.
func convInputEdits(group int) []edit {
	step := fmt.Sprintf("i32.const %d\n", 4*group)
	edits := []edit{
		{`(func (export "convInputGrad2")`, fmt.Sprintf(`(func (export "convInputGrad%d")`, group), 1},
		{"    local.get $o\n    i32.const 8\n", "    local.get $o\n    " + step, 1},
		{"              i32.const 2\n              i32.lt_u\n              br_if $chLoop\n",
			fmt.Sprintf("              i32.const %d\n              i32.lt_u\n              br_if $chLoop\n", group), 1},
	}
	locals1 := "    (local $acc10 v128) (local $acc11 v128) (local $acc12 v128)\n"
	cleared1 := "            local.tee $acc10\n            local.tee $acc11\n            local.set $acc12\n"
	next := "              local.get $a\n              i32.const 8\n"
	if group == 1 {
		return append(edits,
			edit{locals1, "", 1},
			edit{"            local.tee $acc02\n" + cleared1, "            local.set $acc02\n", 1},
			edit{channelSteps(1) + next, "              local.get $a\n              " + step, 1},
			edit{channelSpills(1), "", 1})
	}
	return append(edits,
		edit{locals1, locals1 + "    (local $acc20 v128) (local $acc21 v128) (local $acc22 v128)\n", 1},
		edit{cleared1, "            local.tee $acc10\n            local.tee $acc11\n            local.tee $acc12\n" +
			"            local.tee $acc20\n            local.tee $acc21\n            local.set $acc22\n", 1},
		edit{channelSteps(1) + next, channelSteps(1) + channelSteps(2) + "              local.get $a\n              " + step, 1},
		edit{channelSpills(1), channelSpills(1) + channelSpills(2), 1})
}

// channelSteps is channel g's part of a step of the sums, as
// conv_input.wat writes it: its weight splatted, then its three
// multiply-adds.
func channelSteps(g int) string {
	offset := ""
	if g > 0 {
		offset = fmt.Sprintf(" offset=%d", 4*g)
	}
	text := "              local.get $a\n              v128.load32_splat" + offset + "\n              local.set $x\n"
	for v := range 3 {
		text += fmt.Sprintf("              local.get $x\n              local.get $v%d\n              f32x4.mul\n"+
			"              local.get $acc%d%d\n              f32x4.add\n              local.set $acc%d%d\n", v, g, v, g, v)
	}
	return text
}

// channelSpills stores channel g's sums into tmp, after the channels
// before it.
func channelSpills(g int) string {
	text := ""
	for v := range 3 {
		text += fmt.Sprintf("            local.get $tmp\n            local.get $acc%d%d\n            v128.store offset=%d\n", g, v, (g*3+v)*16)
	}
	return text
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

// ConvInputGradReference is what "convInputGrad1" computes, in Go, with a
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
