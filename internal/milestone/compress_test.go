package milestone

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"tinytorch/engine/data"
)

// TestPruneMLPDigitsShort runs the pruning recipe on 500 digits for one
// epoch each: the sparsity is the one asked for, the masks held through
// fine-tuning, and the sparse copy was timed.
func TestPruneMLPDigitsShort(t *testing.T) {
	dir := filepath.Join("..", "..", data.MNISTPackageDir)
	r, err := PruneMLPDigits(Config{Epochs: 1, Train: 500, MNISTDir: dir}, 0.9, 1, 2)
	if err != nil {
		t.Skip("no MNIST digits:", err)
	}
	weights := r.Report.Layers[0].Params + r.Report.Layers[1].Params
	zeros := r.Report.Layers[0].Zeros + r.Report.Layers[1].Zeros
	if math.Abs(r.Sparsity-0.9) > 1e-5 || zeros < int(0.9*float64(weights)) {
		t.Errorf("sparsity %v, %d zeros of %d weights after fine-tuning; want 90%% held", r.Sparsity, zeros, weights)
	}
	if r.Dense.TestAccuracy < 0.5 || r.Tuned.TestAccuracy < 0.5 || r.PrunedAccuracy <= 0 {
		t.Errorf("accuracies %v, %v, %v", r.Dense.TestAccuracy, r.PrunedAccuracy, r.Tuned.TestAccuracy)
	}
	if r.SparseBatch1.Median <= 0 || r.SparseBatch64.Median <= 0 {
		t.Errorf("sparse ratios %+v %+v", r.SparseBatch1, r.SparseBatch64)
	}
}

func TestPruneLeNetChannels(t *testing.T) {
	r, err := PruneLeNetChannels(0.5, 2)
	if err != nil {
		t.Fatal(err)
	}
	// Conv 1→3 and 3→8 channels, then Linear(200, 120): 61,706 → 35,820 parameters.
	if r.DenseParams != 61706 || r.PrunedParams != 35820 || !strings.Contains(r.Pruned, "Conv2d(3, 8, ") {
		t.Errorf("%d → %d parameters:\n%s", r.DenseParams, r.PrunedParams, r.Pruned)
	}
	if r.Forward.Median <= 0 || r.Step.Median <= 0 {
		t.Errorf("ratios %+v %+v", r.Forward, r.Step)
	}
}
