package nn

import (
	"slices"
	"strings"
	"testing"

	"tinytorch/engine/tensor"
)

// FuzzLoadStateDict builds a state dict for a BatchNorm MLP from spec:
// each entry takes 3 bytes, a key (one of the model's, an unknown one, or
// a duplicate), a shape (the right one, a wrong one, or no tensor at all)
// and a fill value. LoadStateDict must never panic; it either loads every
// value, so that StateDict gives them back (the round trip), or refuses
// with a "loadStateDict: " error and leaves the model unchanged.
func FuzzLoadStateDict(f *testing.F) {
	var all []byte // every key once, with the right shape: loads
	for k := range len(fuzzModel().StateDict()) {
		all = append(all, byte(k), 0, byte(k+1))
	}
	f.Add(all)
	f.Add([]byte{0, 1, 1, 1, 0, 2})
	f.Add([]byte{0, 2, 1})
	f.Add([]byte{9, 0, 0, 0, 0, 1, 0, 0, 1})
	f.Fuzz(func(t *testing.T, spec []byte) {
		m := fuzzModel()
		keys := m.StateDict()
		var state []NamedParam
		for i := 0; i+2 < len(spec); i += 3 {
			k, how, fill := int(spec[i]), spec[i+1]%3, float32(spec[i+2])
			name := "extra"
			shape := []int{2}
			if k < len(keys) {
				name, shape = keys[k].Name, keys[k].Tensor.Shape()
			}
			var x *tensor.Tensor
			switch how {
			case 0:
				x = must(tensor.Full(fill, shape...))
			case 1:
				x = must(tensor.Full(fill, append(slices.Clone(shape), 1)...))
			}
			state = append(state, NamedParam{name, x})
		}
		before := m.StateDict()
		err := m.LoadStateDict(state)
		after := m.StateDict()
		if err != nil {
			if !strings.HasPrefix(err.Error(), "loadStateDict: ") {
				t.Fatalf("error %q lacks the op's name", err)
			}
			for i := range after {
				if !slices.Equal(after[i].Tensor.Data(), before[i].Tensor.Data()) {
					t.Fatalf("a refused load changed %s", after[i].Name)
				}
			}
			return
		}
		if len(state) != len(after) {
			t.Fatalf("loaded %d entries into a model with %d", len(state), len(after))
		}
		given := map[string]*tensor.Tensor{}
		for _, p := range state {
			given[p.Name] = p.Tensor
		}
		for _, p := range after {
			if !slices.Equal(p.Tensor.Data(), given[p.Name].Data()) {
				t.Fatalf("%s is %v after loading %v", p.Name, p.Tensor.Data(), given[p.Name].Data())
			}
		}
	})
}

// fuzzModel is a small model with parameters and buffers.
func fuzzModel() *Sequential {
	tensor.ManualSeed(1)
	return NewSequential(must(NewLinear(3, 2, true)), must(NewBatchNorm1d(2, NormOptions{})), must(NewLinear(2, 1, false)))
}
