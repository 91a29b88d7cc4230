package tensor

import (
	"fmt"
	"math"
	"testing"

	"tinytorch/engine/kernels/wasmsimd"
)

// TestMoveBlocksInstalled installs wasmsimd's Go statement of unfold.wat's
// contract (which TestMoveBlocksInNode holds the module to) as the
// columns' mover, and checks that Unfold and Conv2d, forward and
// backward, give the same bits as with Go's moveBlock, on random shapes
// and windows with stride, padding and dilation, NaN, ±Inf and ±0 among
// the values.
func TestMoveBlocksInstalled(t *testing.T) {
	calls := 0
	mover := func(add bool, cols, img []float32, blocks []int32) {
		calls++
		wasmsimd.MoveBlocksReference(add, cols, img, blocks)
	}
	defer InstallMoveBlocks(nil)
	g := NewGenerator(45)
	for i := range 120 {
		n, c, o := 1+g.Intn(3), 1+g.Intn(3), 1+g.Intn(3)
		h, w := 1+g.Intn(9), 1+g.Intn(9)
		win, ok := randomWindow(g, h, w, false)
		if !ok {
			continue
		}
		kh, kw := win.Kernel[0], win.Kernel[1]
		x := randomValuesFrom(g, n*c*h*w, i%3, sumSafeValues)
		weight := randomValuesFrom(g, o*c*kh*kw, i%3, sumSafeValues)
		grad := randomGradient(g, i%3, sumSafeValues)
		name := fmt.Sprintf("case %d: x %v, %+v", i, []int{n, c, h, w}, win)
		unfold := func(xs []*Tensor) (*Tensor, error) { return xs[0].Unfold(win) }
		conv := func(xs []*Tensor) (*Tensor, error) {
			cw := win
			cw.Kernel = [2]int{}
			return xs[0].Conv2d(xs[1], nil, cw)
		}
		for _, op := range []struct {
			name   string
			inputs []refInput
			f      func(xs []*Tensor) (*Tensor, error)
		}{
			{"unfold", []refInput{{x, []int{n, c, h, w}, false}}, unfold},
			{"conv2d", []refInput{{x, []int{n, c, h, w}, false}, {weight, []int{o, c, kh, kw}, false}}, conv},
		} {
			var gv []float32
			sameGrad := func(shape []int) []float32 {
				if gv == nil {
					gv = grad(shape)
				}
				return append([]float32(nil), gv...)
			}
			InstallMoveBlocks(nil)
			want := runOp(t, op.inputs, sameGrad, false, op.f)
			InstallMoveBlocks(mover)
			before := calls
			got := runOp(t, op.inputs, sameGrad, false, op.f)
			blocks := 0
			newUnfoldGeom([]int{n, c, h, w}, win.normalized()).eachBlock(func(block) { blocks++ })
			if (calls > before) != (blocks > 0) {
				t.Fatalf("%s, %s: the installed mover was called %d times for %d blocks", name, op.name, calls-before, blocks)
			}
			sameRunBits(t, name+", "+op.name, got, want)
		}
	}
}

// sameRunBits fails at the first output or gradient element whose bits
// differ between two runs.
func sameRunBits(t *testing.T, name string, got, want refRun) {
	t.Helper()
	check := func(what string, g, w []float32) {
		if len(g) != len(w) {
			t.Fatalf("%s: %s has %d elements, want %d", name, what, len(g), len(w))
		}
		for i := range w {
			if math.Float32bits(g[i]) != math.Float32bits(w[i]) {
				t.Fatalf("%s: %s[%d] = %v, want %v", name, what, i, g[i], w[i])
			}
		}
	}
	check("output", got.out, want.out)
	for k := range want.grads {
		check(fmt.Sprintf("gradient %d", k), got.grads[k], want.grads[k])
	}
}
