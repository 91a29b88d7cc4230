package tensor

import "math"

// The rule of an elementwise function of one tensor: every output element
// depends on its own input element only, so the gradient is the incoming
// gradient times the derivative, element by element:
//
//	y[i]  = f(x[i])
//	dx[i] = g[i] · f'(x[i])      (0 where f' is a 0 mask, even for g = ±∞)
//
// Each function is one row of a table, f and f' side by side (unaryOp,
// the rows below and in unary_more.go); reference and referenceGrad are
// the formulas as loops, in float64, rounded once to float32. The
// commonest functions also have fast loops (unary_fast.go) that give the
// same bits (TestUnaryFastMatchesReference).

// unaryOp is one row of the gradient table for elementwise functions of one
// tensor: the forward function and its derivative side by side. Values are
// computed in float64 and rounded once to float32.
type unaryOp struct {
	name string
	f    func(x float64) float64
	// df is the derivative at input x, given the output y = f(x); many
	// derivatives are cheapest in terms of y (exp, tanh, sigmoid).
	df func(x, y float64) float64
	// saveX and saveY say which of x and y df reads, so that only those
	// are protected against in-place modification.
	saveX, saveY bool
}

// reference is the rule's forward loop: y[i] = f(x[i]).
func (op unaryOp) reference(y, x []float32) {
	for i, v := range x {
		y[i] = float32(op.f(float64(v)))
	}
}

// referenceGrad is the rule's gradient loop: dx[i] = g[i]·f'(x[i]), and 0
// where a masking op's derivative is 0 (not g·0, which is NaN for an
// infinite g).
func (op unaryOp) referenceGrad(dx, g, x, y []float32) {
	mask := masksGradient(op.name)
	for i := range dx {
		d := op.df(float64(x[i]), float64(y[i]))
		if d == 0 && mask {
			dx[i] = 0
			continue
		}
		dx[i] = float32(float64(g[i]) * d)
	}
}

var (
	negOp     = unaryOp{"neg", func(x float64) float64 { return -x }, func(x, y float64) float64 { return -1 }, false, false}
	expOp     = unaryOp{"exp", exp, func(x, y float64) float64 { return y }, false, true}
	logOp     = unaryOp{"log", math.Log, func(x, y float64) float64 { return 1 / x }, true, false}
	sqrtOp    = unaryOp{"sqrt", math.Sqrt, func(x, y float64) float64 { return 0.5 / y }, false, true}
	absOp     = unaryOp{"abs", math.Abs, func(x, y float64) float64 { return sign(x) }, true, false}
	sinOp     = unaryOp{"sin", math.Sin, func(x, y float64) float64 { return math.Cos(x) }, true, false}
	cosOp     = unaryOp{"cos", math.Cos, func(x, y float64) float64 { return -math.Sin(x) }, true, false}
	tanhOp    = unaryOp{"tanh", math.Tanh, func(x, y float64) float64 { return 1 - y*y }, false, true}
	sigmoidOp = unaryOp{"sigmoid", sigmoid64,
		func(x, y float64) float64 { return y * (1 - y) }, false, true}
	// relu's derivative at 0 is taken as 0, as in PyTorch.
	// Its value keeps x unless x < 0, so -0 stays -0 (torch's clamp_min).
	reluOp = unaryOp{"relu", relu64,
		func(x, y float64) float64 { return step(!(y <= 0)) }, false, true} // NaN passes g, as PyTorch's threshold_backward
	// gelu is the exact form x·Φ(x), Φ the standard normal CDF (PyTorch's
	// default, approximate='none'); its derivative is Φ(x) + x·φ(x).
	geluOp = unaryOp{"gelu", gelu64,
		func(x, y float64) float64 { return normalCDF(x) + x*exp(-x*x/2)/math.Sqrt(2*math.Pi) }, true, false}
)

// scalarPowOp is x^s for a constant s ≠ 0, PyTorch's x ** s: its
// derivative s·x^(s-1). Both powers are scalarPow's.
func scalarPowOp(s float64) unaryOp {
	return unaryOp{"pow", func(x float64) float64 { return scalarPow(x, s) },
		func(x, y float64) float64 { return s * scalarPow(x, s-1) }, true, false}
}

// scalarPow is x^e as PyTorch's pow with a number for exponent computes
// it: e = 0.5 and -0.5 as sqrt(x) and 1/sqrt(x), which differ from
// math.Pow (C's pow) only at -0 and -Inf: (-0)^0.5 = -0 and (-Inf)^0.5 =
// NaN, where math.Pow gives +0 and +Inf (difftest seed 8127591: the
// gradient of x ** 0.5 at -0 is 0.5/sqrt(-0) = -Inf). A tensor exponent
// (Pow) goes through C's pow in PyTorch, and math.Pow here.
func scalarPow(x, e float64) float64 {
	switch e {
	case 0.5:
		return math.Sqrt(x)
	case -0.5:
		return 1 / math.Sqrt(x)
	}
	return math.Pow(x, e)
}

