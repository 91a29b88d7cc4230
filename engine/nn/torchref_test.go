package nn

import (
	"encoding/json"
	"os"
	"slices"
	"testing"

	"tinytorch/engine/tensor"
)

// The PyTorch fixtures, written by tools/torchref/nnref.py. Each case
// gives a layer's PyTorch state dict, which the test loads with
// LoadStateDict (so the keys must be PyTorch's), an input, the output,
// and the gradients of sum(weight · output) with respect to the input and
// to every parameter; BatchNorm cases add the running statistics after
// the step and the evaluation-mode output.

type fixTensor struct {
	Name  string    `json:"name"`
	Shape []int     `json:"shape"`
	Data  []float32 `json:"data"`
}

func (f fixTensor) tensor() *tensor.Tensor {
	return must(tensor.New(slices.Clone(f.Data), f.Shape...))
}

type layerCase struct {
	Name       string         `json:"name"`
	Layer      string         `json:"layer"`
	Args       map[string]any `json:"args"`
	State      []fixTensor    `json:"state"`
	Input      fixTensor      `json:"input"`
	Out        fixTensor      `json:"out"`
	Weight     fixTensor      `json:"weight"`
	InputGrad  *fixTensor     `json:"inputGrad"`
	ParamGrads []fixTensor    `json:"paramGrads"`
	StateAfter []fixTensor    `json:"stateAfter"`
	EvalOut    *fixTensor     `json:"evalOut"`
}

func loadLayerCases(t *testing.T) []layerCase {
	raw := must(os.ReadFile("testdata/torchref.json"))
	var doc struct{ Cases []layerCase }
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Cases
}

func argInt(a map[string]any, k string) int { v, _ := a[k].(float64); return int(v) }

func argFloat(a map[string]any, k string) float64 { v, _ := a[k].(float64); return v }

// buildLayer makes the module a fixture case names (its weights come from
// the state dict afterwards).
func buildLayer(c layerCase) Module {
	a := c.Args
	switch c.Layer {
	case "Linear":
		return must(NewLinear(argInt(a, "in"), argInt(a, "out"), a["bias"].(bool)))
	case "Conv2d":
		return must(NewConv2d(argInt(a, "inC"), argInt(a, "outC"), argInt(a, "kernel"), ConvOptions{
			Stride: argInt(a, "stride"), Padding: argInt(a, "padding"), Dilation: argInt(a, "dilation"), NoBias: !a["bias"].(bool)}))
	case "MaxPool2d":
		return must(NewMaxPool2d(argInt(a, "kernel"), PoolOptions{argInt(a, "stride"), argInt(a, "padding"), argInt(a, "dilation")}))
	case "AvgPool2d":
		return must(NewAvgPool2d(argInt(a, "kernel"), PoolOptions{argInt(a, "stride"), argInt(a, "padding"), 0}))
	case "BatchNorm1d":
		return must(NewBatchNorm1d(argInt(a, "features"), NormOptions{Eps: argFloat(a, "eps"), Momentum: argFloat(a, "momentum")}))
	case "BatchNorm2d":
		return must(NewBatchNorm2d(argInt(a, "features"), NormOptions{Eps: argFloat(a, "eps"), Momentum: argFloat(a, "momentum")}))
	case "LayerNorm":
		var shape []int
		for _, d := range a["shape"].([]any) {
			shape = append(shape, int(d.(float64)))
		}
		return must(NewLayerNorm(shape, argFloat(a, "eps")))
	case "SiLU":
		return NewSiLU()
	case "ELU":
		return NewELU(float32(argFloat(a, "alpha")))
	case "Softplus":
		return NewSoftplus(float32(argFloat(a, "beta")), float32(argFloat(a, "threshold")))
	case "GroupNorm":
		return must(NewGroupNorm(argInt(a, "groups"), argInt(a, "channels"), argFloat(a, "eps")))
	case "Embedding":
		return must(NewEmbedding(argInt(a, "num"), argInt(a, "dim")))
	case "ReLU":
		return NewReLU()
	case "LeakyReLU":
		return NewLeakyReLU(float32(argFloat(a, "slope")))
	case "GELU":
		return NewGELU()
	case "Sigmoid":
		return NewSigmoid()
	case "Tanh":
		return NewTanh()
	case "Softmax":
		return NewSoftmax(argInt(a, "dim"))
	case "Flatten":
		return NewFlatten()
	case "SmallCNN":
		return smallCNN()
	case "Dropout":
		m := must(NewDropout(argFloat(a, "p")))
		if a["eval"] == true {
			m.Eval()
		}
		return m
	}
	panic("unknown layer " + c.Layer)
}

// smallCNN is the fixture's nn.Sequential(Conv2d(1, 3, 3, padding=1),
// ReLU, MaxPool2d(2), Flatten, Linear(48, 5), Tanh, Linear(5, 2)).
func smallCNN() *Sequential {
	return NewSequential(
		must(NewConv2d(1, 3, 3, ConvOptions{Padding: 1})), NewReLU(), must(NewMaxPool2d(2, PoolOptions{})),
		NewFlatten(), must(NewLinear(48, 5, true)), NewTanh(), must(NewLinear(5, 2, true)))
}

// stateOf turns fixture tensors into a state dict.
func stateOf(ts []fixTensor) []NamedParam {
	var out []NamedParam
	for _, f := range ts {
		out = append(out, NamedParam{f.Name, f.tensor()})
	}
	return out
}

func TestLayersMatchPyTorch(t *testing.T) {
	for _, c := range loadLayerCases(t) {
		t.Run(c.Name, func(t *testing.T) {
			m := buildLayer(c)
			if err := m.LoadStateDict(stateOf(c.State)); err != nil {
				t.Fatal(err)
			}
			x := c.Input.tensor()
			if c.InputGrad != nil {
				must(0, x.SetRequiresGrad(true))
			}
			y := must(Call(m, x))
			wantClose(t, "forward", y, c.Out.Shape, c.Out.Data, 1e-5)
			must(0, y.BackwardWith(tensor.BackwardOptions{Gradient: c.Weight.tensor()}))
			if c.InputGrad != nil {
				wantClose(t, "input gradient", x.Grad(), c.InputGrad.Shape, c.InputGrad.Data, 1e-5)
			}
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
			checkAfter(t, m, c)
		})
	}
}

// checkAfter compares BatchNorm's running statistics after the training
// step and its evaluation-mode output.
func checkAfter(t *testing.T, m Module, c layerCase) {
	if c.EvalOut == nil {
		return
	}
	buffers := map[string]*tensor.Tensor{}
	for _, b := range m.Buffers() {
		buffers[b.Name] = b.Tensor
	}
	for _, f := range c.StateAfter {
		wantClose(t, f.Name+" after the step", buffers[f.Name], f.Shape, f.Data, 1e-5)
	}
	m.Eval()
	var y *tensor.Tensor
	tensor.NoGrad(func() { y = must(Call(m, c.Input.tensor())) })
	wantClose(t, "eval forward", y, c.EvalOut.Shape, c.EvalOut.Data, 1e-5)
}
