package loss

import (
	"encoding/json"
	"math"
	"os"
	"slices"
	"testing"

	"tinytorch/engine/tensor"
)

// The PyTorch fixtures, written by tools/torchref/nnref.py: for each loss
// and reduction, the value and the gradient of sum(weight · loss) with
// respect to the input.

type fixTensor struct {
	Shape []int     `json:"shape"`
	Data  []float32 `json:"data"`
}

type fixCase struct {
	Name string `json:"name"`
	Loss string `json:"loss"`
	Args struct {
		Reduction      string  `json:"reduction"`
		LabelSmoothing float64 `json:"labelSmoothing"`
		Beta           float64 `json:"beta"`
		LogTarget      bool    `json:"logTarget"`
	} `json:"args"`
	Input, Target, Out, Weight, Grad fixTensor
}

func (f fixTensor) tensor() *tensor.Tensor {
	return must(tensor.New(slices.Clone(f.Data), f.Shape...))
}

// must unwraps a result in a test; an error here is a broken test setup.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// criterion builds the loss a fixture case names.
func criterion(c fixCase) Criterion {
	r := must(ParseKLReduction(c.Args.Reduction)) // ParseReduction's and batchmean
	switch c.Loss {
	case "MSE":
		return MSE{r}
	case "CrossEntropy":
		return CrossEntropy{Reduction: r, LabelSmoothing: c.Args.LabelSmoothing}
	case "NLL":
		return NLL{r}
	case "BCE":
		return BCE{r}
	case "BCEWithLogits":
		return BCEWithLogits{r}
	case "L1":
		return L1{r}
	case "SmoothL1":
		return SmoothL1{Reduction: r, Beta: c.Args.Beta}
	case "KLDiv":
		return KLDiv{Reduction: r, LogTarget: c.Args.LogTarget}
	}
	panic("unknown loss " + c.Loss)
}

func loadCases(t *testing.T) []fixCase {
	raw := must(os.ReadFile("testdata/torchref.json"))
	var doc struct{ Cases []fixCase }
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Cases
}

func TestTorchReference(t *testing.T) {
	for _, c := range loadCases(t) {
		t.Run(c.Name, func(t *testing.T) {
			x := c.Input.tensor()
			if err := x.SetRequiresGrad(true); err != nil {
				t.Fatal(err)
			}
			out, err := criterion(c).Forward(x, c.Target.tensor())
			if err != nil {
				t.Fatal(err)
			}
			wantClose(t, "loss", out, c.Out)
			if err := out.BackwardWith(tensor.BackwardOptions{Gradient: c.Weight.tensor()}); err != nil {
				t.Fatal(err)
			}
			wantClose(t, "gradient", x.Grad(), c.Grad)
		})
	}
}

// wantClose compares with the fixture tolerance: 1e-5 relative, with
// 1e-6 absolute slack near zero.
func wantClose(t *testing.T, what string, got *tensor.Tensor, want fixTensor) {
	t.Helper()
	if !slices.Equal(got.Shape(), want.Shape) {
		t.Fatalf("%s: shape %v, want %v", what, got.Shape(), want.Shape)
	}
	for i, v := range got.Data() {
		w := float64(want.Data[i])
		if math.Abs(float64(v)-w) > 1e-6+1e-5*math.Abs(w) {
			t.Fatalf("%s: element %d is %v, want %v", what, i, v, w)
		}
	}
}
