//go:build js && wasm

package kernel

import (
	"fmt"
	"syscall/js"

	"tinytorch/engine/loss"
	"tinytorch/engine/tensor"
)

// Bindings of engine/loss. As in PyTorch the losses are classes of tt.nn
// — tt.nn.CrossEntropyLoss({labelSmoothing: 0.1}) makes an object whose
// call(input, target) (or forward) returns the loss tensor — and functions
// of tt.nn.functional: tt.nn.functional.crossEntropy(input, target).

// lossKind is the prototype of loss objects; their Go value is a
// loss.Criterion.
var lossKind *kind

// lossTypes are the losses: the class name, the functional name, the
// options that may also come positionally (as in PyTorch's
// SmoothL1Loss("mean", 0.5)), and a maker that reads the options.
var lossTypes = []struct {
	class, functional string
	positional        []string
	make              func(o *optReader) loss.Criterion
}{
	{"MSELoss", "mseLoss", nil, func(o *optReader) loss.Criterion { return loss.MSE{Reduction: reduction(o, loss.ParseReduction)} }},
	{"CrossEntropyLoss", "crossEntropy", nil, func(o *optReader) loss.Criterion {
		return loss.CrossEntropy{Reduction: reduction(o, loss.ParseReduction), LabelSmoothing: o.Float("labelSmoothing", 0)}
	}},
	{"NLLLoss", "nllLoss", nil, func(o *optReader) loss.Criterion { return loss.NLL{Reduction: reduction(o, loss.ParseReduction)} }},
	{"BCELoss", "binaryCrossEntropy", nil, func(o *optReader) loss.Criterion { return loss.BCE{Reduction: reduction(o, loss.ParseReduction)} }},
	{"BCEWithLogitsLoss", "binaryCrossEntropyWithLogits", nil, func(o *optReader) loss.Criterion {
		return loss.BCEWithLogits{Reduction: reduction(o, loss.ParseReduction)}
	}},
	{"L1Loss", "l1Loss", []string{"reduction"}, func(o *optReader) loss.Criterion { return loss.L1{Reduction: reduction(o, loss.ParseReduction)} }},
	{"SmoothL1Loss", "smoothL1Loss", []string{"reduction", "beta"}, func(o *optReader) loss.Criterion {
		r, beta := reduction(o, loss.ParseReduction), o.Float("beta", 1)
		if beta < 0 && o.r.ok() {
			o.r.failf("beta %g, expected a number ≥ 0", beta)
		}
		return loss.SmoothL1{Reduction: r, Beta: beta}
	}},
	{"KLDivLoss", "klDiv", []string{"reduction", "logTarget"}, func(o *optReader) loss.Criterion {
		return loss.KLDiv{Reduction: reduction(o, loss.ParseKLReduction), LogTarget: o.Bool("logTarget", false)}
	}},
}

// addLosses puts the loss classes into tt.nn and the loss functions into
// tt.nn.functional: tt.nn.KLDivLoss({reduction: "batchmean"}),
// tt.nn.functional.klDiv(input, target, {reduction: "batchmean"}).
func addLosses(nnNS js.Value) {
	forward := func(name string) binding {
		return kindMethod(lossKind, name, func(c loss.Criterion, _ js.Value, r *argReader) (any, error) {
			return applyLoss(r, c)
		})
	}
	lossKind = newKind("loss")
	lossKind.build(map[string]binding{
		"forward": forward("forward"),
		"call":    forward("call"),
		"toString": kindMethod(lossKind, "toString", func(c loss.Criterion, _ js.Value, _ *argReader) (any, error) {
			return lossName(c), nil
		}),
	}, nil)
	functional := getProp(nnNS, "functional")
	for _, lt := range lossTypes {
		class := "tt.nn." + lt.class
		nnNS.Set(lt.class, function(class, func(_ js.Value, args []js.Value) (any, error) {
			r := readArgs(class, args)
			c := lt.make(r.Options(0, lt.positional...))
			if err := r.Err(); err != nil {
				return nil, err
			}
			return lossKind.wrap(c), nil
		}))
		fn := "tt.nn.functional." + lt.functional
		functional.Set(lt.functional, function(fn, func(_ js.Value, args []js.Value) (any, error) {
			r := readArgs(fn, args)
			return applyLoss(r, lt.make(r.Options(2, lt.positional...)))
		}))
	}
}

// reduction reads the reduction option with the given parser (missing
// is "mean").
func reduction(o *optReader, parse func(string) (loss.Reduction, error)) loss.Reduction {
	s := o.String("reduction", "mean")
	if !o.r.ok() {
		return loss.Mean
	}
	red, err := parse(s)
	o.r.fail(err)
	return red
}

// applyLoss computes a loss of (input, target), the first two arguments.
func applyLoss(r *argReader, c loss.Criterion) (any, error) {
	if r.Len() < 2 {
		return nil, fmt.Errorf("%s: got %d arguments, expected (input, target)", r.name, r.Len())
	}
	input, target := r.Tensor(0, "input"), r.Tensor(1, "target")
	if err := r.Err(); err != nil {
		return nil, err
	}
	return tensors.wrapResult(c.Forward(input, target))
}

// lossName prints a loss the way PyTorch's repr does (which shows none
// of the settings but CrossEntropyLoss's label smoothing).
func lossName(c loss.Criterion) string {
	switch c := c.(type) {
	case loss.MSE:
		return "MSELoss()"
	case loss.CrossEntropy:
		if c.LabelSmoothing != 0 {
			return fmt.Sprintf("CrossEntropyLoss(label_smoothing=%g)", c.LabelSmoothing)
		}
		return "CrossEntropyLoss()"
	case loss.NLL:
		return "NLLLoss()"
	case loss.BCE:
		return "BCELoss()"
	case loss.BCEWithLogits:
		return "BCEWithLogitsLoss()"
	case loss.L1:
		return "L1Loss()"
	case loss.SmoothL1:
		return "SmoothL1Loss()"
	case loss.KLDiv:
		return "KLDivLoss()"
	}
	return fmt.Sprintf("%T", c)
}

// jsCriterion is a loss written in JavaScript, (output, target) => tensor,
// for the trainer.
type jsCriterion struct{ fn js.Value }

// Forward calls the function with tensor objects and unwraps its result.
func (c jsCriterion) Forward(input, target *tensor.Tensor) (*tensor.Tensor, error) {
	v, err := callJS(c.fn, tensors.wrap(input), tensors.wrap(target))
	if err != nil {
		return nil, err
	}
	t, ok := tensors.unwrap(v)
	if !ok {
		return nil, fmt.Errorf("the loss function returned %s, expected a tensor", describeJS(v))
	}
	return t, nil
}

// criterionOf reads a loss argument: a loss object or a function.
func criterionOf(name string, v js.Value) (loss.Criterion, error) {
	if x, ok := objects.get(v); ok {
		if c, ok := x.(loss.Criterion); ok {
			return c, nil
		}
	}
	if typeOf(v) == js.TypeFunction {
		return jsCriterion{v}, nil
	}
	return nil, fmt.Errorf("%s: expected a loss such as tt.nn.CrossEntropyLoss() or a function (output, target) => loss, got %s", name, describeJS(v))
}

// isClassification reports whether a loss takes class targets, so that
// accuracy is worth reporting by default.
func isClassification(c loss.Criterion) bool {
	switch c.(type) {
	case loss.CrossEntropy, loss.NLL, loss.BCE, loss.BCEWithLogits:
		return true
	}
	return false
}