// Neg returns -t elementwise.
func (t *Tensor) Neg() *Tensor { return t.unary(negOp) }

// Exp returns e^t elementwise.
func (t *Tensor) Exp() *Tensor { return t.unary(expOp) }

// Log returns the natural logarithm elementwise (NaN below 0, -Inf at 0).
func (t *Tensor) Log() *Tensor { return t.unary(logOp) }

// Sqrt returns the square root elementwise (NaN below 0).
func (t *Tensor) Sqrt() *Tensor { return t.unary(sqrtOp) }

// Abs returns |t| elementwise; its gradient at 0 is 0.
func (t *Tensor) Abs() *Tensor { return t.unary(absOp) }

// Sin returns the sine elementwise (radians).
func (t *Tensor) Sin() *Tensor { return t.unary(sinOp) }

// Cos returns the cosine elementwise (radians).
func (t *Tensor) Cos() *Tensor { return t.unary(cosOp) }

// Tanh returns the hyperbolic tangent elementwise.
func (t *Tensor) Tanh() *Tensor { return t.unary(tanhOp) }

// Sigmoid returns 1 / (1 + e^-t) elementwise.
func (t *Tensor) Sigmoid() *Tensor { return t.unary(sigmoidOp) }

// Relu returns max(t, 0) elementwise.
func (t *Tensor) Relu() *Tensor { return t.unary(reluOp) }

// Gelu returns the Gaussian error linear unit x·Φ(x) elementwise, with the
// exact normal CDF Φ (PyTorch's default).
func (t *Tensor) Gelu() *Tensor { return t.unary(geluOp) }

// LeakyRelu returns t where t > 0 and slope·t elsewhere (PyTorch's default
// slope is 0.01).
func (t *Tensor) LeakyRelu(slope float32) *Tensor {
	s := float64(slope)
	return t.unary(unaryOp{"leakyRelu",
		func(x float64) float64 {
			if x > 0 {
				return x
			}
			return s * x
		},
		func(x, y float64) float64 {
			if x > 0 {
				return 1
			}
			return s
		}, true, false})
}

// Clamp limits every element to [lo, hi]. Pass float32(math.Inf(±1)) for
// a missing bound. The gradient is 1 inside the range, bounds included,
// and 0 outside, as in PyTorch; NaN stays NaN.
func (t *Tensor) Clamp(lo, hi float32) *Tensor {
	l, h := float64(lo), float64(hi)
	return t.unary(unaryOp{"clamp",
		func(x float64) float64 { return minNaN(maxNaN(x, l), h) },
		func(x, y float64) float64 { return step(x >= l && x <= h) }, true, false})
}

// unary applies op to every element and records op.df for backward:
// the input's gradient is g·df(x, y), element by element. It runs the
// reference loops, or the op's fast loops (unary_fast.go) where it has
// them.
func (t *Tensor) unary(op unaryOp) *Tensor {
	x := t.values()
	out := uninitialized(t.shape) // every element is written below
	y := out.st.data
	fwd, bwd := fastUnary(op.name)
	if fwd == nil {
		fwd = op.reference
	}
	parallelElems(len(y), func(lo, hi int) { fwd(y[lo:hi], x[lo:hi]) })
	var saved []*Tensor
	if op.saveX {
		saved = append(saved, t)
	}
	if op.saveY {
		saved = append(saved, out)
	}
	record(out, op.name, []*Tensor{t}, saved, func(g *Tensor) []*Tensor {
		grad := uninitialized(t.shape)
		dx, gv, yv := grad.st.data, g.values(), out.values()
		if bwd != nil {
			parallelElems(len(dx), func(lo, hi int) { bwd(dx[lo:hi], gv[lo:hi], yv[lo:hi]) })
		} else {
			xv := t.values()
			parallelElems(len(dx), func(lo, hi int) { op.referenceGrad(dx[lo:hi], gv[lo:hi], xv[lo:hi], yv[lo:hi]) })
		}
		return []*Tensor{grad}
	})
	return out
}

// sign returns -1, 0 or 1.
func sign(x float64) float64 {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}

// step converts a condition to 1 or 0.
func step(c bool) float64 {
	if c {
		return 1
	}
	return 0
}

// sigmoid64 is 1 / (1 + e^-x).
func sigmoid64(x float64) float64 { return 1 / (1 + exp(-x)) }

// relu64 is 0 where x < 0 and x elsewhere: NaN and -0 pass unchanged, as
// in PyTorch, where math.Max(x, 0) would turn -0 into +0.
func relu64(x float64) float64 {
	if x < 0 {
		return 0
	}
	return x
}

// gelu64 is x·Φ(x).
func gelu64(x float64) float64 { return x * normalCDF(x) }

// normalCDF is Φ(x), the probability that a standard normal is below x.
func normalCDF(x float64) float64 { return 0.5 * (1 + math.Erf(x/math.Sqrt2)) }
