package prune

import (
	"strings"
	"testing"
)

func TestReport(t *testing.T) {
	model := mlp(t)
	p := New(model)
	if err := p.L1Unstructured("0.weight", 0.75); err != nil {
		t.Fatal(err)
	}
	r := NewReport(model)
	if len(r.Layers) != 3 || r.Layers[0].Name != "0.weight" || r.Layers[0].Zeros != 96 || r.Layers[0].Sparsity() != 0.75 || r.Layers[1].Zeros != 0 {
		t.Fatalf("report %+v", r.Layers)
	}
	if r.Params != model.NumParams() || r.Zeros != 96 {
		t.Errorf("totals %d params, %d zeros; want %d, 96", r.Params, r.Zeros, model.NumParams())
	}
	text := r.String()
	for _, want := range []string{"0.weight", "[16, 8]", "96", "75.0%", "all parameters"} {
		if !strings.Contains(text, want) {
			t.Errorf("table lacks %q:\n%s", want, text)
		}
	}
	if _, rows := r.Table(); len(rows) != 4 || rows[0][5] != "32" {
		t.Errorf("rows %v", rows)
	}
	svg, err := r.Chart()
	if err != nil || !strings.Contains(svg, "<svg") || !strings.Contains(svg, "0.weight (Linear)") {
		t.Errorf("chart: %v, %.200s", err, svg)
	}
}
