//go:build browser

package browsertest

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"tinytorch/engine/checkpoint"
	"tinytorch/engine/config"
	"tinytorch/internal/milestone"
	"tinytorch/internal/repo"
	"tinytorch/internal/runs"
)

// nativeTraining serializes the native training runs of the notebook
// checks, which run side by side: a model's initial weights, and the
// batches some runs sample, come from the tensor package's one generator,
// which two runs must not share. Anything in the suite that builds a model
// or draws random numbers natively takes it.
var nativeTraining sync.Mutex

// readStored reads a file of the browser's storage (OPFS, shared by the
// page and its kernel worker) from the page, as base64; "" when missing.
func readStored(t *testing.T, ctx context.Context, path string) []byte {
	t.Helper()
	parts, _ := json.Marshal(strings.Split(path, "/"))
	b64 := eval[string](t, ctx, fmt.Sprintf(`(async () => {
  try {
    let dir = await navigator.storage.getDirectory();
    const parts = %s;
    for (const p of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(p);
    const bytes = new Uint8Array(await (await (await dir.getFileHandle(parts.at(-1))).getFile()).arrayBuffer());
    let s = "";
    for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
    return btoa(s);
  } catch (e) { return ""; }
})()`, parts))
	b, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(b) == 0 {
		t.Fatalf("%s: not in the browser's storage", path)
	}
	return b
}

// stepLosses reads the step losses of a metrics.jsonl.
func stepLosses(t *testing.T, jsonl []byte) []float64 {
	t.Helper()
	var out []float64
	for _, line := range bytes.Split(bytes.TrimSpace(jsonl), []byte("\n")) {
		var v struct {
			Kind string
			Loss float64
		}
		if err := json.Unmarshal(line, &v); err != nil {
			t.Fatalf("metrics.jsonl: %v", err)
		}
		if v.Kind == "step" {
			out = append(out, v.Loss)
		}
	}
	return out
}

