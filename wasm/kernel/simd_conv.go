//go:build js && wasm

package kernel

import (
	"runtime"
	"syscall/js"

	"tinytorch/engine/kernels"
	"tinytorch/engine/kernels/wasmsimd"
	"tinytorch/engine/tensor"
)

// Conv2d's forward pass without columns (engine/kernels/wasmsimd's
// conv.go): each SIMD variant's module has its "conv", which gives the
// bits of the columns' path with that variant's block. The one that runs
// is the current matmul kernel's; with any other kernel in use (the Go
// kernels, chosen with tt.kernels.use) Conv2d unfolds its columns and
// multiplies as before.

// directConvs holds each SIMD variant's convolution by the variant's name.
var directConvs = map[string]*directConv{}

// directConvRuns counts the convolutions computed without columns, for
// tt.kernels.info().directConvs.
var directConvRuns int

// directConv calls one module's conv. Its buffers are reused from call to
// call: the kernel runs one cell at a time, on one thread.
type directConv struct {
	conv     js.Value
	tmp      []float32 // the edge tiles' scratch, as block's
	ones     []float32 // the bias's row of B
	ap       []float32 // the filters, packed
	geometry wasmsimd.ConvGeometry
	taps     []int32 // the last geometry's offsets (wasmsimd.ConvTables)
	bases    []int32
	cbases   []int32
}

// registerDirectConv makes the module's conv the convolution of the
// variant name, and installs runDirectConv in engine/tensor.
func registerDirectConv(name string, exports js.Value, tmp []float32) {
	directConvs[name] = &directConv{conv: exports.Get("conv"), tmp: tmp,
		ones: []float32{1, 1, 1, 1, 1, 1, 1, 1}}
	tensor.InstallDirectConv(runDirectConv)
}

// runDirectConv is tensor.DirectConvFunc with the current kernel's conv.
func runDirectConv(s tensor.ConvShape, x, filters, out []float32) bool {
	d := directConvs[kernels.Current()]
	return d != nil && d.run(wasmsimd.ConvGeometry(s), x, filters, out)
}

// run computes the convolution as kernels.Packed would order the
// product: k in near-equal slices of at most wasmsimd.KC steps, each
// slice's product added to the output in turn.
func (d *directConv) run(g wasmsimd.ConvGeometry, x, filters, out []float32) bool {
	if !d.tables(g) || len(filters) != g.O*len(d.taps) {
		return false
	}
	k := len(d.taps)
	ho, wo := g.Out()
	slices := (k + wasmsimd.KC - 1) / wasmsimd.KC
	step := (k + slices - 1) / slices
	for pc := 0; pc < k; pc += step {
		kb := min(step, k-pc)
		ap := d.pack(filters, g.O, k, pc, kb)
		d.conv.Invoke(kb, g.O, len(d.bases)*wasmsimd.NR, address(ap), address(x), address(out), ho*wo, float32(1),
			address(d.tmp), address(d.taps[pc:]), address(d.bases), address(d.cbases), address(d.ones))
	}
	runtime.KeepAlive(x)
	runtime.KeepAlive(out)
	directConvRuns++
	return true
}

// tables sets d's offsets for g, unless they are g's already, and says
// whether conv can compute g.
func (d *directConv) tables(g wasmsimd.ConvGeometry) bool {
	if d.taps != nil && d.geometry == g {
		return true
	}
	taps, bases, cbases, ok := wasmsimd.ConvTables(g)
	if !ok {
		return false
	}
	d.geometry, d.taps, d.bases, d.cbases = g, taps, bases, cbases
	return true
}

// pack lays out columns [pc, pc+kb) of the filters [o, k] as block's A:
// panels of wasmsimd.MR rows, step p holding the panel's rows' column p,
// zero rows padding the last panel.
func (d *directConv) pack(filters []float32, o, k, pc, kb int) []float32 {
	rows := (o + wasmsimd.MR - 1) / wasmsimd.MR * wasmsimd.MR
	if cap(d.ap) < rows*kb {
		d.ap = make([]float32, rows*kb)
	}
	ap := d.ap[:rows*kb]
	clear(ap)
	for r := range o {
		panel := ap[r/wasmsimd.MR*wasmsimd.MR*kb:]
		for p := range kb {
			panel[p*wasmsimd.MR+r%wasmsimd.MR] = filters[r*k+pc+p]
		}
	}
	return ap
}
