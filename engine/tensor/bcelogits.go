package tensor

import "math"

// BCEWithLogits returns the unreduced binary cross-entropy of sigmoid(t)
// against the target u, elementwise with broadcasting, computed from the
// logit t directly as (1-u)·t + softplus(-t), PyTorch's
// binary_cross_entropy_with_logits with reduction "none" (the loss
// package reduces it).
//
// It is one op rather than that composition so that its gradients are
// PyTorch's single products, g·(sigmoid(t) - u) for t and -g·t for u:
// the composition's chain rule adds g·(1-u) and -g·sigmoid(-t), which for
// an infinite g are +∞ and -∞ and give NaN where PyTorch gives ±∞, and at
// t = -∞ gives ∞ - ∞ even for a finite g.
func (t *Tensor) BCEWithLogits(u *Tensor) (*Tensor, error) { return t.binary(bceWithLogitsOp, u) }

// bceWithLogitsOp's forward rounds each term to float32 as the
// composition of Mul, Softplus and Add did, so the loss keeps its bits:
// float32 arithmetic done in float64 and rounded once gives the same
// result.
var bceWithLogitsOp = binaryOp{"bceWithLogits",
	func(x, y float64) float64 {
		linear := float32(1-y) * float32(x)
		var rest float64 // softplus(-x) with PyTorch's threshold 20
		if -x > 20 {
			rest = -x
		} else {
			rest = math.Log1p(exp(-x))
		}
		return float64(linear + float32(rest))
	},
	func(x, y, _ float64) float64 { return sigmoid64(x) - y },
	func(x, y, _ float64) float64 { return -x },
	true, true, false}