// quickConfig is notebook 05's config, as its cells make it.
func quickConfig(t *testing.T, ctx context.Context) *config.Config {
	t.Helper()
	text := eval[string](t, ctx, `document.querySelector("#cell-1 .cell-editor").ttEditor.code()`)
	i, j := strings.Index(text, "`"), strings.LastIndex(text, "`")
	cfg, err := config.Parse("quick.yaml", []byte(text[i+1:j]))
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Set("optim.lr=0.002"); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// checkNotebook05 compares the notebook's run, made in Chromium by
// tt.train.run, with the same config trained natively in this process by
// the CLI's code (internal/runs): every step's loss, bit for bit where the
// kernels fuse alike and otherwise within the README's tolerance; then it
// evaluates the browser's checkpoint natively and the native checkpoint in
// the browser, each of which must give its run's test accuracy exactly.
func checkNotebook05(t *testing.T, ctx context.Context) {
	names := eval[[]string](t, ctx, `(async () => { const out = []; try {
  const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle("runs");
  for await (const k of dir.keys()) out.push(k); } catch {} return out.sort(); })()`)
	if len(names) == 0 {
		t.Fatal("no run folder in the browser's storage (OPFS runs/)")
	}
	name := names[len(names)-1]
	browserMetrics := readStored(t, ctx, "runs/"+name+"/metrics.jsonl")
	var browserRec runs.Record
	if err := json.Unmarshal(readStored(t, ctx, "runs/"+name+"/run.json"), &browserRec); err != nil {
		t.Fatal(err)
	}
	browserCkpt := readStored(t, ctx, "runs/"+name+"/"+runs.CheckpointFile)
	checkRunZip(t, ctx, name, browserMetrics)

	root, err := repo.Root()
	if err != nil {
		t.Fatal(err)
	}
	cfg := quickConfig(t, ctx)
	nativeTraining.Lock()
	defer nativeTraining.Unlock()
	start := time.Now()
	s, err := runs.Build(cfg, root)
	if err != nil {
		t.Fatal(err)
	}
	mem, rec, err := runs.TrainInMemory(context.Background(), s, runs.MemoryOptions{Name: "native"})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("05-configs: the config natively in %v: %s, test accuracy %.4f\n", time.Since(start).Round(time.Millisecond), rec.Status, rec.Metrics["val_accuracy"])

	b, n := stepLosses(t, browserMetrics), stepLosses(t, mem["metrics.jsonl"])
	if len(b) != len(n) || len(n) == 0 {
		t.Fatalf("%d steps in the browser, %d natively", len(b), len(n))
	}
	worst, at := maxRelDiff(b, n)
	firstDiff := 0
	for i := range n {
		if b[i] != n[i] {
			firstDiff = i + 1
			break
		}
	}
	var env, nativeEnv struct{ Kernel, SIMD string }
	json.Unmarshal(mem["environment.json"], &nativeEnv)
	json.Unmarshal(readStored(t, ctx, "runs/"+name+"/environment.json"), &env)
	fmt.Printf("05-configs: %d step losses, largest relative difference browser (kernel %s, %s)/native (kernel %s) %.3g (step %d), first step that differs: %d (0: none); metrics.jsonl identical: %v\n",
		len(n), env.Kernel, env.SIMD, nativeEnv.Kernel, worst, at+1, firstDiff, bytes.Equal(browserMetrics, mem["metrics.jsonl"]))
	// The browser's fused kernel and the native one round alike on full
	// batches (the README's Determinism section): the notebook's 2,048
	// images make 32 full batches an epoch. (A partial last batch, of 16
	// rows with 2,000 images, differed in its loss by 1.2e-7 relative:
	// the kernels treat a short tail of rows differently.)
	if env.Kernel == "wasm-simd-fma" && firstDiff != 0 {
		t.Errorf("step %d: loss %.9g in the browser, %.9g natively: want the same bits with the browser's fused kernel", firstDiff, b[firstDiff-1], n[firstDiff-1])
	}
	if worst > stepLossTol {
		t.Errorf("step %d: loss %.9g in the browser, %.9g natively (relative %.2e > %.0e)", at+1, b[at], n[at], worst, stepLossTol)
	}
	if d := math.Abs(browserRec.Metrics["val_accuracy"] - rec.Metrics["val_accuracy"]); d > accuracyBand {
		t.Errorf("test accuracy %.4f in the browser, %.4f natively", browserRec.Metrics["val_accuracy"], rec.Metrics["val_accuracy"])
	}

	// The browser's checkpoint, evaluated natively as `tinytorch eval` does.
	f, err := checkpoint.DecodeBytes(browserCkpt)
	if err != nil {
		t.Fatal(err)
	}
	bcfg, err := runs.CheckpointConfig(f, "browser checkpoint")
	if err != nil {
		t.Fatal(err)
	}
	es, err := runs.Build(bcfg, root)
	if err != nil {
		t.Fatal(err)
	}
	e, err := runs.EvaluateFile(context.Background(), f, es, "browser checkpoint")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("05-configs: the browser's checkpoint natively: test accuracy %.4f (the browser's run: %.4f)\n", e.Metrics["accuracy"], browserRec.Metrics["val_accuracy"])
	if e.Metrics["accuracy"] != browserRec.Metrics["val_accuracy"] {
		t.Errorf("the browser's checkpoint gives test accuracy %.4f natively, the browser's run recorded %.4f", e.Metrics["accuracy"], browserRec.Metrics["val_accuracy"])
	}

	// The native checkpoint, fetched and evaluated in the browser.
	if err := os.WriteFile(filepath.Join(distDir, "native-run.safetensors"), mem[runs.CheckpointFile], 0o644); err != nil {
		t.Fatal(err)
	}
	cells := eval[int](t, ctx, `document.querySelectorAll("section.cell").length`)
	state, out := runCodeWithin(t, ctx, cells, `const nativeEval = await tt.train.evaluate(await (await fetch("/native-run.safetensors")).arrayBuffer());
console.log(JSON.stringify(nativeEval));`, time.Minute)
	var got struct{ Loss, Accuracy float64 }
	if state != "done" || !decodeJSON(lastLine(strings.TrimSpace(out)), &got) {
		t.Fatalf("evaluating the native checkpoint in the browser: state %s, output %q", state, out)
	}
	fmt.Printf("05-configs: the native checkpoint in the browser: test accuracy %.4f (the native run: %.4f)\n", got.Accuracy, rec.Metrics["val_accuracy"])
	if got.Accuracy != rec.Metrics["val_accuracy"] {
		t.Errorf("the native checkpoint gives test accuracy %.4f in the browser, the native run recorded %.4f", got.Accuracy, rec.Metrics["val_accuracy"])
	}
}

// checkNotebook13 loads the weights file the notebook saved in the
// browser natively, into the milestone MLP (the same layers), which must
// accept every key and shape.
func checkNotebook13(t *testing.T, ctx context.Context) {
	f, err := checkpoint.DecodeBytes(readStored(t, ctx, "checkpoints/mlp-weights.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	nativeTraining.Lock() // NewMLP draws its initial weights from the generator
	defer nativeTraining.Unlock()
	if err := checkpoint.LoadModelFile(f, milestone.NewMLP()); err != nil {
		t.Errorf("the browser's weights do not load natively: %v", err)
	}
}

// checkRunZip presses the notebook's download button of the run and reads
// the zip the page hands the browser: the run folder with the CLI's
// layout, its metrics.jsonl the stored one.
func checkRunZip(t *testing.T, ctx context.Context, name string, metrics []byte) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`button[data-download="`+name+`.zip"]`))); err != nil {
		t.Fatalf("pressing the run's download button: %v", err)
	}
	b64 := eval[string](t, ctx, `(window.__ttLastDownload || {}).base64 || ""`)
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	z, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatalf("the downloaded %s.zip (%d bytes): %v", name, len(raw), err)
	}
	var names []string
	for _, f := range z.File {
		names = append(names, f.Name)
	}
	for _, want := range []string{"config.yaml", "environment.json", "metrics.jsonl", "train.log", "charts/loss.svg",
		"charts/accuracy.svg", "charts/lr.svg", runs.CheckpointFile, "run.json"} {
		if !slices.Contains(names, name+"/"+want) {
			t.Errorf("the zip has no %s/%s; it has %v", name, want, names)
		}
	}
	if names[len(names)-1] != name+"/run.json" {
		t.Errorf("the zip's last file is %s, want run.json (written last, as on disk)", names[len(names)-1])
	}
	f, err := z.Open(name + "/metrics.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := io.ReadAll(f)
	if err != nil || !bytes.Equal(got, metrics) {
		t.Errorf("the zip's metrics.jsonl (%d bytes, %v) is not the stored one (%d bytes)", len(got), err, len(metrics))
	}
	fmt.Printf("05-configs: the run's zip: %d bytes, %d files\n", len(raw), len(names))
}
