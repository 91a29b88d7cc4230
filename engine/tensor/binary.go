package tensor

import (
	"fmt"
	"math"
)

// The rule of an elementwise function of two tensors, broadcast to one
// shape: each output element depends on one element of each operand, so
// each operand's gradient is the incoming gradient times its partial
// derivative, element by element:
//
//	y[i]  = f(a[i], b[i])
//	da[i] = g[i] · ∂f/∂a(a[i], b[i])      db[i] = g[i] · ∂f/∂b(a[i], b[i])
//
// and Backward sums da and db back down to the operands' shapes (sumTo).
// Each function is one row of a table (binaryOp, the rows below);
// genericRow and binaryGrad's loop are the formulas as code, in float64,
// rounded once. add, sub and mul also have fast loops (binary_fast.go)
// that give the same bits (TestBinaryFastMatchesReference).

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
	// maximum and minimum split the gradient evenly on ties, as PyTorch
	// does, and propagate NaN (math.Max(NaN, +Inf) is +Inf).
	maximumOp = binaryOp{"maximum", maxNaN,
		func(a, b, y float64) float64 { return tieSplit(a, b) }, func(a, b, y float64) float64 { return tieSplit(b, a) }, true, true, false}
	minimumOp = binaryOp{"minimum", minNaN,
		func(a, b, y float64) float64 { return tieSplit(b, a) }, func(a, b, y float64) float64 { return tieSplit(a, b) }, true, true, false}
)

// tieSplit is the share of the gradient of max(a, b) that goes to a. Where
// either is NaN, so is the result, and PyTorch gives both the gradient.
func tieSplit(a, b float64) float64 {
	switch {
	case a == b:
		return 0.5
	case a < b:
		return 0
	}
	return 1
}

// masksGradient reports whether the unary op's derivative is a 0/1 mask
// (relu, clamp): where it is 0 the gradient is 0, as PyTorch's
// where/masked_fill make it, even where g is infinite (0·∞ would be NaN).
// sign, floor and round, whose derivative is 0 everywhere, give zeros
// too, as PyTorch's zeros_like(grad) does.
func masksGradient(name string) bool {
	switch name {
	case "relu", "clamp", "sign", "floor", "round":
		return true
	}
	return false
}

