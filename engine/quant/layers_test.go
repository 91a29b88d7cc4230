package quant

import (
	"fmt"
	"math"
	"testing"

	"tinytorch/engine/kernels"
	"tinytorch/engine/kernels/int8mm"
	"tinytorch/engine/nn"
	"tinytorch/engine/tensor"
)

// closeTo fails unless got and want agree to float32 rounding of sums of
// k terms.
func closeTo(t *testing.T, what string, got, want []float32, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, expected %d", what, len(got), len(want))
	}
	for i := range got {
		if d := math.Abs(float64(got[i] - want[i])); d > tol*(1+math.Abs(float64(want[i]))) {
			t.Fatalf("%s[%d] = %v, expected %v (difference %g)", what, i, got[i], want[i], d)
		}
	}
}

// dq quantizes and dequantizes x with p: the values the integer layer
// really multiplies.
func dq(t *testing.T, x *tensor.Tensor, p Params) *tensor.Tensor {
	t.Helper()
	q, err := Quantize(x, p)
	if err != nil {
		t.Fatal(err)
	}
	return q.Dequantize()
}

var weightSchemes = []Scheme{
	{Symmetric: true, PerChannel: true},
	{PerChannel: true},
	{Symmetric: true},
	{},
}

// TestLinearIntegerPathIsExact: the int8 layer computes exactly the float
// layer applied to the dequantized input and weight (up to float32
// rounding of the final scaling), for every weight scheme and for inputs
// with a nonzero zero point: the zero-point corrections of the integer
// sum are right.
func TestLinearIntegerPathIsExact(t *testing.T) {
	tensor.ManualSeed(3)
	f, _ := nn.NewLinear(37, 11, true)
	x := randomTensor(t, 1, []int{5, 37}, 0.7, 1)
	in, _ := WeightParams(x, Scheme{}) // affine: zero point ≠ 0
	if in.ZeroPoint[0] == 0 {
		t.Fatal("the test needs an input zero point ≠ 0")
	}
	for _, s := range weightSchemes {
		q, err := NewLinear(f, s, in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := q.Forward(x)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := linearWith(dq(t, x, in), q.Weight.Dequantize(), f.Bias)
		closeTo(t, s.String(), got.Data(), want.Data(), 1e-5)
		// And close to the float layer: within what int8 rounding costs.
		exact, _ := f.Forward(x)
		closeTo(t, s.String()+" vs float", got.Data(), exact.Data(), 0.05)
	}
}

// TestLinearLeadingDims keeps the leading dimensions as nn.Linear does.
func TestLinearLeadingDims(t *testing.T) {
	f, _ := nn.NewLinear(4, 3, false)
	q, err := NewLinear(f, DefaultConfig().Weight, PerTensor(0.01, 3))
	if err != nil {
		t.Fatal(err)
	}
	y, err := q.Forward(randomTensor(t, 2, []int{2, 5, 4}, 0, 1))
	if err != nil {
		t.Fatal(err)
	}
	if s := y.Shape(); len(s) != 3 || s[0] != 2 || s[1] != 5 || s[2] != 3 {
		t.Fatalf("shape %v; expected [2, 5, 3]", s)
	}
	checkErr(t, "wrong width", second(q.Forward(randomTensor(t, 2, []int{2, 5}, 0, 1))), "expected input [*, 4] (last dimension 4 features), got [2, 5]")
}

// TestConv2dIntegerPathIsExact: as for Linear, with padding (zeros must
// quantize to the zero point exactly), stride and dilation.
func TestConv2dIntegerPathIsExact(t *testing.T) {
	tensor.ManualSeed(4)
	for _, o := range []nn.ConvOptions{{}, {Padding: 2}, {Stride: 2, Padding: 1}, {Dilation: 2, NoBias: true}} {
		f, _ := nn.NewConv2d(3, 5, 3, o)
		x := randomTensor(t, 5, []int{2, 3, 9, 8}, 0.5, 1)
		in, _ := WeightParams(x, Scheme{})
		for _, s := range weightSchemes {
			q, err := NewConv2d(f, s, in)
			if err != nil {
				t.Fatal(err)
			}
			got, err := q.Forward(x)
			if err != nil {
				t.Fatal(err)
			}
			ref := &nn.Conv2d{Kernel: 3, Opts: f.Opts}
			_ = ref
			want, err := dq(t, x, in).Conv2d(q.Weight.Dequantize(), f.Bias, q.window())
			if err != nil {
				t.Fatal(err)
			}
			if gs, ws := got.Shape(), want.Shape(); tensor.FormatShape(gs) != tensor.FormatShape(ws) {
				t.Fatalf("shape %v; expected %v", gs, ws)
			}
			closeTo(t, s.String(), got.Data(), want.Data(), 1e-5)
		}
	}
}

// TestForwardQRequantizes: the int8 → int8 path gives exactly the float
// path's output quantized with the output params, and ReluQ is ReLU.
func TestForwardQRequantizes(t *testing.T) {
	tensor.ManualSeed(5)
	f, _ := nn.NewLinear(20, 6, true)
	x := randomTensor(t, 3, []int{4, 20}, 0, 1)
	in, _ := WeightParams(x, Scheme{})
	l, _ := NewLinear(f, DefaultConfig().Weight, in)
	yf, _ := l.Forward(x)
	out, _ := WeightParams(yf, Scheme{})
	xq, _ := Quantize(x, in)
	yq, err := l.ForwardQ(xq, out)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := Quantize(yf, out)
	for i := range want.Data {
		if yq.Data[i] != want.Data[i] {
			t.Fatalf("element %d: %d; expected %d", i, yq.Data[i], want.Data[i])
		}
	}
	r := ReluQ(yq).Dequantize().Data()
	d := yq.Dequantize().Data()
	for i := range r {
		if r[i] != max(d[i], 0) {
			t.Fatalf("ReluQ element %d: %v; expected max(%v, 0)", i, r[i], d[i])
		}
	}
	checkErr(t, "per-channel input", second(l.ForwardQ(&QTensor{Data: xq.Data, Shape: xq.Shape, Params: Params{Scale: make([]float32, 4), ZeroPoint: make([]int32, 4), Axis: 0}}, out)),
		"expected one per-tensor scale")
}

// TestKernelsAgree: the quantized layer gives the same bits on every
// int8mm kernel (they are exact).
func TestKernelsAgree(t *testing.T) {
	tensor.ManualSeed(6)
	f, _ := nn.NewLinear(130, 17, true)
	x := randomTensor(t, 4, []int{9, 130}, 0.2, 1)
	in, _ := WeightParams(x, Scheme{})
	l, _ := NewLinear(f, DefaultConfig().Weight, in)
	defer func(name string) { _ = int8mm.Use(name) }(int8mm.Name())
	var first []float32
	for _, name := range int8mm.Names() {
		if err := int8mm.Use(name); err != nil {
			t.Fatal(err)
		}
		y, _ := l.Forward(x)
		if first == nil {
			first = y.Data()
			continue
		}
		same(t, name, y.Data(), first)
	}
}

// TestLinearPathsExact: every path of a Linear's forward pass gives the
// bits of the int64 reference below: the product split across goroutines
// (rows of A), the one-call int32 dequantization of symmetric weights, its
// per-row variant for weights with zero points, and the int64 path for
// rows too long for int32 (k > int8mm.DequantizeMaxK).
func TestLinearPathsExact(t *testing.T) {
	cases := []struct {
		name    string
		m, n, k int
		weight  Scheme
	}{
		{"parallel, symmetric per channel", 64, 32, 600, DefaultConfig().Weight},
		{"affine per-channel weights", 5, 19, 70, Scheme{PerChannel: true}},
		{"affine per-tensor weights, 4 bits", 3, 9, 33, Scheme{Bits: 4}},
		{"k past DequantizeMaxK", 2, 3, int8mm.DequantizeMaxK + 5, Scheme{}},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tensor.ManualSeed(uint64(8 + i))
			f, _ := nn.NewLinear(c.k, c.n, true)
			x := randomTensor(t, uint64(6+i), []int{c.m, c.k}, 0.3, 1)
			in, _ := WeightParams(x, Scheme{})
			if c.k > int8mm.DequantizeMaxK {
				// The largest centred sum there is: inputs and weights all
				// 1, quantized to 127 with zero point -128, so every term
				// is 255·255 and the sum, k·65025, is past int32.
				x, _ = tensor.Full(1, c.m, c.k)
				w := make([]float32, c.n*c.k)
				for j := 1; j < len(w); j++ {
					w[j] = 1 // and w[0] = 0, which puts 0 in the range
				}
				f.Weight, _ = tensor.New(w, c.n, c.k)
				in = PerTensor(1.0/255, -128)
			}
			l, err := NewLinear(f, c.weight, in)
			if err != nil {
				t.Fatal(err)
			}
			if c.m == 64 && c.m*c.n*c.k < parallelMACs {
				t.Fatal("the case is too small to take the parallel path")
			}
			// The parallel path splits the rows between the matmul's
			// goroutines: on 1, 2 or 3 of them, the same exact sums.
			defer kernels.SetThreads(kernels.Threads())
			for _, threads := range []int{1, 2, 3} {
				kernels.SetThreads(threads)
				got, err := l.Forward(x)
				if err != nil {
					t.Fatal(err)
				}
				same(t, fmt.Sprintf("%s on %d threads", c.name, threads), got.Data(), linearReference(l, x, in, f.Bias.Data()))
			}
		})
	}
}

