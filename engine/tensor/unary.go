package tensor

import (
	"math"

	"tinytorch/engine/vec"
)

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

var (
	negOp     = unaryOp{"neg", func(x float64) float64 { return -x }, func(x, y float64) float64 { return -1 }, false, false}
	expOp     = unaryOp{"exp", math.Exp, func(x, y float64) float64 { return y }, false, true}
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
		func(x, y float64) float64 { return normalCDF(x) + x*math.Exp(-x*x/2)/math.Sqrt(2*math.Pi) }, true, false}
)

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
// the input's gradient is g·df(x, y), element by element.
func (t *Tensor) unary(op unaryOp) *Tensor {
	x := t.values()
	out := uninitialized(t.shape) // every element is written below
	y := out.st.data
	fwd, bwd := fastUnary(op.name)
	if fwd != nil {
		fwd(y, x)
	} else {
		for i, v := range x {
			y[i] = float32(op.f(float64(v)))
		}
	}
	var saved []*Tensor
	if op.saveX {
		saved = append(saved, t)
	}
	if op.saveY {
		saved = append(saved, out)
	}
	record(out, op.name, []*Tensor{t}, saved, func(g *Tensor) []*Tensor {
		x, y, gv := t.values(), out.values(), g.values()
		grad := uninitialized(t.shape)
		dx := grad.st.data
		mask := masksGradient(op.name)
		switch {
		case bwd != nil:
			bwd(dx, gv, y)
			if mask {
				zeroMasked(dx, gv, y)
			}
		default:
			for i := range dx {
				d := op.df(float64(x[i]), float64(y[i]))
				if d == 0 && mask {
					dx[i] = 0 // not g·0, which is NaN for an infinite g
					continue
				}
				dx[i] = float32(float64(gv[i]) * d)
			}
		}
		return []*Tensor{grad}
	})
	return out
}

// fastUnary returns float32 loops for relu, the activation of every
// layer of the benchmark models, or nils: engine/vec's ReLU and ReLUGrad
// (AVX on amd64). They give the same bits as the generic loops through
// op.f and op.df, without a function call and two conversions per
// element: relu passes NaN and -0 through as relu64 does. Its gradient is then set to +0 where y ≤ 0 (zeroMasked), as the
// generic loop does for a masking op, and PyTorch too, where g·0 would be
// -0 for a negative g and NaN for an infinite one.
func fastUnary(name string) (fwd func(y, x []float32), bwd func(dx, g, y []float32)) {
	if genericOnly {
		return nil, nil
	}
	if name == "relu" {
		return vec.ReLU, vec.ReLUGrad
	}
	return directForward[name], nil
}

// zeroMasked fixes up relu's fast gradient, g·step(y > 0), where it masks:
// PyTorch's threshold_backward gives 0 there, not g·0, which is NaN for an
// infinite g and -0 for a negative one.
// Where y is NaN (a NaN input), threshold_backward's test y ≤ 0 is false,
// so g passes there, while the fast g·step(y > 0) gave 0.
func zeroMasked(dx, g, y []float32) {
	for i, v := range y {
		switch {
		case v <= 0:
			dx[i] = 0
		case v != v:
			dx[i] = g[i]
		}
	}
}

// directForward holds forward loops of ops from the table above that
// call their math function directly: the same function and roundings as
// op.f, so the same bits (TestUnaryDirectLoopsMatchGeneric), but faster
// than calling op.f through a function value once per element. On this
// project's x86-64 machine an exp costs about 8 ns in a direct loop and
// 38 ns through the function value; sqrt, abs and neg gain 2–5× too.
// sin, cos, tanh and gelu are left to the generic loop: their math
// functions cost as much either way. go test -bench Unary ./engine/tensor
// prints both paths of each.
var directForward = map[string]func(y, x []float32){
	"neg": func(y, x []float32) {
		for i, v := range x {
			y[i] = float32(-float64(v))
		}
	},
	"exp": func(y, x []float32) {
		for i, v := range x {
			y[i] = float32(math.Exp(float64(v)))
		}
	},
	"log": func(y, x []float32) {
		for i, v := range x {
			y[i] = float32(math.Log(float64(v)))
		}
	},
	"sqrt": func(y, x []float32) {
		for i, v := range x {
			y[i] = float32(math.Sqrt(float64(v)))
		}
	},
	"abs": func(y, x []float32) {
		for i, v := range x {
			y[i] = float32(math.Abs(float64(v)))
		}
	},
	"sigmoid": func(y, x []float32) {
		for i, v := range x {
			y[i] = float32(sigmoid64(float64(v)))
		}
	},
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
func sigmoid64(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

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
