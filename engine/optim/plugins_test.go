package optim_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"tinytorch/engine/data"
	"tinytorch/engine/loss"
	"tinytorch/engine/nn"
	"tinytorch/engine/optim"
	"tinytorch/engine/tensor"
	"tinytorch/engine/train"
)

// Optimizers and schedulers written outside package optim, as a student
// writes them.

// mySGD is SGD with momentum on optim.Base, with raw loops over the
// parameter's values: b ← μ·b + g, w ← w − lr·b (PyTorch's formula).
type mySGD struct {
	*optim.Base
	bufs map[*tensor.Tensor][]float32
}

func newMySGD(params []*tensor.Tensor, lr, momentum float64) (*mySGD, error) {
	b, err := optim.NewBase(params, optim.Group{LR: lr, Momentum: momentum})
	return &mySGD{Base: b, bufs: map[*tensor.Tensor][]float32{}}, err
}

func (o *mySGD) Step() error {
	return o.ForEachParam(func(g *optim.Group, p *tensor.Tensor, w, grad []float32) error {
		lr, mu := float32(g.LR), float32(g.Momentum)
		b, started := o.bufs[p]
		if !started {
			b = slices.Clone(grad[:len(w)])
			o.bufs[p] = b
		} else {
			for i := range b {
				b[i] = b[i]*mu + grad[i]
			}
		}
		for i := range w {
			w[i] -= lr * b[i]
		}
		return nil
	})
}

// opsSGD is plain SGD written from scratch (no Base) with tensor ops, the
// way a notebook cell writes it: p ← p − lr·g under NoGrad.
type opsSGD struct {
	group optim.Group
}

func (o *opsSGD) Step() error {
	var err error
	tensor.NoGrad(func() {
		for _, p := range o.group.Params {
			if p.Grad() == nil {
				continue
			}
			if _, err = p.SubInPlace(p.Grad().MulScalar(float32(o.group.LR))); err != nil {
				return
			}
		}
	})
	return err
}
func (o *opsSGD) ZeroGrad() {
	for _, p := range o.group.Params {
		p.ZeroGrad()
	}
}
func (o *opsSGD) ParamGroups() []*optim.Group { return []*optim.Group{&o.group} }
func (o *opsSGD) AddParamGroup([]*tensor.Tensor, float64) error {
	return nil
}

// halving is a scheduler written outside the package: it halves every
// group's LR at each step.
type halving struct{ opt optim.Optimizer }

