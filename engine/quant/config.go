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
// activations per tensor, asymmetric, calibrated by min-max; weights per
// output channel, symmetric.
func DefaultConfig() Config {
	return Config{Weight: Scheme{Symmetric: true, PerChannel: true, Axis: 0}, Observer: "minmax"}
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
