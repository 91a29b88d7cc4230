package optim

import (
	"math"
	"strings"
	"testing"

	"tinytorch/engine/tensor"
)

// stateParams makes two parameters with fixed values, for two groups.
func stateParams() []*tensor.Tensor {
	a := must(tensor.New([]float32{1, -2, 3, 0.5, -0.25, 2}, 2, 3))
	b := must(tensor.New([]float32{0.1, 0.2, -0.3}, 3))
	for _, p := range []*tensor.Tensor{a, b} {
		must(0, p.SetRequiresGrad(true))
	}
	return []*tensor.Tensor{a, b}
}

// stepWith gives every parameter the gradient sin(k·i + j) and steps.
func stepWith(t *testing.T, o Optimizer, params []*tensor.Tensor, k int) {
	t.Helper()
	o.ZeroGrad()
	for j, p := range params {
		g := make([]float32, p.Numel())
		for i := range g {
			g[i] = float32(math.Sin(float64(k*i + j + 1)))
		}
		// The gradient of sum(g·p) is g.
		must(0, must(p.Mul(must(tensor.New(g, p.Shape()...)))).SumAll().Backward())
	}
	if err := o.Step(); err != nil {
		t.Fatal(err)
	}
}

var statefuls = []struct {
	name string
	make func(p []*tensor.Tensor) Stateful
}{
	{"SGD momentum", func(p []*tensor.Tensor) Stateful {
		return must(NewSGD(p, SGDOptions{LR: 0.1, Momentum: 0.9, Nesterov: true}))
	}},
	{"Adam AMSGrad", func(p []*tensor.Tensor) Stateful { return must(NewAdam(p, AdamOptions{LR: 0.1, AMSGrad: true})) }},
	{"AdamW", func(p []*tensor.Tensor) Stateful { return must(NewAdamW(p, AdamOptions{LR: 0.1})) }},
	{"RMSprop centered momentum", func(p []*tensor.Tensor) Stateful {
		return must(NewRMSprop(p, RMSpropOptions{LR: 0.01, Momentum: 0.5, Centered: true}))
	}},
}

// TestOptimizerStateRoundTrip steps an optimizer, moves its state into a
// fresh one over equal parameters, and steps both on: the parameters
// stay bit-identical. The state is a copy both ways.
func TestOptimizerStateRoundTrip(t *testing.T) {
	for _, tc := range statefuls {
		t.Run(tc.name, func(t *testing.T) {
			pa := stateParams()
			a := tc.make(pa[:1])
			must(0, a.AddParamGroup(pa[1:], 0.05))
			for k := range 3 {
				stepWith(t, a, pa, k)
			}
			st := a.StateDict()
			if len(st.Groups) != 2 || st.Groups[1].Params[0] != 1 || len(st.Params) != 2 {
				t.Fatalf("state %+v: want 2 groups and 2 parameters with state", st)
			}
			pb := stateParams()
			tensor.NoGrad(func() {
				for i := range pb {
					must(pb[i].CopyInPlace(pa[i]))
				}
			})
			b := tc.make(pb[:1])
			must(0, b.AddParamGroup(pb[1:], 0.5)) // another LR, which the state restores
			if err := b.LoadStateDict(st); err != nil {
				t.Fatal(err)
			}
			for _, ps := range st.Params { // the optimizer holds copies
				for _, buf := range ps.Buffers {
					buf[0] = 1e9
				}
			}
			for k := 3; k < 6; k++ {
				stepWith(t, a, pa, k)
				stepWith(t, b, pb, k)
			}
			for i := range pa {
				x, y := pa[i].Data(), pb[i].Data()
				for j := range x {
					if math.Float32bits(x[j]) != math.Float32bits(y[j]) {
						t.Fatalf("parameter %d[%d]: %v after loading the state, %v without a stop", i, j, y[j], x[j])
					}
				}
			}
		})
	}
}

