//go:build js && wasm

package kernel

import (
	"bytes"
	"fmt"
	"syscall/js"

	"tinytorch/engine/checkpoint"
	"tinytorch/engine/nn"
	"tinytorch/engine/quant"
	"tinytorch/engine/tensor"
)

// Bindings of engine/quant, chapter 10's quantization, named after
// torch.ao.quantization in camelCase:
//
//	const q = tt.quant.quantizePerTensor(x, 0.02, 0)      // a quantized tensor
//	q.intRepr(); q.dequantize(); q.scale; q.zeroPoint      // its integers, its values
//	tt.quant.quantizePerChannel(w, scales, zeroPoints, 0)
//	const obs = tt.quant.MinMaxObserver({symmetric: true, perChannel: true})
//	obs.forward(w); obs.calculateQparams()                 // {scale, zeroPoint, axis}
//	tt.quant.PercentileObserver({percentile: 99.9})
//	tt.quant.fakeQuantizePerTensorAffine(x, 0.1, 0, -128, 127)   // differentiable (STE)
//	const p = tt.quant.prepare(model, {observer: "percentile"})
//	tt.quant.calibrate(p, loader, {batches: 10}); const q8 = tt.quant.convert(p)
//	tt.quant.quantize(model, loader, {batches: 8})         // the three in one call (7-bit activations)
//	tt.quant.prepareQat(model, {weightBits: 4})            // fake-quantized training, then convert
//	await tt.quant.save(q8, "mlp-int8"); await tt.quant.load("mlp-int8", floatModel)
//	tt.quant.modelBytes(model)                             // the checkpoint's size, float or int8

// qtensorKind and observerKind are the prototypes of quantized tensors
// and observers.
var qtensorKind, observerKind *kind

// newQuant builds tt.quant.
func newQuant() js.Value {
	qtensorKind = newKind("quantized tensor")
	qtensorKind.build(map[string]binding{
		"dequantize": kindMethod(qtensorKind, "dequantize", func(q *quant.QTensor, _ js.Value, r *argReader) (any, error) {
			return r.Done(tensors.wrap(q.Dequantize()), nil)
		}),
		"intRepr": kindMethod(qtensorKind, "intRepr", func(q *quant.QTensor, _ js.Value, r *argReader) (any, error) {
			return r.Done(tensors.wrap(intRepr(q)), nil)
		}),
		"toString": kindMethod(qtensorKind, "toString", func(q *quant.QTensor, _ js.Value, r *argReader) (any, error) {
			return r.Done(fmt.Sprintf("QTensor(shape=%v, scale=%v, zeroPoint=%v, axis=%d)", q.Shape, q.Params.Scale, q.Params.ZeroPoint, q.Params.Axis), nil)
		}),
	}, map[string]binding{
		"shape":     qtensorGetter(func(q *quant.QTensor) any { return intsToJS(q.Shape) }),
		"scale":     qtensorGetter(func(q *quant.QTensor) any { return scalesToJS(q.Params) }),
		"zeroPoint": qtensorGetter(func(q *quant.QTensor) any { return zerosToJS(q.Params) }),
		"axis":      qtensorGetter(func(q *quant.QTensor) any { return q.Params.Axis }),
	})
	observerKind = newKind("observer")
	observe := kindMethod(observerKind, "forward", func(o quant.Observer, this js.Value, r *argReader) (any, error) {
		x := r.Tensor(0, "a tensor to observe")
		if err := r.Err(); err != nil {
			return nil, err
		}
		if err := o.Observe(x); err != nil {
			return nil, fmt.Errorf("observer.forward: %w", err)
		}
		return r.Value(0), nil
	})
	observerKind.build(map[string]binding{
		"forward": observe,
		"calculateQparams": kindMethod(observerKind, "calculateQparams", func(o quant.Observer, _ js.Value, r *argReader) (any, error) {
			p, err := o.Params()
			if err != nil {
				return nil, fmt.Errorf("observer.calculateQparams: %w", err)
			}
			return r.Done(paramsToJS(p), nil)
		}),
	}, nil)
	return object(map[string]binding{
		"quantizePerTensor":            quantizePerTensor,
		"quantizePerChannel":           quantizePerChannel,
		"dequantize":                   dequantizeFunc,
		"MinMaxObserver":               minMaxObserver,
		"PercentileObserver":           percentileObserver,
		"fakeQuantizePerTensorAffine":  fakeQuantizePerTensor,
		"fakeQuantizePerChannelAffine": fakeQuantizePerChannel,
		"prepare":                      prepareFunc("tt.quant.prepare", quant.Prepare),
		"prepareQat":                   prepareFunc("tt.quant.prepareQat", quant.PrepareQAT),
		"calibrate":                    calibrateFunc,
		"convert":                      convertFunc,
		"quantize":                     quantizeModelFunc,
		"save":                         quantSave,
		"load":                         quantLoad,
		"modelBytes":                   modelBytes,
	})
}

