package prune

import (
	"math"
	"slices"
	"strings"
	"testing"

	"tinytorch/engine/nn"
	"tinytorch/engine/optim"
	"tinytorch/engine/tensor"
)

func TestAmountOutsideRange(t *testing.T) {
	for _, amount := range []float64{-0.1, 1.5, math.NaN(), math.Inf(1)} {
		model := mlp(t)
		p := New(model)
		calls := map[string]error{
			"L1Unstructured":     p.L1Unstructured("0.weight", amount),
			"GlobalUnstructured": p.GlobalUnstructured(nil, amount),
			"PruneToSparsity":    p.PruneToSparsity(nil, amount),
		}
		_, err := LnStructured(model, 0, amount, 1)
		calls["LnStructured"] = err
		for name, err := range calls {
			if err == nil || !strings.Contains(err.Error(), "amount") || !strings.Contains(err.Error(), "outside [0, 1]") {
				t.Errorf("%s(amount %v): error %v, want one naming the amount and [0, 1]", name, amount, err)
			}
		}
	}
}

func TestL1UnstructuredPrunesTheSmallest(t *testing.T) {
	lin := must(nn.NewLinear(4, 2, false))
	w := []float32{0.5, -0.1, 0.3, -0.8, 0.05, 0.9, -0.2, 0.4}
	tensor.NoGrad(func() { must(lin.Weight.CopyInPlace(must(tensor.New(slices.Clone(w), 2, 4)))) })
	model := nn.NewSequential(lin)
	p := New(model)
	if err := p.L1Unstructured("0.weight", 0.5); err != nil {
		t.Fatal(err)
	}
	want := []float32{0.5, 0, 0.3, -0.8, 0, 0.9, 0, 0.4} // 0.05, -0.1, -0.2 and then 0.3 would be next
	want[2] = 0                                          // round(0.5·8) = 4: 0.05, 0.1, 0.2, 0.3
	if got := lin.Weight.Data(); !slices.Equal(got, want) {
		t.Errorf("after pruning half: %v, want %v", got, want)
	}
	// Again: half of the 4 left, the two smallest of 0.4, 0.5, 0.8, 0.9.
	if err := p.L1Unstructured("0.weight", 0.5); err != nil {
		t.Fatal(err)
	}
	want = []float32{0, 0, 0, -0.8, 0, 0.9, 0, 0}
	if got := lin.Weight.Data(); !slices.Equal(got, want) {
		t.Errorf("after pruning half again: %v, want %v", got, want)
	}
	if s := p.Sparsity(); s != 0.75 {
		t.Errorf("sparsity %v, want 0.75", s)
	}
	if err := p.L1Unstructured("0.bias", 0.5); err == nil || !strings.Contains(err.Error(), `"0.weight"`) {
		t.Errorf("unknown parameter: %v, want an error listing the parameters", err)
	}
}

func TestGlobalUnstructuredRanksAcrossLayers(t *testing.T) {
	model := mlp(t)
	// Scale the second layer's weights down: a global ranking must take
	// most of its pruning from there.
	tensor.NoGrad(func() { must(param(t, model, "2.weight").MulScalarInPlace(0.01)) })
	p := New(model)
	if err := p.GlobalUnstructured([]string{"0.weight", "2.weight"}, 0.5); err != nil {
		t.Fatal(err)
	}
	r := NewReport(model)
	first, second := r.Layers[0], r.Layers[1]
	if first.Zeros+second.Zeros != (128+192)/2 {
		t.Errorf("zeros %d + %d, want half of 320", first.Zeros, second.Zeros)
	}
	if second.Zeros != 160 || first.Zeros != 0 {
		t.Errorf("layer 2 (weights ×0.01) lost %d, layer 0 %d; want all 160 from layer 2", second.Zeros, first.Zeros)
	}
	if err := p.GlobalUnstructured([]string{"0.weight", "0.weight"}, 0.1); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("a name twice: %v", err)
	}
}

