package quant

import (
	"math"
	"math/rand/v2"
	"testing"

	"tinytorch/engine/tensor"
)

// randomTensor draws values from N(mean, std²) with a fixed seed, with
// channel c of axis scaled by c+1 so per-channel scales differ.
func randomTensor(t testing.TB, seed uint64, shape []int, mean, std float64) *tensor.Tensor {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 7))
	n := 1
	for _, d := range shape {
		n *= d
	}
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(mean + std*r.NormFloat64()*float64(1+i%3))
	}
	x, err := tensor.New(v, shape...)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

var schemes = []Scheme{
	{},
	{Symmetric: true},
	{PerChannel: true, Axis: 0},
	{Symmetric: true, PerChannel: true, Axis: 1},
	{PerChannel: true, Axis: 2},
	{Symmetric: true, PerChannel: true, Axis: 2},
	{Bits: 4},
	{Symmetric: true, PerChannel: true, Axis: 0, Bits: 3},
}

// TestRoundTripWithinHalfScale checks the proven bound: for x inside the
// quantized range, |x - dq(q(x))| ≤ scale/2. The params come from a
// MinMax observer of x itself, so every x is inside. The slack covers
// float32's rounding of x·(1/scale) and of (q-z)·scale, a few ulps.
func TestRoundTripWithinHalfScale(t *testing.T) {
	for i, s := range schemes {
		for _, mean := range []float64{0, 3, -1} {
			x := randomTensor(t, uint64(i), []int{4, 5, 6}, mean, 2)
			p, err := WeightParams(x, s)
			if err != nil {
				t.Fatal(err)
			}
			q, err := Quantize(x, p)
			if err != nil {
				t.Fatal(err)
			}
			back := q.Dequantize().Data()
			ch := p.channelOf(x.Shape())
			worst := 0.0
			for j, v := range x.Data() {
				scale := float64(p.Scale[ch(j)])
				e := math.Abs(float64(v) - float64(back[j]))
				bound := scale/2 + 4*float64(math.Nextafter32(float32(math.Abs(float64(v))), float32(math.Inf(1)))-float32(math.Abs(float64(v))))
				if e > bound {
					t.Fatalf("%s mean %g: element %d = %v came back %v: error %g > scale/2 = %g", s, mean, j, v, back[j], e, scale/2)
				}
				worst = max(worst, e/scale)
			}
			if worst < 0.4 {
				t.Errorf("%s mean %g: worst error %.3f·scale; expected close to 0.5 (the bound is tight)", s, mean, worst)
			}
		}
	}
}

// TestQuantizeClampsOutsideRange: values beyond the range map to the
// nearest end, and 0 is exact whatever the scheme.
func TestQuantizeClampsOutsideRange(t *testing.T) {
	x, _ := tensor.New([]float32{-100, -1, 0, 0.5, 1, 100}, 6)
	for _, sym := range []bool{false, true} {
		scale, z := ChooseParams(-1, 1, Scheme{Symmetric: sym})
		q, err := Quantize(x, PerTensor(scale, z))
		if err != nil {
			t.Fatal(err)
		}
		if q.Data[0] != QMin || q.Data[5] != QMax {
			t.Errorf("symmetric=%v: -100 → %d and 100 → %d; expected %d and %d", sym, q.Data[0], q.Data[5], QMin, QMax)
		}
		if d := q.Dequantize().Data(); d[2] != 0 {
			t.Errorf("symmetric=%v: 0 came back as %v", sym, d[2])
		}
	}
}

// TestChooseParams checks the formulas against values worked by hand
// (and against torch.ao's MinMaxObserver for qint8).
func TestChooseParams(t *testing.T) {
	cases := []struct {
		lo, hi float32
		sym    bool
		scale  float32
		z      int32
	}{
		{-1, 1, true, 1 / 127.5, 0},
		{0, 2.55, false, 0.01, -128},
		{-2.55, 0, false, 0.01, 127},
		{1, 2, false, 2 / 255.0, -128}, // widened to include 0
		{-1, 3, false, 4 / 255.0, -64}, // -128 - round(-1/(4/255)) = -128 + 64
		{0, 0, false, eps, -128},
		{0, 0, true, eps, 0},
	}
	for _, c := range cases {
		s, z := ChooseParams(c.lo, c.hi, Scheme{Symmetric: c.sym})
		if math.Abs(float64(s-c.scale)) > 1e-7*float64(c.scale) || z != c.z {
			t.Errorf("ChooseParams(%g, %g, %v) = %g, %d; expected %g, %d", c.lo, c.hi, c.sym, s, z, c.scale, c.z)
		}
	}
}