// qtensorGetter adapts a property of a quantized tensor.
func qtensorGetter(get func(q *quant.QTensor) any) binding {
	return func(this js.Value, _ []js.Value) (any, error) {
		q, err := self[*quant.QTensor](qtensorKind, "quantized tensor", this)
		if err != nil {
			return nil, err
		}
		return get(q), nil
	}
}

// intRepr is PyTorch's int_repr(): the integers, as a float tensor.
func intRepr(q *quant.QTensor) *tensor.Tensor {
	v := make([]float32, len(q.Data))
	for i, x := range q.Data {
		v[i] = float32(x)
	}
	t, _ := tensor.New(v, q.Shape...)
	return t
}

// scalesToJS gives a per-tensor scale as a number, per-channel ones as
// an array.
func scalesToJS(p quant.Params) any {
	if p.Axis < 0 {
		return float64(p.Scale[0])
	}
	out := make([]any, len(p.Scale))
	for i, s := range p.Scale {
		out[i] = float64(s)
	}
	return out
}

// zerosToJS is scalesToJS for zero points.
func zerosToJS(p quant.Params) any {
	if p.Axis < 0 {
		return int(p.ZeroPoint[0])
	}
	out := make([]any, len(p.ZeroPoint))
	for i, z := range p.ZeroPoint {
		out[i] = int(z)
	}
	return out
}

// paramsToJS is {scale, zeroPoint, axis, bits}.
func paramsToJS(p quant.Params) any {
	qmin, qmax := p.Range()
	return map[string]any{"scale": scalesToJS(p), "zeroPoint": zerosToJS(p), "axis": p.Axis,
		"quantMin": int(qmin), "quantMax": int(qmax)}
}

// quantizePerTensor is tt.quant.quantizePerTensor(x, scale, zeroPoint, {bits}).
func quantizePerTensor(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.quant.quantizePerTensor", args)
	x := r.Tensor(0, "a tensor")
	r.need(1, "scale")
	scale, zero := r.Float(1, "scale", 1), r.Int(2, "zeroPoint", 0)
	bits := r.Options(3).Int("bits", 8)
	if err := r.Err(); err != nil {
		return nil, err
	}
	p := quant.PerTensor(float32(scale), int32(zero))
	p.Bits = bits
	q, err := quant.Quantize(x, p)
	if err != nil {
		return nil, fmt.Errorf("tt.quant.quantizePerTensor: %w", err)
	}
	return qtensorKind.wrap(q), nil
}

// quantizePerChannel is tt.quant.quantizePerChannel(x, scales, zeroPoints, axis, {bits}).
func quantizePerChannel(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.quant.quantizePerChannel", args)
	x := r.Tensor(0, "a tensor")
	scales, zeros := r.Floats(1, "scales"), r.Floats(2, "zeroPoints")
	axis := r.NeedInt(3, "axis")
	bits := r.Options(4).Int("bits", 8)
	if err := r.Err(); err != nil {
		return nil, err
	}
	p := quant.Params{Axis: axis, Bits: bits}
	for _, s := range scales {
		p.Scale = append(p.Scale, float32(s))
	}
	for _, z := range zeros {
		p.ZeroPoint = append(p.ZeroPoint, int32(z))
	}
	if axis < 0 {
		return nil, fmt.Errorf("tt.quant.quantizePerChannel: axis %d; expected 0 ≤ axis < %d", axis, x.Dim())
	}
	q, err := quant.Quantize(x, p)
	if err != nil {
		return nil, fmt.Errorf("tt.quant.quantizePerChannel: %w", err)
	}
	return qtensorKind.wrap(q), nil
}

// dequantizeFunc is tt.quant.dequantize(q).
func dequantizeFunc(_ js.Value, args []js.Value) (any, error) {
	q, ok := valueOf[*quant.QTensor](qtensorKind, arg(args, 0))
	if !ok {
		return nil, fmt.Errorf("tt.quant.dequantize: expected a quantized tensor (tt.quant.quantizePerTensor), got %s", describeJS(arg(args, 0)))
	}
	return tensors.wrap(q.Dequantize()), nil
}

// readScheme reads {symmetric, perChannel, axis, bits}.
func readScheme(o *optReader, symmetric bool) quant.Scheme {
	return quant.Scheme{Symmetric: o.Bool("symmetric", symmetric), PerChannel: o.Bool("perChannel", false),
		Axis: o.Int("axis", 0), Bits: o.Int("bits", 8)}
}

