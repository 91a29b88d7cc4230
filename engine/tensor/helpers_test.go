package tensor

import (
	"math"
	"testing"
)

// param makes a leaf tensor that requires grad.
func param(t *testing.T, data []float32, shape ...int) *Tensor {
	t.Helper()
	x, err := New(data, shape...)
	if err != nil {
		t.Fatal(err)
	}
	if err := x.SetRequiresGrad(true); err != nil {
		t.Fatal(err)
	}
	return x
}

// close32 reports whether got is within the fixture tolerance of want:
// 1e-5 relative, with 1e-6 absolute slack near zero.
func close32(got, want float64) bool {
	if math.IsNaN(want) {
		return math.IsNaN(got)
	}
	if math.IsInf(want, 0) {
		return got == want
	}
	return math.Abs(got-want) <= 1e-6+1e-5*math.Abs(want)
}

// wantData compares a tensor's shape and values.
func wantData(t *testing.T, what string, x *Tensor, shape []int, data []float32) {
	t.Helper()
	if x == nil {
		t.Fatalf("%s: tensor is nil", what)
	}
	if !sameShape(x.Shape(), shape) {
		t.Fatalf("%s: shape %v, want %v", what, x.Shape(), shape)
	}
	got := x.Data()
	for i := range got {
		if !close32(float64(got[i]), float64(data[i])) {
			t.Fatalf("%s: data %v, want %v", what, got, data)
		}
	}
}
