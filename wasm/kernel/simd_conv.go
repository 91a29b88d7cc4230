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

// directConvRuns, directConvGradRuns and directInputGradRuns count the
// convolutions' forward passes, and the chunks of their filters' and
// input's gradients, computed without columns, for tt.kernels.info()'s
// directConvs, directConvGrads and directInputGrads.
var directConvRuns, directConvGradRuns, directInputGradRuns int

// directConv calls one module's conv, dotsConv and convInputGrad1, 2
// and 3. Its buffers are reused from call to
// call: the kernel runs one cell at a time, on one thread.
type directConv struct {
	conv, dotsConv js.Value
	convInputGrad  [4]js.Value // convInputGrad1, 2 and 3 at 1, 2 and 3
	groupWeights   []float32   // their weights (wasmsimd.ConvInputGroupWeights)
	groupTmp       []float32   // their scratch
	tmp            []float32   // the edge tiles' scratch, as block's
	ones           []float32   // the bias's row of B
	ap             []float32   // the filters, packed
	dots           []float32   // dotsConv's output, its rows padded
	padded         []float32   // the input with its padding (ConvGeometry.PadInput)
	wide           []float32   // conv's output in the wide layout
	layouts        map[wasmsimd.ConvGeometry]*convLayouts
}

// convLayouts are one geometry's layouts (nil where there is none): the
// forward pass's, and the filters' gradient's.
type convLayouts struct{ forward, weightGrad *wasmsimd.ConvLayout }

// maxWideWork bounds the work of the wide layout: its positions per
// sample over the outputs'. The milestone's LeNet pads its first
// convolution by 2 (outputs 28 wide, 32 positions): 1.14 times the work,
// and in Chromium 0.90–1.34 ms at batch 64 instead of the columns'
// 1.22–1.68. Its second (outputs 10 wide on inputs 14 wide) would be
// 1.44 times, and was no faster than the columns (1.17–1.62 against
// 1.06–1.57 ms); in training it would also leave the backward pass to
// unfold the columns again.
const maxWideWork = 1.25

// registerDirectConv makes the module's conv and dotsConv the convolution
// passes of the variant name, and installs runDirectConv and
// runDirectConvGrad in engine/tensor.
func registerDirectConv(name string, exports js.Value, tmp []float32) {
	directConvs[name] = &directConv{conv: exports.Get("conv"), dotsConv: exports.Get("dotsConv"),
		convInputGrad: [4]js.Value{1: exports.Get("convInputGrad1"), 2: exports.Get("convInputGrad2"), 3: exports.Get("convInputGrad3")},
		groupTmp:      make([]float32, wasmsimd.ConvInputTmpFloats),
		tmp:           tmp, ones: []float32{1, 1, 1, 1, 1, 1, 1, 1}, layouts: map[wasmsimd.ConvGeometry]*convLayouts{}}
	tensor.InstallDirectConv(runDirectConv, runDirectConvGrad)
	tensor.InstallDirectInputGrad(runDirectInputGrad)
}

// runDirectInputGrad is tensor.DirectInputGradFunc with the current
// kernel's convInputGrad1, 2 and 3.
func runDirectInputGrad(s tensor.ConvShape, filters, dy, img []float32, blocks []int32) bool {
	d := directConvs[kernels.Current()]
	return d != nil && d.inputGrad(s, filters, dy, img, blocks)
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
	l := d.layoutsFor(g).forward
	if l == nil || len(filters) != g.O*len(l.Taps) {
		return false
	}
	in := d.input(g, l, x)
	dst := out
	if l.Wide {
		d.wide = grow(d.wide, g.N*g.O*l.Positions)
		dst = d.wide
		clear(dst)
	}
	k := len(l.Taps)
	step := kernels.KBlock(k, wasmsimd.KC)
	for pc := 0; pc < k; pc += step {
		kb := min(step, k-pc)
		ap := d.pack(filters, g.O, k, pc, kb)
		d.conv.Invoke(kb, g.O, len(l.CBases)*wasmsimd.NR, address(ap), address(in), address(dst), l.Positions, float32(1),
			address(d.tmp), address(l.Taps[pc:]), address(l.Bases), address(l.CBases), address(d.ones))
	}
	runtime.KeepAlive(in)
	runtime.KeepAlive(dst)
	if l.Wide {
		g.FromWide(*l, dst, out)
	}
	directConvRuns++
	return true
}

