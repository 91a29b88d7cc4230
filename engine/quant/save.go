package quant

import (
	"fmt"
	"io"
	"strings"

	"tinytorch/engine/atomicfile"
	"tinytorch/engine/checkpoint"
	"tinytorch/engine/nn"
)

// The checkpoint of a quantized model is a safetensors file
// (engine/checkpoint) with "tinytorch.kind": "quantized" and, for each
// quantized layer at path P (its PyTorch key prefix, "1"):
//
//	P.weight             I8   the int8 weight, [out, in] or [out, in, k, k]
//	P.weight_scale       F32  [] per tensor, [out] per channel
//	P.weight_zero_point  I32  same shape as the scales
//	P.bias               F32  [out], when the layer has one
//	P.input_scale        F32  []
//	P.input_zero_point   I32  []
//	P.bits               I32  [2]: the weight's and the input's bit widths
//
// An int8 weight takes a quarter of its float32 bytes; the scales add 8
// bytes per channel. The file holds no architecture: Load rebuilds the
// quantized model from the float model's (the same Sequential).

// Save writes a converted model's quantized layers to path, atomically.
// A model with no quantized layer is an error (save a float model with
// checkpoint.SaveModel).
func Save(path string, model nn.Module) error {
	f, err := encodeModel(model)
	if err != nil {
		return err
	}
	if err := atomicfile.Write(path, func(w io.Writer) error { return checkpoint.Encode(w, f) }); err != nil {
		return fmt.Errorf("quant.Save: %w", err)
	}
	return nil
}

// Encode writes a converted model's quantized layers to w.
func Encode(w io.Writer, model nn.Module) error {
	f, err := encodeModel(model)
	if err != nil {
		return err
	}
	return checkpoint.Encode(w, f)
}

// encodeModel lists the entries of every quantized layer.
func encodeModel(model nn.Module) (*checkpoint.File, error) {
	f := &checkpoint.File{Metadata: map[string]string{checkpoint.KindKey: checkpoint.KindQuantized, "format": "tinytorch"}}
	for _, m := range model.Base().Modules() {
		switch l := m.Module.(type) {
		case *Linear:
			f.Tensors = append(f.Tensors, layerEntries(m.Path, l.Weight, l.Bias, l.Input)...)
		case *Conv2d:
			f.Tensors = append(f.Tensors, layerEntries(m.Path, l.Weight, l.Bias, l.Input)...)
		case *Observed:
			return nil, fmt.Errorf("quant.Save: layer %q is still a %s; expected a converted model (quant.Convert)", m.Path, l.TypeName())
		}
	}
	if len(f.Tensors) == 0 {
		return nil, fmt.Errorf("quant.Save: the model has no quantized layer; expected a model made by quant.Convert (save a float model with checkpoint.SaveModel)")
	}
	return f, nil
}

// layerEntries are one layer's tensors.
func layerEntries(path string, w *QTensor, bias []float32, in Params) []checkpoint.Entry {
	key := func(s string) string { return join(path, s) }
	var scaleShape []int
	if w.Params.Axis >= 0 {
		scaleShape = []int{len(w.Params.Scale)}
	}
	es := []checkpoint.Entry{
		checkpoint.FromInt8(key("weight"), w.Data, w.Shape),
		checkpoint.FromFloat32(key("weight_scale"), w.Params.Scale, scaleShape),
		checkpoint.FromInt32(key("weight_zero_point"), w.Params.ZeroPoint, scaleShape),
	}
	if bias != nil {
		es = append(es, checkpoint.FromFloat32(key("bias"), bias, []int{len(bias)}))
	}
	return append(es,
		checkpoint.FromFloat32(key("input_scale"), in.Scale, nil),
		checkpoint.FromInt32(key("input_zero_point"), in.ZeroPoint, nil),
		checkpoint.FromInt32(key("bits"), []int32{int32(bitsOf(w.Params.Bits)), int32(bitsOf(in.Bits))}, []int{2}))
}

// bitsOf spells the default width.
func bitsOf(b int) int {
	if b == 0 {
		return 8
	}
	return b
}

// join builds a dotted key.
func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

// Load reads a quantized model saved by Save, rebuilding it on the
// architecture of float, the float model it was converted from (the same
// nn.Sequential; its weights are not used and not changed). A float
// checkpoint is an error saying so, as is a file whose layers do not fit
// the architecture.
func Load(path string, float nn.Module) (nn.Module, error) {
	f, err := checkpoint.ReadFile(path)
	if err != nil {
		return nil, err
	}
	m, err := Decode(f, float)
	if err != nil {
		return nil, fmt.Errorf("%w (file %s)", err, path)
	}
	return m, nil
}

// Decode is Load for a decoded file.
func Decode(f *checkpoint.File, float nn.Module) (nn.Module, error) {
	if f.Metadata[checkpoint.KindKey] != checkpoint.KindQuantized {
		return nil, fmt.Errorf("quant.Load: the file holds a float model (tinytorch.kind %q); expected a quantized one (tinytorch.kind %q): load it with checkpoint.LoadModel, then quantize with quant.Convert",
			f.Metadata[checkpoint.KindKey], checkpoint.KindQuantized)
	}
	r := &reader{file: f, used: map[string]bool{}}
	m, err := r.rebuild("", float)
	if err != nil {
		return nil, err
	}
	var extra []string
	for _, e := range f.Tensors {
		if !r.used[e.Name] {
			extra = append(extra, fmt.Sprintf("%q", e.Name))
		}
	}
	if len(extra) > 0 {
		return nil, fmt.Errorf("quant.Load: tensors not in the model: %s; expected the float model the file was converted from", strings.Join(extra, ", "))
	}
	m.Eval()
	return m, nil
}

// IsQuantized reports whether model holds a quantized layer (Linear or
// Conv2d of this package), so that its checkpoint is Save's, not
// checkpoint.SaveModel's.
func IsQuantized(model nn.Module) bool {
	for _, m := range model.Base().Modules() {
		switch m.Module.(type) {
		case *Linear, *Conv2d:
			return true
		}
	}
	return false
}
