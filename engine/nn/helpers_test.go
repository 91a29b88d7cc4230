package nn

import (
	"math"
	"slices"
	"testing"

	"tinytorch/engine/tensor"
)

// tensorOf makes a tensor from values.
func tensorOf(data []float32, shape ...int) *tensor.Tensor {
	return must(tensor.New(data, shape...))
}

// wantClose compares a tensor with expected values at the fixture
// tolerance: 1e-5 relative with 1e-6 absolute slack near zero (looser
// where a caller documents why).
func wantClose(t *testing.T, what string, got *tensor.Tensor, shape []int, want []float32, rtol float64) {
	t.Helper()
	if got == nil {
		t.Fatalf("%s: tensor is nil", what)
	}
	if !slices.Equal(got.Shape(), shape) {
		t.Fatalf("%s: shape %v, want %v", what, got.Shape(), shape)
	}
	for i, v := range got.Data() {
		w := float64(want[i])
		atol := 0.0
		if rtol > 0 {
			atol = 1e-6
		}
		if math.Abs(float64(v)-w) > atol+rtol*math.Abs(w) {
			t.Fatalf("%s: element %d is %v, want %v (rtol %g)", what, i, v, w, rtol)
		}
	}
}
