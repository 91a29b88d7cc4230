package optim

import (
	"fmt"
	"math"

	"tinytorch/engine/tensor"
	"tinytorch/engine/vec"
)

// AdamOptions configures Adam and AdamW. A zero field takes PyTorch's
// default: LR 1e-3, Beta1 0.9, Beta2 0.999, Eps 1e-8, and for AdamW
// WeightDecay 1e-2 (Adam's default weight decay is 0). The betas are a
// pair, like PyTorch's betas=(β1, β2): set Beta2 to set Beta1 to 0.
type AdamOptions struct {
	LR float64
	// Beta1 and Beta2 are the decay rates of the moving averages of g and
	// g², by default 0.9 and 0.999. Like every option a zero Beta2 means
	// its default, and so does a zero Beta1 when Beta2 is zero too; but a
	// zero Beta1 beside a set Beta2 is taken as given, as PyTorch's
	// betas=(0, 0.999): no averaging of the gradient.
	Beta1, Beta2 float64
	Eps          float64 // added to the denominator, against division by 0
	WeightDecay  float64
	AMSGrad      bool // use the maximum of the second moments seen so far
	Maximize     bool
}

// Adam keeps moving averages of each parameter's gradient (m, the first
// moment) and squared gradient (v, the second), corrects their bias
// towards 0 in the first steps, and moves each weight by about lr in the
// direction of m/√v: a per-weight step size. At step t:
//
//	g ← g + wd·p                          (Adam; AdamW decays p instead)
//	m ← β1·m + (1-β1)·g
//	v ← β2·v + (1-β2)·g²
//	p ← p - lr/(1-β1ᵗ) · m / (√v/√(1-β2ᵗ) + eps)
type Adam struct {
	groups
	opts      AdamOptions
	decoupled bool // AdamW: decay the weights directly, not through g
	state     map[*tensor.Tensor]*adamState
}

// adamState is one parameter's moments and step count.
type adamState struct {
	step       int
	m, v, vMax []float32
}

// NewAdam makes PyTorch's optim.Adam.
func NewAdam(params []*tensor.Tensor, o AdamOptions) (*Adam, error) {
	return newAdam("adam", params, o, false)
}

// NewAdamW makes PyTorch's optim.AdamW: Adam with decoupled weight decay
// (Loshchilov & Hutter), p ← p·(1 - lr·wd) before the Adam step, which
// regularises better than adding wd·p to the gradient, because Adam's
// per-weight scaling would otherwise shrink the decay of weights with
// large gradients.
func NewAdamW(params []*tensor.Tensor, o AdamOptions) (*Adam, error) {
	if o.WeightDecay == 0 {
		o.WeightDecay = 1e-2
	}
	return newAdam("adamW", params, o, true)
}

func newAdam(name string, params []*tensor.Tensor, o AdamOptions, decoupled bool) (*Adam, error) {
	o.LR = orDefault(o.LR, 1e-3)
	if o.Beta2 == 0 {
		o.Beta1 = orDefault(o.Beta1, 0.9)
		o.Beta2 = 0.999
	}
	o.Eps = orDefault(o.Eps, 1e-8)
	if err := checkLR(name, o.LR, o.WeightDecay); err != nil {
		return nil, err
	}
	if o.Beta1 < 0 || o.Beta1 >= 1 || o.Beta2 < 0 || o.Beta2 >= 1 {
		return nil, fmt.Errorf("%s: betas (%g, %g), expected each in [0, 1)", name, o.Beta1, o.Beta2)
	}
	a := &Adam{opts: o, decoupled: decoupled, state: map[*tensor.Tensor]*adamState{}}
	a.defaults = Group{Momentum: o.Beta1, WeightDecay: o.WeightDecay}
	return a, a.AddParamGroup(params, o.LR)
}

// Step updates every parameter that has a gradient.
func (a *Adam) Step() error {
	return a.forEach(func(grp *Group, p *tensor.Tensor, w, g []float32) error {
		st := a.state[p]
		if st == nil {
			st = &adamState{m: make([]float32, len(w)), v: make([]float32, len(w))}
			if a.opts.AMSGrad {
				st.vMax = make([]float32, len(w))
			}
			a.state[p] = st
		}
		st.step++
		a.update(grp, st, w, g)
		return nil
	})
}

// update applies one Adam step to w, in PyTorch's order of float32
// operations.
func (a *Adam) update(grp *Group, st *adamState, w, g []float32) {
	lr, wd := grp.LR, float32(grp.WeightDecay)
	b1, b2 := float32(grp.Momentum), float32(a.opts.Beta2)
	stepSize := float32(lr / (1 - math.Pow(grp.Momentum, float64(st.step))))
	bc2Sqrt := float32(math.Sqrt(1 - math.Pow(a.opts.Beta2, float64(st.step))))
	c1, c2 := float32(1-grp.Momentum), float32(1-a.opts.Beta2) // PyTorch rounds these from float64
	eps := float32(a.opts.Eps)
	decay := float32(1 - lr*grp.WeightDecay)
	if !a.opts.Maximize && st.vMax == nil && (a.decoupled || wd == 0) {
		// The common cases, Adam without weight decay and AdamW, as one
		// vector loop (engine/vec, AVX on amd64) giving the same bits as
		// the general loop below. Adam multiplies by a decay of exactly 1.
		if !a.decoupled {
			decay = 1
		}
		consts := &vec.AdamConsts{
			Beta1: b1, OneMinusBeta1: c1, Beta2: b2, OneMinusBeta2: c2,
			BiasCorrection2Sqrt: bc2Sqrt, Eps: eps, NegStepSize: -stepSize, Decay: decay,
		}
		// Split between threads when large: element by element, as one
		// loop would.
		tensor.Parallel(len(w), func(lo, hi int) {
			vec.AdamUpdate(w[lo:hi], g[lo:hi], st.m[lo:hi], st.v[lo:hi], consts)
		})
		return
	}
	for i := range w {
		d := g[i]
		if a.opts.Maximize {
			d = -d
		}
		if a.decoupled {
			w[i] *= decay
		} else if wd != 0 {
			d += wd * w[i]
		}
		st.m[i] = st.m[i]*b1 + c1*d
		st.v[i] = st.v[i]*b2 + c2*(d*d)
		v := st.v[i]
		if st.vMax != nil {
			st.vMax[i] = max(st.vMax[i], v)
			v = st.vMax[i]
		}
		denom := float32(math.Sqrt(float64(v)))/bc2Sqrt + eps
		w[i] += -stepSize * (st.m[i] / denom)
	}
}

// orDefault returns v, or def when v is zero: option structs use zero for
// "PyTorch's default".
func orDefault(v, def float64) float64 {
	if v == 0 {
		return def
	}
	return v
}
