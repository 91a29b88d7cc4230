package profile

import (
	"testing"

	"tinytorch/engine/nn"
	"tinytorch/engine/quant"
	"tinytorch/engine/tensor"
)

// TestQuantizedLayersCount profiles a model of quantized layers: each
// layer's integer forward pass is an event of its own, in its module,
// with its int8 operations and bytes, so the layer table no longer shows
// the quantized layers at no time and no work.
func TestQuantizedLayersCount(t *testing.T) {
	tensor.ManualSeed(5)
	scheme := quant.Scheme{Symmetric: true, PerChannel: true, Axis: 0}
	lin := must(quant.NewLinear(must(nn.NewLinear(4, 8, true)), scheme, quant.PerTensor(0.05, -3)))
	conv := must(quant.NewConv2d(must(nn.NewConv2d(2, 3, 3, nn.ConvOptions{})), scheme, quant.PerTensor(0.05, 0)))
	x := must(tensor.Rand(5, 4))
	img := must(tensor.Rand(1, 2, 5, 5))
	r := must(Run(func() error {
		if _, err := nn.Call(nn.NewSequential(lin, nn.NewReLU()), x); err != nil {
			return err
		}
		_, err := nn.Call(conv, img)
		return err
	}))
	// The Linear: 5 rows of 4 inputs into 8 outputs, 2·4 operations per
	// output; it reads the float input (20 values) and the int8 weight
	// (32 bytes).
	if e := only(t, r, quant.OpLinear); e.FLOPs != 2*4*5*8 || e.Module != "0 (QuantizedLinear)" || e.BytesRead != 20*4+32 || e.BytesWritten != 40*4 {
		t.Errorf("%s: %d FLOPs in %q, %d/%d bytes; want 320 in 0 (QuantizedLinear), 112/160", e.Name, e.FLOPs, e.Module, e.BytesRead, e.BytesWritten)
	}
	// The convolution: 9 window positions of 2·3·3 = 18 values into 3
	// channels; it reads the columns (1×18×9 floats) and the weight (3×18
	// bytes).
	if e := only(t, r, quant.OpConv2d); e.FLOPs != 2*18*27 || e.Module != "QuantizedConv2d" || e.BytesRead != 162*4+54 || e.BytesWritten != 27*4 {
		t.Errorf("%s: %d FLOPs in %q, %d/%d bytes; want 972 in QuantizedConv2d, 702/108", e.Name, e.FLOPs, e.Module, e.BytesRead, e.BytesWritten)
	}
	mods := map[string]ModuleStats{}
	for _, m := range r.ByModule() {
		mods[m.Label] = m
	}
	if m := mods["0 (QuantizedLinear)"]; m.FLOPs != 320 || m.ForwardCalls != 1 {
		t.Errorf("0 (QuantizedLinear): %d FLOPs, %d calls; want 320, 1", m.FLOPs, m.ForwardCalls)
	}
}
