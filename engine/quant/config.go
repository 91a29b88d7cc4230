package quant

import "fmt"

// Config says how Prepare, Calibrate and Convert quantize a model, like a
// torch.ao.quantization QConfig: a scheme and an observer for the
// activations (each quantized layer's input) and a scheme for the
// weights.
type Config struct {
	Activation Scheme
	Weight     Scheme
	// Observer calibrates the activations: "minmax" (the default when
	// empty) or "percentile".
	Observer string
	// Percentile is the percentile observer's P (default 99.99).
	Percentile float64
}

// DefaultConfig is PyTorch's default for server CPUs ("x86"/"fbgemm"):
// activations per tensor, asymmetric, calibrated by min-max, on 7 bits;
// weights per output channel, symmetric, on 8 bits.
//
// Why 7 bits for the activations: PyTorch's x86 default observes them with
// reduce_range=True (quint8 limited to 0..127), because the x86 byte
// multiply-add (VPMADDUBSW) adds pairs of u8·s8 products into int16 with
// saturation, which a full byte range can overflow and a 7-bit one cannot.
// The browser's relaxed SIMD byte dot product, which V8 lowers to that
// instruction family, is likewise exact only on a 7-bit operand, so a
// 7-bit input lets a quantized layer run it (int8mm.Packed.MatMulNarrow,
// twice the multiply-adds per instruction of the exact 16-bit dot
// product) and stay bit-exact. Set Activation.Bits to 8 for the full range
// on the 16-bit path: one more bit of resolution, about half the speed in
// the browser.
func DefaultConfig() Config {
	return Config{Activation: Scheme{Bits: 7}, Weight: Scheme{Symmetric: true, PerChannel: true, Axis: 0}, Observer: "minmax"}
}

// check verifies the config before any layer is touched.
func (c Config) check(op string) error {
	if c.Activation.PerChannel {
		return fmt.Errorf("%s: activation scheme %s; expected a per-tensor scheme (a layer's input has one scale)", op, c.Activation)
	}
	if c.Weight.PerChannel && c.Weight.Axis != 0 {
		return fmt.Errorf("%s: per-channel weight axis %d; expected 0, the output channels of a Linear or Conv2d weight", op, c.Weight.Axis)
	}
	if err := checkBits(op+" activation", c.Activation.Bits); err != nil {
		return err
	}
	if err := checkBits(op+" weight", c.Weight.Bits); err != nil {
		return err
	}
	switch c.Observer {
	case "", "minmax", "percentile":
	default:
		return fmt.Errorf("%s: observer %q; expected \"minmax\" or \"percentile\"", op, c.Observer)
	}
	_, err := c.newObserver(op)
	return err
}

// newObserver makes the activation observer.
func (c Config) newObserver(op string) (Observer, error) {
	if c.Observer != "percentile" {
		return NewMinMax(c.Activation), nil
	}
	p := c.Percentile
	if p == 0 {
		p = 99.99
	}
	o, err := NewPercentile(c.Activation, p)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return o, nil
}
