//go:build js && wasm

package kernel

import (
	"fmt"
	"syscall/js"

	"tinytorch/engine/loss"
	"tinytorch/engine/nn"
	"tinytorch/engine/tensor"
)

// Bindings of the layers and losses added for issue 20: tt.nn.GroupNorm,
// SiLU, ELU and Softplus with their tt.nn.functional forms, and the
// losses L1Loss, SmoothL1Loss and KLDivLoss (classes of tt.nn and
// functions of tt.nn.functional, like those of loss.go).

// addMoreNN adds the new classes and functions to tt.nn.
func addMoreNN(nnNS js.Value) {
	functional := nnNS.Get("functional")
	for name, fn := range map[string]binding{
		"GroupNorm": groupNormConstructor,
		"SiLU":      func(js.Value, []js.Value) (any, error) { return wrapModule(nn.NewSiLU()), nil },
		"ELU": func(_ js.Value, args []js.Value) (any, error) {
			alpha, err := activationParam("tt.nn.ELU", args, "alpha", 1)
			return wrapLayer(nn.NewELU(float32(alpha)), err)
		},
		"Softplus": func(_ js.Value, args []js.Value) (any, error) {
			p, err := params("tt.nn.Softplus", args, "beta", "threshold")
			if err != nil {
				return nil, err
			}
			beta, err := floatArg("tt.nn.Softplus", p, 0, "beta", 1)
			if err != nil {
				return nil, err
			}
			threshold, err := floatArg("tt.nn.Softplus", p, 1, "threshold", 20)
			return wrapLayer(nn.NewSoftplus(float32(beta), float32(threshold)), err)
		},
	} {
		nnNS.Set(name, function("tt.nn."+name, fn))
	}
	for _, name := range []string{"silu", "elu", "softplus"} {
		functional.Set(name, function("tt.nn.functional."+name, tensors.functional(name)))
	}
	functional.Set("groupNorm", function("tt.nn.functional.groupNorm", groupNormFunc))
	addMoreLosses(nnNS, functional)
}

// activationParam reads an activation's one number, positionally or as
// an option.
func activationParam(name string, args []js.Value, key string, def float64) (float64, error) {
	p, err := params(name, args, key)
	if err != nil {
		return 0, err
	}
	return floatArg(name, p, 0, key, def)
}

// groupNormConstructor is tt.nn.GroupNorm(numGroups, numChannels, {eps,
// affine}); affine = false is not supported.
func groupNormConstructor(_ js.Value, args []js.Value) (any, error) {
	const name = "tt.nn.GroupNorm"
	p, err := params(name, args, "numGroups", "numChannels", "eps", "affine")
	if err != nil {
		return nil, err
	}
	groups, err := needInt(name, p, 0, "numGroups")
	if err != nil {
		return nil, err
	}
	channels, err := needInt(name, p, 1, "numChannels")
	if err != nil {
		return nil, err
	}
	eps, err := floatArg(name, p, 2, "eps", 0)
	if err != nil {
		return nil, err
	}
	if affine, err := boolArg(name, p, 3, "affine", true); err != nil || !affine {
		if err == nil {
			err = fmt.Errorf("%s: affine = false is not supported; GroupNorm always learns a scale and shift", name)
		}
		return nil, err
	}
	return wrapLayer(nn.NewGroupNorm(groups, channels, eps))
}

// groupNormFunc is tt.nn.functional.groupNorm(input, numGroups, weight?,
// bias?, eps = 1e-5).
func groupNormFunc(_ js.Value, args []js.Value) (any, error) {
	const name = "tt.nn.functional.groupNorm"
	p, err := params(name, args, "input", "numGroups", "weight", "bias", "eps")
	if err != nil {
		return nil, err
	}
	x, err := tensors.operand(name+": input", p[0])
	if err != nil {
		return nil, err
	}
	groups, err := needInt(name, p, 1, "numGroups")
	if err != nil {
		return nil, err
	}
	var affine [2]*tensor.Tensor
	for i, what := range []string{"weight", "bias"} {
		if v := p[2+i]; !v.IsUndefined() && !v.IsNull() {
			if affine[i], err = tensors.operand(name+": "+what, v); err != nil {
				return nil, err
			}
		}
	}
	eps, err := floatArg(name, p, 4, "eps", 1e-5)
	if err != nil {
		return nil, err
	}
	return tensors.wrapResult(nn.GroupNormOf(x, groups, affine[0], affine[1], eps))
}

