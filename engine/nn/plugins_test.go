package nn_test

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"tinytorch/engine/bench"
	"tinytorch/engine/data"
	"tinytorch/engine/kernels"
	"tinytorch/engine/loss"
	"tinytorch/engine/nn"
	"tinytorch/engine/optim"
	"tinytorch/engine/profile"
	"tinytorch/engine/tensor"
	"tinytorch/engine/train"
)

// Modules written outside package nn, the way a student's code (or a cell,
// through the bindings) writes them: embed nn.ModuleBase, register
// parameters and children, write Forward.

// linearFn is y = x·wᵀ + b as a user's autograd function, with the
// textbook backward: dx = g·w, dw = gᵀ·x, db = Σ g over the batch.
var linearFn = &tensor.Function{
	Name: "MyLinearFn",
	Forward: func(ctx *tensor.Context, in ...*tensor.Tensor) ([]*tensor.Tensor, error) {
		x, w, b := in[0], in[1], in[2]
		ctx.SaveForBackward(x, w)
		y, err := x.Matmul(must(w.Transpose(0, 1)))
		if err != nil {
			return nil, err
		}
		y, err = y.Add(b)
		return []*tensor.Tensor{y}, err
	},
	Backward: func(ctx *tensor.Context, g ...*tensor.Tensor) ([]*tensor.Tensor, error) {
		x, w := ctx.SavedTensors()[0], ctx.SavedTensors()[1]
		grads := make([]*tensor.Tensor, 3)
		var err error
		if ctx.NeedsInputGrad(0) {
			if grads[0], err = g[0].Matmul(w); err != nil {
				return nil, err
			}
		}
		if grads[1], err = must(g[0].Transpose(0, 1)).Matmul(x); err != nil {
			return nil, err
		}
		grads[2], err = g[0].Sum([]int{0}, false)
		return grads, err
	},
}

// myLinear is a Linear layer written outside the package, on linearFn.
type myLinear struct {
	nn.ModuleBase
	weight, bias *tensor.Tensor
}

func newMyLinear(in, out int) *myLinear {
	l := &myLinear{}
	l.Init(l, "MyLinear")
	l.weight = l.AddParam("weight", must(tensor.Zeros(out, in)))
	l.bias = l.AddParam("bias", must(tensor.Zeros(out)))
	return l
}

func (l *myLinear) Forward(x *tensor.Tensor) (*tensor.Tensor, error) {
	return linearFn.Apply1(x, l.weight, l.bias)
}

func (l *myLinear) ExtraRepr() string {
	return fmt.Sprintf("in=%d, out=%d", l.weight.Shape()[1], l.weight.Shape()[0])
}

// myBlock is a container written outside the package holding engine
// modules, with a Train of its own that PyTorch would call on model.eval().
type myBlock struct {
	nn.ModuleBase
	inner     *nn.Sequential
	scale     *tensor.Tensor // a buffer
	trainSeen []bool         // the modes its Train was called with
}

func newMyBlock(width int) *myBlock {
	b := &myBlock{}
	b.Init(b, "MyBlock")
	b.inner = nn.NewSequential(must(nn.NewLinear(width, width, true)), nn.NewTanh())
	b.AddChild("inner", b.inner)
	b.scale = b.AddBuffer("scale", must(tensor.Full(1, 1)))
	return b
}

func (b *myBlock) Forward(x *tensor.Tensor) (*tensor.Tensor, error) {
	y, err := nn.Call(b.inner, x)
	if err != nil {
		return nil, err
	}
	y, err = y.Mul(b.scale)
	if err != nil {
		return nil, err
	}
	return y.Add(x) // a residual connection
}

