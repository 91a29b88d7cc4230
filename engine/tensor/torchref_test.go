package tensor

import (
	"encoding/json"
	"os"
	"sort"
	"testing"
)

// The PyTorch reference fixtures: testdata/torchref.json is written by
// tools/torchref/gen.py. Each case names an op from opTable, its inputs,
// its arguments, the expected output and, for differentiable ops, the
// gradient of sum(weight · output) with respect to each input.

type fixtureTensor struct {
	Shape []int     `json:"shape"`
	Data  []float32 `json:"data"`
	Grad  bool      `json:"grad"`
}

type fixtureArgs struct {
	Dims       []int   `json:"dims"` // null means all dimensions
	Keepdim    bool    `json:"keepdim"`
	Dim        int     `json:"dim"`
	Scalar     float32 `json:"scalar"`
	Lo, Hi     float32
	Slope      float32 `json:"slope"`
	Correction int     `json:"correction"`
	Shape      []int   `json:"shape"`
	Perm       []int   `json:"perm"`
	D0, D1     int
	Start      int     `json:"start"`
	End        int     `json:"end"`
	Length     int     `json:"length"`
	Step       int     `json:"step"`
	Index      int     `json:"index"`
	Pads       []int   `json:"pads"`
	Value      float32 `json:"value"`
	NumClasses int     `json:"numClasses"`
	Kernel     []int   `json:"kernel"`
	Dilation   []int   `json:"dilation"`
	Padding    []int   `json:"padding"`
	Stride     []int   `json:"stride"`
	// TransposeInput: the op sees its first input as a transposed
	// (non-contiguous) view of the leaf, to test strided reads.
	TransposeInput bool `json:"transposeInput"`
	newOpArgs           // the arguments of the ops of torchref_newops_test.go
}

type fixtureCase struct {
	Name   string           `json:"name"`
	Op     string           `json:"op"`
	Args   fixtureArgs      `json:"args"`
	Inputs []fixtureTensor  `json:"inputs"`
	Out    fixtureTensor    `json:"out"`
	Weight *fixtureTensor   `json:"weight"`
	Grads  []*fixtureTensor `json:"grads"`
}

// opFunc applies one op to fixture inputs.
type opFunc func(x []*Tensor, a fixtureArgs) (*Tensor, error)

// unaryFn and friends adapt methods of different shapes to opFunc.
func unaryFn(f func(*Tensor) *Tensor) opFunc {
	return func(x []*Tensor, a fixtureArgs) (*Tensor, error) { return f(x[0]), nil }
}

func binaryFn(f func(*Tensor, *Tensor) (*Tensor, error)) opFunc {
	return func(x []*Tensor, a fixtureArgs) (*Tensor, error) { return f(x[0], x[1]) }
}

func scalarFn(f func(*Tensor, float32) *Tensor) opFunc {
	return func(x []*Tensor, a fixtureArgs) (*Tensor, error) { return f(x[0], a.Scalar), nil }
}

func reduceFn(f func(*Tensor, []int, bool) (*Tensor, error)) opFunc {
	return func(x []*Tensor, a fixtureArgs) (*Tensor, error) { return f(x[0], a.Dims, a.Keepdim) }
}