// moreLossTypes are the new losses: class, functional name, the options
// they take besides reduction, and a maker from the read options.
var moreLossTypes = []struct {
	class, functional string
	options           []string
	make              func(name string, p []js.Value) (loss.Criterion, error)
}{
	{"L1Loss", "l1Loss", []string{"reduction"}, func(name string, p []js.Value) (loss.Criterion, error) {
		r, err := reductionOf(name, p[0], loss.ParseReduction)
		return loss.L1{Reduction: r}, err
	}},
	{"SmoothL1Loss", "smoothL1Loss", []string{"reduction", "beta"}, func(name string, p []js.Value) (loss.Criterion, error) {
		r, err := reductionOf(name, p[0], loss.ParseReduction)
		if err != nil {
			return nil, err
		}
		beta, err := floatArg(name, p, 1, "beta", 1)
		if err != nil {
			return nil, err
		}
		if beta < 0 {
			return nil, fmt.Errorf("%s: beta %g, expected a number ≥ 0", name, beta)
		}
		return loss.SmoothL1{Reduction: r, Beta: beta}, nil
	}},
	{"KLDivLoss", "klDiv", []string{"reduction", "logTarget"}, func(name string, p []js.Value) (loss.Criterion, error) {
		r, err := reductionOf(name, p[0], loss.ParseKLReduction)
		if err != nil {
			return nil, err
		}
		logTarget, err := boolArg(name, p, 1, "logTarget", false)
		return loss.KLDiv{Reduction: r, LogTarget: logTarget}, err
	}},
}

// addMoreLosses puts the new loss classes into tt.nn and their functions
// into tt.nn.functional: tt.nn.KLDivLoss({reduction: "batchmean"}),
// tt.nn.functional.klDiv(input, target, {reduction: "batchmean"}).
func addMoreLosses(nnNS, functional js.Value) {
	for _, lt := range moreLossTypes {
		class := "tt.nn." + lt.class
		nnNS.Set(lt.class, function(class, func(_ js.Value, args []js.Value) (any, error) {
			p, err := params(class, args, lt.options...)
			if err != nil {
				return nil, err
			}
			c, err := lt.make(class, p)
			if err != nil {
				return nil, err
			}
			return lossKind.wrap(c), nil
		}))
		fn := "tt.nn.functional." + lt.functional
		functional.Set(lt.functional, function(fn, func(_ js.Value, args []js.Value) (any, error) {
			if err := needArgs(fn, args, 2, "(input, target)"); err != nil {
				return nil, err
			}
			p, err := params(fn, args[2:], lt.options...)
			if err != nil {
				return nil, err
			}
			c, err := lt.make(fn, p)
			if err != nil {
				return nil, err
			}
			return applyLoss(fn, c, args[:2])
		}))
	}
}

// reductionOf reads a reduction option with the given parser (undefined
// is "mean").
func reductionOf(name string, v js.Value, parse func(string) (loss.Reduction, error)) (loss.Reduction, error) {
	if v.IsUndefined() || v.IsNull() {
		return loss.Mean, nil
	}
	if v.Type() != js.TypeString {
		return 0, fmt.Errorf("%s: reduction must be a string such as \"mean\", got %s", name, describeJS(v))
	}
	r, err := parse(v.String())
	if err != nil {
		return 0, fmt.Errorf("%s: %v", name, err)
	}
	return r, nil
}

// moreLossName prints the new losses the way PyTorch's repr does (which
// shows none of their settings).
func moreLossName(c loss.Criterion) (string, bool) {
	switch c.(type) {
	case loss.L1:
		return "L1Loss()", true
	case loss.SmoothL1:
		return "SmoothL1Loss()", true
	case loss.KLDiv:
		return "KLDivLoss()", true
	}
	return "", false
}