func (b *myBlock) Train(on bool) {
	b.trainSeen = append(b.trainSeen, on)
	b.ModuleBase.Train(on)
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// model nests both ways: engine modules inside myBlock, user modules
// inside an engine Sequential.
func model() (*nn.Sequential, *myBlock) {
	blk := newMyBlock(4)
	return nn.NewSequential(newMyLinear(2, 4), blk, nn.NewReLU(), newMyLinear(4, 3)), blk
}

// TestUserModuleEverywhere checks every place that takes an engine
// module with user modules in it.
func TestUserModuleEverywhere(t *testing.T) {
	m, blk := model()
	names := []string{}
	for _, p := range m.Parameters() {
		names = append(names, p.Name)
	}
	wantNames := []string{"0.weight", "0.bias", "1.inner.0.weight", "1.inner.0.bias", "3.weight", "3.bias"}
	if !slices.Equal(names, wantNames) {
		t.Errorf("parameter names %v, want %v", names, wantNames)
	}
	if n := m.NumParams(); n != 8+4+16+4+12+3 {
		t.Errorf("NumParams %d, want 47", n)
	}
	if got := m.Buffers(); len(got) != 1 || got[0].Name != "1.scale" {
		t.Errorf("buffers %v, want 1.scale", got)
	}

	// Eval and Train reach the user module's own Train, as PyTorch's
	// model.eval() calls every child's train(False).
	m.Eval()
	if !slices.Equal(blk.trainSeen, []bool{false}) || blk.Training() || blk.inner.At(0).Training() {
		t.Errorf("after Eval: MyBlock.Train calls %v, training %v, its child %v", blk.trainSeen, blk.Training(), blk.inner.At(0).Training())
	}
	m.Train(true)
	if !slices.Equal(blk.trainSeen, []bool{false, true}) || !blk.inner.At(0).Training() {
		t.Errorf("after Train: MyBlock.Train calls %v", blk.trainSeen)
	}
	// MyBlock has no Eval of its own: ModuleBase's calls its Train.
	blk.Eval()
	blk.Train(true)
	if !slices.Equal(blk.trainSeen, []bool{false, true, false, true}) {
		t.Errorf("after MyBlock's Eval and Train: its Train calls %v", blk.trainSeen)
	}
	blk.trainSeen = blk.trainSeen[:2]

	s, err := m.Summary(5, 2)
	if err != nil {
		t.Fatal(err)
	}
	text := s.String()
	for _, want := range []string{"0 (MyLinear)", "1 (MyBlock)", "1.inner (Sequential)", "1.inner.0 (Linear)", "3 (MyLinear)", "[5, 3]", "Total params: 47"} {
		if !strings.Contains(text, want) {
			t.Errorf("summary lacks %q:\n%s", want, text)
		}
	}
	if !m.Training() || !blk.inner.At(0).Training() || !slices.Equal(blk.trainSeen, []bool{false, true, false, true}) {
		t.Errorf("Summary did not restore training mode through MyBlock.Train: its calls %v", blk.trainSeen)
	}
	if r := m.String(); !strings.Contains(r, "(0): MyLinear(in=2, out=4)\n  (1): MyBlock(\n    (inner): Sequential(") {
		t.Errorf("String():\n%s", r)
	}

	// A state dict from one model loads into another.
	other, _ := model()
	for _, p := range m.ParamTensors() {
		tensor.NoGrad(func() { _ = p.UpdateInPlace(func(v []float32) { v[0] = 0.5 }) })
	}
	if err := other.LoadStateDict(m.StateDict()); err != nil {
		t.Fatal(err)
	}
	for i, p := range other.Parameters() {
		if !slices.Equal(p.Tensor.Data(), m.Parameters()[i].Tensor.Data()) {
			t.Errorf("%s differs after LoadStateDict", p.Name)
		}
	}
}

// TestUserModuleInProfile: the profiler's module table and ops list the
// user's modules and function under their own names.
func TestUserModuleInProfile(t *testing.T) {
	m, _ := model()
	x := must(tensor.Ones(5, 2))
	rep, err := profile.Run(func() error {
		y, err := nn.Call(m, x)
		if err != nil {
			return err
		}
		return y.SumAll().Backward()
	})
	if err != nil {
		t.Fatal(err)
	}
	// The backward of a user's function costs what the ops it runs cost:
	// layer 0 (2→4, batch 5): dw = gᵀ·x, 2·4·5·2 = 80, db = Σ g, 20;
	// layer 3 (4→3): dx = g·w, 2·5·3·4 = 120, dw 120, db 15.
	for _, op := range rep.ByOp() {
		if op.Name == "MyLinearFnBackward" && op.FLOPs != 355 {
			t.Errorf("MyLinearFnBackward: %d FLOPs, want 355", op.FLOPs)
		}
	}
	trace, err := rep.TraceJSON()
	if err != nil {
		t.Fatal(err)
	}
	for what, text := range map[string]string{"op table": rep.Table(0), "module table": rep.ModuleTable(), "trace": string(trace)} {
		for _, want := range []string{"MyLinear", "MyBlock", "MyLinearFn", "MyLinearFnBackward"} {
			if what == "module table" && strings.HasPrefix(want, "MyLinearFn") || what == "op table" && !strings.HasPrefix(want, "MyLinearFn") {
				continue // the module table lists modules, the op table ops
			}
			if !strings.Contains(text, want) {
				t.Errorf("%s lacks %q:\n%s", what, want, text)
			}
		}
	}
}

// spirals returns two interleaved spirals, a classic small problem.
func spirals(n int) data.Batches {
	x := make([]float32, 0, 2*n)
	y := make([]float32, 0, n)
	for i := range n {
		c := i % 2
		r := float64(i/2) / float64(n/2)
		a := 3*math.Pi*r + float64(c)*math.Pi
		x = append(x, float32(r*math.Cos(a)), float32(r*math.Sin(a)))
		y = append(y, float32(c))
	}
	var bs data.Batches
	for i := 0; i < n; i += 16 {
		bs = append(bs, data.Batch{X: must(tensor.New(x[2*i:2*i+32], 16, 2)), Y: must(tensor.New(y[i:i+16], 16))})
	}
	return bs
}

// TestUserLinearTrainsLikeEngineLinear: an MLP of user Linear layers on
// the user autograd function trains, in train.Trainer with checkpoints,
// to the same losses as the same MLP of engine Linear layers, from the
// same weights. They agree bit for bit: the function's backward runs the
// same matrix products and the same sum as the engine's (when it
// computes dw as gᵀ·x; xᵀ·g summed in another order would not).
func TestUserLinearTrainsLikeEngineLinear(t *testing.T) {
	tensor.ManualSeed(7)
	engine := nn.NewSequential(must(nn.NewLinear(2, 16, true)), nn.NewTanh(), must(nn.NewLinear(16, 2, true)))
	user := nn.NewSequential(newMyLinear(2, 16), nn.NewTanh(), newMyLinear(16, 2))
	if err := user.LoadStateDict(engine.StateDict()); err != nil {
		t.Fatal(err)
	}
	data := spirals(128)
	fit := func(m nn.Module) ([]float64, []nn.NamedParam) {
		opt := must(optim.NewSGD(m.ParamTensors(), optim.SGDOptions{LR: 0.1, Momentum: 0.9}))
		var saved []nn.NamedParam
		tr := &train.Trainer{Model: m, Optimizer: opt, Loss: loss.CrossEntropy{},
			Callbacks: []train.Callback{&train.Checkpoint{Save: func(s train.Saved) error { saved = s.Model.StateDict(); return nil }}}}
		h, err := tr.Fit(context.Background(), data, nil, 5)
		if err != nil {
			t.Fatal(err)
		}
		return h.StepLoss, saved
	}
	want, wantSaved := fit(engine)
	got, gotSaved := fit(user)
	if !slices.Equal(got, want) {
		t.Errorf("losses per epoch with the user's Linear %v, with the engine's %v", got, want)
	}
	if want[len(want)-1] >= want[0] {
		t.Errorf("the loss did not fall: %v", want)
	}
	for i, p := range gotSaved {
		if p.Name != wantSaved[i].Name || !slices.Equal(p.Tensor.Data(), wantSaved[i].Tensor.Data()) {
			t.Errorf("checkpoint entry %s differs from the engine model's %s", p.Name, wantSaved[i].Name)
		}
	}
}

// TestUsedKernelRunsEveryProduct: a kernel registered from outside and
// chosen with kernels.Use computes Linear's and Conv2d's products, forward
// and backward, with the results of the built-in kernel.
func TestUsedKernelRunsEveryProduct(t *testing.T) {
	calls := 0
	err := kernels.RegisterMatmul("nn-test-ikj", func(m, n, k int, a, b, c []float32) {
		calls++
		clear(c)
		for i := range m {
			for p := range k {
				for j := range n {
					c[i*n+j] += a[i*k+p] * b[p*n+j]
				}
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	run := func() []float32 {
		tensor.ManualSeed(3)
		m := nn.NewSequential(must(nn.NewConv2d(1, 2, 3, nn.ConvOptions{})), nn.NewFlatten(), must(nn.NewLinear(2*4*4, 3, true)))
		x := must(tensor.Randn(2, 1, 6, 6))
		if err := x.SetRequiresGrad(true); err != nil {
			t.Fatal(err)
		}
		y := must(nn.Call(m, x))
		if err := y.SumAll().Backward(); err != nil {
			t.Fatal(err)
		}
		out := y.Data()
		for _, p := range append(m.ParamTensors(), x) {
			out = append(out, p.Grad().Data()...)
		}
		return out
	}
	want := run()
	prev := kernels.Current()
	defer func() { _ = kernels.Use(prev) }()
	if err := kernels.Use("nn-test-ikj"); err != nil {
		t.Fatal(err)
	}
	calls = 0
	got := run()
	// conv forward, dW and dX; linear forward, dX and dW.
	if calls < 6 {
		t.Errorf("the registered kernel ran %d products, want at least 6", calls)
	}
	for i := range want {
		if math.Abs(float64(got[i]-want[i])) > 1e-5*(1+math.Abs(float64(want[i]))) {
			t.Fatalf("value %d: %v with the registered kernel, %v with %s", i, got[i], want[i], prev)
		}
	}
}

// BenchmarkUserLinear compares one forward and backward pass of a Linear
// layer 784→128 on a batch of 64 written as a user autograd function
// (myLinear on linearFn) with the engine's nn.Linear.
func BenchmarkUserLinear(b *testing.B) {
	tensor.ManualSeed(1)
	x := must(tensor.Randn(64, 784))
	engine := must(nn.NewLinear(784, 128, true))
	user := newMyLinear(784, 128)
	if err := user.LoadStateDict(engine.StateDict()); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		m    nn.Module
	}{{"engine", engine}, {"user-function", user}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				c.m.ZeroGrad()
				y, err := nn.Call(c.m, x)
				if err != nil {
					b.Fatal(err)
				}
				if err := y.SumAll().Backward(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkUserLinearRatio measures the same two passes interleaved with
// engine/bench's Compare, whose per-round ratios hold up on a busy
// machine, and reports the user function's speed relative to the engine's
// Linear (1 = as fast, below 1 = slower). Run it with -benchtime 1x.
func BenchmarkUserLinearRatio(b *testing.B) {
	tensor.ManualSeed(1)
	x := must(tensor.Randn(64, 784))
	engine := must(nn.NewLinear(784, 128, true))
	user := newMyLinear(784, 128)
	if err := user.LoadStateDict(engine.StateDict()); err != nil {
		b.Fatal(err)
	}
	step := func(m nn.Module) func() {
		return func() {
			m.ZeroGrad()
			if err := must(nn.Call(m, x)).SumAll().Backward(); err != nil {
				b.Fatal(err)
			}
		}
	}
	for b.Loop() {
		c := bench.Compare([]bench.Candidate{{Name: "engine", Fn: step(engine)}, {Name: "user-function", Fn: step(user)}}, bench.Options{Iterations: 40})
		b.ReportMetric(c.Ratios[1].Median, "x-engine")
		b.ReportMetric(float64(c.Results[0].P50.Microseconds()), "µs-engine")
		b.ReportMetric(float64(c.Ratios[1].CandidateTime.Microseconds()), "µs-user")
	}
}