// linearReference computes a quantized Linear's output in int64 from the
// definition (the package doc): quantize, multiply, centre, scale, add
// the bias.
func linearReference(l *Linear, x *tensor.Tensor, in Params, bias []float32) []float32 {
	m, n, k := x.Shape()[0], l.Out, l.In
	a := make([]int8, m*k)
	qmin, qmax := in.Range()
	for i, v := range x.Data() {
		a[i] = quantizeValue(v, 1/in.Scale[0], in.ZeroPoint[0], qmin, qmax)
	}
	w, za := l.Weight, int64(in.ZeroPoint[0])
	want := make([]float32, m*n)
	for i := range m {
		for j := range n {
			ch := 0
			if w.Params.Axis == 0 {
				ch = j
			}
			zw := int64(w.Params.ZeroPoint[ch])
			var c int64
			for p := range k {
				c += (int64(a[i*k+p]) - za) * (int64(w.Data[j*k+p]) - zw)
			}
			want[i*n+j] = float32(c)*(in.Scale[0]*w.Params.Scale[ch]) + bias[j]
		}
	}
	return want
}

// TestLinearNarrowInputs: a Linear whose input is quantized to 7 bits or
// fewer multiplies on int8mm's 7-bit path (Packed.MatMulNarrow), one of 8
// bits on the full-range one, and both give the int64 reference's bits,
// with every int8 kernel of this machine. The reference kernel panics
// when a value outside [-64, 63] reaches the 7-bit path, so an 8-bit input
// sent there, or a 7-bit one not clamped to its range, fails here. The
// inputs reach past the calibrated range, so the extremes of each range
// occur.
func TestLinearNarrowInputs(t *testing.T) {
	defer int8mm.Use(int8mm.Name())
	for i, bits := range []int{8, 7, 4} {
		for _, shape := range [][3]int{{3, 9, 37}, {64, 32, 600}} {
			m, n, k := shape[0], shape[1], shape[2]
			tensor.ManualSeed(uint64(30 + i))
			f, _ := nn.NewLinear(k, n, true)
			calib := randomTensor(t, uint64(31+i), []int{m, k}, 0.3, 1)
			in, _ := WeightParams(calib, Scheme{Bits: bits})
			x := randomTensor(t, uint64(41+i), []int{m, k}, 0.5, 1) // past calib's range
			l, err := NewLinear(f, DefaultConfig().Weight, in)
			if err != nil {
				t.Fatal(err)
			}
			want := linearReference(l, x, in, f.Bias.Data())
			for _, kernel := range int8mm.Names() {
				if err := int8mm.Use(kernel); err != nil {
					t.Fatal(err)
				}
				got, err := l.Forward(x)
				if err != nil {
					t.Fatal(err)
				}
				same(t, fmt.Sprintf("%d-bit input, %d×%d×%d, %s", bits, m, n, k, kernel), got.Data(), want)
			}
		}
	}
}

// TestNarrowInput: inputs of 7 bits or fewer take the 7-bit path, of 8 bits
// (0 means 8) the full-range one.
func TestNarrowInput(t *testing.T) {
	for bits, want := range map[int]bool{0: false, 8: false, 7: true, 6: true, 2: true} {
		if got := narrowInput(Params{Scale: []float32{1}, ZeroPoint: []int32{0}, Axis: -1, Bits: bits}); got != want {
			t.Errorf("narrowInput(%d bits) = %v, want %v", bits, got, want)
		}
	}
}