// minMaxObserver is tt.quant.MinMaxObserver({symmetric, perChannel, axis, bits}).
func minMaxObserver(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.quant.MinMaxObserver", args)
	s := readScheme(r.Options(0), false)
	if err := r.Err(); err != nil {
		return nil, err
	}
	if s.Bits < 2 || s.Bits > 8 {
		return nil, fmt.Errorf("tt.quant.MinMaxObserver: %d bits; expected 2 to 8", s.Bits)
	}
	return observerKind.wrap(quant.Observer(quant.NewMinMax(s))), nil
}

// percentileObserver is tt.quant.PercentileObserver({percentile, symmetric, bits}).
func percentileObserver(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.quant.PercentileObserver", args)
	o := r.Options(0)
	p := o.Float("percentile", 99.99)
	s := quant.Scheme{Symmetric: o.Bool("symmetric", false), Bits: o.Int("bits", 8)}
	if err := r.Err(); err != nil {
		return nil, err
	}
	obs, err := quant.NewPercentile(s, p)
	if err != nil {
		return nil, fmt.Errorf("tt.quant.PercentileObserver: %w", err)
	}
	return observerKind.wrap(quant.Observer(obs)), nil
}

// fakeQuantizePerTensor is tt.quant.fakeQuantizePerTensorAffine(x, scale, zeroPoint, quantMin, quantMax).
func fakeQuantizePerTensor(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.quant.fakeQuantizePerTensorAffine", args)
	x := r.Tensor(0, "a tensor")
	r.need(4, "quantMax")
	scale, zero := r.Float(1, "scale", 1), r.Int(2, "zeroPoint", 0)
	qmin, qmax := r.Int(3, "quantMin", 0), r.Int(4, "quantMax", 0)
	if err := r.Err(); err != nil {
		return nil, err
	}
	y, err := quant.FakeQuantizePerTensorAffine(x, float32(scale), int32(zero), int32(qmin), int32(qmax))
	if err != nil {
		return nil, fmt.Errorf("tt.quant.fakeQuantizePerTensorAffine: %w", err)
	}
	return tensors.wrap(y), nil
}

// fakeQuantizePerChannel is tt.quant.fakeQuantizePerChannelAffine(x, scales, zeroPoints, axis, quantMin, quantMax).
func fakeQuantizePerChannel(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.quant.fakeQuantizePerChannelAffine", args)
	x := r.Tensor(0, "a tensor")
	scales, zeros := r.Floats(1, "scales"), r.Floats(2, "zeroPoints")
	r.need(5, "quantMax")
	axis, qmin, qmax := r.Int(3, "axis", 0), r.Int(4, "quantMin", 0), r.Int(5, "quantMax", 0)
	if err := r.Err(); err != nil {
		return nil, err
	}
	s := make([]float32, len(scales))
	for i, v := range scales {
		s[i] = float32(v)
	}
	z := make([]int32, len(zeros))
	for i, v := range zeros {
		z[i] = int32(v)
	}
	y, err := quant.FakeQuantizePerChannelAffine(x, s, z, axis, int32(qmin), int32(qmax))
	if err != nil {
		return nil, fmt.Errorf("tt.quant.fakeQuantizePerChannelAffine: %w", err)
	}
	return tensors.wrap(y), nil
}

// readConfig reads a quant.Config from options: PyTorch's defaults
// (DefaultConfig: 8-bit weights, 7-bit activations) changed by observer
// ("minmax" or "percentile"), percentile, bits (both), weightBits,
// activationBits, perChannel, symmetricWeights and symmetricActivations.
func readConfig(o *optReader) quant.Config {
	c := quant.DefaultConfig()
	c.Observer = o.String("observer", "minmax")
	c.Percentile = o.Float("percentile", 99.99)
	if o.Has("bits") {
		c.Weight.Bits = o.Int("bits", 8)
		c.Activation.Bits = c.Weight.Bits
	}
	c.Weight.Bits, c.Activation.Bits = o.Int("weightBits", c.Weight.Bits), o.Int("activationBits", c.Activation.Bits)
	c.Weight.PerChannel = o.Bool("perChannel", true)
	c.Weight.Symmetric = o.Bool("symmetricWeights", true)
	c.Activation.Symmetric = o.Bool("symmetricActivations", false)
	return c
}

// prepareFunc binds Prepare and PrepareQAT: (model, options).
func prepareFunc(name string, prepare func(nn.Module, quant.Config) (nn.Module, error)) binding {
	return func(_ js.Value, args []js.Value) (any, error) {
		r := readArgs(name, args)
		m := r.Module(0, name)
		cfg := readConfig(r.Options(1))
		if err := r.Err(); err != nil {
			return nil, err
		}
		p, err := prepare(m, cfg)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		return wrapModule(p), nil
	}
}

