package optim

import (
	"fmt"
	"math"

	"tinytorch/engine/tensor"
)

// RMSpropOptions configures RMSprop. A zero field takes PyTorch's
// default: LR 1e-2, Alpha 0.99, Eps 1e-8; Momentum and WeightDecay
// default to 0.
type RMSpropOptions struct {
	LR          float64
	Alpha       float64 // decay rate of the moving average of g²
	Eps         float64
	WeightDecay float64
	Momentum    float64
	Centered    bool // divide by an estimate of the variance of g instead of its second moment
	Maximize    bool
}

// RMSprop divides each gradient by the root of a moving average of its
// squares (Hinton's lecture 6e), so that every weight takes steps of a
// similar size:
//
//	s ← α·s + (1-α)·g²
//	p ← p - lr · g / (√s + eps)      (with momentum: b ← μ·b + g/(√s+eps), p ← p - lr·b)
type RMSprop struct {
	groups
	opts  RMSpropOptions
	state map[*tensor.Tensor]*rmsState
}

// rmsState is one parameter's running averages and momentum buffer.
type rmsState struct {
	sq, avg, buf []float32
}

// NewRMSprop makes PyTorch's optim.RMSprop.
func NewRMSprop(params []*tensor.Tensor, o RMSpropOptions) (*RMSprop, error) {
	o.LR = orDefault(o.LR, 1e-2)
	o.Alpha = orDefault(o.Alpha, 0.99)
	o.Eps = orDefault(o.Eps, 1e-8)
	if err := checkLR("rmsprop", o.LR, o.WeightDecay); err != nil {
		return nil, err
	}
	if o.Momentum < 0 || o.Alpha < 0 {
		return nil, fmt.Errorf("rmsprop: momentum %g and alpha %g, expected ≥ 0", o.Momentum, o.Alpha)
	}
	r := &RMSprop{opts: o, state: map[*tensor.Tensor]*rmsState{}}
	r.defaults = Group{Momentum: o.Momentum, WeightDecay: o.WeightDecay}
	return r, r.AddParamGroup(params, o.LR)
}

// Step updates every parameter that has a gradient.
func (r *RMSprop) Step() error {
	return r.forEach(func(grp *Group, p *tensor.Tensor, w, g []float32) error {
		st := r.state[p]
		if st == nil {
			n := len(w)
			st = &rmsState{sq: make([]float32, n), avg: make([]float32, n), buf: make([]float32, n)}
			r.state[p] = st
		}
		r.update(grp, st, w, g)
		return nil
	})
}

// update applies one RMSprop step to w, in PyTorch's order of operations.
func (r *RMSprop) update(grp *Group, st *rmsState, w, g []float32) {
	lr, wd, mu := float32(grp.LR), float32(grp.WeightDecay), float32(grp.Momentum)
	alpha, eps := float32(r.opts.Alpha), float32(r.opts.Eps)
	c := float32(1 - r.opts.Alpha) // PyTorch rounds it from float64
	for i := range w {
		d := g[i]
		if r.opts.Maximize {
			d = -d
		}
		if wd != 0 {
			d += wd * w[i]
		}
		st.sq[i] = st.sq[i]*alpha + c*(d*d)
		v := st.sq[i]
		if r.opts.Centered {
			st.avg[i] = st.avg[i]*alpha + c*d
			v -= st.avg[i] * st.avg[i]
		}
		denom := float32(math.Sqrt(float64(v))) + eps
		if mu > 0 {
			st.buf[i] = st.buf[i]*mu + d/denom
			w[i] += -lr * st.buf[i]
		} else {
			w[i] += -lr * (d / denom)
		}
	}
}
