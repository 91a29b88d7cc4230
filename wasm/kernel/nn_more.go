//go:build js && wasm

package kernel

import (
	"syscall/js"

	"tinytorch/engine/nn"
)

// Bindings of the layers added for issue 20: tt.nn.GroupNorm, SiLU, ELU
// and Softplus with their tt.nn.functional forms. (Its losses, L1Loss,
// SmoothL1Loss and KLDivLoss, are in loss.go's table with the others.)

// addMoreNN adds the new classes and functions to tt.nn.
func addMoreNN(nnNS js.Value) {
	functional := nnNS.Get("functional")
	for name, make := range map[string]layer{
		"GroupNorm": groupNormLayer,
		"SiLU":      func(*argReader) (nn.Module, error) { return nn.NewSiLU(), nil },
		"ELU": func(r *argReader) (nn.Module, error) {
			return nn.NewELU(float32(r.Options(0, "alpha").Float("alpha", 1))), nil
		},
		"Softplus": func(r *argReader) (nn.Module, error) {
			o := r.Options(0, "beta", "threshold")
			return nn.NewSoftplus(float32(o.Float("beta", 1)), float32(o.Float("threshold", 20))), nil
		},
	} {
		nnNS.Set(name, function("tt.nn."+name, layerBinding("tt.nn."+name, make)))
	}
	for _, name := range []string{"silu", "elu", "softplus"} {
		functional.Set(name, function("tt.nn.functional."+name, tensors.functional(name)))
	}
	functional.Set("groupNorm", function("tt.nn.functional.groupNorm", groupNormFunc))
}

// groupNormLayer is tt.nn.GroupNorm(numGroups, numChannels, {eps,
// affine}); affine = false is not supported.
func groupNormLayer(r *argReader) (nn.Module, error) {
	o := r.Options(0, "numGroups", "numChannels", "eps", "affine")
	o.Need("numGroups")
	o.Need("numChannels")
	groups, channels, eps := o.Int("numGroups", 0), o.Int("numChannels", 0), o.Float("eps", 0)
	if !o.Bool("affine", true) && r.ok() {
		r.failf("affine = false is not supported; GroupNorm always learns a scale and shift")
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	return asModule(nn.NewGroupNorm(groups, channels, eps))
}

// groupNormFunc is tt.nn.functional.groupNorm(input, numGroups, weight?,
// bias?, eps = 1e-5).
func groupNormFunc(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.nn.functional.groupNorm", args)
	o := r.Options(0, "input", "numGroups", "weight", "bias", "eps")
	o.Need("input")
	o.Need("numGroups")
	x, groups := o.Tensor("input"), o.Int("numGroups", 0)
	weight, bias, eps := o.Tensor("weight"), o.Tensor("bias"), o.Float("eps", 1e-5)
	if err := r.Err(); err != nil {
		return nil, err
	}
	return tensors.wrapResult(nn.GroupNormOf(x, groups, weight, bias, eps))
}