func TestQuantizeErrors(t *testing.T) {
	x, _ := tensor.New(make([]float32, 6), 2, 3)
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"axis", second(Quantize(x, Params{Scale: []float32{1, 1}, ZeroPoint: []int32{0, 0}, Axis: 2})),
			"quant.Quantize: per-channel axis 2 does not exist in a tensor of shape [2, 3]; expected 0 ≤ axis < 2"},
		{"count", second(Quantize(x, Params{Scale: []float32{1, 1}, ZeroPoint: []int32{0, 0}, Axis: 1})),
			"2 scales for axis 1 of a tensor of shape [2, 3]; expected 3, one per channel"},
		{"per tensor count", second(Quantize(x, Params{Scale: []float32{1, 1}, ZeroPoint: []int32{0, 0}, Axis: -1})),
			"2 scales for a per-tensor quantization; expected 1"},
		{"no scale", second(Quantize(x, Params{Axis: -1})), "0 scales and 0 zero points"},
		{"scale", second(Quantize(x, PerTensor(-1, 0))), "scale[0] = -1; expected a finite scale > 0"},
		{"zero point", second(Quantize(x, PerTensor(1, 300))), "zero_point[0] = 300; expected -128 ≤ zero_point ≤ 127"},
		{"observer axis", NewMinMax(Scheme{PerChannel: true, Axis: 5}).Observe(x),
			"quant.MinMax.Observe: per-channel axis 5 does not exist in a tensor of shape [2, 3]; expected 0 ≤ axis < 2"},
		{"observer empty", second(NewMinMax(Scheme{}).Params()), "quant.MinMax: no calibration data observed; expected at least one batch"},
		{"percentile per channel", second(NewPercentile(Scheme{PerChannel: true}, 99)), "expected a per-tensor scheme"},
		{"percentile p", second(NewPercentile(Scheme{}, 101)), "percentile 101; expected 50 < p ≤ 100"},
	}
	for _, c := range cases {
		checkErr(t, c.name, c.err, c.want)
	}
	p, _ := NewPercentile(Scheme{}, 99)
	checkErr(t, "percentile empty", second(p.Params()), "quant.Percentile: no calibration data observed")
	o := NewMinMax(Scheme{PerChannel: true, Axis: 1})
	_ = o.Observe(x)
	y, _ := tensor.New(make([]float32, 8), 2, 4)
	checkErr(t, "channels changed", o.Observe(y), "has 4 channels along axis 1; expected 3, as before")
}

// TestPercentileIgnoresOutlier: one huge value stretches MinMax's scale
// a hundredfold but not the 99th percentile's.
func TestPercentileIgnoresOutlier(t *testing.T) {
	v := make([]float32, 1000)
	for i := range v {
		v[i] = float32(i%100) / 100 // 0 … 0.99
	}
	v[500] = 100
	x, _ := tensor.New(v, 1000)
	mm := NewMinMax(Scheme{})
	pc, _ := NewPercentile(Scheme{}, 99)
	for _, o := range []Observer{mm, pc} {
		if err := o.Observe(x); err != nil {
			t.Fatal(err)
		}
	}
	a, _ := mm.Params()
	b, _ := pc.Params()
	if math.Abs(float64(a.Scale[0])-100/255.0) > 1e-6 {
		t.Errorf("MinMax scale %g; expected 100/255", a.Scale[0])
	}
	if b.Scale[0] > 1.0/255 || b.Scale[0] < 0.9/255 {
		t.Errorf("Percentile(99) scale %g; expected about 0.99/255 (the outlier ignored)", b.Scale[0])
	}
}

// TestQuantizeIntoMatchesQuantizeValue: the layers' SIMD loop
// (int8mm.Quantize, AVX2 natively) gives the integers of the reference
// rounding, for ties, values far outside the range, infinities, NaN and
// every bit width, at every position of a vector and in the scalar tail.
func TestQuantizeIntoMatchesQuantizeValue(t *testing.T) {
	v := []float32{0, float32(math.Copysign(0, -1)), 0.5, -0.5, 1.5, 2.5, -2.5, 126.5, 127.5, -128.5, 1e9, -1e9, 1e30,
		float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), 3.7, -3.7, 1e-45, -1e-45}
	x := randomTensor(t, 3, []int{200}, 0, 40)
	v = append(v, x.Data()...)
	for i := range 64 { // ties at every half step, in every lane
		v = append(v, float32(i-32)+0.5, -float32(i*4)-0.5)
	}
	for _, bits := range []int{8, 7, 6, 5, 4, 3, 2} {
		for _, scale := range []float32{1, 0.25, 0.1, 3} {
			qmin, qmax := qrange(bits)
			for _, z := range []int32{0, -1, 1, qmin, qmax} {
				p := PerTensor(scale, z)
				p.Bits = bits
				tied := make([]float32, len(v))
				for i, f := range v {
					tied[i] = f * scale // x·(1/scale) lands on the ties above when scale is a power of two
				}
				for _, n := range []int{len(tied), 33, 31, 1} {
					got := quantizeInto(nil, tied[:n], p)
					for i, f := range tied[:n] {
						if want := quantizeValue(f, 1/scale, z, qmin, qmax); got[i] != want {
							t.Fatalf("%d bits, scale %v, zero point %d: x[%d] = %v → %d; expected %d", bits, scale, z, i, f, got[i], want)
						}
					}
				}
			}
		}
	}
}
