package optim

import (
	"encoding/json"
	"math"
	"os"
	"slices"
	"testing"

	"tinytorch/engine/tensor"
)

// The PyTorch fixtures, written by tools/torchref/nnref.py: ten steps of
// every optimizer on a fixed problem (a one-layer tanh regression), ten
// steps of every scheduler, and clip_grad_norm_.

type fixTensor struct {
	Shape []int     `json:"shape"`
	Data  []float32 `json:"data"`
}

func (f fixTensor) tensor() *tensor.Tensor {
	return must(tensor.New(slices.Clone(f.Data), f.Shape...))
}

type fixCase struct {
	Name string `json:"name"`
	// optimizers
	Optimizer string         `json:"optimizer"`
	Options   map[string]any `json:"options"`
	GroupLRs  []float64      `json:"groupLRs"`
	W0, B0    fixTensor
	X, Y      fixTensor
	Steps     []struct {
		Loss float64
		W, B fixTensor
	} `json:"steps"`
	// schedulers
	Scheduler string         `json:"scheduler"`
	Args      map[string]any `json:"args"`
	LRs       []float64      `json:"lrs"`
	Momentum  []float64      `json:"momentum"`
	// clipping
	MaxNorm float64     `json:"maxNorm"`
	Grads   []fixTensor `json:"grads"`
	Norm    float64     `json:"norm"`
	Clipped []fixTensor `json:"clipped"`
}

func loadCases(t *testing.T) []fixCase {
	raw := must(os.ReadFile("testdata/torchref.json"))
	var doc struct{ Cases []fixCase }
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Cases
}

// must unwraps a result in a test; an error here is a broken test setup.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func num(m map[string]any, key string) float64 {
	if v, ok := m[key].(float64); ok {
		return v
	}
	return 0
}

func flag(m map[string]any, key string) bool {
	v, _ := m[key].(bool)
	return v
}

// newOptimizer builds the optimizer a fixture case names.
func newOptimizer(c fixCase, params []*tensor.Tensor) Optimizer {
	o := c.Options
	betas, _ := o["betas"].([]any)
	var b1, b2 float64
	if len(betas) == 2 {
		b1, b2 = betas[0].(float64), betas[1].(float64)
	}
	adam := AdamOptions{LR: num(o, "lr"), Beta1: b1, Beta2: b2, Eps: num(o, "eps"),
		WeightDecay: num(o, "weight_decay"), AMSGrad: flag(o, "amsgrad"), Maximize: flag(o, "maximize")}
	switch c.Optimizer {
	case "SGD":
		return must(NewSGD(params, SGDOptions{LR: num(o, "lr"), Momentum: num(o, "momentum"), Dampening: num(o, "dampening"),
			WeightDecay: num(o, "weight_decay"), Nesterov: flag(o, "nesterov"), Maximize: flag(o, "maximize")}))
	case "Adam":
		return must(NewAdam(params, adam))
	case "AdamW":
		return must(NewAdamW(params, adam))
	case "RMSprop":
		return must(NewRMSprop(params, RMSpropOptions{LR: num(o, "lr"), Alpha: num(o, "alpha"), Eps: num(o, "eps"),
			WeightDecay: num(o, "weight_decay"), Momentum: num(o, "momentum"), Centered: flag(o, "centered"),
			Maximize: flag(o, "maximize")}))
	}
	panic("unknown optimizer " + c.Optimizer)
}

// problemLoss is mean((tanh(x·wᵀ + b) - y)²), the fixture's problem.
func problemLoss(w, b, x, y *tensor.Tensor) *tensor.Tensor {
	h := must(must(x.Matmul(must(w.Transpose(0, 1)))).Add(b)).Tanh()
	d := must(h.Sub(y))
	return must(d.Mul(d)).MeanAll()
}

