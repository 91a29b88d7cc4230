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

// lossTypes maps each class name to its functional name and maker.
var lossTypes = []struct {
	class, functional string
	make              func(r loss.Reduction, smoothing float64) loss.Criterion
}{
	{"MSELoss", "mseLoss", func(r loss.Reduction, _ float64) loss.Criterion { return loss.MSE{Reduction: r} }},
	{"CrossEntropyLoss", "crossEntropy", func(r loss.Reduction, s float64) loss.Criterion {
		return loss.CrossEntropy{Reduction: r, LabelSmoothing: s}
	}},
	{"NLLLoss", "nllLoss", func(r loss.Reduction, _ float64) loss.Criterion { return loss.NLL{Reduction: r} }},
	{"BCELoss", "binaryCrossEntropy", func(r loss.Reduction, _ float64) loss.Criterion { return loss.BCE{Reduction: r} }},
	{"BCEWithLogitsLoss", "binaryCrossEntropyWithLogits", func(r loss.Reduction, _ float64) loss.Criterion {
		return loss.BCEWithLogits{Reduction: r}
	}},
}

// addLosses puts the loss classes into tt.nn and the loss functions into
// tt.nn.functional.
func addLosses(nnNS js.Value) {
	forward := func(name string) binding {
		return methodOf(lossKind, name, func(c loss.Criterion, _ js.Value, args []js.Value) (any, error) {
			return applyLoss(name, c, args)
		})
	}
	lossKind = newKind("loss")
	lossKind.build(map[string]binding{
		"forward": forward("forward"),
		"call":    forward("call"),
		"toString": methodOf(lossKind, "toString", func(c loss.Criterion, _ js.Value, _ []js.Value) (any, error) {
			return lossName(c), nil
		}),
	}, nil)
	functional := getProp(nnNS, "functional")
	for _, lt := range lossTypes {
		class := "tt.nn." + lt.class
		nnNS.Set(lt.class, function(class, func(_ js.Value, args []js.Value) (any, error) {
			c, err := lossOptions(class, lt.make, args, 0)
			if err != nil {
				return nil, err
			}
			return lossKind.wrap(c), nil
		}))
		fn := "tt.nn.functional." + lt.functional
		functional.Set(lt.functional, function(fn, func(_ js.Value, args []js.Value) (any, error) {
			c, err := lossOptions(fn, lt.make, args, 2)
			if err != nil {
				return nil, err
			}
			return applyLoss(fn, c, args)
		}))
	}
}

// lossOptions reads {reduction, labelSmoothing} at args[i].
func lossOptions(name string, make func(loss.Reduction, float64) loss.Criterion, args []js.Value, i int) (loss.Criterion, error) {
	r := loss.Mean
	if v := option(args, i, "reduction"); !v.IsUndefined() {
		if typeOf(v) != js.TypeString {
			return nil, fmt.Errorf("%s: reduction must be \"mean\", \"sum\" or \"none\", got %s", name, describeJS(v))
		}
		var err error
		if r, err = loss.ParseReduction(v.String()); err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
	}
	s, err := floatArg(name, []js.Value{option(args, i, "labelSmoothing")}, 0, "labelSmoothing", 0)
	if err != nil {
		return nil, err
	}
	return make(r, s), nil
}

// applyLoss computes a loss of (input, target).
func applyLoss(name string, c loss.Criterion, args []js.Value) (any, error) {
	if err := needArgs(name, args, 2, "(input, target)"); err != nil {
		return nil, err
	}
	input, err := tensors.operand(name+": input", args[0])
	if err != nil {
		return nil, err
	}
	target, err := tensors.operand(name+": target", args[1])
	if err != nil {
		return nil, err
	}
	return tensors.wrapResult(c.Forward(input, target))
}

// lossName prints a loss the way PyTorch's repr does.
func lossName(c loss.Criterion) string {
	if s, ok := moreLossName(c); ok { // nn_more.go
		return s
	}
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
