package quant

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"tinytorch/engine/gradcheck"
	"tinytorch/engine/tensor"
)

// fixture is one case of testdata/fakequant.json (tools/torchref/quantref.py).
type fixture struct {
	Name, Kind           string
	X, Y, GradOut, GradX struct {
		Shape []int
		Data  []float32
	}
	Scale              []float32
	ZeroPoint          []int32 `json:"zero_point"`
	Axis               int
	QuantMin, QuantMax int32
}

func (f *fixture) UnmarshalJSON(b []byte) error {
	type plain fixture
	var aux struct {
		plain
		GradOut  json.RawMessage `json:"grad_out"`
		GradX    json.RawMessage `json:"grad_x"`
		QuantMin int32           `json:"quant_min"`
		QuantMax int32           `json:"quant_max"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	*f = fixture(aux.plain)
	f.QuantMin, f.QuantMax = aux.QuantMin, aux.QuantMax
	if err := json.Unmarshal(aux.GradOut, &f.GradOut); err != nil {
		return err
	}
	return json.Unmarshal(aux.GradX, &f.GradX)
}

func loadFixtures(t *testing.T) []fixture {
	t.Helper()
	raw, err := os.ReadFile("testdata/fakequant.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct{ Cases []fixture }
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	if len(file.Cases) < 9 {
		t.Fatalf("%d fixture cases, expected 9", len(file.Cases))
	}
	return file.Cases
}

// TestFakeQuantizeMatchesTorch compares the forward values and the
// straight-through gradient with PyTorch's, exactly: both round x·(1/s)
// half to even in float32 and scale back with one float32 product.
func TestFakeQuantizeMatchesTorch(t *testing.T) {
	for _, c := range loadFixtures(t) {
		t.Run(c.Name, func(t *testing.T) {
			x, err := tensor.New(c.X.Data, c.X.Shape...)
			if err != nil {
				t.Fatal(err)
			}
			if err := x.SetRequiresGrad(true); err != nil {
				t.Fatal(err)
			}
			var y *tensor.Tensor
			if c.Kind == "per_tensor" {
				y, err = FakeQuantizePerTensorAffine(x, c.Scale[0], c.ZeroPoint[0], c.QuantMin, c.QuantMax)
			} else {
				y, err = FakeQuantizePerChannelAffine(x, c.Scale, c.ZeroPoint, c.Axis, c.QuantMin, c.QuantMax)
			}
			if err != nil {
				t.Fatal(err)
			}
			g, _ := tensor.New(c.GradOut.Data, c.GradOut.Shape...)
			if err := y.BackwardWith(tensor.BackwardOptions{Gradient: g}); err != nil {
				t.Fatal(err)
			}
			same(t, "forward", y.Data(), c.Y.Data)
			same(t, "grad", x.Grad().Data(), c.GradX.Data)
		})
	}
}

func same(t *testing.T, what string, got, want []float32) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, torch has %d", what, len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("%s[%d] = %v, torch gives %v", what, i, got[i], want[i])
		}
	}
}

// TestFakeQuantizeSTEMask checks the straight-through mask at the edges
// of the range, decided after rounding as PyTorch does.
func TestFakeQuantizeSTEMask(t *testing.T) {
	x, _ := tensor.New([]float32{-20, -12.74, -0.26, 0, 0.24, 0.76, 12.7, 12.76, 30}, 9)
	_ = x.SetRequiresGrad(true)
	y, err := FakeQuantizePerTensorAffine(x, 0.1, 0, -128, 127)
	if err != nil {
		t.Fatal(err)
	}
	sum, _ := y.Sum(nil, false)
	if err := sum.Backward(); err != nil {
		t.Fatal(err)
	}
	// -12.74/0.1 rounds to -127 (inside), 12.76 to 128 (clamped), 12.7 to 127.
	want := []float32{0, 1, 1, 1, 1, 1, 1, 0, 0}
	same(t, "grad", x.Grad().Data(), want)
	// With steps far below gradcheck's h, central differences see the
	// identity inside the range: the STE's slope 1, per element.
	w, _ := tensor.New([]float32{1, -2, 3}, 3)
	xs, _ := tensor.New([]float32{-0.33, 0.21, 0.47}, 3)
	_ = xs.SetRequiresGrad(true)
	err = gradcheck.Check(func() (*tensor.Tensor, error) {
		return FakeQuantizePerTensorAffine(xs, 1e-4, 0, -32768, 32767) // steps far below gradcheck's h
	}, w, []*tensor.Tensor{xs}, []string{"x"})
	if err != nil {
		t.Fatal(err)
	}
}

func TestFakeQuantizeErrors(t *testing.T) {
	x, _ := tensor.New(make([]float32, 6), 2, 3)
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"axis", second(FakeQuantizePerChannelAffine(x, []float32{1, 1}, []int32{0, 0}, 2, -128, 127)), "per-channel axis 2 does not exist in a tensor of shape [2, 3]; expected 0 ≤ axis < 2"},
		{"count", second(FakeQuantizePerChannelAffine(x, []float32{1, 1}, []int32{0, 0}, 1, -128, 127)), "2 scales and 2 zero points for axis 1 of a tensor of shape [2, 3]; expected 3 of each"},
		{"scale", second(FakeQuantizePerTensorAffine(x, 0, 0, -128, 127)), "scale[0] = 0; expected a finite scale > 0"},
		{"nan scale", second(FakeQuantizePerTensorAffine(x, float32(math.NaN()), 0, -128, 127)), "expected a finite scale > 0"},
		{"zero point", second(FakeQuantizePerTensorAffine(x, 1, 200, -128, 127)), "zero_point[0] = 200; expected quant_min (-128) ≤ zero_point ≤ quant_max (127)"},
		{"range", second(FakeQuantizePerTensorAffine(x, 1, 0, 5, -5)), "quant_min 5 > quant_max -5"},
	}
	for _, c := range cases {
		checkErr(t, c.name, c.err, c.want)
	}
}
