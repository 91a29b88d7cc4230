package nn

import (
	"math"
	"strings"
	"testing"

	"tinytorch/engine/tensor"
)

// lenet is a LeNet-style CNN with a "features" and a "classifier" part,
// to test paths, summaries and reprs of nested models.
func lenet() *Sequential {
	tensor.ManualSeed(1)
	features := NewSequential(
		must(NewConv2d(1, 6, 5, ConvOptions{})), NewReLU(), must(NewMaxPool2d(2, PoolOptions{})),
		must(NewConv2d(6, 16, 5, ConvOptions{})), NewReLU(), must(NewMaxPool2d(2, PoolOptions{})),
	)
	classifier := NewSequential(NewFlatten(), must(NewLinear(16*4*4, 10, true)))
	model := NewSequential()
	model.AppendNamed("features", features)
	model.AppendNamed("classifier", classifier)
	return model
}

func TestWrongShapeNamesTheLayer(t *testing.T) {
	model := lenet()
	_, err := Call(model, must(tensor.Zeros(64, 784)))
	want := "features.0 (Conv2d): expected input [N, 1, H, W], got [64, 784]"
	if err == nil || err.Error() != want {
		t.Fatalf("error %v, want %q", err, want)
	}
	_, err = Call(model, must(tensor.Zeros(2, 1, 28, 20)))
	want = "classifier.1 (Linear): expected input [*, 256] (last dimension 256 features), got [2, 128]"
	if err == nil || err.Error() != want {
		t.Fatalf("error %v, want %q", err, want)
	}
}

func TestLeNetSummaryAndRepr(t *testing.T) {
	model := lenet()
	s := must(model.Summary(1, 1, 28, 28))
	if ShapeString(s.OutputShape) != "[1, 10]" || s.TotalParams != 156+2416+2570 {
		t.Fatalf("summary:\n%s", s)
	}
	row := s.Rows[4] // features.3
	if row.Path != "features.3" || ShapeString(row.OutputShape) != "[1, 16, 8, 8]" || row.Params != 2416 {
		t.Fatalf("row %+v", row)
	}
	if !strings.Contains(model.String(), "(0): Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1))") ||
		!strings.Contains(model.String(), "(2): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)") {
		t.Fatalf("repr:\n%s", model)
	}
	t.Logf("\n%s\n%s", model, s)
}

func TestDefaultInitBounds(t *testing.T) {
	tensor.ManualSeed(5)
	l := must(NewLinear(100, 50, true))
	c := must(NewConv2d(4, 8, 3, ConvOptions{}))
	for _, tc := range []struct {
		name  string
		t     *tensor.Tensor
		bound float64
	}{{"linear weight", l.Weight, 0.1}, {"linear bias", l.Bias, 0.1},
		{"conv weight", c.Weight, 1 / 6.0}, {"conv bias", c.Bias, 1 / 6.0}} {
		lo, hi := 1.0, -1.0
		for _, v := range tc.t.Data() {
			lo, hi = math.Min(lo, float64(v)), math.Max(hi, float64(v))
		}
		// Within the bound, and spread over most of it.
		if lo < -tc.bound || hi > tc.bound || (tc.t.Numel() > 50 && (lo > -0.8*tc.bound || hi < 0.8*tc.bound)) {
			t.Errorf("%s in [%g, %g], want U(-%g, %g)", tc.name, lo, hi, tc.bound, tc.bound)
		}
	}
}