// Ten steps of each optimizer match PyTorch's parameters after every
// step. The "scheduled sgd/…" cases also step a scheduler after every
// optimizer step, as PyTorch's loop does, so each schedule is checked by
// the parameters it produces. The tolerance is 1e-5 relative, like every
// fixture, with an absolute slack of 1e-6.
func TestOptimizersMatchPyTorch(t *testing.T) {
	for _, c := range loadCases(t) {
		if c.Steps == nil {
			continue
		}
		t.Run(c.Name, func(t *testing.T) {
			w, b := c.W0.tensor(), c.B0.tensor()
			must(0, w.SetRequiresGrad(true))
			must(0, b.SetRequiresGrad(true))
			var opt Optimizer
			if c.GroupLRs != nil {
				opt = newOptimizer(c, []*tensor.Tensor{w})
				must(0, opt.AddParamGroup([]*tensor.Tensor{b}, c.GroupLRs[1]))
				opt.ParamGroups()[0].LR = c.GroupLRs[0]
			} else {
				opt = newOptimizer(c, []*tensor.Tensor{w, b})
			}
			var sched Scheduler
			if c.Scheduler != "" {
				sched = newScheduler(c, opt)
			}
			x, y := c.X.tensor(), c.Y.tensor()
			for i, s := range c.Steps {
				opt.ZeroGrad()
				l := problemLoss(w, b, x, y)
				must(0, l.Backward())
				must(0, opt.Step())
				if sched != nil {
					must(0, sched.Step())
				}
				wantClose(t, i, "w", w, s.W)
				wantClose(t, i, "b", b, s.B)
			}
		})
	}
}

func wantClose(t *testing.T, step int, what string, got *tensor.Tensor, want fixTensor) {
	t.Helper()
	for i, v := range got.Data() {
		w := float64(want.Data[i])
		if math.Abs(float64(v)-w) > 1e-6+1e-5*math.Abs(w) {
			t.Fatalf("step %d: %s[%d] is %v, PyTorch has %v", step+1, what, i, v, w)
		}
	}
}

// newScheduler builds the scheduler a fixture case names over opt.
func newScheduler(c fixCase, opt Optimizer) Scheduler {
	a := c.Args
	switch c.Scheduler {
	case "StepLR":
		return must(NewStepLR(opt, int(num(a, "stepSize")), num(a, "gamma")))
	case "CosineAnnealingLR":
		return must(NewCosineAnnealingLR(opt, int(num(a, "tMax")), num(a, "etaMin")))
	case "LinearLR":
		return must(NewLinearLR(opt, num(a, "startFactor"), num(a, "endFactor"), int(num(a, "totalIters"))))
	case "OneCycleLR":
		return must(NewOneCycleLR(opt, OneCycleOptions{MaxLR: num(a, "maxLR"), TotalSteps: int(num(a, "totalSteps")),
			PctStart: num(a, "pctStart"), DivFactor: num(a, "divFactor"), LinearAnneal: flag(a, "linear"),
			FixedMomentum: flag(a, "fixedMomentum")}))
	}
	panic("unknown scheduler " + c.Scheduler)
}

func TestSchedulersMatchPyTorch(t *testing.T) {
	for _, c := range loadCases(t) {
		if c.LRs == nil { // not a learning-rate sequence
			continue
		}
		t.Run(c.Name, func(t *testing.T) {
			p := must(tensor.Zeros(2))
			must(0, p.SetRequiresGrad(true))
			var opt Optimizer
			if c.Optimizer == "Adam" {
				opt = must(NewAdam([]*tensor.Tensor{p}, AdamOptions{LR: 0.1}))
			} else {
				opt = must(NewSGD([]*tensor.Tensor{p}, SGDOptions{LR: 0.1, Momentum: 0.9}))
			}
			s := newScheduler(c, opt)
			for i := range c.LRs {
				if i > 0 {
					must(0, opt.Step())
					must(0, s.Step())
				}
				g := opt.ParamGroups()[0]
				if !close64(g.LR, c.LRs[i]) || !close64(g.Momentum, c.Momentum[i]) {
					t.Fatalf("step %d: lr %.9g momentum %.9g, PyTorch has %.9g and %.9g", i, g.LR, g.Momentum, c.LRs[i], c.Momentum[i])
				}
			}
		})
	}
}

func close64(a, b float64) bool { return math.Abs(a-b) <= 1e-12+1e-9*math.Abs(b) }

func TestClipGradNormMatchesPyTorch(t *testing.T) {
	for _, c := range loadCases(t) {
		if c.MaxNorm == 0 {
			continue
		}
		t.Run(c.Name, func(t *testing.T) {
			var params []*tensor.Tensor
			for _, g := range c.Grads {
				p := must(tensor.Zeros(g.Shape...))
				must(0, p.SetRequiresGrad(true))
				// Give p the fixture's gradient: the gradient of sum(g·p) is g.
				must(0, must(p.Mul(g.tensor())).SumAll().Backward())
				params = append(params, p)
			}
			norm := must(ClipGradNorm(params, c.MaxNorm))
			if math.Abs(norm-c.Norm) > 1e-5*c.Norm {
				t.Fatalf("norm %v, PyTorch has %v", norm, c.Norm)
			}
			for i, p := range params {
				wantClose(t, 0, "clipped grad", p.Grad(), c.Clipped[i])
			}
		})
	}
}
