package tensor

import (
	"encoding/json"
	"os"
	"testing"
)

// inplaceCase is one program of testdata/inplace.json (written by
// tools/torchref/inplace.py): steps [kind, op, a, b] over values v, where
// v[0] = x and v[1] = w are leaves; PyTorch's gradients of x and w (nil
// for None), or its refusal.
type inplaceCase struct {
	Steps [][4]any  `json:"steps"`
	Used  []int     `json:"used"`
	Twice bool      `json:"twice"`
	Gx    []float32 `json:"gx"`
	Gw    []float32 `json:"gw"`
	Error string    `json:"error"`
}

// inplaceOps and inplaceMods are the programs' out-of-place and in-place
// steps, as in inplace.py.
var (
	inplaceOps = map[string]func(a, b *Tensor) *Tensor{
		"mul2": func(a, b *Tensor) *Tensor { return a.MulScalar(2) },
		"neg":  func(a, b *Tensor) *Tensor { return a.Neg() },
		"exp":  func(a, b *Tensor) *Tensor { return a.Exp() },
		"add":  func(a, b *Tensor) *Tensor { return must(a.Add(b)) },
		"mul":  func(a, b *Tensor) *Tensor { return must(a.Mul(b)) },
		"tanh": func(a, b *Tensor) *Tensor { return a.Tanh() },
		"relu": func(a, b *Tensor) *Tensor { return a.Relu() },
		"pow2": func(a, b *Tensor) *Tensor { return a.PowScalar(2) },
	}
	inplaceMods = map[string]func(t, b *Tensor) (*Tensor, error){
		"add_":   func(t, b *Tensor) (*Tensor, error) { return t.AddInPlace(b) },
		"mul_":   func(t, b *Tensor) (*Tensor, error) { return t.MulInPlace(b) },
		"sub_":   func(t, b *Tensor) (*Tensor, error) { return t.SubInPlace(b) },
		"muls_":  func(t, b *Tensor) (*Tensor, error) { return t.MulScalarInPlace(3) },
		"adds_":  func(t, b *Tensor) (*Tensor, error) { return t.AddScalarInPlace(1) },
		"clamp_": func(t, b *Tensor) (*Tensor, error) { return t.ClampInPlace(-1, 1) },
		"fill_":  func(t, b *Tensor) (*Tensor, error) { return t.FillInPlace(2) },
		"zero_":  func(t, b *Tensor) (*Tensor, error) { return t.ZeroInPlace() },
	}
)

// Random programs of in-place ops agree with PyTorch: the same gradients
// (each use of a tensor sees the version it read), or an error where
// PyTorch refuses because a tensor saved for backward was modified.
func TestInPlaceProgramsMatchTorch(t *testing.T) {
	b, err := os.ReadFile("testdata/inplace.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Cases []inplaceCase `json:"cases"`
	}
	if err := json.Unmarshal(b, &file); err != nil {
		t.Fatal(err)
	}
	for n, c := range file.Cases {
		x := param(t, []float32{0.5, -1, 2}, 3)
		w := param(t, []float32{1.5, 0.3, -0.7}, 3)
		err := runInplaceCase(c, x, w)
		switch {
		case c.Error != "" && err == nil:
			t.Errorf("case %d %v: PyTorch refuses (%s), the engine does not", n, c.Steps, c.Error)
		case c.Error == "" && err != nil:
			t.Errorf("case %d %v: %v", n, c.Steps, err)
		case c.Error == "" && (!sameGrad(x.Grad(), c.Gx) || !sameGrad(w.Grad(), c.Gw)):
			t.Errorf("case %d %v (used %v, twice %v): grads %v %v, PyTorch %v %v", n, c.Steps, c.Used, c.Twice, x.Grad(), w.Grad(), c.Gx, c.Gw)
		}
	}
}

// runInplaceCase runs the program on the leaves x and w and backward
// through the sum of its used results.
func runInplaceCase(c inplaceCase, x, w *Tensor) error {
	v := []*Tensor{x, w}
	for _, s := range c.Steps {
		kind, op := s[0].(string), s[1].(string)
		a, b := v[int(s[2].(float64))], v[int(s[3].(float64))]
		if kind == "op" {
			v = append(v, inplaceOps[op](a, b))
			continue
		}
		if _, err := inplaceMods[op](a, b); err != nil {
			return err
		}
	}
	loss := v[c.Used[0]].SumAll()
	for _, i := range c.Used[1:] {
		loss = must(loss.Add(v[i].SumAll()))
	}
	if err := loss.BackwardWith(BackwardOptions{RetainGraph: c.Twice}); err != nil || !c.Twice {
		return err
	}
	return loss.Backward()
}

// sameGrad compares a leaf's gradient with PyTorch's (nil: None).
func sameGrad(g *Tensor, want []float32) bool {
	if g == nil || want == nil {
		return g == nil && want == nil
	}
	for i, v := range g.Data() {
		if !close32(float64(v), float64(want[i])) {
			return false
		}
	}
	return true
}
