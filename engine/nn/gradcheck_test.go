package nn

import (
	"testing"

	"tinytorch/engine/gradcheck"
	"tinytorch/engine/tensor"
)

// Every layer's gradients (input and parameters) agree with central
// differences, on the fixture inputs and weights. BatchNorm is checked in
// training mode, where the batch statistics depend on every input.
//
// Max pooling switches its gradient to another element when two values of
// a window come within the step h of each other, so it is checked on
// inputs whose values are at least 0.04 apart (a shuffled ramp). The
// composite CNN is not checked numerically: a 1e-2 change of a conv
// weight moves many relu inputs and window maxima at once, so some cross a
// kink; its parts are each checked here and the whole against PyTorch.
func TestLayerGradCheck(t *testing.T) {
	for _, c := range loadLayerCases(t) {
		if c.Layer == "SmallCNN" {
			continue
		}
		if c.Layer == "MaxPool2d" {
			c.Input = distinct(c.Input)
		}
		t.Run(c.Name, func(t *testing.T) {
			m := buildLayer(c)
			if err := m.LoadStateDict(stateOf(c.State)); err != nil {
				t.Fatal(err)
			}
			x := c.Input.tensor()
			wrt, names := m.ParamTensors(), []string{}
			for _, p := range m.Parameters() {
				names = append(names, p.Name)
			}
			if c.InputGrad != nil {
				must(0, x.SetRequiresGrad(true))
				wrt, names = append(wrt, x), append(names, "input")
			}
			f := func() (*tensor.Tensor, error) { return Call(m, x) }
			if err := gradcheck.Check(f, c.Weight.tensor(), wrt, names); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// distinct replaces the values of f by a shuffled ramp from -5 to 5 whose
// steps are at least 0.04 for up to 250 elements.
func distinct(f fixTensor) fixTensor {
	n := len(f.Data)
	g := tensor.NewGenerator(3)
	out := make([]float32, n)
	for i, j := range g.Perm(n) {
		out[i] = -5 + 10*float32(j)/float32(n)
	}
	f.Data = out
	return f
}
