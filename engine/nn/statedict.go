package nn

import (
	"fmt"
	"slices"
	"strings"

	"tinytorch/engine/tensor"
)

// StateDict returns copies of every parameter and buffer under PyTorch's
// keys ("0.weight", "features.1.running_mean", …), parameters first within
// each module, in a stable order. The copies are detached: later training
// does not change them, so a state dict is a snapshot.
func (b *ModuleBase) StateDict() []NamedParam {
	var out []NamedParam
	for _, nm := range b.Modules() {
		mb := nm.Module.Base()
		for _, p := range append(slices.Clone(mb.params), mb.buffers...) {
			out = append(out, NamedParam{join(nm.Path, p.Name), p.Tensor.Detach().Clone()})
		}
	}
	return out
}

// LoadStateDict copies the tensors of state into the module's parameters
// and buffers, matched by key. It is strict, as PyTorch's default is: a
// missing key, an unexpected key, a key given twice, an entry without a
// tensor or a shape mismatch is an error naming the keys and shapes, and
// then nothing is changed.
func (b *ModuleBase) LoadStateDict(state []NamedParam) error {
	targets := map[string]*tensor.Tensor{}
	var order []string
	for _, nm := range b.Modules() {
		mb := nm.Module.Base()
		for _, p := range append(slices.Clone(mb.params), mb.buffers...) {
			key := join(nm.Path, p.Name)
			targets[key] = p.Tensor
			order = append(order, key)
		}
	}
	given := map[string]*tensor.Tensor{}
	for _, p := range state {
		given[p.Name] = p.Tensor
	}
	if err := checkState(order, targets, state, given); err != nil {
		return err
	}
	var err error
	tensor.NoGrad(func() {
		for _, key := range order {
			if _, err = targets[key].CopyInPlace(given[key]); err != nil {
				return
			}
		}
	})
	return err
}

// checkState compares the keys and shapes of a state dict with the
// module's, collecting every problem into one error. A state dict may
// come from anywhere (a file, a notebook cell), so it also refuses an
// entry without a tensor and a key given twice, which would otherwise
// panic or silently keep only the last copy.
func checkState(order []string, targets map[string]*tensor.Tensor, state []NamedParam, given map[string]*tensor.Tensor) error {
	var missing, unexpected, mismatched, malformed []string
	seen := map[string]bool{}
	for _, p := range state {
		switch {
		case seen[p.Name]:
			malformed = append(malformed, fmt.Sprintf("%q: expected once, given twice", p.Name))
		case p.Tensor == nil:
			want := "a tensor"
			if t := targets[p.Name]; t != nil {
				want += " of shape " + ShapeString(t.Shape())
			}
			malformed = append(malformed, fmt.Sprintf("%q: expected %s, got nil", p.Name, want))
		}
		seen[p.Name] = true
	}
	for _, key := range order {
		g, ok := given[key]
		switch {
		case !ok:
			missing = append(missing, key)
		case g != nil && !slices.Equal(g.Shape(), targets[key].Shape()):
			mismatched = append(mismatched, fmt.Sprintf("size mismatch for %s: copying a tensor of shape %s from the state dict, the shape in the current model is %s",
				key, ShapeString(g.Shape()), ShapeString(targets[key].Shape())))
		}
	}
	for _, p := range state {
		if targets[p.Name] == nil {
			unexpected = append(unexpected, p.Name)
		}
	}
	msgs := malformed
	if len(missing) > 0 {
		msgs = append(msgs, "missing key(s): "+quoteAll(missing))
	}
	if len(unexpected) > 0 {
		msgs = append(msgs, "unexpected key(s): "+quoteAll(unexpected))
	}
	msgs = append(msgs, mismatched...)
	if len(msgs) == 0 {
		return nil
	}
	return fmt.Errorf("loadStateDict: %s", strings.Join(msgs, "; "))
}

// quoteAll formats keys as "a", "b".
func quoteAll(keys []string) string {
	q := make([]string, len(keys))
	for i, k := range keys {
		q[i] = fmt.Sprintf("%q", k)
	}
	return strings.Join(q, ", ")
}
