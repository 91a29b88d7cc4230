//go:build js && wasm

package kernel

import (
	"runtime"
	"syscall/js"

	"tinytorch/engine/kernels"
	"tinytorch/engine/kernels/wasmsimd"
	"tinytorch/engine/tensor"
)

// Conv2d's forward pass and filters' gradient without columns
// (engine/kernels/wasmsimd's conv.go and conv_grad.go): each SIMD
// variant's module has its "conv" and "dotsConv", which give the bits of
// the columns' path with that variant's block and dots. The ones that run
// are the current matmul kernel's; with any other kernel in use (the Go
// kernels, chosen with tt.kernels.use) Conv2d unfolds its columns and
// multiplies as before.

// directConvs holds each SIMD variant's convolution by the variant's name.
var directConvs = map[string]*directConv{}

// directConvRuns and directConvGradRuns count the convolutions' forward
// passes, and the chunks of their filters' gradients, computed without
// columns, for tt.kernels.info().directConvs and directConvGrads.
var directConvRuns, directConvGradRuns int

// directConv calls one module's conv and dotsConv. Its buffers are
// reused from call to call: the kernel runs one cell at a time, on one
// thread.
type directConv struct {
	conv, dotsConv js.Value
	tmp            []float32 // the edge tiles' scratch, as block's
	ones           []float32 // the bias's row of B
	ap             []float32 // the filters, packed
	dots           []float32 // dotsConv's output, its rows padded
	tables         map[wasmsimd.ConvGeometry]*convTables
}

// convTables are wasmsimd.ConvTables's offsets for one geometry.
type convTables struct{ taps, bases, cbases []int32 }

// registerDirectConv makes the module's conv and dotsConv the convolution
// passes of the variant name, and installs runDirectConv and
// runDirectConvGrad in engine/tensor.
func registerDirectConv(name string, exports js.Value, tmp []float32) {
	directConvs[name] = &directConv{conv: exports.Get("conv"), dotsConv: exports.Get("dotsConv"), tmp: tmp,
		ones: []float32{1, 1, 1, 1, 1, 1, 1, 1}, tables: map[wasmsimd.ConvGeometry]*convTables{}}
	tensor.InstallDirectConv(runDirectConv, runDirectConvGrad)
}

// runDirectConv is tensor.DirectConvFunc with the current kernel's conv.
func runDirectConv(s tensor.ConvShape, x, filters, out []float32) bool {
	d := directConvs[kernels.Current()]
	return d != nil && d.forward(wasmsimd.ConvGeometry(s), x, filters, out)
}

// runDirectConvGrad is tensor.DirectConvGradFunc with the current kernel's
// dotsConv.
func runDirectConvGrad(s tensor.ConvShape, x, dy, out []float32) bool {
	d := directConvs[kernels.Current()]
	return d != nil && d.weightGrad(wasmsimd.ConvGeometry(s), x, dy, out)
}

// forward computes the convolution as kernels.Packed would order the
// product: k in near-equal slices of at most wasmsimd.KC steps, each
// slice's product added to the output in turn.
func (d *directConv) forward(g wasmsimd.ConvGeometry, x, filters, out []float32) bool {
	t := d.tablesFor(g)
	if t == nil || len(filters) != g.O*len(t.taps) {
		return false
	}
	k := len(t.taps)
	ho, wo := g.Out()
	step := kernels.KBlock(k, wasmsimd.KC)
	for pc := 0; pc < k; pc += step {
		kb := min(step, k-pc)
		ap := d.pack(filters, g.O, k, pc, kb)
		d.conv.Invoke(kb, g.O, len(t.cbases)*wasmsimd.NR, address(ap), address(x), address(out), ho*wo, float32(1),
			address(d.tmp), address(t.taps[pc:]), address(t.bases), address(t.cbases), address(d.ones))
	}
	runtime.KeepAlive(x)
	runtime.KeepAlive(out)
	directConvRuns++
	return true
}

// weightGrad computes out [O, k] = dY·Xᵀ with dotsConv, where
// kernels.Packed would use the module's dots (kernels.UseExternalDots):
// the same sums, and the same bits.
func (d *directConv) weightGrad(g wasmsimd.ConvGeometry, x, dy, out []float32) bool {
	t := d.tablesFor(g)
	ho, wo := g.Out()
	positions := g.N * ho * wo
	if t == nil || positions%4 != 0 || !kernels.UseExternalDots(false, true, g.O, positions, 1) {
		return false
	}
	n := len(t.taps)
	size, stride := wasmsimd.DotsFloats(g.O, n)
	if cap(d.dots) < size {
		d.dots = make([]float32, size)
	}
	d.dots = d.dots[:size]
	d.dotsConv.Invoke(g.O, n, positions, address(dy), positions, address(x), address(t.taps), address(d.dots),
		address(t.bases), address(d.ones))
	runtime.KeepAlive(x)
	runtime.KeepAlive(dy)
	for i := range g.O {
		copy(out[i*n:(i+1)*n], d.dots[i*stride:])
	}
	directConvGradRuns++
	return true
}

// tablesFor returns the offsets for g, made once per geometry, or nil
// when conv cannot compute g.
func (d *directConv) tablesFor(g wasmsimd.ConvGeometry) *convTables {
	if t, ok := d.tables[g]; ok {
		return t
	}
	taps, bases, cbases, ok := wasmsimd.ConvTables(g)
	if !ok {
		return nil
	}
	if len(d.tables) >= 16 { // a model has few shapes; a cell trying many should not grow this
		clear(d.tables)
	}
	t := &convTables{taps, bases, cbases}
	d.tables[g] = t
	return t
}

// pack lays out columns [pc, pc+kb) of the filters [o, k] as block's A
// (kernels.PackA), in a buffer reused from call to call.
func (d *directConv) pack(filters []float32, o, k, pc, kb int) []float32 {
	size := (o + wasmsimd.MR - 1) / wasmsimd.MR * wasmsimd.MR * kb
	if cap(d.ap) < size {
		d.ap = make([]float32, size)
	}
	ap := d.ap[:size]
	kernels.PackA(ap, filters, k, o, pc, kb, wasmsimd.MR)
	return ap
}
