// Package gradcheck compares the gradients that autograd computes with
// numeric ones from central differences, for the tests of packages built
// on the tensor package (layers, losses):
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
