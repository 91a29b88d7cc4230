package quant

import (
	"fmt"

	"tinytorch/engine/nn"
	"tinytorch/engine/tensor"
)

// Observed is a Linear or Conv2d with an observer on its input: what
// Prepare puts in place of each layer to be quantized. For PTQ it only
// observes (calibration) and computes in float; for QAT (PrepareQAT) it
// also fake-quantizes its input and its weight in the forward pass, so
// that training adapts the weights to int8 rounding. It shares the float
// layer's parameters, under the same names.
type Observed struct {
	nn.ModuleBase
	Layer  nn.Module // *nn.Linear or *nn.Conv2d
	Input  Observer
	Weight Scheme
	QAT    bool
}

// newObserved wraps a Linear or Conv2d.
func newObserved(layer nn.Module, weight, bias *tensor.Tensor, cfg Config, qat bool) (*Observed, error) {
	obs, err := cfg.newObserver("quant.Prepare")
	if err != nil {
		return nil, err
	}
	o := &Observed{Layer: layer, Input: obs, Weight: cfg.Weight, QAT: qat}
	kind := "Observed"
	if qat {
		kind = "QAT"
	}
	o.Init(o, kind+layer.Base().TypeName())
	o.AddParam("weight", weight)
	if bias != nil {
		o.AddParam("bias", bias)
	}
	o.Train(layer.Training())
	return o, nil
}

// Forward observes x (always for PTQ; in training mode for QAT) and runs
// the layer, on fake-quantized input and weight for QAT.
func (o *Observed) Forward(x *tensor.Tensor) (*tensor.Tensor, error) {
	if !o.QAT || o.Training() {
		if err := o.Input.Observe(x.Detach()); err != nil {
			return nil, o.Errorf("%v", err)
		}
	}
	if !o.QAT {
		return o.Layer.Forward(x)
	}
	p, err := o.Input.Params()
	if err != nil {
		return nil, o.Errorf("%v", err)
	}
	qmin, qmax := p.Range()
	xq, err := FakeQuantizePerTensorAffine(x, p.Scale[0], p.ZeroPoint[0], qmin, qmax)
	if err != nil {
		return nil, o.Errorf("%v", err)
	}
	switch l := o.Layer.(type) {
	case *nn.Linear:
		w, err := o.fakeWeight(l.Weight)
		if err != nil {
			return nil, err
		}
		return linearWith(xq, w, l.Bias)
	case *nn.Conv2d:
		w, err := o.fakeWeight(l.Weight)
		if err != nil {
			return nil, err
		}
		tmp := &Conv2d{Kernel: l.Kernel, Opts: l.Opts}
		return xq.Conv2d(w, l.Bias, tmp.window())
	}
	return nil, o.Errorf("cannot fake-quantize a %s", o.Layer.Base().TypeName())
}

// fakeWeight fake-quantizes a weight with the params its current values
// give (a weight observer that sees only the present weight).
func (o *Observed) fakeWeight(w *tensor.Tensor) (*tensor.Tensor, error) {
	p, err := WeightParams(w.Detach(), o.Weight)
	if err != nil {
		return nil, o.Errorf("%v", err)
	}
	var y *tensor.Tensor
	qmin, qmax := p.Range()
	if p.Axis >= 0 {
		y, err = FakeQuantizePerChannelAffine(w, p.Scale, p.ZeroPoint, p.Axis, qmin, qmax)
	} else {
		y, err = FakeQuantizePerTensorAffine(w, p.Scale[0], p.ZeroPoint[0], qmin, qmax)
	}
	if err != nil {
		return nil, o.Errorf("%v", err)
	}
	return y, nil
}

// linearWith computes x·wᵀ + b.
func linearWith(x, w, b *tensor.Tensor) (*tensor.Tensor, error) {
	wt, err := w.Transpose(0, 1)
	if err != nil {
		return nil, err
	}
	y, err := x.Matmul(wt)
	if err != nil || b == nil {
		return y, err
	}
	return y.Add(b)
}

// ExtraRepr shows the wrapped layer and the observer's scheme.
func (o *Observed) ExtraRepr() string {
	return fmt.Sprintf("%s, activation=%s, weight=%s", layerRepr(o.Layer), o.Input.Scheme(), o.Weight)
}

// layerRepr is a layer's ExtraRepr when it has one.
func layerRepr(m nn.Module) string {
	if r, ok := m.(interface{ ExtraRepr() string }); ok {
		return r.ExtraRepr()
	}
	return ""
}

// Prepare returns a copy of model's structure in which every Linear and
// Conv2d is wrapped in an Observed that records its input during
// calibration (torch.ao.quantization.prepare). The model must be an
// nn.Sequential, possibly nested; its other modules (ReLU, Flatten,
// MaxPool2d, …) are kept as they are. The float layers' parameters are
// shared, not copied. The model is put in eval mode.
func Prepare(model nn.Module, cfg Config) (nn.Module, error) {
	return prepareModel("quant.Prepare", model, cfg, false)
}

// PrepareQAT is Prepare for quantization-aware training
// (torch.ao.quantization.prepare_qat): the wrapped layers fake-quantize
// their input and weight, and the model is left in training mode, ready
// for an optimizer over its ParamTensors (the float layers' parameters).
func PrepareQAT(model nn.Module, cfg Config) (nn.Module, error) {
	return prepareModel("quant.PrepareQAT", model, cfg, true)
}

// prepareModel checks the config and the model and builds the wrapped
// copy.
func prepareModel(op string, model nn.Module, cfg Config, qat bool) (nn.Module, error) {
	if err := cfg.check(op); err != nil {
		return nil, err
	}
	if cfg.Observer == "" {
		cfg.Observer = "minmax"
	}
	count := 0
	out, err := prepare(op, model, cfg, qat, &count)
	if err != nil {
		return nil, err
	}
	if count == 0 {
		return nil, fmt.Errorf("%s: the model has no Linear or Conv2d layer; expected at least one to quantize", op)
	}
	out.Train(qat)
	return out, nil
}

// prepare wraps one module, recursing into Sequentials.
func prepare(op string, m nn.Module, cfg Config, qat bool, count *int) (nn.Module, error) {
	switch l := m.(type) {
	case *nn.Linear:
		*count++
		return newObserved(l, l.Weight, l.Bias, cfg, qat)
	case *nn.Conv2d:
		*count++
		return newObserved(l, l.Weight, l.Bias, cfg, qat)
	case *nn.Sequential:
		s := nn.NewSequential()
		for _, c := range l.Children() {
			p, err := prepare(op, c.Module, cfg, qat, count)
			if err != nil {
				return nil, err
			}
			s.AppendNamed(c.Path, p)
		}
		return s, nil
	}
	for _, d := range m.Base().Modules()[1:] {
		switch d.Module.(type) {
		case *nn.Linear, *nn.Conv2d:
			return nil, fmt.Errorf("%s: %s %q holds a %s; expected the Linear and Conv2d layers inside nn.Sequential containers",
				op, m.Base().TypeName(), m.Base().Path(), d.Module.Base().TypeName())
		}
	}
	return m, nil
}
