package nn

import (
	"slices"
	"testing"

	"tinytorch/engine/tensor"
)

// PyTorch allows layers with no features: Linear(0, n) outputs its bias,
// which is zeros (the init bound is 0 without inputs), and
// Embedding(n, 0) looks up empty rows.
func TestLayersWithNoFeatures(t *testing.T) {
	l, err := NewLinear(0, 3, true)
	if err != nil {
		t.Fatal(err)
	}
	y, err := l.Forward(must(tensor.Zeros(2, 0)))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(y.Shape(), []int{2, 3}) || !slices.Equal(y.Data(), make([]float32, 6)) {
		t.Errorf("Linear(0, 3) of [2, 0]: %v %v, want zeros [2, 3]", y.Shape(), y.Data())
	}
	e, err := NewEmbedding(4, 0)
	if err != nil {
		t.Fatal(err)
	}
	y, err = e.Forward(must(tensor.New([]float32{1, 2}, 2)))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(y.Shape(), []int{2, 0}) {
		t.Errorf("Embedding(4, 0) of [1, 2]: shape %v, want [2, 0]", y.Shape())
	}
	if _, err := NewLinear(-1, 3, true); err == nil {
		t.Error("Linear(-1, 3) accepted")
	}
}
