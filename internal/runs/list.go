package runs

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"tinytorch/engine/plot"
)

// Summary is one run folder as List finds it.
type Summary struct {
	Dir    string
	Record *Record // nil for an incomplete run (no run.json)
	// Problem says why Record is nil: no run.json, or one that cannot be
	// read.
	Problem string
}

// List finds the run folders (run_*) under logs, oldest first. A folder
// without a readable run.json is listed with its Problem.
func List(logs string) ([]Summary, error) {
	entries, err := os.ReadDir(logs)
	if err != nil {
		return nil, err
	}
	var out []Summary
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), "run_") {
			continue
		}
		dir := filepath.Join(logs, e.Name())
		s := Summary{Dir: dir}
		s.Record, err = ReadRecord(dir)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			s.Problem = "incomplete: no run.json (the process died before writing its record)"
		case err != nil:
			s.Problem = "run.json unreadable: " + err.Error()
		}
		out = append(out, s)
	}
	return out, nil
}

// Epochs reads the per-epoch lines of a run's metrics.jsonl, in order.
func Epochs(dir string) ([]map[string]float64, error) {
	f, err := os.Open(filepath.Join(dir, "metrics.jsonl"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []map[string]float64
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", f.Name(), n, err)
		}
		if line["kind"] != "epoch" {
			continue
		}
		m := map[string]float64{}
		for k, v := range line {
			if x, ok := v.(float64); ok {
				m[k] = x
			}
		}
		out = append(out, m)
	}
	return out, sc.Err()
}

// CompareChart draws the runs' test accuracy and test loss per epoch, one
// series per run, as two SVG charts side by side in one document.
func CompareChart(names []string, curves [][]map[string]float64) (string, error) {
	acc := plot.Line{Title: "Test accuracy", XLabel: "epoch", YLabel: "accuracy", Markers: true, Width: 560, Height: 380}
	lss := plot.Line{Title: "Test loss", XLabel: "epoch", YLabel: "loss", Markers: true, Width: 560, Height: 380}
	for i, c := range curves {
		for _, e := range c {
			acc.Append(names[i], e["epoch"], e["val_accuracy"])
			lss.Append(names[i], e["epoch"], e["val_loss"])
		}
	}
	a, err := acc.SVG()
	if err != nil {
		return "", err
	}
	l, err := lss.SVG()
	if err != nil {
		return "", err
	}
	// Two charts in one file: an outer SVG placing each inner one.
	return fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" width="1120" height="380" viewBox="0 0 1120 380">`+
		`<svg x="0" y="0" width="560" height="380">%s</svg><svg x="560" y="0" width="560" height="380">%s</svg></svg>`+"\n",
		stripDecl(a), stripDecl(l)), nil
}

// stripDecl drops an XML declaration, which may only open a document.
func stripDecl(svg string) string {
	if strings.HasPrefix(svg, "<?xml") {
		if i := strings.Index(svg, "?>"); i >= 0 {
			return strings.TrimSpace(svg[i+2:])
		}
	}
	return svg
}

// MetricNames are the final metrics runs and compare show, in order.
var MetricNames = []string{"val_accuracy", "val_loss", "accuracy", "loss", "lr"}

// FinalMetric formats one of a record's final metrics, "" when absent.
func FinalMetric(r *Record, name string) string {
	if r == nil {
		return ""
	}
	v, ok := r.Metrics[name]
	if !ok {
		return ""
	}
	return fmt.Sprintf("%.4g", v)
}
