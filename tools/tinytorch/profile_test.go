package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"tinytorch/engine/kernels"
)

// clock is the fixed start time of the tests' runs.
var clock = time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("CET", 3600))

const stamp = "20260102T020405Z" // clock in UTC

// tinyProfile profiles one step of model on a batch of 2 into out.
func tinyProfile(t *testing.T, model, out string, extra ...string) string {
	t.Helper()
	args := append([]string{"--model", model, "--batch", "2", "--steps", "1", "--warmup", "0", "--out", out}, extra...)
	var stdout, stderr bytes.Buffer
	if err := profileCommand(args, &stdout, &stderr, func() time.Time { return clock }); err != nil {
		t.Fatalf("profile %q: %v\nstderr:\n%s", args, err, &stderr)
	}
	return stdout.String()
}

// TestProfileRunFolder profiles each model on a tiny batch and checks every
// file of the run folder.
func TestProfileRunFolder(t *testing.T) {
	tests := []struct {
		model      string
		layers     []string // module labels report.txt must name
		firstParam string   // the parameter of the weights chart
	}{
		{"mlp", []string{"1 (Linear)", "2 (ReLU)", "3 (Linear)"}, "1.weight"},
		{"lenet", []string{"0 (Conv2d)", "2 (MaxPool2d)", "11 (Linear)"}, "0.weight"},
	}
	for _, tc := range tests {
		t.Run(tc.model, func(t *testing.T) {
			out := t.TempDir()
			stdout := tinyProfile(t, tc.model, out, "--kernel", "tiled", "--threads", "1")
			dir := filepath.Join(out, stamp+"-profile-"+tc.model)
			for _, s := range []string{"Name", "matmulBackward", "Run folder " + dir, "Perfetto", "chrome://tracing", "charts/roofline.svg"} {
				if !strings.Contains(stdout, s) {
					t.Errorf("output lacks %q:\n%s", s, stdout)
				}
			}
			checkFolderFiles(t, dir, 1)

			text := read(t, dir, "report.txt")
			for _, s := range append([]string{"Ops, by total time", "matmul ", "matmulBackward", "Modules, by total time", "Sequential", "Phases", "forward", "backward", "optimizer", "total", "Kernel:   tiled, 1 threads", "Command:  tinytorch profile --model " + tc.model}, tc.layers...) {
				if !strings.Contains(text, s) {
					t.Errorf("report.txt lacks %q:\n%s", s, text)
				}
			}

			page := read(t, dir, "report.html")
			if !strings.HasPrefix(page, "<!doctype html>") || !strings.HasSuffix(page, "</html>\n") || strings.Count(page, "<svg") != 6 ||
				strings.Count(page, `<table class="tt-profile-table"`) != 2 || !strings.Contains(page, `href="trace.json"`) {
				t.Errorf("report.html is not a page with 2 tables, 6 charts and a link to the trace")
			}

			var trace struct {
				TraceEvents []struct {
					Name string   `json:"name"`
					Ph   string   `json:"ph"`
					Ts   *float64 `json:"ts"`
					Dur  *float64 `json:"dur"`
				} `json:"traceEvents"`
			}
			if err := json.Unmarshal([]byte(read(t, dir, "trace.json")), &trace); err != nil {
				t.Fatalf("trace.json: %v", err)
			}
			complete := 0
			for _, e := range trace.TraceEvents {
				if e.Ph == "X" {
					complete++
					if e.Ts == nil || e.Dur == nil || e.Name == "" {
						t.Fatalf("trace.json: complete event without name, ts or dur: %+v", e)
					}
				}
			}
			if complete < 20 {
				t.Errorf("trace.json has %d complete events, want a training step's worth", complete)
			}

			for _, kind := range []string{"ops", "timeline", "roofline", "memory", "layers", "weights"} {
				checkSVG(t, filepath.Join(dir, "charts", kind+".svg"))
			}
			if w := read(t, dir, "charts/weights.svg"); !strings.Contains(w, `data-chart="histogram"`) || !strings.Contains(w, "<title") ||
				!strings.Contains(w, "Weights of "+tc.firstParam+" after the profiled steps") {
				t.Errorf("charts/weights.svg is not a histogram of %s:\n%.400s", tc.firstParam, w)
			}

			var rec runRecord
			if err := json.Unmarshal([]byte(read(t, dir, "run.json")), &rec); err != nil {
				t.Fatalf("run.json: %v", err)
			}
			if rec.Model != tc.model || rec.Batch != 2 || rec.Steps != 1 || rec.Kernel != "tiled" || rec.Threads != 1 ||
				rec.GOOS == "" || rec.GOARCH == "" || rec.CPUs < 1 || rec.Params == 0 || !rec.Started.Equal(clock) ||
				!strings.HasPrefix(rec.Command, "tinytorch profile --model "+tc.model) {
				t.Errorf("run.json: %+v", rec)
			}
			if rec.Durations.Profile <= 0 || rec.Durations.Step <= 0 || len(rec.Phases) != 3 || rec.Totals.FLOPs <= 0 || rec.Totals.PeakBytes <= 0 {
				t.Errorf("run.json durations, phases or totals: %+v %+v %+v", rec.Durations, rec.Phases, rec.Totals)
			}
			if len(rec.Files) != len(runFiles(1)) || slices.Contains(rec.Files, "charts/loss.svg") {
				t.Errorf("run.json lists %q, want the %d files of a one-step run (no loss curve)", rec.Files, len(runFiles(1)))
			}
		})
	}
}