// opTable maps the fixture op names to the engine. The gradient check
// (gradcheck_test.go) runs over the same table and cases.
var opTable = map[string]opFunc{
	"neg":           unaryFn((*Tensor).Neg),
	"exp":           unaryFn((*Tensor).Exp),
	"log":           unaryFn((*Tensor).Log),
	"sqrt":          unaryFn((*Tensor).Sqrt),
	"abs":           unaryFn((*Tensor).Abs),
	"sin":           unaryFn((*Tensor).Sin),
	"cos":           unaryFn((*Tensor).Cos),
	"tanh":          unaryFn((*Tensor).Tanh),
	"sigmoid":       unaryFn((*Tensor).Sigmoid),
	"relu":          unaryFn((*Tensor).Relu),
	"gelu":          unaryFn((*Tensor).Gelu),
	"leakyRelu":     func(x []*Tensor, a fixtureArgs) (*Tensor, error) { return x[0].LeakyRelu(a.Slope), nil },
	"clamp":         func(x []*Tensor, a fixtureArgs) (*Tensor, error) { return x[0].Clamp(a.Lo, a.Hi), nil },
	"add":           binaryFn((*Tensor).Add),
	"sub":           binaryFn((*Tensor).Sub),
	"mul":           binaryFn((*Tensor).Mul),
	"div":           binaryFn((*Tensor).Div),
	"pow":           binaryFn((*Tensor).Pow),
	"maximum":       binaryFn((*Tensor).Maximum),
	"minimum":       binaryFn((*Tensor).Minimum),
	"addScalar":     scalarFn((*Tensor).AddScalar),
	"subScalar":     scalarFn((*Tensor).SubScalar),
	"mulScalar":     scalarFn((*Tensor).MulScalar),
	"divScalar":     scalarFn((*Tensor).DivScalar),
	"powScalar":     scalarFn((*Tensor).PowScalar),
	"eq":            binaryFn((*Tensor).Eq),
	"ne":            binaryFn((*Tensor).Ne),
	"lt":            binaryFn((*Tensor).Lt),
	"le":            binaryFn((*Tensor).Le),
	"gt":            binaryFn((*Tensor).Gt),
	"ge":            binaryFn((*Tensor).Ge),
	"where":         func(x []*Tensor, a fixtureArgs) (*Tensor, error) { return Where(x[0], x[1], x[2]) },
	"sum":           reduceFn((*Tensor).Sum),
	"mean":          reduceFn((*Tensor).Mean),
	"amax":          reduceFn((*Tensor).Amax),
	"amin":          reduceFn((*Tensor).Amin),
	"maxDim":        pairFn((*Tensor).MaxDim, 0),
	"maxDimIndices": pairFn((*Tensor).MaxDim, 1),
	"minDim":        pairFn((*Tensor).MinDim, 0),
	"minDimIndices": pairFn((*Tensor).MinDim, 1),
	"logsumexp":     reduceFn((*Tensor).LogSumExp),
	"var": func(x []*Tensor, a fixtureArgs) (*Tensor, error) {
		return x[0].Var(a.Dims, a.Correction, a.Keepdim)
	},
	"std": func(x []*Tensor, a fixtureArgs) (*Tensor, error) {
		return x[0].Std(a.Dims, a.Correction, a.Keepdim)
	},
	"softmax":    func(x []*Tensor, a fixtureArgs) (*Tensor, error) { return x[0].Softmax(a.Dim) },
	"logSoftmax": func(x []*Tensor, a fixtureArgs) (*Tensor, error) { return x[0].LogSoftmax(a.Dim) },
	"argmax":     func(x []*Tensor, a fixtureArgs) (*Tensor, error) { return x[0].Argmax(a.Dim, a.Keepdim) },
	"argmin":     func(x []*Tensor, a fixtureArgs) (*Tensor, error) { return x[0].Argmin(a.Dim, a.Keepdim) },
	"argmaxAll":  func(x []*Tensor, a fixtureArgs) (*Tensor, error) { return x[0].ArgmaxAll() },
	"argminAll":  func(x []*Tensor, a fixtureArgs) (*Tensor, error) { return x[0].ArgminAll() },
	"sumAll":     unaryFn((*Tensor).SumAll),
	"meanAll":    unaryFn((*Tensor).MeanAll),
	"reshape":    func(x []*Tensor, a fixtureArgs) (*Tensor, error) { return x[0].Reshape(a.Shape...) },
	"view":       func(x []*Tensor, a fixtureArgs) (*Tensor, error) { return x[0].View(a.Shape...) },
	"contiguous": unaryFn((*Tensor).Contiguous),
	"clone":      unaryFn((*Tensor).Clone),
	"permute":    func(x []*Tensor, a fixtureArgs) (*Tensor, error) { return x[0].Permute(a.Perm...) },
	"transpose":  func(x []*Tensor, a fixtureArgs) (*Tensor, error) { return x[0].Transpose(a.D0, a.D1) },
	"transposeReshape": func(x []*Tensor, a fixtureArgs) (*Tensor, error) {
		return must(x[0].Transpose(a.D0, a.D1)).Reshape(a.Shape...)
	},
	"expand":    func(x []*Tensor, a fixtureArgs) (*Tensor, error) { return x[0].Expand(a.Shape...) },
	"squeeze":   func(x []*Tensor, a fixtureArgs) (*Tensor, error) { return x[0].Squeeze(a.Dims...) },
	"unsqueeze": func(x []*Tensor, a fixtureArgs) (*Tensor, error) { return x[0].Unsqueeze(a.Dim) },
	"flatten":   func(x []*Tensor, a fixtureArgs) (*Tensor, error) { return x[0].Flatten(a.Start, a.End) },
	"narrow": func(x []*Tensor, a fixtureArgs) (*Tensor, error) {
		return x[0].Narrow(a.Dim, a.Start, a.Length)
	},
	"slice": func(x []*Tensor, a fixtureArgs) (*Tensor, error) {
		return x[0].Slice(a.Dim, a.Start, a.End, a.Step)
	},
	"select":      func(x []*Tensor, a fixtureArgs) (*Tensor, error) { return x[0].Select(a.Dim, a.Index) },
	"matmul":      binaryFn((*Tensor).Matmul),
	"cat":         func(x []*Tensor, a fixtureArgs) (*Tensor, error) { return Cat(x, a.Dim) },
	"stack":       func(x []*Tensor, a fixtureArgs) (*Tensor, error) { return Stack(x, a.Dim) },
	"gather":      func(x []*Tensor, a fixtureArgs) (*Tensor, error) { return x[0].Gather(a.Dim, x[1]) },
	"indexSelect": func(x []*Tensor, a fixtureArgs) (*Tensor, error) { return x[0].IndexSelect(a.Dim, x[1]) },
	"oneHot":      func(x []*Tensor, a fixtureArgs) (*Tensor, error) { return OneHot(x[0], a.NumClasses) },
	"pad":         func(x []*Tensor, a fixtureArgs) (*Tensor, error) { return x[0].Pad(a.Pads, a.Value) },
	"mlp":         mlpLoss,
	"unfold": func(x []*Tensor, a fixtureArgs) (*Tensor, error) {
		return x[0].Unfold(Window{Kernel: pair(a.Kernel), Stride: pair(a.Stride), Padding: pair(a.Padding), Dilation: pair(a.Dilation)})
	},
	"conv2d": func(x []*Tensor, a fixtureArgs) (*Tensor, error) {
		var bias *Tensor
		if len(x) > 2 {
			bias = x[2]
		}
		return x[0].Conv2d(x[1], bias, Window{Stride: pair(a.Stride), Padding: pair(a.Padding), Dilation: pair(a.Dilation)})
	},
	"addInPlace": func(x []*Tensor, a fixtureArgs) (*Tensor, error) {
		return x[0].Clone().AddInPlace(x[1])
	},
	"mulInPlace": func(x []*Tensor, a fixtureArgs) (*Tensor, error) {
		return x[0].Clone().MulInPlace(x[1])
	},
	"mulScalarInPlace": func(x []*Tensor, a fixtureArgs) (*Tensor, error) {
		return x[0].Clone().MulScalarInPlace(a.Scalar)
	},
	"copyInPlace": func(x []*Tensor, a fixtureArgs) (*Tensor, error) {
		return x[0].Clone().CopyInPlace(x[1])
	},
	"subInPlace": func(x []*Tensor, a fixtureArgs) (*Tensor, error) {
		return x[0].Clone().SubInPlace(x[1])
	},
	"divInPlace": func(x []*Tensor, a fixtureArgs) (*Tensor, error) {
		return x[0].Clone().DivInPlace(x[1])
	},
	"addScalarInPlace": func(x []*Tensor, a fixtureArgs) (*Tensor, error) {
		return x[0].Clone().AddScalarInPlace(a.Scalar)
	},
	"clampInPlace": func(x []*Tensor, a fixtureArgs) (*Tensor, error) {
		return x[0].Clone().ClampInPlace(a.Lo, a.Hi)
	},
	"fillInPlace": func(x []*Tensor, a fixtureArgs) (*Tensor, error) {
		return x[0].MulScalar(1).FillInPlace(a.Value)
	},
	"zeroInPlace": func(x []*Tensor, a fixtureArgs) (*Tensor, error) {
		return x[0].MulScalar(1).ZeroInPlace()
	},
}

