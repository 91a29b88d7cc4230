package nn

import (
	"slices"
	"strings"
	"testing"

	"tinytorch/engine/tensor"
)

func mlp() *Sequential {
	tensor.ManualSeed(7)
	return NewSequential(must(NewLinear(4, 3, true)), NewReLU(), must(NewLinear(3, 2, false)))
}

func TestParameterNamesAndOrder(t *testing.T) {
	m := mlp()
	var names []string
	for _, p := range m.Parameters() {
		names = append(names, p.Name)
		if !p.Tensor.RequiresGrad() {
			t.Errorf("%s does not require grad", p.Name)
		}
	}
	if got := strings.Join(names, " "); got != "0.weight 0.bias 2.weight" {
		t.Fatalf("parameter names %q", got)
	}
	if n := m.NumParams(); n != 4*3+3+3*2 {
		t.Fatalf("NumParams %d", n)
	}
}

func TestRepr(t *testing.T) {
	want := `Sequential(
  (0): Linear(in_features=4, out_features=3, bias=True)
  (1): ReLU()
  (2): Linear(in_features=3, out_features=2, bias=False)
)`
	if got := mlp().String(); got != want {
		t.Fatalf("String:\n%s\nwant\n%s", got, want)
	}
	nested := NewSequential(NewSequential(NewTanh()), NewFlatten())
	want = `Sequential(
  (0): Sequential(
    (0): Tanh()
  )
  (1): Flatten(start_dim=1, end_dim=-1)
)`
	if got := nested.String(); got != want {
		t.Fatalf("String:\n%s\nwant\n%s", got, want)
	}
}

func TestLayerErrorNamesPath(t *testing.T) {
	inner := NewSequential(NewReLU(), must(NewLinear(4, 3, true)))
	model := NewSequential(NewTanh(), inner)
	_, err := Call(model, tensorOf(make([]float32, 10), 2, 5))
	want := "1.1 (Linear): expected input [*, 4] (last dimension 4 features), got [2, 5]"
	if err == nil || err.Error() != want {
		t.Fatalf("error %v, want %q", err, want)
	}
}

func TestStateDictRoundTripAndErrors(t *testing.T) {
	a := mlp()
	tensor.ManualSeed(99)
	b := NewSequential(must(NewLinear(4, 3, true)), NewReLU(), must(NewLinear(3, 2, false)))
	if err := b.LoadStateDict(a.StateDict()); err != nil {
		t.Fatal(err)
	}
	x := must(tensor.Randn(5, 4))
	ya, yb := must(Call(a, x)), must(Call(b, x))
	wantClose(t, "after load", yb, ya.Shape(), ya.Data(), 0)

	sd := a.StateDict()
	if err := b.LoadStateDict(sd[1:]); err == nil || !strings.Contains(err.Error(), `missing key(s): "0.weight"`) {
		t.Errorf("missing key: %v", err)
	}
	extra := append(a.StateDict(), NamedParam{"3.weight", tensor.Scalar(1)})
	if err := b.LoadStateDict(extra); err == nil || !strings.Contains(err.Error(), `unexpected key(s): "3.weight"`) {
		t.Errorf("unexpected key: %v", err)
	}
	sd = a.StateDict()
	sd[0].Tensor = must(tensor.Zeros(3, 5))
	err := b.LoadStateDict(sd)
	if err == nil || !strings.Contains(err.Error(), "size mismatch for 0.weight: copying a tensor of shape [3, 5] from the state dict, the shape in the current model is [3, 4]") {
		t.Errorf("shape mismatch: %v", err)
	}
	// Entries without a tensor or given twice are refused, naming the key,
	// and nothing is loaded (a nil tensor used to panic).
	before := b.StateDict()
	tests := []struct {
		name  string
		state func(sd []NamedParam) []NamedParam
		err   string
	}{
		{"nil tensor", func(sd []NamedParam) []NamedParam { sd[0].Tensor = nil; return sd },
			`loadStateDict: "0.weight": expected a tensor of shape [3, 4], got nil`},
		{"nil unknown", func(sd []NamedParam) []NamedParam { return append(sd, NamedParam{"x", nil}) },
			`loadStateDict: "x": expected a tensor, got nil; unexpected key(s): "x"`},
		{"twice", func(sd []NamedParam) []NamedParam { return append(sd, sd[1]) },
			`loadStateDict: "0.bias": expected once, given twice`},
	}
	for _, tc := range tests {
		err := b.LoadStateDict(tc.state(a.StateDict()))
		if err == nil || err.Error() != tc.err {
			t.Errorf("%s: error %v, want %s", tc.name, err, tc.err)
		}
		for i, p := range b.StateDict() {
			if !slices.Equal(p.Tensor.Data(), before[i].Tensor.Data()) {
				t.Errorf("%s: %s changed although the load failed", tc.name, p.Name)
			}
		}
	}
}

func TestSummary(t *testing.T) {
	s := must(mlp().Summary(8, 4))
	if len(s.Rows) != 3 || s.Rows[0].Path != "0" || s.Rows[2].Type != "Linear" {
		t.Fatalf("rows %+v", s.Rows)
	}
	if ShapeString(s.Rows[1].OutputShape) != "[8, 3]" || s.Rows[0].Params != 15 || s.TotalParams != 21 {
		t.Fatalf("rows %+v total %d", s.Rows, s.TotalParams)
	}
	if !strings.Contains(s.String(), "Total params: 21") {
		t.Fatalf("table:\n%s", s)
	}
}
