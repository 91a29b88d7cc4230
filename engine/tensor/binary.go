package tensor

import (
	"fmt"
	"math"
)

// binaryOp is one row of the gradient table for elementwise functions of
// two broadcast tensors: the forward function and both partial derivatives,
// each given the operands a, b and the output y.
type binaryOp struct {
	name   string
	f      func(a, b float64) float64
	da, db func(a, b, y float64) float64
	// saved says which of a, b, y the derivatives read.
	saveA, saveB, saveY bool
}

var (
	addOp = binaryOp{"add", func(a, b float64) float64 { return a + b },
		func(a, b, y float64) float64 { return 1 }, func(a, b, y float64) float64 { return 1 }, false, false, false}
	subOp = binaryOp{"sub", func(a, b float64) float64 { return a - b },
		func(a, b, y float64) float64 { return 1 }, func(a, b, y float64) float64 { return -1 }, false, false, false}
	mulOp = binaryOp{"mul", func(a, b float64) float64 { return a * b },
		func(a, b, y float64) float64 { return b }, func(a, b, y float64) float64 { return a }, true, true, false}
	divOp = binaryOp{"div", func(a, b float64) float64 { return a / b },
		func(a, b, y float64) float64 { return 1 / b }, func(a, b, y float64) float64 { return -a / (b * b) }, true, true, false}
	// d(a^b)/db = a^b·ln a; PyTorch defines it as 0 where a = 0 and b ≥ 0
	// (the limit), rather than 0·(-Inf) = NaN.
	powOp = binaryOp{"pow", math.Pow,
		func(a, b, y float64) float64 {
			if b == 0 {
				return 0
			}
			return b * math.Pow(a, b-1)
		},
		func(a, b, y float64) float64 {
			if a == 0 && b >= 0 {
				return 0
			}
			return y * math.Log(a)
		}, true, true, true}
	// maximum and minimum split the gradient evenly on ties, as PyTorch does.
	maximumOp = binaryOp{"maximum", math.Max,
		func(a, b, y float64) float64 { return tieSplit(a, b) }, func(a, b, y float64) float64 { return tieSplit(b, a) }, true, true, false}
	minimumOp = binaryOp{"minimum", math.Min,
		func(a, b, y float64) float64 { return tieSplit(b, a) }, func(a, b, y float64) float64 { return tieSplit(a, b) }, true, true, false}
)

// tieSplit is the share of the gradient of max(a, b) that goes to a.
func tieSplit(a, b float64) float64 {
	switch {
	case a > b:
		return 1
	case a == b:
		return 0.5
	}
	return 0
}

// Add returns t + u elementwise. The shapes broadcast as in NumPy and
// PyTorch: they are aligned from the right, and each pair of dimensions
// must be equal or one of them must be 1.
func (t *Tensor) Add(u *Tensor) (*Tensor, error) { return t.binary(addOp, u) }

// Sub returns t - u elementwise, with broadcasting.
func (t *Tensor) Sub(u *Tensor) (*Tensor, error) { return t.binary(subOp, u) }

// Mul returns t · u elementwise, with broadcasting.
func (t *Tensor) Mul(u *Tensor) (*Tensor, error) { return t.binary(mulOp, u) }

// Div returns t / u elementwise, with broadcasting.
func (t *Tensor) Div(u *Tensor) (*Tensor, error) { return t.binary(divOp, u) }

// Pow returns t raised to the power u elementwise, with broadcasting.
func (t *Tensor) Pow(u *Tensor) (*Tensor, error) { return t.binary(powOp, u) }

// Maximum returns the larger of t and u elementwise, with broadcasting.
func (t *Tensor) Maximum(u *Tensor) (*Tensor, error) { return t.binary(maximumOp, u) }

// Minimum returns the smaller of t and u elementwise, with broadcasting.
func (t *Tensor) Minimum(u *Tensor) (*Tensor, error) { return t.binary(minimumOp, u) }

// AddScalar returns t + s.
func (t *Tensor) AddScalar(s float32) *Tensor { return must(t.Add(Scalar(s))) }

// SubScalar returns t - s.
func (t *Tensor) SubScalar(s float32) *Tensor { return must(t.Sub(Scalar(s))) }

// MulScalar returns t · s.
func (t *Tensor) MulScalar(s float32) *Tensor { return must(t.Mul(Scalar(s))) }

// DivScalar returns t / s.
func (t *Tensor) DivScalar(s float32) *Tensor { return must(t.Div(Scalar(s))) }

// PowScalar returns t raised to the power s.
func (t *Tensor) PowScalar(s float32) *Tensor { return must(t.Pow(Scalar(s))) }

