package gradcheck

import (
	"strings"
	"testing"

	"tinytorch/engine/tensor"
)

// linearFn is y = x·wᵀ + b as a user's autograd function. transposeDW
// makes the common mistake: dw = (gᵀ·x)ᵀ = xᵀ·g, the transpose of the
// right gradient, which has the right shape only when w is square.
func linearFn(transposeDW bool) *tensor.Function {
	return &tensor.Function{
		Name: "MyLinear",
		Forward: func(ctx *tensor.Context, in ...*tensor.Tensor) ([]*tensor.Tensor, error) {
			x, w, b := in[0], in[1], in[2]
			ctx.SaveForBackward(x, w)
			y, err := x.Matmul(must(w.Transpose(0, 1)))
			if err != nil {
				return nil, err
			}
			y, err = y.Add(b)
			return []*tensor.Tensor{y}, err
		},
		Backward: func(ctx *tensor.Context, g ...*tensor.Tensor) ([]*tensor.Tensor, error) {
			x, w := ctx.SavedTensors()[0], ctx.SavedTensors()[1]
			dx, err := g[0].Matmul(w)
			if err != nil {
				return nil, err
			}
			dw, err := must(g[0].Transpose(0, 1)).Matmul(x)
			if transposeDW {
				dw, err = must(x.Transpose(0, 1)).Matmul(g[0])
			}
			if err != nil {
				return nil, err
			}
			// db is g itself: its broadcast shape [N, out] is summed down
			// to b's [out], as for the engine's own ops.
			return []*tensor.Tensor{dx, dw, g[0]}, nil
		},
	}
}

func leaf(t *testing.T, shape ...int) *tensor.Tensor {
	t.Helper()
	n := 1
	for _, d := range shape {
		n *= d
	}
	data := make([]float32, n)
	for i := range data {
		data[i] = float32((i*7)%11)/5 - 1
	}
	x, err := tensor.New(data, shape...)
	if err != nil {
		t.Fatal(err)
	}
	if err := x.SetRequiresGrad(true); err != nil {
		t.Fatal(err)
	}
	return x
}

func TestFunction(t *testing.T) {
	cases := []struct {
		name        string
		fn          *tensor.Function
		in, out     int
		errContains string // "" for a pass
	}{
		{"correct, square weight", linearFn(false), 3, 3, ""},
		{"correct, [2, 4] weight", linearFn(false), 4, 2, ""},
		{"transposed dw, square weight", linearFn(true), 3, 3,
			"MyLinear: gradient of input 1 (shape [3, 3]) at [0, 1]: backward gives"},
		{"transposed dw, [2, 4] weight", linearFn(true), 4, 2,
			`backward: autograd function "MyLinear" returned a gradient of shape [4, 2] for input 1; expected the input's shape [2, 4]`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Function(c.fn, leaf(t, 5, c.in), leaf(t, c.out, c.in), leaf(t, c.out))
			checkVerdict(t, err, c.errContains, "a wrong function passes")
			if strings.Contains(c.name, "square") && c.errContains != "" && !strings.Contains(err.Error(), "transpose of the right one") {
				t.Errorf("error %q does not name the transposed gradient", err)
			}
		})
	}
}

// TestFunctionRefusesComputedInputs: the check perturbs its inputs, so
// they must be leaves; a computed one would get no Grad to compare.
func TestFunctionRefusesComputedInputs(t *testing.T) {
	x := leaf(t, 5, 3)
	y := x.MulScalar(2)
	err := Function(linearFn(false), y, leaf(t, 3, 3), leaf(t, 3))
	if err == nil || !strings.Contains(err.Error(), "gradcheck: input 0 of MyLinear (shape [5, 3]) was computed by mul; pass leaf tensors") {
		t.Errorf("got %v", err)
	}
}

// TestFunc checks plain functions of tensors (PyTorch's gradcheck(f,
// inputs)): a composition of the engine's ops passes; one that detaches
// an input, so that autograd misses part of the gradient, fails naming the
// function, the input and the element; one whose outputs autograd does not
// reach at all fails too, instead of calling backward on a constant.
func TestFunc(t *testing.T) {
	square := func(in ...*tensor.Tensor) ([]*tensor.Tensor, error) {
		y, err := in[0].Mul(in[1])
		return []*tensor.Tensor{y}, err
	}
	halfDetached := func(in ...*tensor.Tensor) ([]*tensor.Tensor, error) {
		y, err := in[0].Detach().Mul(in[1])
		return []*tensor.Tensor{y}, err
	}
	allDetached := func(in ...*tensor.Tensor) ([]*tensor.Tensor, error) {
		return []*tensor.Tensor{in[0].Detach().MulScalar(2)}, nil
	}
	cases := []struct {
		name        string
		f           func(...*tensor.Tensor) ([]*tensor.Tensor, error)
		errContains string
	}{
		{"square", square, ""},
		{"halfDetached", halfDetached, "halfDetached: gradient of input 0 (shape [2, 3]) at [0, 0]: backward gives 0, central differences"},
		{"allDetached", allDetached, "allDetached: gradient of input 0 (shape [2, 3]) at [0, 0]: backward gives 0, central differences"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Func(c.name, c.f, leaf(t, 2, 3), leaf(t, 2, 3))
			checkVerdict(t, err, c.errContains, "a function whose autograd gradient is wrong passes")
		})
	}
}

// checkVerdict checks a gradient check's result: no error when
// errContains is empty, else an error containing it (wrongPasses is the
// failure when there is none).
func checkVerdict(t *testing.T, err error, errContains, wrongPasses string) {
	t.Helper()
	switch {
	case errContains == "" && err != nil:
		t.Fatalf("a correct function fails: %v", err)
	case errContains == "":
	case err == nil:
		t.Fatal(wrongPasses)
	case !strings.Contains(err.Error(), errContains):
		t.Errorf("error %q, want it to contain %q", err, errContains)
	default:
		t.Log(err)
	}
}
