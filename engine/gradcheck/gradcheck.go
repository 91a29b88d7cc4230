// Package gradcheck compares the gradients that autograd computes with
// numeric ones from central differences, for the tests of packages built
// on the tensor package (layers, losses) and for a student's own autograd
// functions (Function, which a cell reaches as tt.gradCheck):
//
//	∂L/∂x ≈ (L(x+h) - L(x-h)) / 2h,   L = Σ weight · f(),
//
// with L accumulated in float64. The forward pass is float32, so the step
// h = 1e-2 with a tolerance of 1e-3 + 1e-2·|g| is accurate enough to catch
// any wrong formula while staying above rounding noise, as in the tensor
// package's own check. Inputs should stay away from kinks (relu at 0, ties
// of max) by more than h.
package gradcheck

import (
	"errors"
	"fmt"
	"math"

	"tinytorch/engine/tensor"
)

const (
	step = 1e-2
	rtol = 1e-2
	atol = 1e-3
)

// Check runs f, backpropagates weight from its output, and compares the
// gradient of every tensor in wrt (leaves that require grad, such as a
// layer's parameters and its input) with central differences. It returns
// an error naming the first element that disagrees.
func Check(f func() (*tensor.Tensor, error), weight *tensor.Tensor, wrt []*tensor.Tensor, names []string) error {
	for _, x := range wrt {
		x.ZeroGrad()
	}
	out, err := f()
	if err != nil {
		return err
	}
	if err := out.BackwardWith(tensor.BackwardOptions{Gradient: weight}); err != nil {
		return err
	}
	w := weight.Data()
	loss := func() (float64, error) {
		var y *tensor.Tensor
		var err error
		tensor.NoGrad(func() { y, err = f() })
		if err != nil {
			return 0, err
		}
		sum := 0.0
		for i, v := range y.Data() {
			sum += float64(w[i]) * float64(v)
		}
		return sum, nil
	}
	for k, x := range wrt {
		if err := checkOne(x, names[k], loss); err != nil {
			return err
		}
	}
	return nil
}

// checkOne compares x's gradient element by element.
func checkOne(x *tensor.Tensor, name string, loss func() (float64, error)) error {
	analytic := make([]float32, x.Numel())
	if g := x.Grad(); g != nil {
		analytic = g.Data()
	}
	data := x.Data()
	for j, orig := range data {
		up, err := lossAt(x, data, j, orig+step, loss)
		if err != nil {
			return err
		}
		down, err := lossAt(x, data, j, orig-step, loss)
		if err != nil {
			return err
		}
		if err := set(x, data, j, orig); err != nil {
			return err
		}
		// Divide by the step float32 actually took.
		numeric := (up - down) / (float64(orig+step) - float64(orig-step))
		a := float64(analytic[j])
		if math.Abs(numeric-a) > atol+rtol*math.Abs(a) {
			return fmt.Errorf("gradient of %s element %d: backward gives %.6g, central differences %.6g", name, j, a, numeric)
		}
	}
	return nil
}

// lossAt evaluates the loss with element j of x set to v.
func lossAt(x *tensor.Tensor, data []float32, j int, v float32, loss func() (float64, error)) (float64, error) {
	if err := set(x, data, j, v); err != nil {
		return 0, err
	}
	return loss()
}

// set writes data, with element j replaced by v, into x (outside the graph).
func set(x *tensor.Tensor, data []float32, j int, v float32) error {
	d := append([]float32(nil), data...)
	d[j] = v
	src, err := tensor.New(d, x.Shape()...)
	if err != nil {
		return err
	}
	tensor.NoGrad(func() { _, err = x.CopyInPlace(src) })
	return err
}

// Function checks a user's autograd function, like PyTorch's
// torch.autograd.gradcheck(fn.apply, inputs): it applies fn to inputs,
// backpropagates L = Σ w·output (fixed pseudo-random weights, not ones,
// so that a backward that mixes up elements cannot pass) through every
// output, and compares the gradient of each input that requires grad with
// central differences. The error names the function, the input, its shape
// and the first element that disagrees, and says when the gradient is the
// transpose of the right one, a common mistake in a matmul's backward.
func Function(fn *tensor.Function, inputs ...*tensor.Tensor) error {
	return Func(fn.Name, fn.Apply, inputs...)
}

