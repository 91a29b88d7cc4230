package checkpoint

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"tinytorch/engine/atomicfile"
	"tinytorch/engine/nn"
	"tinytorch/engine/tensor"
)

// Metadata keys TinyTorch writes into "__metadata__". "format": "pt" is
// the Hugging Face convention for a PyTorch state dict; kindKey tells a
// weights file from a training checkpoint.
const (
	formatKey   = "format"
	kindKey     = "tinytorch.kind"
	kindModel   = "model"
	kindTrainer = "training"
)

// EncodeStateDict writes a state dict as a safetensors weights file: one
// F32 tensor per entry under its PyTorch key ("0.weight"), so that
// safetensors.torch.load_file gives a dict that torch's load_state_dict
// takes. Its signature is train.StateDictFile's encoder:
//
//	train.StateDictFile("best.safetensors", checkpoint.EncodeStateDict)
func EncodeStateDict(w io.Writer, state []nn.NamedParam) error {
	f := &File{Metadata: map[string]string{formatKey: "pt", kindKey: kindModel}}
	for _, p := range state {
		if p.Tensor == nil {
			return fmt.Errorf("checkpoint: state dict entry %q has no tensor", p.Name)
		}
		f.Tensors = append(f.Tensors, FromTensor(p.Name, p.Tensor))
	}
	return Encode(w, f)
}

// SaveModel writes the model's parameters and buffers to path as a
// safetensors weights file, atomically: a failed write leaves the
// previous file intact. `tinytorch eval` and Python read it.
func SaveModel(path string, m nn.Module) error {
	err := atomicfile.Write(path, func(w io.Writer) error { return EncodeStateDict(w, m.StateDict()) })
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return nil
}

// ReadFile decodes the safetensors file at path (see Decode for what it
// checks), never allocating more than the file's size.
func ReadFile(path string) (*File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	defer fh.Close()
	info, err := fh.Stat()
	if err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("checkpoint: %s is not a regular file", path)
	}
	f, err := Decode(fh, info.Size())
	if err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	return f, nil
}

// LoadModel loads the model's parameters and buffers from the
// safetensors file at path: a weights file (SaveModel, or one written by
// PyTorch with the model's keys) or a training checkpoint (SaveTraining),
// whose optimizer tensors it ignores. It is strict: a missing or
// unexpected key or a shape that differs from the model's is an error
// listing every such key, and then the model is unchanged.
func LoadModel(path string, m nn.Module) error {
	f, err := ReadFile(path)
	if err != nil {
		return err
	}
	if err := LoadModelFile(f, m); err != nil {
		return fmt.Errorf("%w (file %s)", err, path)
	}
	return nil
}

// LoadModelFile is LoadModel for a decoded file.
func LoadModelFile(f *File, m nn.Module) error {
	state, err := modelState(f, m)
	if err != nil {
		return err
	}
	return m.LoadStateDict(state)
}

// modelState checks the file's model tensors against the model's keys
// and shapes, before converting any, and converts them.
func modelState(f *File, m nn.Module) ([]nn.NamedParam, error) {
	if err := checkNotQuantized(f); err != nil {
		return nil, err
	}
	want := map[string][]int{}
	var order []string
	for _, p := range m.StateDict() {
		want[p.Name] = p.Tensor.Shape()
		order = append(order, p.Name)
	}
	var entries []Entry
	for _, e := range f.Tensors {
		if !isTrainingKey(f, e.Name) {
			entries = append(entries, e)
		}
	}
	if err := checkShapes(entries, want, order); err != nil {
		return nil, err
	}
	state := make([]nn.NamedParam, len(entries))
	for i, e := range entries {
		t, err := e.Tensor()
		if err != nil {
			return nil, fmt.Errorf("checkpoint: %w", err)
		}
		state[i] = nn.NamedParam{Name: e.Name, Tensor: t}
	}
	return state, nil
}

// isTrainingKey reports a tensor of a training checkpoint that is not
// the model's (the optimizer's state).
func isTrainingKey(f *File, name string) bool {
	return f.Metadata[kindKey] == kindTrainer && strings.HasPrefix(name, optimizerPrefix)
}

// checkShapes compares the file's tensors with the model's keys and
// shapes, collecting every problem: `"0.weight": the checkpoint has
// [8, 4], the model has [8, 2]`, missing and unexpected keys.
func checkShapes(entries []Entry, want map[string][]int, order []string) error {
	var msgs, unexpected []string
	have := map[string]bool{}
	for _, e := range entries {
		have[e.Name] = true
		shape, ok := want[e.Name]
		switch {
		case !ok:
			unexpected = append(unexpected, fmt.Sprintf("%q", e.Name))
		case !slices.Equal(shape, e.Shape):
			msgs = append(msgs, fmt.Sprintf("%q: the checkpoint has %s, the model has %s", e.Name, tensor.FormatShape(e.Shape), tensor.FormatShape(shape)))
		}
	}
	var missing []string
	for _, k := range order {
		if !have[k] {
			missing = append(missing, fmt.Sprintf("%q", k))
		}
	}
	if len(missing) > 0 {
		msgs = append(msgs, "missing from the checkpoint: "+strings.Join(missing, ", "))
	}
	if len(unexpected) > 0 {
		msgs = append(msgs, "not in the model: "+strings.Join(unexpected, ", "))
	}
	if len(msgs) == 0 {
		return nil
	}
	return fmt.Errorf("checkpoint: does not fit the model: %s", strings.Join(msgs, "; "))
}
