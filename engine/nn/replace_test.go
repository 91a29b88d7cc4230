package nn

import (
	"slices"
	"strings"
	"testing"

	"tinytorch/engine/tensor"
)

func TestReplaceParamAndBuffer(t *testing.T) {
	bn := must(NewBatchNorm1d(3, NormOptions{}))
	w := must(tensor.Ones(2))
	if err := bn.ReplaceParam("weight", w); err != nil {
		t.Fatal(err)
	}
	if !w.RequiresGrad() || !slices.Contains(bn.ParamTensors(), w) {
		t.Error("the new weight is not a parameter that requires grad")
	}
	mean := must(tensor.Zeros(2))
	if err := bn.ReplaceBuffer("running_mean", mean); err != nil {
		t.Fatal(err)
	}
	if bn.Buffers()[0].Tensor != mean {
		t.Error("the new running mean is not the buffer")
	}
	if err := bn.ReplaceParam("gamma", w); err == nil || !strings.Contains(err.Error(), `no parameter "gamma" to replace (it has "weight", "bias")`) {
		t.Errorf("unknown parameter: %v", err)
	}
	if err := bn.ReplaceBuffer("mean", w); err == nil || !strings.Contains(err.Error(), `"running_mean"`) {
		t.Errorf("unknown buffer: %v", err)
	}
}