// binary applies op with broadcasting and records its backward: each
// operand's gradient is g times its partial derivative, in the broadcast
// shape (Backward then sums it down to the operand's shape).
func (t *Tensor) binary(op binaryOp, u *Tensor) (*Tensor, error) {
	shape, err := broadcastShapes(op.name, t.shape, u.shape)
	if err != nil {
		return nil, err
	}
	out := empty(shape)
	if sameShape(t.shape, u.shape) && t.IsContiguous() && u.IsContiguous() {
		// Fast path, the common case: no broadcasting, no strides.
		a, b := t.values(), u.values()
		for i := range out.st.data {
			out.st.data[i] = float32(op.f(float64(a[i]), float64(b[i])))
		}
	} else {
		w := newWalker(shape, t, u)
		for i := range out.st.data {
			out.st.data[i] = float32(op.f(float64(t.st.data[w.off[0]]), float64(u.st.data[w.off[1]])))
			w.next()
		}
	}
	var saved []*Tensor
	for i, s := range []bool{op.saveA, op.saveB, op.saveY} {
		if s {
			saved = append(saved, []*Tensor{t, u, out}[i])
		}
	}
	record(out, op.name, []*Tensor{t, u}, saved, func(g *Tensor) []*Tensor {
		return []*Tensor{
			binaryGrad(g, t, u, out, op.da, t.requiresGrad),
			binaryGrad(g, t, u, out, op.db, u.requiresGrad),
		}
	})
	return out, nil
}

// binaryGrad computes g·d(a, b, y) over the broadcast shape of the output,
// or nil when the operand needs no gradient.
func binaryGrad(g, a, b, y *Tensor, d func(a, b, y float64) float64, needed bool) *Tensor {
	if !needed {
		return nil
	}
	res := empty(y.shape)
	w := newWalker(y.shape, g, a, b, y)
	for i := range res.st.data {
		av, bv, yv := float64(a.st.data[w.off[1]]), float64(b.st.data[w.off[2]]), float64(y.st.data[w.off[3]])
		res.st.data[i] = float32(float64(g.st.data[w.off[0]]) * d(av, bv, yv))
		w.next()
	}
	return res
}

// Comparisons return a float32 mask: 1 where the relation holds, 0
// elsewhere (PyTorch returns a bool tensor; a float mask multiplies
// directly into other tensors). They have no gradient.
func (t *Tensor) compare(name string, rel func(a, b float32) bool, u *Tensor) (*Tensor, error) {
	shape, err := broadcastShapes(name, t.shape, u.shape)
	if err != nil {
		return nil, err
	}
	out := empty(shape)
	w := newWalker(shape, t, u)
	for i := range out.st.data {
		if rel(t.st.data[w.off[0]], u.st.data[w.off[1]]) {
			out.st.data[i] = 1
		}
		w.next()
	}
	observe(name, []*Tensor{t, u}, out)
	return out, nil
}

// Eq returns a 0/1 float mask of t == u, with broadcasting.
func (t *Tensor) Eq(u *Tensor) (*Tensor, error) {
	return t.compare("eq", func(a, b float32) bool { return a == b }, u)
}

// Ne returns a 0/1 float mask of t != u, with broadcasting.
func (t *Tensor) Ne(u *Tensor) (*Tensor, error) {
	return t.compare("ne", func(a, b float32) bool { return a != b }, u)
}

// Lt returns a 0/1 float mask of t < u, with broadcasting.
func (t *Tensor) Lt(u *Tensor) (*Tensor, error) {
	return t.compare("lt", func(a, b float32) bool { return a < b }, u)
}

// Le returns a 0/1 float mask of t <= u, with broadcasting.
func (t *Tensor) Le(u *Tensor) (*Tensor, error) {
	return t.compare("le", func(a, b float32) bool { return a <= b }, u)
}

// Gt returns a 0/1 float mask of t > u, with broadcasting.
func (t *Tensor) Gt(u *Tensor) (*Tensor, error) {
	return t.compare("gt", func(a, b float32) bool { return a > b }, u)
}

// Ge returns a 0/1 float mask of t >= u, with broadcasting.
func (t *Tensor) Ge(u *Tensor) (*Tensor, error) {
	return t.compare("ge", func(a, b float32) bool { return a >= b }, u)
}

// Where picks elements of a where cond is nonzero and of b elsewhere; the
// three shapes broadcast together. cond is typically a comparison mask.
// Gradients flow to a and b through the picked positions only.
func Where(cond, a, b *Tensor) (*Tensor, error) {
	shape, err := broadcastShapes("where", cond.shape, a.shape)
	if err == nil {
		shape, err = broadcastShapes("where", shape, b.shape)
	}
	if err != nil {
		return nil, fmt.Errorf("where: condition, a and b have shapes %v, %v and %v, which do not broadcast together", cond.shape, a.shape, b.shape)
	}
	out := empty(shape)
	w := newWalker(shape, cond, a, b)
	for i := range out.st.data {
		if cond.st.data[w.off[0]] != 0 {
			out.st.data[i] = a.st.data[w.off[1]]
		} else {
			out.st.data[i] = b.st.data[w.off[2]]
		}
		w.next()
	}
	record(out, "where", []*Tensor{cond, a, b}, []*Tensor{cond}, func(g *Tensor) []*Tensor {
		zero := Scalar(0)
		return []*Tensor{nil, must(Where(cond, g, zero)), must(Where(cond, zero, g))}
	})
	return out, nil
}