// pairFn adapts MaxDim and MinDim: which picks the values (0) or the
// indices (1).
func pairFn(f func(*Tensor, int, bool) (*Tensor, *Tensor, error), which int) opFunc {
	return func(x []*Tensor, a fixtureArgs) (*Tensor, error) {
		v, i, err := f(x[0], a.Dim, a.Keepdim)
		if which == 1 {
			return i, err
		}
		return v, err
	}
}

// applyOp runs a case's op on its inputs, first turning the first input
// into a transposed view when the case asks for one.
func applyOp(c fixtureCase, x []*Tensor) (*Tensor, error) {
	if c.Args.TransposeInput {
		x = append([]*Tensor{must(x[0].Transpose(-2, -1))}, x[1:]...)
	}
	return opTable[c.Op](x, c.Args)
}

// pair converts a fixture's [h, w] list.
func pair(v []int) [2]int { return [2]int{v[0], v[1]} }

// mlpLoss is a two-layer network's softmax cross-entropy, mean over the
// batch: inputs x, w1, b1, w2 and one-hot targets y.
func mlpLoss(in []*Tensor, a fixtureArgs) (*Tensor, error) {
	h := must(must(in[0].Matmul(in[1])).Add(in[2])).Tanh()
	logp := must(must(h.Matmul(in[3])).LogSoftmax(1))
	return must(must(logp.Mul(in[4])).Sum([]int{1}, false)).MeanAll().Neg(), nil
}