// masked reports whether PyTorch sets this element of an operand's
// gradient to 0 whatever the incoming gradient (with where or
// masked_fill, so that an infinite g gives 0, not 0·∞ = NaN): for
// maximum and minimum, where the operand lost (its derivative dv is 0);
// for pow, the base's gradient where the exponent is 0. Any other zero
// derivative multiplies g as usual: the base's gradient of x^0.5 at
// x = +Inf is g·0, NaN for an infinite g, and so is the exponent's where
// the base is 0, as in PyTorch 1.13.
func (op binaryOp) masked(first bool, b, dv float64) bool {
	switch op.name {
	case "maximum", "minimum":
		return dv == 0
	case "pow":
		return first && b == 0
	}
	return false
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

// PowScalar returns t raised to the power s, as PyTorch's t ** s: a
// unary op (scalarPow) whose exponents 0.5 and -0.5 go through a square
// root, forward and backward. s = 0 is Pow's rule, whose gradient is 0
// whatever the incoming one.
func (t *Tensor) PowScalar(s float32) *Tensor {
	if s == 0 {
		return must(t.Pow(Scalar(s)))
	}
	return t.unary(scalarPowOp(float64(s)))
}

// binary applies op with broadcasting and records its backward: each
// operand's gradient is g times its partial derivative, in the broadcast
// shape (Backward then sums it down to the operand's shape). It runs
// genericRow, or the op's fast row where it has one (binary_fast.go).
func (t *Tensor) binary(op binaryOp, u *Tensor) (*Tensor, error) {
	shape, err := broadcastShapes(op.name, t.shape, u.shape)
	if err != nil {
		return nil, err
	}
	row := fastRow(op.name)
	if row == nil {
		row = genericRow(op.f)
	}
	out := binaryRows(shape, t, u, row)
	// Save only what the needed derivatives read, as PyTorch does: x·2
	// saves the 2 and not x, so x may be modified in place afterwards.
	needA, needB := t.requiresGrad, u.requiresGrad
	var reads [3]bool // of a, b, y
	for _, r := range [][3]bool{op.reads(true, needA), op.reads(false, needB)} {
		for i := range reads {
			reads[i] = reads[i] || r[i]
		}
	}
	var saved []*Tensor
	for i, s := range reads {
		if s {
			saved = append(saved, []*Tensor{t, u, out}[i])
		}
	}
	record(out, op.name, []*Tensor{t, u}, saved, func(g *Tensor) []*Tensor {
		return []*Tensor{
			binaryGrad(op, true, g, t, u, out, needA),
			binaryGrad(op, false, g, t, u, out, needB),
		}
	})
	return out, nil
}

// reads says which of a, b and y the partial derivative with respect to
// the first (or second) operand reads, or none when that operand needs no
// gradient. mul, div and pow read less than their save flags, which cover
// both derivatives; any other op reads what its flags say.
func (op binaryOp) reads(first, needed bool) [3]bool {
	if !needed {
		return [3]bool{}
	}
	switch {
	case op.name == "mul" && first, op.name == "div" && first:
		return [3]bool{false, true, false} // b, and 1/b
	case op.name == "mul":
		return [3]bool{true, false, false} // a
	case op.name == "pow" && first:
		return [3]bool{true, true, false} // b·a^(b-1)
	case op.name == "pow":
		return [3]bool{true, false, true} // y·ln a
	}
	return [3]bool{op.saveA, op.saveB, op.saveY}
}

// rowFunc computes one innermost row of an elementwise op of two tensors:
// dst[j] = f(a[ia + j·sa], b[ib + j·sb]). A stride of 0 repeats an element
// (broadcasting).
type rowFunc func(dst, a []float32, ia, sa int, b []float32, ib, sb int)

// genericRow is the reference row of any op: f in float64, rounded once.
func genericRow(f func(a, b float64) float64) rowFunc {
	return func(dst, a []float32, ia, sa int, b []float32, ib, sb int) {
		for j := range dst {
			dst[j] = float32(f(float64(a[ia]), float64(b[ib])))
			ia += sa
			ib += sb
		}
	}
}

// binaryRows makes a new tensor of shape from a and b, which broadcast to
// it, one innermost row at a time: the walker moves once per row and row
// runs a tight loop, instead of the walker stepping every element. Two
// contiguous operands of the output's shape are one long row.
func binaryRows(shape []int, a, b *Tensor, row rowFunc) *Tensor {
	out := uninitialized(shape) // every element is written below
	n := len(out.st.data)
	switch {
	case n == 0:
	case sameShape(a.shape, shape) && sameShape(b.shape, shape) && a.IsContiguous() && b.IsContiguous():
		parallelElems(n, func(lo, hi int) {
			row(out.st.data[lo:hi], a.st.data, a.offset+lo, 1, b.st.data, b.offset+lo, 1)
		})
	case len(shape) == 0:
		row(out.st.data, a.st.data, a.offset, 0, b.st.data, b.offset, 0)
	default:
		// Row by row (a bias added to every row of a batch, say), the
		// rows split between goroutines, each with its own walker.
		last := len(shape) - 1
		inner := shape[last]
		parallelSamples(n/inner, inner, func(lo, hi int) {
			w := newWalker(shape, a, b)
			w.seekRow(lo)
			sa, sb := w.strides[0][last], w.strides[1][last]
			for i := lo * inner; i < hi*inner; i += inner {
				row(out.st.data[i:i+inner], a.st.data, w.off[0], sa, b.st.data, w.off[1], sb)
				w.nextRow()
			}
		})
	}
	return out
}

// binaryGrad computes the gradient of the first (or second) operand,
// g·d(a, b, y), over the broadcast shape of the output, or nil when the
// operand needs no gradient: the rule's reference loop, unless
// fastBinaryGrad has a shortcut.
func binaryGrad(op binaryOp, first bool, g, a, b, y *Tensor, needed bool) *Tensor {
	if !needed {
		return nil
	}
	if fast := fastBinaryGrad(op.name, first, g, a, b, y); fast != nil {
		return fast
	}
	d := op.db
	if first {
		d = op.da
	}
	res := empty(y.shape)
	n := len(res.st.data)
	if n == 0 {
		return res
	}
	w := newWalker(y.shape, g, a, b, y)
	inner, s := 1, make([]int, 4)
	if last := len(y.shape) - 1; last >= 0 {
		inner = y.shape[last]
		for k := range s {
			s[k] = w.strides[k][last]
		}
	}
	gd, ad, bd, yd := g.st.data, a.st.data, b.st.data, y.st.data
	for i := 0; i < n; i += inner {
		og, oa, ob, oy := w.off[0], w.off[1], w.off[2], w.off[3]
		for j := range res.st.data[i : i+inner] {
			bv := float64(bd[ob])
			if dv := d(float64(ad[oa]), bv, float64(yd[oy])); !op.masked(first, bv, dv) {
				res.st.data[i+j] = float32(float64(gd[og]) * dv)
			} // else it stays 0
			og, oa, ob, oy = og+s[0], oa+s[1], ob+s[2], oy+s[3]
		}
		w.nextRow()
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
	observe(name, []*Tensor{t, u}, nil, out)
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
// Gradients flow to a and b through the picked positions only; cond
// never carries one, so the result requires grad only if a or b does.
func Where(cond, a, b *Tensor) (*Tensor, error) {
	shape, err := broadcastShapes("where", cond.shape, a.shape)
	if err == nil {
		shape, err = broadcastShapes("where", shape, b.shape)
	}
	if err != nil {
		return nil, fmt.Errorf("where: condition, a and b have shapes %s, %s and %s, which do not broadcast together", FormatShape(cond.shape), FormatShape(a.shape), FormatShape(b.shape))
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
	// cond is saved, not an input: a mask carries no gradient, so the
	// result requires grad only through a or b, as in PyTorch (whose mask
	// is a bool tensor).
	record(out, "where", []*Tensor{a, b}, []*Tensor{cond}, func(g *Tensor) []*Tensor {
		zero := Scalar(0)
		return []*Tensor{must(Where(cond, g, zero)), must(Where(cond, zero, g))}
	})
	return out, nil
}
