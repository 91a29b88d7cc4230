//go:build js && wasm

package kernel

import (
	"strings"
	"syscall/js"
	"testing"
)

// TestQuantMessages checks tt.quant's errors for bad calls: each names the
// function, what was wrong and what was expected.
func TestQuantMessages(t *testing.T) {
	tt := ttForTest(t)
	js.Global().Set("tt", tt)
	defer js.Global().Delete("tt")
	for _, c := range []struct{ path, args, want string }{
		{"quant.quantizePerChannel", "tt.ones(2, 3), [1, 1], [0, 0], 2",
			"tt.quant.quantizePerChannel: quant.Quantize: per-channel axis 2 does not exist in a tensor of shape [2, 3]; expected 0 ≤ axis < 2"},
		{"quant.convert", "tt.quant.prepare(tt.nn.Sequential(tt.nn.Linear(2, 2)))",
			`tt.quant.convert: quant.Convert: layer "0" (Linear): quant.MinMax: no calibration data observed; expected at least one batch`},
		{"quant.quantize", "tt.nn.Sequential(tt.nn.Linear(2, 2)), [], {batches: 1}",
			"tt.quant.quantize: quant.Calibrate: the calibration loader gave no batches; expected at least one"},
		{"quant.MinMaxObserver", "{bits: 9}", "tt.quant.MinMaxObserver: 9 bits; expected 2 to 8"},
		{"quant.MinMaxObserver", "{perChannel: true, axis: 1, bitz: 4}", `tt.quant.MinMaxObserver: unknown option "bitz"`},
		{"quant.fakeQuantizePerTensorAffine", "tt.ones(2), 0, 0, -128, 127",
			"tt.quant.fakeQuantizePerTensorAffine: quant.FakeQuantizePerTensorAffine: scale[0] = 0; expected a finite scale > 0"},
		{"quant.prepare", "tt.nn.Sequential(tt.nn.ReLU())", "tt.quant.prepare: quant.Prepare: the model has no Linear or Conv2d layer"},
		{"quant.save", "tt.nn.Sequential(tt.nn.Linear(2, 2)), 'x'", "tt.quant.save: quant.Save: the model has no quantized layer"},
		{"quant.dequantize", "tt.ones(2)", "tt.quant.dequantize: expected a quantized tensor"},
	} {
		if msg := callPath(t, tt, c.path, c.args); !strings.Contains(msg, c.want) {
			t.Errorf("tt.%s(%s): %q, want it to contain %q", c.path, c.args, msg, c.want)
		}
	}
}
