package tensor

import (
	"fmt"
	"math"
)

// Norm returns the vector p-norm over dims (nil: all of them),
// torch.linalg.vector_norm(t, p, dims, keepdim): (Σ|x|^p)^(1/p). p = 2 is
// the Euclidean length (and the Frobenius norm of a matrix), p = 1 the sum
// of magnitudes, p = ±Inf the largest (smallest) magnitude and p = 0 the
// count of non-zero elements. Over an empty dimension p = ±Inf gives 0, as
// torch.norm does (the sum over nothing, not the maximum of nothing).
//
// ±Inf are Amax and Amin of Abs with PyTorch's gradient (infNorm).
// Otherwise Norm is a primitive: its gradient is
//
//	g · sign(x)·|x|^(p-1) / norm^(p-1)
//
// (x / norm for p = 2), defined as 0 where the norm is 0 — the subgradient
// PyTorch picks, where the chain rule through a square root would give
// 0/0 = NaN. The gradient of the p = 0 count is 0.
func (t *Tensor) Norm(p float64, dims []int, keepdim bool) (*Tensor, error) {
	reduce, err := normDims("norm", dims, t.shape)
	if err != nil {
		return nil, err
	}
	if math.IsNaN(p) {
		return nil, fmt.Errorf("norm: order p is NaN, expected a number or ±Inf")
	}
	if math.IsInf(p, 0) {
		if emptyAlong(t.shape, reduce) { // PyTorch: 0, for -Inf as well
			return must(t.Abs().Sum(dims, keepdim)).MulScalar(0), nil
		}
		return t.infNorm(p, dims, keepdim, reduce)
	}
	var kept *Tensor // the norm with reduced dimensions kept as size 1
	NoGrad(func() {
		x := t.Detach()
		switch p {
		case 0:
			kept = must(must(x.Ne(Scalar(0))).Sum(dims, true))
		case 2:
			kept = must(must(x.Mul(x)).Sum(dims, true)).Sqrt()
		default:
			kept = must(x.Abs().PowScalar(float32(p)).Sum(dims, true)).PowScalar(float32(1 / p))
		}
	})
	out := kept
	if !keepdim {
		out = fromData(kept.values(), reducedShape(t.shape, reduce, false))
	}
	record(out, "norm", []*Tensor{t}, []*Tensor{t, out}, func(g *Tensor) []*Tensor {
		if p == 0 {
			return []*Tensor{ZerosLike(t)}
		}
		n := expandBack(out, t.shape, reduce)
		gk := expandBack(g, t.shape, reduce)
		var dir *Tensor // ∂norm/∂x where the norm is not 0
		if p == 2 {
			dir = must(t.Div(n))
		} else {
			dir = must(must(t.Sign().Mul(t.Abs().PowScalar(float32(p - 1)))).Div(n.PowScalar(float32(p - 1))))
		}
		zero := must(n.Eq(Scalar(0)))
		return []*Tensor{must(must(dir.Mul(gk)).MaskedFill(zero, 0))}
	})
	return out, nil
}

// infNorm is Norm for p = ±Inf, the largest (smallest) magnitude over
// dims of a tensor with no empty dimension among them. Its gradient is
// PyTorch's (linalg_vector_norm_backward):
//
//	sign(x) · (g / count) · mask,  mask = (|x| == norm) or |x| is NaN
//
// split evenly over ties. A NaN makes its slice's norm NaN, and the mask
// sends the gradient to the NaN elements, where sign(NaN) = 0 makes it 0:
// the slice's gradient is all zeros, where the chain rule through Amax of
// Abs would give 0/0 = NaN to every element (difftest seed 8133059).
func (t *Tensor) infNorm(p float64, dims []int, keepdim bool, reduce []bool) (*Tensor, error) {
	var out *Tensor
	NoGrad(func() { // the gradient is recorded below
		magnitudes := t.Detach().Abs()
		extreme := magnitudes.Amax
		if p < 0 {
			extreme = magnitudes.Amin
		}
		out = must(extreme(dims, keepdim)) // Norm has checked dims and empty ones
	})
	record(out, "norm", []*Tensor{t}, []*Tensor{t, out}, func(g *Tensor) []*Tensor {
		a := t.Abs()
		isNorm := must(a.Eq(expandBack(out, t.shape, reduce)))
		mask := must(isNorm.Add(must(a.Ne(a)))) // the two never overlap: NaN equals nothing
		count := expandBack(must(mask.Sum(dims, true)), t.shape, reduce)
		share := must(must(expandBack(g, t.shape, reduce).Div(count)).Mul(mask))
		return []*Tensor{must(t.Sign().Mul(share))}
	})
	return out, nil
}

// emptyAlong says whether some dimension marked in reduce is empty, so
// that each output element reduces no values.
func emptyAlong(shape []int, reduce []bool) bool {
	for d, r := range reduce {
		if r && shape[d] == 0 {
			return true
		}
	}
	return false
}