func loadFixtures(t *testing.T) []fixtureCase {
	t.Helper()
	raw, err := os.ReadFile("testdata/torchref.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct{ Cases []fixtureCase }
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Cases
}

// fixtureInputs builds fresh leaf tensors for a case.
func fixtureInputs(c fixtureCase) []*Tensor {
	x := make([]*Tensor, len(c.Inputs))
	for i, in := range c.Inputs {
		x[i] = must(New(append([]float32(nil), in.Data...), in.Shape...))
		x[i].requiresGrad = in.Grad
	}
	return x
}

// gradOrZeros returns x's gradient, or zeros when no gradient reached it
// (PyTorch reports zeros for an input whose values were overwritten).
func gradOrZeros(x *Tensor) *Tensor {
	if x.Grad() == nil {
		return ZerosLike(x)
	}
	return x.Grad()
}

func TestTorchReference(t *testing.T) {
	cases := loadFixtures(t)
	covered := map[string]bool{}
	for _, c := range cases {
		covered[c.Op] = true
		t.Run(c.Name, func(t *testing.T) {
			if opTable[c.Op] == nil {
				t.Fatalf("op %q is not in opTable", c.Op)
			}
			x := fixtureInputs(c)
			out, err := applyOp(c, x)
			if err != nil {
				t.Fatal(err)
			}
			wantData(t, "forward", out, c.Out.Shape, c.Out.Data)
			if c.Weight == nil {
				return
			}
			w := must(New(c.Weight.Data, c.Weight.Shape...))
			if err := out.BackwardWith(BackwardOptions{Gradient: w}); err != nil {
				t.Fatal(err)
			}
			for i, g := range c.Grads {
				if g != nil {
					wantData(t, "grad of input "+string(rune('0'+i)), gradOrZeros(x[i]), g.Shape, g.Data)
				}
			}
		})
	}
	var missing []string
	for name := range opTable {
		if !covered[name] {
			missing = append(missing, name)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("ops without a fixture: %v", missing)
	}
}