func TestPruneToSparsity(t *testing.T) {
	model := mlp(t)
	p := New(model)
	highest := 0.0
	for _, target := range []float64{0.3, 0.6, 0.5, 0.9} {
		if err := p.PruneToSparsity(nil, target); err != nil {
			t.Fatal(err)
		}
		highest = max(highest, target) // pruning never un-prunes: 0.5 after 0.6 stays at 0.6
		want := highest
		total := 128 + 192 + 36
		if got := p.Sparsity(); math.Abs(got-math.RoundToEven(want*float64(total))/float64(total)) > 1e-12 {
			t.Errorf("target %v: sparsity %v, want %v", target, got, want)
		}
	}
}

// TestMasksHoldThroughTraining trains a pruned model with SGD with
// momentum and with Adam: through Wrap the pruned weights stay exactly
// zero; without it (the control) the same training revives them, which
// shows the test can fail.
func TestMasksHoldThroughTraining(t *testing.T) {
	opts := map[string]func([]*tensor.Tensor) (optim.Optimizer, error){
		"SGD momentum": func(ps []*tensor.Tensor) (optim.Optimizer, error) {
			return optim.NewSGD(ps, optim.SGDOptions{LR: 0.1, Momentum: 0.9})
		},
		"Adam": func(ps []*tensor.Tensor) (optim.Optimizer, error) {
			return optim.NewAdam(ps, optim.AdamOptions{LR: 0.01})
		},
	}
	for name, newOpt := range opts {
		for _, wrap := range []bool{true, false} {
			model := mlp(t)
			opt := must(newOpt(model.ParamTensors()))
			trainSteps(t, model, opt, 8, 3, 3) // momentum and moments first
			p := New(model)
			if err := p.GlobalUnstructured(nil, 0.8); err != nil {
				t.Fatal(err)
			}
			if wrap {
				opt = p.Wrap(opt)
			}
			trainSteps(t, model, opt, 8, 3, 5)
			revived := 0
			for _, m := range p.Masks() {
				w := m.Param.Data()
				for i, pruned := range m.Pruned {
					if pruned && w[i] != 0 {
						revived++
					}
				}
			}
			switch {
			case wrap && revived > 0:
				t.Errorf("%s through Wrap: %d pruned weights are no longer zero", name, revived)
			case !wrap && revived == 0:
				t.Errorf("%s without Wrap: no pruned weight revived, so the test cannot tell", name)
			}
		}
	}
}

func TestWrapKeepsTheOptimizerState(t *testing.T) {
	model := mlp(t)
	adam := must(optim.NewAdam(model.ParamTensors(), optim.AdamOptions{LR: 0.01}))
	if _, ok := New(model).Wrap(adam).(optim.Stateful); !ok {
		t.Error("Wrap(Adam) is not optim.Stateful, so a checkpoint could not save it")
	}
}

func TestRemove(t *testing.T) {
	model := mlp(t)
	p := New(model)
	if err := p.L1Unstructured("0.weight", 0.5); err != nil {
		t.Fatal(err)
	}
	if err := p.Remove("2.weight"); err == nil || !strings.Contains(err.Error(), `"0.weight"`) {
		t.Errorf("Remove of an unpruned parameter: %v", err)
	}
	if err := p.Remove("0.weight"); err != nil {
		t.Fatal(err)
	}
	if len(p.Masks()) != 0 || NewReport(model).Layers[0].Zeros != 64 {
		t.Errorf("after Remove: %d masks, %d zeros; want 0 masks and the 64 zeros kept", len(p.Masks()), NewReport(model).Layers[0].Zeros)
	}
	// No longer enforced: training may change the zeros.
	opt := p.Wrap(must(optim.NewSGD(model.ParamTensors(), optim.SGDOptions{LR: 0.1})))
	trainSteps(t, model, opt, 8, 3, 2)
	if z := NewReport(model).Layers[0].Zeros; z >= 64 {
		t.Errorf("after Remove and training, %d zeros; the mask still holds", z)
	}
}
