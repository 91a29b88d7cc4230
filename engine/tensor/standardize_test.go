package tensor

import (
	"math"
	"strings"
	"testing"
)

// Standardize against torch.nn.functional.layer_norm(x, [d], eps=1e-5)
// (PyTorch 1.13, float64 of the float32 inputs): values, the gradient
// for g, an empty row dimension and the 0-d error.
func TestStandardizeAsTorch(t *testing.T) {
	x := must(New([]float32{1, 2, 4, -1, -1, 5}, 2, 3))
	if err := x.SetRequiresGrad(true); err != nil {
		t.Fatal(err)
	}
	y := must(x.Standardize(1e-5))
	wantY := []float64{-1.069041531450298, -0.2672603828625746, 1.3363019143128718, -0.7071063392452236, -0.7071063392452236, 1.4142126784904472}
	g := must(New([]float32{1, 0, -2, 0.5, 1, 0}, 2, 3))
	if err := y.BackwardWith(BackwardOptions{Gradient: g}); err != nil {
		t.Fatal(err)
	}
	wantDx := []float64{6.8723656654334775e-06, 1.718091416247347e-06, -8.59045708190287e-06, -0.08838818192042552, 0.08838840289088037, -2.2097045482283306e-07}
	for i := range wantY {
		if math.Abs(float64(y.Data()[i])-wantY[i]) > 1e-6 || math.Abs(float64(x.Grad().Data()[i])-wantDx[i]) > 1e-4*math.Abs(wantDx[i]) {
			t.Fatalf("standardize: y %v grad %v, want %v and %v", y.Data(), x.Grad().Data(), wantY, wantDx)
		}
	}
	if e := must(must(Zeros(2, 0)).Standardize(1e-5)); e.Numel() != 0 || e.Shape()[0] != 2 {
		t.Errorf("standardize of [2, 0]: shape %v", e.Shape())
	}
	if _, err := Scalar(1).Standardize(1e-5); err == nil || !strings.Contains(err.Error(), "standardize: needs at least one dimension") {
		t.Errorf("standardize of 0-d: error %v", err)
	}
}
