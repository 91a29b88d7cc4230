package optim

import (
	"fmt"

	"tinytorch/engine/tensor"
	"tinytorch/engine/vec"
)

// SGDOptions configures SGD; zero values are PyTorch's defaults except LR,
// which must be given.
type SGDOptions struct {
	LR          float64
	Momentum    float64 // 0: plain gradient descent
	Dampening   float64 // scales down new gradients entering the momentum buffer
	WeightDecay float64 // L2 penalty: adds WeightDecay·p to the gradient
	Nesterov    bool    // look-ahead momentum; needs Momentum > 0 and no dampening
	Maximize    bool    // ascend instead of descend
}

// SGD is stochastic gradient descent. Per parameter p with gradient g:
//
//	g ← g + wd·p                     (weight decay)
//	b ← g on the first step,
//	    μ·b + (1-dampening)·g after  (momentum buffer)
//	g ← g + μ·b if Nesterov, else b
//	p ← p - lr·g
type SGD struct {
	groups
	opts SGDOptions
	buf  map[*tensor.Tensor][]float32
}

// NewSGD makes an SGD optimizer over params, PyTorch's optim.SGD.
func NewSGD(params []*tensor.Tensor, o SGDOptions) (*SGD, error) {
	if err := checkLR("sgd", o.LR, o.WeightDecay); err != nil {
		return nil, err
	}
	if o.Momentum < 0 {
		return nil, fmt.Errorf("sgd: momentum %g, expected ≥ 0", o.Momentum)
	}
	if o.Nesterov && (o.Momentum <= 0 || o.Dampening != 0) {
		return nil, fmt.Errorf("sgd: Nesterov momentum requires momentum > 0 and dampening 0, got momentum %g, dampening %g", o.Momentum, o.Dampening)
	}
	s := &SGD{opts: o, buf: map[*tensor.Tensor][]float32{}}
	s.defaults = Group{Momentum: o.Momentum, WeightDecay: o.WeightDecay}
	return s, s.AddParamGroup(params, o.LR)
}

// Step updates every parameter that has a gradient.
func (s *SGD) Step() error {
	return s.forEach(func(grp *Group, p *tensor.Tensor, w, g []float32) error {
		lr, mu, wd := float32(grp.LR), float32(grp.Momentum), float32(grp.WeightDecay)
		damp := float32(1 - s.opts.Dampening)
		buf, started := s.buf[p]
		if mu != 0 && !started {
			buf = make([]float32, len(w))
			s.buf[p] = buf
		}
		maximize, nesterov := s.opts.Maximize, s.opts.Nesterov
		if mu != 0 && started && !maximize && wd == 0 && !nesterov {
			// The common case (plain momentum, PyTorch's usual recipe) as one
			// vector loop (engine/vec, SIMD on amd64): the general loop below
			// computes the same values, but tests every option on every
			// element. Large tensors are split between threads: each
			// element's update reads only its own values.
			tensor.Parallel(len(w), func(lo, hi int) {
				vec.MomentumUpdate(w[lo:hi], g[lo:hi], buf[lo:hi], lr, mu, damp)
			})
			return nil
		}
		for i := range w {
			d := g[i]
			if maximize {
				d = -d
			}
			if wd != 0 {
				d += wd * w[i]
			}
			if mu != 0 {
				if started {
					buf[i] = buf[i]*mu + damp*d
				} else {
					buf[i] = d
				}
				if nesterov {
					d += mu * buf[i]
				} else {
					d = buf[i]
				}
			}
			w[i] += -lr * d
		}
		return nil
	})
}
