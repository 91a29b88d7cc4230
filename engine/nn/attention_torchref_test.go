package nn

import (
	"encoding/json"
	"os"
	"testing"

	"tinytorch/engine/tensor"
)

// The PyTorch fixtures of attention, written by tools/torchref/attnref.py:
// each case's output and head-averaged attention weights, and the
// gradients of sum(outGrad · output) + sum(weightsGrad · weights) with
// respect to the inputs and (for MultiheadAttention, whose weights come
// from PyTorch's state dict) every parameter.

type attnCase struct {
	Name           string         `json:"name"`
	Args           map[string]any `json:"args"`
	State          []fixTensor    `json:"state"`
	Causal         bool           `json:"causal"`
	Inputs         []fixTensor    `json:"inputs"`
	AttnMask       *fixTensor     `json:"attnMask"`
	KeyPaddingMask *fixTensor     `json:"keyPaddingMask"`
	Out            fixTensor      `json:"out"`
	Weights        fixTensor      `json:"weights"`
	OutGrad        fixTensor      `json:"outGrad"`
	WeightsGrad    fixTensor      `json:"weightsGrad"`
	InputGrads     []fixTensor    `json:"inputGrads"`
	ParamGrads     []fixTensor    `json:"paramGrads"`
}

func loadAttnCases(t *testing.T) (mha, sdpa []attnCase) {
	raw := must(os.ReadFile("testdata/attention.json"))
	var doc struct{ Multihead, SDPA []attnCase }
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Multihead) == 0 || len(doc.SDPA) == 0 {
		t.Fatal("testdata/attention.json has no cases")
	}
	return doc.Multihead, doc.SDPA
}

// options are the case's masks.
func (c attnCase) options() AttentionOptions {
	opt := AttentionOptions{Causal: c.Causal}
	if c.AttnMask != nil {
		opt.AttnMask = c.AttnMask.tensor()
	}
	if c.KeyPaddingMask != nil {
		opt.KeyPaddingMask = c.KeyPaddingMask.tensor()
	}
	return opt
}

// inputs returns query, key and value, all the same tensor for
// self-attention, each requiring its gradient.
func (c attnCase) inputs() []*tensor.Tensor {
	var xs []*tensor.Tensor
	for _, f := range c.Inputs {
		x := f.tensor()
		must(0, x.SetRequiresGrad(true))
		xs = append(xs, x)
	}
	if len(xs) == 1 {
		xs = append(xs, xs[0], xs[0])
	}
	return xs
}

// checkAttention compares the forward results and runs the backward pass
// of sum(outGrad · out) + sum(weightsGrad · weights).
func checkAttention(t *testing.T, c attnCase, out, weights *tensor.Tensor, xs []*tensor.Tensor) {
	t.Helper()
	wantClose(t, "output", out, c.Out.Shape, c.Out.Data, 1e-5)
	wantClose(t, "weights", weights, c.Weights.Shape, c.Weights.Data, 1e-5)
	a := must(out.Mul(c.OutGrad.tensor())).SumAll()
	b := must(weights.Mul(c.WeightsGrad.tensor())).SumAll()
	must(0, must(a.Add(b)).Backward())
	for i, g := range c.InputGrads {
		wantClose(t, "input gradient "+[]string{"query", "key", "value"}[i], xs[i].Grad(), g.Shape, g.Data, 1e-5)
	}
}

func TestMultiheadAttentionMatchesPyTorch(t *testing.T) {
	mha, _ := loadAttnCases(t)
	for _, c := range mha {
		t.Run(c.Name, func(t *testing.T) {
			a := c.Args
			m := must(NewMultiheadAttention(argInt(a, "embed"), argInt(a, "heads"), MultiheadOptions{
				NoBias: !a["bias"].(bool), BatchFirst: a["batchFirst"].(bool), KDim: argInt(a, "kdim"), VDim: argInt(a, "vdim")}))
			if err := m.LoadStateDict(stateOf(c.State)); err != nil {
				t.Fatal(err)
			}
			xs := c.inputs()
			out, weights, err := m.ForwardAttention(xs[0], xs[1], xs[2], c.options())
			if err != nil {
				t.Fatal(err)
			}
			checkAttention(t, c, out, weights, xs)
			params := m.Parameters()
			if len(params) != len(c.ParamGrads) {
				t.Fatalf("%d parameters, PyTorch has %d", len(params), len(c.ParamGrads))
			}
			for i, g := range c.ParamGrads {
				if params[i].Name != g.Name {
					t.Fatalf("parameter %d is %q, PyTorch's is %q", i, params[i].Name, g.Name)
				}
				wantClose(t, "gradient of "+g.Name, params[i].Tensor.Grad(), g.Shape, g.Data, 1e-5)
			}
		})
	}
}

func TestScaledDotProductAttentionMatchesPyTorch(t *testing.T) {
	_, sdpa := loadAttnCases(t)
	for _, c := range sdpa {
		t.Run(c.Name, func(t *testing.T) {
			xs := c.inputs()
			out, weights, err := ScaledDotProductAttention(xs[0], xs[1], xs[2], c.options())
			if err != nil {
				t.Fatal(err)
			}
			checkAttention(t, c, out, weights, xs)
		})
	}
}