// TestOptimizerStateErrors: a state that does not fit is refused and
// changes nothing.
func TestOptimizerStateErrors(t *testing.T) {
	p := stateParams()
	sgd := must(NewSGD(p, SGDOptions{LR: 0.1, Momentum: 0.9}))
	stepWith(t, sgd, p, 1)
	good := sgd.StateDict()
	edit := func(f func(s *State)) State {
		s := sgd.StateDict()
		f(&s)
		return s
	}
	tests := []struct {
		name string
		s    State
		want string
	}{
		{"no groups", State{}, "the state has 0 parameter groups, the optimizer has 1"},
		{"other numbering", edit(func(s *State) { s.Groups[0].Params = []int{1, 0} }), "holds parameters [1 0] in the state, [0 1] in the optimizer"},
		{"unknown parameter", edit(func(s *State) { s.Params[5] = ParamState{} }), "state for parameter 5, but the optimizer has parameters 0 to 1"},
		{"short buffer", edit(func(s *State) { s.Params[0].Buffers["momentum_buffer"] = []float32{1} }), `buffer "momentum_buffer" has 1 values, expected 6`},
		{"foreign buffer", edit(func(s *State) { s.Params[0].Buffers["exp_avg"] = make([]float32, 6) }), `a buffer "exp_avg", expected one of ["momentum_buffer"]`},
		{"missing buffer", edit(func(s *State) { s.Params[1] = ParamState{} }), `parameter 1 has no "momentum_buffer" buffer`},
		{"negative step", edit(func(s *State) { s.Params[1] = ParamState{Step: -1} }), "step count -1"},
	}
	for _, tc := range tests {
		before := sgd.StateDict()
		err := sgd.LoadStateDict(tc.s)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
		if after := sgd.StateDict(); after.Params[0].Buffers["momentum_buffer"][0] != before.Params[0].Buffers["momentum_buffer"][0] || len(after.Params) != len(before.Params) {
			t.Errorf("%s: the state changed", tc.name)
		}
	}
	adam := must(NewAdam(p, AdamOptions{}))
	if err := adam.LoadStateDict(good); err == nil || !strings.Contains(err.Error(), `adam: parameter 0 has a buffer "momentum_buffer"`) {
		t.Errorf("SGD's state into Adam: %v", err)
	}
}

// TestSchedulerState restores a scheduler's steps into a fresh one: both
// then set the same learning rates. A state for other groups or past the
// schedule's end is refused.
func TestSchedulerState(t *testing.T) {
	mk := func() (*SGD, *OneCycleLR) {
		o := must(NewSGD(stateParams(), SGDOptions{LR: 0.1, Momentum: 0.9}))
		return o, must(NewOneCycleLR(o, OneCycleOptions{MaxLR: 1, TotalSteps: 10}))
	}
	oa, a := mk()
	for range 4 {
		must(0, a.Step())
	}
	ob, b := mk()
	if err := b.LoadSchedulerState(a.SchedulerState()); err != nil {
		t.Fatal(err)
	}
	must(0, ob.LoadStateDict(oa.StateDict()))
	for range 5 {
		must(0, a.Step())
		must(0, b.Step())
		if a.LastLR()[0] != b.LastLR()[0] || oa.ParamGroups()[0].Momentum != ob.ParamGroups()[0].Momentum {
			t.Fatalf("LR %v and momentum %v after the restore, %v and %v without", b.LastLR(), ob.ParamGroups()[0].Momentum, a.LastLR(), oa.ParamGroups()[0].Momentum)
		}
	}
	for _, tc := range []struct {
		s    SchedulerState
		want string
	}{
		{SchedulerState{Steps: 1}, "0 base learning rates, the optimizer has 1"},
		{SchedulerState{Steps: -1, BaseLRs: []float64{1}}, "-1 steps, expected ≥ 0"},
		{SchedulerState{Steps: 11, BaseLRs: []float64{1}}, "11 steps, but the schedule has 10"},
	} {
		if err := b.LoadSchedulerState(tc.s); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want %q", tc.s, err, tc.want)
		}
	}
}
