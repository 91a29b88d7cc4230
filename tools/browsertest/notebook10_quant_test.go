//go:build browser

package browsertest

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// checkNotebook10 checks both halves of chapter 10.
func checkNotebook10(t *testing.T, ctx context.Context) {
	checkNotebook10Pruning(t, ctx)
	checkNotebook10Quant(t, ctx)
}

// checkNotebook10Quant checks the quantization sections' results: the
// int8 MLP within a point of float32 and a quarter of its size, the
// reloaded int8 checkpoint as accurate as the model saved, and the float
// model's refusal to load it.
func checkNotebook10Quant(t *testing.T, ctx context.Context) {
	text := eval[string](t, ctx, `[...document.querySelectorAll(".cell-output")].map((o) => o.innerText).join("\n")`)
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, "int8") || strings.Contains(l, "4-bit") || strings.Contains(l, "reloaded") {
			fmt.Println("  10-compression:", strings.TrimSpace(l))
		}
	}
	pct := func(re string) float64 {
		t.Helper()
		m := regexp.MustCompile(re).FindStringSubmatch(text)
		if m == nil {
			t.Errorf("no output matches %q", re)
			return 0
		}
		v, _ := strconv.ParseFloat(m[1], 64)
		return v
	}
	float := pct(`float32: test accuracy ([0-9.]+)%`)
	int8 := pct(`int8: +test accuracy ([0-9.]+)%`)
	if int8 < float-1 {
		t.Errorf("int8 accuracy %.2f%%; expected within a point of float32's %.2f%%", int8, float)
	}
	if back := pct(`reloaded: test accuracy ([0-9.]+)%`); back != int8 {
		t.Errorf("the reloaded int8 model: %.2f%%; expected the saved one's %.2f%%", back, int8)
	}
	if smaller := pct(`\(([0-9.]+)× smaller\)`); smaller < 3.5 {
		t.Errorf("the int8 checkpoint is %.2f× smaller; expected about 4×", smaller)
	}
	if !strings.Contains(text, "holds an int8 quantized model") {
		t.Error("loading the int8 checkpoint into a float model gave no error naming it")
	}
}
