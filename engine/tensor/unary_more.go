package tensor

import "math"

// More rows of the unary table (see unary.go): the elementwise functions
// PyTorch users reach for beyond the activations of the first chapters.
// Each is a forward function and its derivative side by side; sign,
// floor and round are piecewise constant, so their derivative is 0
// everywhere, as in PyTorch.
var (
	// log1p is log(1 + x), accurate where x is tiny: 1 + x would round
	// x away before the log sees it.
	log1pOp = unaryOp{"log1p", math.Log1p, func(x, y float64) float64 { return 1 / (1 + x) }, true, false}
	signOp  = unaryOp{"sign", sign, zeroDerivative, false, false}
	floorOp = unaryOp{"floor", math.Floor, zeroDerivative, false, false}
	// round sends halves to the even neighbour (2.5 → 2), as torch.round.
	roundOp = unaryOp{"round", math.RoundToEven, zeroDerivative, false, false}
	// erf's derivative is the normal density's shape: 2/√π · e^(-x²).
	erfOp = unaryOp{"erf", math.Erf,
		func(x, y float64) float64 { return 2 / math.Sqrt(math.Pi) * exp(-x*x) }, true, false}
)

// zeroDerivative is the derivative of a piecewise constant function.
func zeroDerivative(x, y float64) float64 { return 0 }

// piecewiseConstant applies sign, floor or round and records a gradient
// of zeros, as PyTorch does, whatever the incoming gradient: unary's
// g·0 would be NaN where g is infinite or NaN.
func (t *Tensor) piecewiseConstant(op unaryOp) *Tensor {
	x := t.values()
	out := uninitialized(t.shape) // every element is written below
	for i, v := range x {
		out.st.data[i] = float32(op.f(float64(v)))
	}
	record(out, op.name, []*Tensor{t}, nil, func(*Tensor) []*Tensor { return []*Tensor{ZerosLike(t)} })
	return out
}

// Log1p returns log(1 + t) elementwise, accurate for t near 0 (NaN below
// -1, -Inf at -1).
func (t *Tensor) Log1p() *Tensor { return t.unary(log1pOp) }

// Sign returns -1, 0 or 1 elementwise; its gradient is 0. NaN gives 0,
// as in PyTorch 1.13.
func (t *Tensor) Sign() *Tensor { return t.piecewiseConstant(signOp) }

// Floor rounds down to a whole number elementwise; its gradient is 0.
func (t *Tensor) Floor() *Tensor { return t.piecewiseConstant(floorOp) }

// Round rounds to the nearest whole number elementwise, halves to even
// (0.5 → 0, 1.5 → 2) as torch.round does; its gradient is 0.
func (t *Tensor) Round() *Tensor { return t.piecewiseConstant(roundOp) }

// Erf returns the error function elementwise, 2/√π ∫₀ˣ e^(-s²) ds.
func (t *Tensor) Erf() *Tensor { return t.unary(erfOp) }

// Softplus returns log(1 + e^(beta·t))/beta elementwise, a smooth relu
// (PyTorch's defaults: beta 1, threshold 20). Where beta·t > threshold it
// returns t itself, as PyTorch does: there the two differ by less than
// float32 can show, and e^(beta·t) would overflow. The gradient is
// sigmoid(beta·t), and 1 above the threshold.
func (t *Tensor) Softplus(beta, threshold float32) *Tensor {
	b, th := float64(beta), float64(threshold)
	return t.unary(unaryOp{"softplus",
		func(x float64) float64 {
			if x*b > th {
				return x
			}
			return math.Log1p(exp(x*b)) / b
		},
		func(x, y float64) float64 {
			if x*b > th {
				return 1
			}
			return sigmoid64(x * b)
		}, true, false})
}

// Elu returns t where t > 0 and alpha·(e^t - 1) elsewhere (PyTorch's
// default alpha is 1). It is a table row rather than a Where of two
// branches: e^t - 1 is computed as expm1, exact near 0, and the branch
// not taken is never evaluated, so a large t cannot make e^t overflow
// into a NaN gradient. The derivative is alpha·e^t for t ≤ 0 and 1
// elsewhere, NaN included: PyTorch's elu_backward tests t ≤ 0, so a NaN
// input passes the incoming gradient as it is, not g·NaN. A zero of
// either sign gives +0, as PyTorch's e^t - 1 does, where expm1(-0) would
// keep the sign (difftest seed 5253118).
func (t *Tensor) Elu(alpha float32) *Tensor {
	a := float64(alpha)
	return t.unary(unaryOp{"elu",
		func(x float64) float64 {
			switch {
			case x > 0:
				return x
			case x == 0:
				return 0
			}
			return a * math.Expm1(x)
		},
		func(x, y float64) float64 {
			if x <= 0 {
				return a * exp(x)
			}
			return 1 // also at NaN, as PyTorch's elu_backward tests x <= 0
		}, true, false})
}

// Silu returns t·sigmoid(t) elementwise (also called swish). It is a
// table row with its own derivative sigmoid(t)·(1 + t·(1 - sigmoid(t))),
// PyTorch's, rather than Mul of t and Sigmoid: the chain rule through
// the two would add two gradients, g·sigmoid(t) and g·t·sigmoid'(t),
// which are +Inf and -Inf for an infinite g, giving NaN where PyTorch's
// single product gives ±Inf.
func (t *Tensor) Silu() *Tensor { return t.unary(siluOp) }

// siluOp's forward multiplies t by sigmoid(t) rounded to float32, as the
// Mul of t and Sigmoid did: the exact product of two float32 values,
// rounded once, gives the same bits as a float32 Mul.
var siluOp = unaryOp{"silu",
	func(x float64) float64 { return x * float64(float32(sigmoid64(x))) },
	func(x, y float64) float64 {
		s := sigmoid64(x)
		return s * (1 + x*(1-s))
	}, true, false}