// Func is Function for any function of tensors, like PyTorch's
// torch.autograd.gradcheck(f, inputs) on a plain f: the gradient autograd
// computes through the ops f calls (the engine's, or autograd functions of
// its own) is compared with central differences, with the same errors as
// Function; name names f in them.
func Func(name string, f func(inputs ...*tensor.Tensor) ([]*tensor.Tensor, error), inputs ...*tensor.Tensor) error {
	for i, x := range inputs {
		if !x.IsLeaf() {
			return fmt.Errorf("gradcheck: input %d of %s (shape %s) was computed by %s; pass leaf tensors (Detach, then SetRequiresGrad)", i, name, tensor.FormatShape(x.Shape()), x.GradFn())
		}
		x.ZeroGrad()
	}
	outs, err := f(inputs...)
	if err != nil {
		return err
	}
	weights := make([][]float32, len(outs))
	seed := uint32(12345)
	total := tensor.Scalar(0)
	for i, o := range outs {
		weights[i] = make([]float32, o.Numel())
		for j := range weights[i] {
			seed = seed*1664525 + 1013904223
			weights[i][j] = float32(seed>>8)/float32(1<<24)*2 - 1
		}
		w, err := tensor.New(weights[i], o.Shape()...)
		if err != nil {
			return err
		}
		if total, err = total.Add(must(o.Mul(w)).SumAll()); err != nil {
			return err
		}
	}
	// An f whose outputs do not depend on its inputs through autograd
	// (it detached them) has a zero gradient by autograd, which the
	// differences below then contradict if the outputs do depend on them.
	if total.RequiresGrad() {
		if err := total.Backward(); err != nil {
			return err
		}
	}
	loss := func() (float64, error) {
		var outs []*tensor.Tensor
		var err error
		tensor.NoGrad(func() { outs, err = f(inputs...) })
		if err != nil {
			return 0, err
		}
		sum := 0.0
		for i, o := range outs {
			for j, v := range o.Data() {
				sum += float64(weights[i][j]) * float64(v)
			}
		}
		return sum, nil
	}
	for i, x := range inputs {
		if !x.RequiresGrad() {
			continue
		}
		if err := compare(x, fmt.Sprintf("%s: gradient of input %d", name, i), loss); err != nil {
			return err
		}
	}
	return nil
}

// must unwraps an op that cannot fail on the shapes Function gives it.
func must(t *tensor.Tensor, err error) *tensor.Tensor {
	if err != nil {
		panic(err)
	}
	return t
}

// compare computes x's whole numeric gradient, then compares it with the
// analytic one element by element, naming the element by its index.
func compare(x *tensor.Tensor, what string, loss func() (float64, error)) error {
	analytic := make([]float32, x.Numel())
	if g := x.Grad(); g != nil {
		analytic = g.Data()
	}
	numeric, err := numericGrad(x, loss)
	if err != nil {
		return err
	}
	for j, n := range numeric {
		a := float64(analytic[j])
		if agree(a, n) {
			continue
		}
		msg := fmt.Sprintf("%s (shape %s) at %s: backward gives %.6g, central differences %.6g",
			what, tensor.FormatShape(x.Shape()), index(x.Shape(), j), a, n)
		if transposed(x.Shape(), analytic, numeric) {
			msg += "; backward's gradient is the transpose of the right one"
		}
		return errors.New(msg)
	}
	return nil
}

// agree reports whether an analytic gradient a agrees with a numeric n.
func agree(a, n float64) bool { return math.Abs(n-a) <= atol+rtol*math.Abs(a) }

// numericGrad returns the central difference of loss for every element
// of x, restoring x afterwards.
func numericGrad(x *tensor.Tensor, loss func() (float64, error)) ([]float64, error) {
	data := x.Data()
	out := make([]float64, len(data))
	for j, orig := range data {
		up, err := lossAt(x, data, j, orig+step, loss)
		if err != nil {
			return nil, err
		}
		down, err := lossAt(x, data, j, orig-step, loss)
		if err != nil {
			return nil, err
		}
		out[j] = (up - down) / (float64(orig+step) - float64(orig-step))
	}
	return out, set(x, data, 0, data[0])
}

// transposed reports whether the analytic gradient of a square matrix is
// the numeric one transposed (what a backward gives when it computes gᵀ·x
// instead of xᵀ·g). For a matrix that is not square the transpose has the
// wrong shape, which tensor.Function already refuses.
func transposed(shape []int, analytic []float32, numeric []float64) bool {
	if len(shape) != 2 || shape[0] != shape[1] {
		return false
	}
	n := shape[0]
	for i := range n {
		for j := range n {
			if !agree(float64(analytic[i*n+j]), numeric[j*n+i]) {
				return false
			}
		}
	}
	return true
}

// index writes the flat position j of a tensor of the given shape as
// PyTorch indexes it: [1, 2].
func index(shape []int, j int) string {
	idx := make([]int, len(shape))
	for d := len(shape) - 1; d >= 0; d-- {
		if shape[d] > 0 {
			idx[d] = j % shape[d]
			j /= shape[d]
		}
	}
	return tensor.FormatShape(idx)
}
