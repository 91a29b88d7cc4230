//go:build browser

package browsertest

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// checkNotebook10Pruning checks the pruning half of notebook 10 beyond
// its printed lines: the sparse copy of the pruned MLP computes what the
// dense one does (up to float32 rounding), and the sparsity chart is
// drawn. It prints the accuracies, which the chapter's prose describes.
func checkNotebook10Pruning(t *testing.T, ctx context.Context) {
	text := eval[string](t, ctx, `[...document.querySelectorAll(".cell-output")].map((o) => o.innerText).join("\n")`)
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, "test accuracy") || strings.Contains(l, "forward pass of 64 digits") {
			fmt.Println("  10-compression:", strings.TrimSpace(l))
		}
	}
	const diff = "largest difference from the dense model's outputs: "
	if i := strings.Index(text, diff); i >= 0 {
		v, err := strconv.ParseFloat(strings.Fields(text[i+len(diff):])[0], 64)
		if err != nil || v > 1e-4 {
			t.Errorf("the sparse MLP differs from the pruned dense one by %q, want ≤ 1e-4", strings.Fields(text[i+len(diff):])[0])
		}
	}
	if n := eval[int](t, ctx, `document.querySelectorAll(".cell svg.tt-chart").length`); n < 1 {
		t.Error("no chart: the sparsity report's chart() draws none")
	}
}