// Embedding's weight is drawn from N(0, 1), as PyTorch's. With n samples
// the sample mean has standard error 1/√n, the sample variance √(2/n) and
// the fraction within one standard deviation √(p(1-p)/n) around
// p = 0.6827; the test allows five standard errors, so it fails for a
// wrong scale, a shifted mean, or a uniform draw of the same variance
// (whose fraction within one standard deviation is 0.577).
func TestDefaultInitEmbeddingIsStandardNormal(t *testing.T) {
	tensor.ManualSeed(7)
	e := must(NewEmbedding(200, 50))
	data := e.Weight.Data()
	n := float64(len(data))
	var sum, sumSq float64
	within := 0
	for _, v := range data {
		sum += float64(v)
		sumSq += float64(v) * float64(v)
		if math.Abs(float64(v)) <= 1 {
			within++
		}
	}
	mean := sum / n
	variance := sumSq/n - mean*mean
	const p1 = 0.6827 // P(|Z| ≤ 1) for Z ~ N(0, 1)
	frac := float64(within) / n
	if math.Abs(mean) > 5/math.Sqrt(n) || math.Abs(variance-1) > 5*math.Sqrt(2/n) || math.Abs(frac-p1) > 5*math.Sqrt(p1*(1-p1)/n) {
		t.Fatalf("embedding weight: mean %.4f, variance %.4f, fraction within 1σ %.4f over %g samples; want N(0, 1)", mean, variance, frac, n)
	}
}

// The normalization layers start as the identity transform: weight ones,
// bias zeros; BatchNorm's running mean zeros, running variance ones and
// no batch tracked, as in PyTorch.
func TestDefaultInitNormLayers(t *testing.T) {
	bn1 := must(NewBatchNorm1d(3, NormOptions{}))
	bn2 := must(NewBatchNorm2d(4, NormOptions{}))
	ln := must(NewLayerNorm([]int{2, 3}, 0))
	for _, tc := range []struct {
		name  string
		t     *tensor.Tensor
		shape []int
		value float32
	}{
		{"BatchNorm1d weight", bn1.Weight, []int{3}, 1}, {"BatchNorm1d bias", bn1.Bias, []int{3}, 0},
		{"BatchNorm1d running_mean", bn1.RunningMean, []int{3}, 0}, {"BatchNorm1d running_var", bn1.RunningVar, []int{3}, 1},
		{"BatchNorm1d num_batches_tracked", bn1.NumBatchesTracked, []int{}, 0},
		{"BatchNorm2d weight", bn2.Weight, []int{4}, 1}, {"BatchNorm2d bias", bn2.Bias, []int{4}, 0},
		{"BatchNorm2d running_mean", bn2.RunningMean, []int{4}, 0}, {"BatchNorm2d running_var", bn2.RunningVar, []int{4}, 1},
		{"BatchNorm2d num_batches_tracked", bn2.NumBatchesTracked, []int{}, 0},
		{"LayerNorm weight", ln.Weight, []int{2, 3}, 1}, {"LayerNorm bias", ln.Bias, []int{2, 3}, 0},
	} {
		if ShapeString(tc.t.Shape()) != ShapeString(tc.shape) {
			t.Errorf("%s has shape %s, want %s", tc.name, ShapeString(tc.t.Shape()), ShapeString(tc.shape))
		}
		for i, v := range tc.t.Data() {
			if v != tc.value {
				t.Errorf("%s[%d] is %v, want %v", tc.name, i, v, tc.value)
			}
		}
	}
	// The running statistics are buffers (in the state dict, not trained)
	// and weight and bias parameters.
	if len(bn1.Parameters()) != 2 || len(bn1.Buffers()) != 3 || len(ln.Parameters()) != 2 || len(ln.Buffers()) != 0 {
		t.Fatalf("BatchNorm1d has %d parameters and %d buffers, LayerNorm %d and %d; want 2 and 3, 2 and 0",
			len(bn1.Parameters()), len(bn1.Buffers()), len(ln.Parameters()), len(ln.Buffers()))
	}
}

