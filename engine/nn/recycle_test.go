package nn_test

import (
	"runtime"
	"slices"
	"testing"

	"tinytorch/engine/nn"
	"tinytorch/engine/tensor"
)

// Without gradients, Sequential gives each layer's output back to the
// buffer pool once the next layer has run (tensor.Recycle). These tests
// check that inference computes the same values, reuses the buffers, and
// never gives back what a view passed on or a user's module still holds.

// inputKeeper is a user's module that keeps every input it is given, with
// a copy of its values, and returns a new tensor.
type inputKeeper struct {
	nn.ModuleBase
	inputs []*tensor.Tensor
	copies [][]float32
}

func (k *inputKeeper) Forward(x *tensor.Tensor) (*tensor.Tensor, error) {
	k.inputs = append(k.inputs, x)
	k.copies = append(k.copies, x.Data())
	return x.Tanh(), nil
}

// recycleModel is a CNN whose activations are large enough for the pool,
// with a Flatten (a view of its input) and, if keeper is not nil, the
// keeper after the first ReLU.
func recycleModel(keeper *inputKeeper) *nn.Sequential {
	tensor.ManualSeed(21)
	layers := []nn.Module{must(nn.NewConv2d(1, 8, 3, nn.ConvOptions{Padding: 1})), nn.NewReLU()}
	if keeper != nil {
		keeper.Init(keeper, "InputKeeper")
		layers = append(layers, keeper)
	}
	layers = append(layers, must(nn.NewMaxPool2d(2, nn.PoolOptions{})), nn.NewFlatten(), must(nn.NewLinear(8*16*16, 10, true)))
	return nn.NewSequential(layers...)
}

// layerByLayer runs the model's layers one at a time, which recycles
// nothing: the reference values.
func layerByLayer(m *nn.Sequential, x *tensor.Tensor) []float32 {
	for i := range m.Len() {
		x = must(nn.Call(m.At(i), x))
	}
	return x.Data()
}

// TestSequentialInferenceRecycles runs inference on three batches: the
// outputs are those of the layers run one by one, and once the pool holds
// the buffers, a forward pass allocates less than one of its activations.
func TestSequentialInferenceRecycles(t *testing.T) {
	m := recycleModel(nil)
	m.Eval()
	batches := make([]*tensor.Tensor, 3)
	for i := range batches {
		batches[i] = must(tensor.Randn(16, 1, 32, 32)) // activations of 16·8·32·32 floats
	}
	tensor.NoGrad(func() {
		for _, x := range batches {
			want := layerByLayer(m, x)
			if got := must(nn.Call(m, x)).Data(); !slices.Equal(got, want) {
				t.Fatal("Sequential's output differs from its layers run one by one")
			}
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for _, x := range batches {
			must(nn.Call(m, x))
		}
		runtime.ReadMemStats(&after)
		perForward := (after.TotalAlloc - before.TotalAlloc) / uint64(len(batches))
		// Without recycling, the convolution's and the ReLU's outputs alone
		// would be two fresh activations per pass.
		if activation := uint64(4 * 16 * 8 * 32 * 32); perForward >= activation {
			t.Errorf("a forward pass allocated %d bytes, want less than one activation (%d bytes)", perForward, activation)
		}
	})
}

// TestSequentialKeepsWhatAUserModuleHolds runs inference through a model
// with a user's module that keeps its inputs (the outputs of the engine's
// ReLU): they keep their values after later batches.
func TestSequentialKeepsWhatAUserModuleHolds(t *testing.T) {
	k := &inputKeeper{}
	m := recycleModel(k)
	tensor.NoGrad(func() {
		for range 3 {
			must(nn.Call(m, must(tensor.Randn(16, 1, 32, 32))))
		}
	})
	for i, x := range k.inputs {
		if !slices.Equal(x.Data(), k.copies[i]) {
			t.Errorf("the input kept from batch %d changed", i)
		}
	}
}

// TestSequentialWithGradientsRecyclesNothing: with gradients on, the
// graph saves the activations, and backward through a Sequential gives
// the same gradients as backward through its layers run one by one.
func TestSequentialWithGradientsRecyclesNothing(t *testing.T) {
	m := recycleModel(nil)
	x := must(tensor.Randn(16, 1, 32, 32))
	grads := func(forward func() *tensor.Tensor) []float32 {
		m.ZeroGrad()
		if err := must(forward().Sum(nil, false)).Backward(); err != nil {
			t.Fatal(err)
		}
		return m.ParamTensors()[0].Grad().Data()
	}
	whole := grads(func() *tensor.Tensor { return must(nn.Call(m, x)) })
	byLayer := grads(func() *tensor.Tensor {
		h := x
		for i := range m.Len() {
			h = must(nn.Call(m.At(i), h))
		}
		return h
	})
	if !slices.Equal(whole, byLayer) {
		t.Error("the first filter's gradient through Sequential differs from its layers one by one")
	}
}

// tanhLayer is a module written outside package nn that keeps nothing;
// declared says so (nn.KeepsNoTensors).
type tanhLayer struct{ nn.ModuleBase }

func (l *tanhLayer) Forward(x *tensor.Tensor) (*tensor.Tensor, error) { return x.Tanh(), nil }

type declaredTanh struct{ tanhLayer }

func (*declaredTanh) KeepsNoTensors() {}

// TestSequentialRecyclesAroundAModuleThatKeepsNothing runs inference
// through a model with a module from outside package nn after the first
// ReLU: when the module declares that it keeps no tensor, Sequential
// recycles its input and output as a built-in layer's, with the same
// values; when it does not, its input and output are held and a pass
// allocates them afresh.
func TestSequentialRecyclesAroundAModuleThatKeepsNothing(t *testing.T) {
	perForward := func(layer nn.Module) uint64 {
		tensor.ManualSeed(21)
		m := nn.NewSequential(must(nn.NewConv2d(1, 8, 3, nn.ConvOptions{Padding: 1})), nn.NewReLU(), layer,
			must(nn.NewMaxPool2d(2, nn.PoolOptions{})), nn.NewFlatten(), must(nn.NewLinear(8*16*16, 10, true)))
		batches := make([]*tensor.Tensor, 3)
		for i := range batches {
			batches[i] = must(tensor.Randn(16, 1, 32, 32))
		}
		var before, after runtime.MemStats
		tensor.NoGrad(func() {
			for _, x := range batches {
				want := layerByLayer(m, x)
				if got := must(nn.Call(m, x)).Data(); !slices.Equal(got, want) {
					t.Fatal("Sequential's output differs from its layers run one by one")
				}
			}
			runtime.ReadMemStats(&before)
			for _, x := range batches {
				must(nn.Call(m, x))
			}
			runtime.ReadMemStats(&after)
		})
		return (after.TotalAlloc - before.TotalAlloc) / uint64(len(batches))
	}
	declared, plain := &declaredTanh{}, &tanhLayer{}
	declared.Init(declared, "DeclaredTanh")
	plain.Init(plain, "Tanh")
	activation := uint64(4 * 16 * 8 * 32 * 32)
	if got := perForward(declared); got >= activation {
		t.Errorf("with a module that keeps nothing, a forward pass allocated %d bytes, want less than one activation (%d bytes)", got, activation)
	}
	if got := perForward(plain); got < activation {
		t.Errorf("with a user's module that may keep its tensors, a forward pass allocated %d bytes, want at least one activation (%d bytes): its input or output was recycled", got, activation)
	}
}
