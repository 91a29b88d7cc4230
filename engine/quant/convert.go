package quant

import (
	"fmt"

	"tinytorch/engine/data"
	"tinytorch/engine/nn"
	"tinytorch/engine/tensor"
)

// Calibrate runs a prepared model (Prepare) in eval mode, without
// gradients, on up to maxBatches batches of loader (all of one epoch when
// maxBatches ≤ 0), so that its observers see the activations of real
// inputs (the calibration step of post-training quantization). It returns
// the number of batches run; a loader with no batches is an error, since
// nothing would have been calibrated.
func Calibrate(prepared nn.Module, loader data.Loader, maxBatches int) (int, error) {
	const op = "quant.Calibrate"
	if loader == nil {
		return 0, fmt.Errorf("%s: no calibration loader; expected a loader of input batches", op)
	}
	prepared.Eval()
	n := 0
	var err error
	tensor.NoGrad(func() {
		for b, berr := range loader.Batches(0) {
			if berr != nil {
				err = fmt.Errorf("%s: batch %d: %w", op, n, berr)
				return
			}
			if _, err = nn.Call(prepared, b.X); err != nil {
				err = fmt.Errorf("%s: batch %d: %w", op, n, err)
				return
			}
			n++
			if maxBatches > 0 && n >= maxBatches {
				return
			}
		}
	})
	if err == nil && n == 0 {
		err = fmt.Errorf("%s: the calibration loader gave no batches; expected at least one", op)
	}
	return n, err
}

// Convert replaces every Observed layer of a calibrated (or
// quantization-aware trained) model with its int8 counterpart, Linear or
// Conv2d (torch.ao.quantization.convert). It is an error if a layer's
// observer has seen no data: quantizing with no calibration data would
// have to guess the activations' range.
func Convert(prepared nn.Module) (nn.Module, error) {
	out, err := convert(prepared)
	if err != nil {
		return nil, err
	}
	out.Eval()
	return out, nil
}

// convert converts one module, recursing into Sequentials.
func convert(m nn.Module) (nn.Module, error) {
	switch l := m.(type) {
	case *Observed:
		p, err := l.Input.Params()
		if err != nil {
			return nil, fmt.Errorf("quant.Convert: layer %q (%s): %w (run quant.Calibrate on a loader, or train the QAT model, before converting)",
				l.Path(), l.Layer.Base().TypeName(), err)
		}
		switch f := l.Layer.(type) {
		case *nn.Linear:
			return NewLinear(f, l.Weight, p)
		case *nn.Conv2d:
			return NewConv2d(f, l.Weight, p)
		}
		return nil, fmt.Errorf("quant.Convert: layer %q is a %s; expected Linear or Conv2d", l.Path(), l.Layer.Base().TypeName())
	case *nn.Sequential:
		s := nn.NewSequential()
		for _, c := range l.Children() {
			q, err := convert(c.Module)
			if err != nil {
				return nil, err
			}
			s.AppendNamed(c.Path, q)
		}
		return s, nil
	}
	return m, nil
}

// QuantizeModel is post-training quantization in one call
// (torch.ao.quantization.quantize): Prepare, Calibrate on up to
// maxBatches batches of loader, Convert.
func QuantizeModel(model nn.Module, loader data.Loader, maxBatches int, cfg Config) (nn.Module, error) {
	p, err := Prepare(model, cfg)
	if err != nil {
		return nil, err
	}
	if _, err := Calibrate(p, loader, maxBatches); err != nil {
		return nil, err
	}
	return Convert(p)
}