func TestInitSchemes(t *testing.T) {
	tensor.ManualSeed(6)
	w := must(tensor.Zeros(200, 300))
	stats := func() (mean, std float64) {
		d := w.Data()
		for _, v := range d {
			mean += float64(v)
		}
		mean /= float64(len(d))
		for _, v := range d {
			std += (float64(v) - mean) * (float64(v) - mean)
		}
		return mean, math.Sqrt(std / float64(len(d)))
	}
	check := func(name string, wantStd float64) {
		m, s := stats()
		if math.Abs(m) > 0.01*wantStd*10 || math.Abs(s-wantStd) > 0.02*wantStd {
			t.Errorf("%s: mean %g std %g, want 0 and %g", name, m, s, wantStd)
		}
	}
	must(0, InitXavierUniform(w, 1))
	check("xavier uniform", math.Sqrt(2.0/500))
	must(0, InitXavierNormal(w, 1))
	check("xavier normal", math.Sqrt(2.0/500))
	must(0, InitKaimingUniform(w, 0, FanIn, "relu"))
	check("kaiming uniform", math.Sqrt(2.0/300))
	must(0, InitKaimingNormal(w, 0, FanOut, "relu"))
	check("kaiming normal fan out", math.Sqrt(2.0/200))
	must(0, InitNormal(w, 0, 0.5))
	check("normal", 0.5)
	must(0, InitConstant(w, 0.25))
	if v := w.Data()[123]; v != 0.25 {
		t.Errorf("constant gave %v", v)
	}
	if _, err := CalculateGain("swish", 0); err == nil {
		t.Error("unknown nonlinearity accepted")
	}
}

func TestDropout(t *testing.T) {
	tensor.ManualSeed(8)
	d := must(NewDropout(0.25))
	x := must(tensor.Ones(100, 100))
	must(0, x.SetRequiresGrad(true))
	y := must(Call(d, x))
	zeros, kept := 0, 0
	for _, v := range y.Data() {
		switch {
		case v == 0:
			zeros++
		case math.Abs(float64(v)-1/0.75) < 1e-6:
			kept++
		default:
			t.Fatalf("value %v is neither 0 nor 1/(1-p)", v)
		}
	}
	if zeros+kept != 10000 || math.Abs(float64(zeros)/10000-0.25) > 0.02 {
		t.Fatalf("%d of 10000 dropped, want about 2500", zeros)
	}
	// The gradient is the same mask.
	must(0, y.SumAll().Backward())
	for i, g := range x.Grad().Data() {
		if g != y.Data()[i] {
			t.Fatalf("gradient %v at %d, output %v", g, i, y.Data()[i])
		}
	}
	// Same seed, same mask; evaluation mode is the identity.
	tensor.ManualSeed(8)
	if y2 := must(Call(d, x)); y2.Data()[4321] != y.Data()[4321] {
		t.Fatal("dropout mask is not reproducible")
	}
	d.Eval()
	if y3 := must(Call(d, x)); y3 != x {
		t.Fatal("dropout in eval mode should return its input")
	}
}

func TestEmbeddingRejectsBadIndex(t *testing.T) {
	e := must(NewEmbedding(5, 2))
	_, err := Call(e, tensorOf([]float32{1, 7}, 2))
	if err == nil || !strings.Contains(err.Error(), "Embedding: index 7 at position 1") {
		t.Fatalf("error %v", err)
	}
}

func TestBatchNormEvalUsesRunningStats(t *testing.T) {
	bn := must(NewBatchNorm1d(2, NormOptions{Momentum: 1}))
	x := tensorOf([]float32{1, 10, 3, 20}, 2, 2)
	must(Call(bn, x)) // momentum 1: running stats become this batch's
	bn.Eval()
	y := must(Call(bn, tensorOf([]float32{2, 15}, 1, 2)))
	// mean (2, 15); unbiased var (2, 50): the sample at the mean maps to 0.
	wantClose(t, "eval", y, []int{1, 2}, []float32{0, 0}, 1e-5)
	if _, err := Call(must(NewBatchNorm2d(3, NormOptions{})), x); err == nil ||
		err.Error() != "BatchNorm2d: expected input [N, 3, H, W], got [2, 2]" {
		t.Fatalf("error %v", err)
	}
}