// calibrateFunc is tt.quant.calibrate(prepared, loader, {batches}): the
// number of batches run.
func calibrateFunc(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.quant.calibrate", args)
	m := r.Module(0, "tt.quant.calibrate")
	r.need(1, "a calibration loader")
	batches := r.Options(2).Int("batches", 0)
	if err := r.Err(); err != nil {
		return nil, err
	}
	l, err := loaderOf("tt.quant.calibrate", r.Value(1))
	if err != nil {
		return nil, err
	}
	n, err := quant.Calibrate(m, l, batches)
	if err != nil {
		return nil, fmt.Errorf("tt.quant.calibrate: %w", err)
	}
	return n, nil
}

// convertFunc is tt.quant.convert(prepared).
func convertFunc(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.quant.convert", args)
	m := r.Module(0, "tt.quant.convert")
	if err := r.Err(); err != nil {
		return nil, err
	}
	q, err := quant.Convert(m)
	if err != nil {
		return nil, fmt.Errorf("tt.quant.convert: %w", err)
	}
	return wrapModule(q), nil
}

// quantizeModelFunc is tt.quant.quantize(model, loader, {batches, …config}).
func quantizeModelFunc(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.quant.quantize", args)
	m := r.Module(0, "tt.quant.quantize")
	r.need(1, "a calibration loader")
	o := r.Options(2)
	batches := o.Int("batches", 0)
	cfg := readConfig(o)
	if err := r.Err(); err != nil {
		return nil, err
	}
	l, err := loaderOf("tt.quant.quantize", r.Value(1))
	if err != nil {
		return nil, err
	}
	q, err := quant.QuantizeModel(m, l, batches, cfg)
	if err != nil {
		return nil, fmt.Errorf("tt.quant.quantize: %w", err)
	}
	return wrapModule(q), nil
}

// encodeAny writes a model's checkpoint: int8 for a converted model,
// float32 otherwise.
func encodeAny(m nn.Module) ([]byte, bool, error) {
	var b bytes.Buffer
	if quant.IsQuantized(m) {
		err := quant.Encode(&b, m)
		return b.Bytes(), true, err
	}
	err := checkpoint.EncodeStateDict(&b, m.StateDict())
	return b.Bytes(), false, err
}

// modelBytes is tt.quant.modelBytes(model): the size of its checkpoint
// file, int8 for a converted model, float32 otherwise.
func modelBytes(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.quant.modelBytes", args)
	m := r.Module(0, "tt.quant.modelBytes")
	if err := r.Err(); err != nil {
		return nil, err
	}
	b, _, err := encodeAny(m)
	if err != nil {
		return nil, fmt.Errorf("tt.quant.modelBytes: %w", err)
	}
	return len(b), nil
}

// quantSave is tt.quant.save(model, name): a Promise of a download button
// for the int8 checkpoint, kept in the browser as name.
func quantSave(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.quant.save", args)
	m := r.Module(0, "tt.quant.save")
	r.need(1, "a checkpoint name")
	name := checkpointName(r, 1)
	if err := r.Err(); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := quant.Encode(&b, m); err != nil {
		return nil, fmt.Errorf("tt.quant.save: %w", err)
	}
	data := b.Bytes()
	return promise(func() (any, error) {
		if err := storageWrite(checkpointPath(name), data); err != nil {
			return nil, fmt.Errorf("tt.quant.save: %w", err)
		}
		return downloadBytesValue(name+".safetensors", "application/octet-stream", data,
			fmt.Sprintf("an int8 model, %d bytes, kept in this browser as %q", len(data), name)), nil
	}), nil
}

// quantLoad is tt.quant.load(source, floatModel): a Promise of the
// quantized model rebuilt on the float model's architecture.
func quantLoad(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.quant.load", args)
	r.need(0, "a checkpoint")
	src := checkpointSource(r, 0)
	m := r.Module(1, "tt.quant.load")
	if err := r.Err(); err != nil {
		return nil, err
	}
	return promise(func() (any, error) {
		b, from, err := src()
		if err != nil {
			return nil, fmt.Errorf("tt.quant.load: %w", err)
		}
		f, err := checkpoint.DecodeBytes(b)
		if err != nil {
			return nil, fmt.Errorf("tt.quant.load: %s: %w", from, err)
		}
		q, err := quant.Decode(f, m)
		if err != nil {
			return nil, fmt.Errorf("tt.quant.load: %s: %w", from, err)
		}
		return wrapModule(q), nil
	}), nil
}