// weightGrad computes out [O, k] = dY·Xᵀ with dotsConv, where
// kernels.Packed would use the module's dots (kernels.UseExternalDots):
// the same sums, and the same bits.
func (d *directConv) weightGrad(g wasmsimd.ConvGeometry, x, dy, out []float32) bool {
	l := d.layoutsFor(g).weightGrad
	if l == nil {
		return false
	}
	positions := g.N * l.Positions
	if !kernels.UseExternalDots(false, true, g.O, positions, 1) {
		return false
	}
	in := d.input(g, l, x)
	n := len(l.Taps)
	size, stride := wasmsimd.DotsFloats(g.O, n)
	d.dots = grow(d.dots, size)
	d.dotsConv.Invoke(g.O, n, positions, address(dy), positions, address(in), address(l.Taps), address(d.dots),
		address(l.Bases), address(d.ones))
	runtime.KeepAlive(in)
	runtime.KeepAlive(dy)
	for i := range g.O {
		copy(out[i*n:(i+1)*n], d.dots[i*stride:])
	}
	directConvGradRuns++
	return true
}

// inputGrad adds col2im(Wᵀ·dY) to img, where kernels.Packed would
// multiply with block and unfold.wat would add the columns: the same sums
// in the same order, and the same bits. The input channels go in groups
// (wasmsimd.ConvInputGroups) to convInputGrad3, 2 or 1, which load each
// float of dY once for the group. The sums need the O steps of the
// product in one slice of block's k loop, and the floats after dy that
// the modules read.
func (d *directConv) inputGrad(s tensor.ConvShape, filters, dy, img []float32, blocks []int32) bool {
	perChannel := len(blocks) / max(1, s.C) // each channel has the same blocks
	if s.O < 1 || s.O > wasmsimd.KC || cap(dy)-len(dy) < wasmsimd.ConvInputFloatsAfter ||
		s.C == 0 || perChannel*s.C != len(blocks) || perChannel%wasmsimd.BlockFields != 0 {
		return false
	}
	k, width := len(filters)/s.O, len(dy)/s.O
	c := 0
	for _, group := range wasmsimd.ConvInputGroups(s.C) {
		bl := blocks[c*perChannel : (c+1)*perChannel]
		d.groupWeights = wasmsimd.ConvInputGroupWeights(d.groupWeights, filters, k, s.O, s.KH*s.KW, width, group, bl)
		d.convInputGrad[group].Invoke(address(d.groupWeights), s.O, address(dy), width, address(img), address(bl),
			len(bl)/wasmsimd.BlockFields, s.H*s.W, address(d.groupTmp))
		c += group
	}
	runtime.KeepAlive(dy)
	runtime.KeepAlive(img)
	runtime.KeepAlive(blocks)
	directInputGradRuns++
	return true
}

// input returns what the module reads for x in the layout l: x itself,
// or a copy with its padding (and, for the wide layout, the floats past
// the last row that its last positions read).
func (d *directConv) input(g wasmsimd.ConvGeometry, l *wasmsimd.ConvLayout, x []float32) []float32 {
	if !l.Wide && g.PH == 0 && g.PW == 0 {
		return x
	}
	d.padded = grow(d.padded, l.InFloats)
	g.PadInput(*l, x, d.padded)
	return d.padded
}

// layoutsFor returns the layouts of g, made once per geometry. The
// forward pass takes the exact layout when conv can use it, else the wide
// one when it does at most maxWideWork times the outputs' work; the
// filters' gradient takes the exact layout.
func (d *directConv) layoutsFor(g wasmsimd.ConvGeometry) *convLayouts {
	if ls, ok := d.layouts[g]; ok {
		return ls
	}
	ls := &convLayouts{}
	if l, ok := wasmsimd.ConvTables(g); ok {
		ls.weightGrad = &l
		if l.CBases != nil {
			ls.forward = &l
		}
	}
	if ho, wo := g.Out(); ls.forward == nil {
		if l, ok := wasmsimd.WideConvTables(g); ok && float64(l.Positions) <= maxWideWork*float64(ho*wo) {
			ls.forward = &l
		}
	}
	if len(d.layouts) >= 16 { // a model has few shapes; a cell trying many should not grow this
		clear(d.layouts)
	}
	d.layouts[g] = ls
	return ls
}

// pack lays out columns [pc, pc+kb) of the filters [o, k] as block's A
// (kernels.PackA), in a buffer reused from call to call.
func (d *directConv) pack(filters []float32, o, k, pc, kb int) []float32 {
	d.ap = grow(d.ap, (o+wasmsimd.MR-1)/wasmsimd.MR*wasmsimd.MR*kb)
	kernels.PackA(d.ap, filters, k, o, pc, kb, wasmsimd.MR)
	return d.ap
}
