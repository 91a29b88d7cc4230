package train

import (
	"fmt"
	"math"
	"sync/atomic"

	"tinytorch/engine/nn"
	"tinytorch/engine/tensor"
	"tinytorch/engine/vec"
)

// guard keeps a copy of the model's parameters and buffers from before
// the current step, so that a step that diverges can be undone: a NaN
// loss after the forward pass has already changed BatchNorm's running
// statistics, and an update that overflows (a finite gradient times a
// huge learning rate) has already written ±Inf into the weights.
//
// The copies live in buffers allocated once per Fit and reused at every
// step, so saving costs one memory copy of the model per step and no
// allocation.
type guard struct {
	tensors []nn.NamedParam // parameters, then buffers
	params  int             // how many of tensors are parameters
	saved   [][]float32     // saved[i] is a copy of tensors[i]
}

// newGuard prepares the copies for the model's parameters and buffers.
func newGuard(m nn.Module) *guard {
	params := m.Parameters()
	g := &guard{tensors: append(params, m.Buffers()...), params: len(params)}
	g.saved = make([][]float32, len(g.tensors))
	for i, p := range g.tensors {
		g.saved[i] = make([]float32, p.Tensor.Numel())
	}
	return g
}

// guardFor returns g if it still covers exactly the model's parameters and
// buffers (the usual case when Fit is called again, epoch by epoch), or a
// new guard, so that repeated Fit calls do not reallocate the copies.
func guardFor(g *guard, m nn.Module) *guard {
	if g == nil {
		return newGuard(m)
	}
	params, buffers := m.Parameters(), m.Buffers()
	if len(params) != g.params || len(params)+len(buffers) != len(g.tensors) {
		return newGuard(m)
	}
	for i, p := range append(params, buffers...) {
		if p.Tensor != g.tensors[i].Tensor || p.Name != g.tensors[i].Name || p.Tensor.Numel() != len(g.saved[i]) {
			return newGuard(m)
		}
	}
	return g
}

// save copies the current values; Values reads contiguous tensors
// without copying them first. The copy is split between the goroutines
// as the optimizer's update is (tensor.Parallel): on one goroutine it was
// serial time in every step, about 20 µs of the MLP's step at batch 256
// (784-128-10), a fortieth of it.
func (g *guard) save() {
	for i, p := range g.tensors {
		src, dst := p.Tensor.Values(), g.saved[i]
		tensor.Parallel(len(src), func(lo, hi int) { copy(dst[lo:hi], src[lo:hi]) })
	}
}

// restore writes the saved values back.
func (g *guard) restore() {
	tensor.NoGrad(func() {
		for i, p := range g.tensors {
			if err := p.Tensor.UpdateInPlace(func(v []float32) { copy(v, g.saved[i]) }); err != nil {
				panic("train: restoring a parameter from its saved copy failed: " + err.Error())
			}
		}
	})
}

// firstNonFinite describes the first parameter or buffer that holds a NaN
// or an infinity, and returns that value. It sums squares with
// engine/vec's vector loop, whose result is finite exactly when every
// element is (a float32's square cannot overflow a float64, nor can a
// sum of fewer than 10²³⁰ of them), and looks at single elements only
// when that sum says something is wrong.
func (g *guard) firstNonFinite() (string, float64, bool) {
	for i, p := range g.tensors {
		v := p.Tensor.Values()
		if allFinite(v) {
			continue
		}
		for _, x := range v {
			if f := float64(x); math.IsNaN(f) || math.IsInf(f, 0) {
				kind := "parameter"
				if i >= g.params {
					kind = "buffer"
				}
				return fmt.Sprintf("%s %q after the optimizer step", kind, p.Name), f, true
			}
		}
	}
	return "", 0, false
}

// allFinite reports whether every element of v is finite, checking parts
// of v on the goroutines that updated them (see save).
func allFinite(v []float32) bool {
	var bad atomic.Bool
	tensor.Parallel(len(v), func(lo, hi int) {
		if !vec.AllFinite(v[lo:hi]) {
			bad.Store(true)
		}
	})
	return !bad.Load()
}