// checkFolderFiles checks that the run folder of a run of that many steps
// holds exactly runFiles: no temporary file, nothing else.
func checkFolderFiles(t *testing.T, dir string, steps int) {
	t.Helper()
	var got, want []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		got = append(got, filepath.ToSlash(rel))
		if info, err := d.Info(); err != nil || info.Size() == 0 {
			t.Errorf("%s is empty (%v)", rel, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range runFiles(steps) {
		want = append(want, f.name)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("run folder holds %q, want %q", got, want)
	}
}

func read(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestProfileLossCurve profiles three steps: the run folder then has the
// loss curve, with one point per step whose values are the losses the
// steps computed, in report.html too.
func TestProfileLossCurve(t *testing.T) {
	out := t.TempDir()
	args := []string{"--model", "mlp", "--batch", "4", "--steps", "3", "--warmup", "0", "--out", out, "--kernel", "tiled", "--threads", "1"}
	var stdout, stderr bytes.Buffer
	if err := profileCommand(args, &stdout, &stderr, func() time.Time { return clock }); err != nil {
		t.Fatalf("profile: %v\n%s", err, &stderr)
	}
	dir := filepath.Join(out, stamp+"-profile-mlp")
	checkFolderFiles(t, dir, 3)
	checkSVG(t, filepath.Join(dir, "charts", "loss.svg"))
	loss := read(t, dir, "charts/loss.svg")
	xs := regexp.MustCompile(`class="tt-series"[^>]*data-series="loss"[^>]*data-x="([^"]*)"[^>]*data-y="([^"]*)"`).FindStringSubmatch(loss)
	if xs == nil {
		t.Fatalf("charts/loss.svg has no loss series with data:\n%.600s", loss)
	}
	ys := strings.Fields(xs[2])
	if xs[1] != "1 2 3" || len(ys) != 3 {
		t.Fatalf("loss series x %q, y %q; want steps 1 2 3 and 3 losses", xs[1], xs[2])
	}
	for _, y := range ys {
		// Cross-entropy over 10 classes starts near ln 10 ≈ 2.3.
		if v, err := strconv.ParseFloat(y, 64); err != nil || v < 1 || v > 4 {
			t.Errorf("loss %q is not a cross-entropy near ln 10", y)
		}
	}
	page := read(t, dir, "report.html")
	if strings.Count(page, "<svg") != 7 || !strings.Contains(page, `<figure id="chart-loss">`) || !strings.Contains(page, `<figure id="chart-weights">`) {
		t.Errorf("report.html has %d charts, want 7 with the loss curve and the weights", strings.Count(page, "<svg"))
	}
	if !strings.Contains(stdout.String(), "charts/loss.svg") {
		t.Errorf("the output does not list charts/loss.svg:\n%s", &stdout)
	}
}

// checkSVG parses an SVG file as XML and checks its root and its title.
func checkSVG(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := xml.NewDecoder(f)
	var root *xml.StartElement
	title := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s: invalid XML: %v", path, err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			if root == nil {
				root = &se
			}
			title = title || se.Name.Local == "title"
		}
	}
	if root == nil || root.Name.Local != "svg" || root.Name.Space != "http://www.w3.org/2000/svg" || !title {
		t.Errorf("%s: root %v, title %v; want an <svg> in the SVG namespace with a <title>", path, root, title)
	}
}

// TestProfileNeverOverwrites runs profile into a folder that already
// exists: the old folder is untouched and the run goes to the next name.
func TestProfileNeverOverwrites(t *testing.T) {
	out := t.TempDir()
	old := filepath.Join(out, stamp+"-profile-mlp")
	if err := os.Mkdir(old, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(old, "report.txt"), []byte("an earlier run\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout := tinyProfile(t, "mlp", out)
	if got := read(t, old, "report.txt"); got != "an earlier run\n" {
		t.Errorf("the existing report.txt was overwritten: %q", got)
	}
	if entries, _ := os.ReadDir(old); len(entries) != 1 {
		t.Errorf("the existing folder gained files: %v", entries)
	}
	next := old + "-2"
	checkFolderFiles(t, next, 1)
	if !strings.Contains(stdout, "Run folder "+next) {
		t.Errorf("output does not name %s:\n%s", next, stdout)
	}
	tinyProfile(t, "mlp", out) // and the third goes to -3
	checkFolderFiles(t, old+"-3", 1)
}

func TestMakeRunDir(t *testing.T) {
	tests := []struct {
		existing []string
		want     string
	}{
		{nil, stamp + "-profile-mlp"},
		{[]string{stamp + "-profile-mlp"}, stamp + "-profile-mlp-2"},
		{[]string{stamp + "-profile-mlp", stamp + "-profile-mlp-2"}, stamp + "-profile-mlp-3"},
		{[]string{stamp + "-profile-lenet"}, stamp + "-profile-mlp"},
	}
	for _, tc := range tests {
		out := filepath.Join(t.TempDir(), "runs") // made by makeRunDir
		for _, e := range tc.existing {
			if err := os.MkdirAll(filepath.Join(out, e), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		got, err := makeRunDir(out, "profile", "mlp", clock)
		if err != nil || got != filepath.Join(out, tc.want) {
			t.Errorf("existing %q: got %s, %v; want %s", tc.existing, got, err, tc.want)
		}
	}
}

// TestProfileRestoresKernel checks that --kernel and --threads last only
// for the run.
func TestProfileRestoresKernel(t *testing.T) {
	kernel, threads := kernels.Current(), kernels.Threads()
	tinyProfile(t, "mlp", t.TempDir(), "--kernel", "naive", "--threads", "1")
	if kernels.Current() != kernel || kernels.Threads() != threads {
		t.Errorf("after the run: kernel %s, %d threads; want %s, %d", kernels.Current(), kernels.Threads(), kernel, threads)
	}
}