func (h halving) Step() error {
	for _, g := range h.opt.ParamGroups() {
		g.LR /= 2
	}
	return nil
}
func (h halving) LastLR() []float64 {
	var lrs []float64
	for _, g := range h.opt.ParamGroups() {
		lrs = append(lrs, g.LR)
	}
	return lrs
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// blobs is a small two-class problem in batches of 8.
func blobs() data.Batches {
	tensor.ManualSeed(11)
	var bs data.Batches
	for range 6 {
		x := must(tensor.Randn(8, 2))
		y := make([]float32, 8)
		for i, v := range x.Data()[:8] {
			if v > 0 {
				y[i] = 1
			}
		}
		bs = append(bs, data.Batch{X: x, Y: must(tensor.New(y, 8))})
	}
	return bs
}

// fitWith trains a fresh MLP (same seed each time) with the optimizer and
// scheduler made by mk and returns every step's loss and each epoch's LR.
func fitWith(t *testing.T, mk func(params []*tensor.Tensor) (optim.Optimizer, optim.Scheduler)) ([]float64, []float64) {
	t.Helper()
	data := blobs()
	tensor.ManualSeed(5)
	m := nn.NewSequential(must(nn.NewLinear(2, 8, true)), nn.NewTanh(), must(nn.NewLinear(8, 2, true)))
	opt, sched := mk(m.ParamTensors())
	var lrs []float64
	tr := &train.Trainer{Model: m, Optimizer: opt, Scheduler: sched, Loss: loss.CrossEntropy{},
		Callbacks: []train.Callback{train.CallbackFuncs{EpochEnd: func(p *train.Progress) error { lrs = append(lrs, p.LR); return nil }}}}
	h, err := tr.Fit(context.Background(), data, nil, 4)
	if err != nil {
		t.Fatal(err)
	}
	return h.StepLoss, lrs
}

// TestUserOptimizersInTrainer: optimizers and schedulers written outside
// the package train in train.Trainer to the engine's own losses, bit for
// bit, since they compute the same float32 operations.
func TestUserOptimizersInTrainer(t *testing.T) {
	engineSGD := func(lr, mu float64) func([]*tensor.Tensor) optim.Optimizer {
		return func(ps []*tensor.Tensor) optim.Optimizer {
			return must(optim.NewSGD(ps, optim.SGDOptions{LR: lr, Momentum: mu}))
		}
	}
	cases := []struct {
		name       string
		user, want func(ps []*tensor.Tensor) (optim.Optimizer, optim.Scheduler)
	}{
		{"momentum SGD on optim.Base",
			func(ps []*tensor.Tensor) (optim.Optimizer, optim.Scheduler) { return must(newMySGD(ps, 0.1, 0.9)), nil },
			func(ps []*tensor.Tensor) (optim.Optimizer, optim.Scheduler) { return engineSGD(0.1, 0.9)(ps), nil }},
		{"plain SGD from scratch with tensor ops",
			func(ps []*tensor.Tensor) (optim.Optimizer, optim.Scheduler) {
				return &opsSGD{optim.Group{Params: ps, LR: 0.2}}, nil
			},
			func(ps []*tensor.Tensor) (optim.Optimizer, optim.Scheduler) { return engineSGD(0.2, 0)(ps), nil }},
		{"engine StepLR on a user optimizer",
			func(ps []*tensor.Tensor) (optim.Optimizer, optim.Scheduler) {
				o := must(newMySGD(ps, 0.1, 0.9))
				return o, must(optim.NewStepLR(o, 1, 0.5))
			},
			func(ps []*tensor.Tensor) (optim.Optimizer, optim.Scheduler) {
				o := engineSGD(0.1, 0.9)(ps)
				return o, must(optim.NewStepLR(o, 1, 0.5))
			}},
		{"user scheduler on the engine's SGD",
			func(ps []*tensor.Tensor) (optim.Optimizer, optim.Scheduler) {
				o := engineSGD(0.1, 0.9)(ps)
				return o, halving{o}
			},
			func(ps []*tensor.Tensor) (optim.Optimizer, optim.Scheduler) {
				o := engineSGD(0.1, 0.9)(ps)
				return o, must(optim.NewStepLR(o, 1, 0.5))
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, gotLR := fitWith(t, c.user)
			want, wantLR := fitWith(t, c.want)
			if !slices.Equal(got, want) {
				t.Errorf("step losses\n%v\nwith the engine's\n%v", got, want)
			}
			if !slices.Equal(gotLR, wantLR) {
				t.Errorf("LR per epoch %v, with the engine's %v", gotLR, wantLR)
			}
			if want[len(want)-1] >= want[0] {
				t.Errorf("the loss did not fall: %v", want)
			}
		})
	}
}

// TestNewBaseErrors: the base refuses what the engine's optimizers refuse.
func TestNewBaseErrors(t *testing.T) {
	w := must(tensor.Zeros(2))
	_ = w.SetRequiresGrad(true)
	frozen := must(tensor.Zeros(3))
	cases := []struct {
		params   []*tensor.Tensor
		defaults optim.Group
		want     string
	}{
		{[]*tensor.Tensor{w}, optim.Group{LR: -1}, "optimizer: learning rate -1, expected ≥ 0"},
		{[]*tensor.Tensor{w}, optim.Group{LR: 1, WeightDecay: -2}, "optimizer: weight decay -2, expected ≥ 0"},
		{[]*tensor.Tensor{frozen}, optim.Group{LR: 1}, "parameter 0 (shape [3]) does not require grad"},
		{[]*tensor.Tensor{w, w}, optim.Group{LR: 1}, "parameter 1 (shape [2]) already belongs to a parameter group"},
	}
	for _, c := range cases {
		_, err := optim.NewBase(c.params, c.defaults)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("NewBase: %v, want an error containing %q", err, c.want)
		}
	}
}
