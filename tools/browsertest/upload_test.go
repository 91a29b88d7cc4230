//go:build browser

package browsertest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"tinytorch/engine/checkpoint"
	"tinytorch/engine/config"
	"tinytorch/internal/repo"
	"tinytorch/internal/runs"
)

// nativeCheckpoint trains the default config for one epoch on 2,048
// images in this process, as `tinytorch train` does, and returns its
// training checkpoint and its test accuracy evaluated as `tinytorch eval`
// evaluates the file.
func nativeCheckpoint(t *testing.T) ([]byte, float64) {
	t.Helper()
	root, err := repo.Root()
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(filepath.Join(root, "configs", "default.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, set := range []string{"epochs=1", "data.train_images=2048", "data.test_images=1000"} {
		if err := cfg.Set(set); err != nil {
			t.Fatal(err)
		}
	}
	nativeTraining.Lock()
	defer nativeTraining.Unlock()
	s, err := runs.Build(cfg, root)
	if err != nil {
		t.Fatal(err)
	}
	mem, _, err := runs.TrainInMemory(context.Background(), s, runs.MemoryOptions{Name: "upload"})
	if err != nil {
		t.Fatal(err)
	}
	b := mem[runs.CheckpointFile]
	f, err := checkpoint.DecodeBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	e, err := runs.EvaluateFile(context.Background(), f, s, "native checkpoint")
	if err != nil {
		t.Fatal(err)
	}
	return b, e.Metrics["accuracy"]
}

// uploadFile waits for cell n's upload button and chooses path in its
// file input, as the file picker would.
func uploadFile(t *testing.T, ctx context.Context, n int, path string) {
	t.Helper()
	waitFor(t, ctx, fmt.Sprintf(`#cell-%d button[data-upload]`, n), 20*time.Second)
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.CSS(fmt.Sprintf(`#cell-%d input[data-upload-input]`, n)), []string{path})); err != nil {
		t.Fatalf("choosing %s in cell %d: %v", path, n, err)
	}
}

// waitCell waits until cell n has finished the run it started.
func waitCell(t *testing.T, ctx context.Context, n int, limit time.Duration) (state, output string) {
	t.Helper()
	waitFor(t, ctx, fmt.Sprintf(`#cell-%d:is([data-state="done"], [data-state="error"])`, n), limit)
	return cellResult(t, ctx, n)
}

// TestUploadCheckpoint uploads a checkpoint written natively (by the
// CLI's code) through tt.upload's button and evaluates it in the page:
// the test accuracy must be the native one exactly. The button is a
// labelled <button> that opens the file picker from the keyboard, and
// each way an upload fails is an error that says why: a file over
// maxBytes, a file that is not safetensors, a cancelled picker.
func TestUploadCheckpoint(t *testing.T) {
	t.Parallel()
	ctx := newTabWithin(t, 3*time.Minute)
	ckpt, accuracy := nativeCheckpoint(t)
	dir := t.TempDir()
	ckptPath := filepath.Join(dir, "native.safetensors")
	textPath := filepath.Join(dir, "notes.safetensors")
	if err := os.WriteFile(ckptPath, ckpt, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(textPath, []byte("these are notes, not tensors\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	openNotebook(t, ctx, "13-checkpointing")

	startCode(t, ctx, 1, `const up = await tt.upload({accept: ".safetensors"});
const upEval = await tt.train.evaluate(up.bytes);
console.log(JSON.stringify({name: up.name, size: up.bytes.length, accuracy: upEval.accuracy}));`)
	waitFor(t, ctx, `#cell-1 button[data-upload]`, 20*time.Second)
	// The button is named for assistive technology and opens the picker
	// from the keyboard: the picker's click is caught here, as headless
	// Chromium would otherwise wait on a dialog.
	label := eval[string](t, ctx, `(() => { const b = document.querySelector("#cell-1 button[data-upload]");
  const input = document.querySelector("#cell-1 input[data-upload-input]");
  input.addEventListener("click", (e) => { window.__ttPicker = input.accept; e.preventDefault(); });
  b.focus(); return b.tagName + " " + b.getAttribute("aria-label"); })()`)
	if !strings.HasPrefix(label, "BUTTON Upload a .safetensors file, at most 100.0 MB: opens a file picker") {
		t.Errorf("the upload button: %q", label)
	}
	key(t, ctx, "\r")
	if got := eval[string](t, ctx, `window.__ttPicker || ""`); got != ".safetensors" {
		t.Errorf("Enter on the upload button opened a picker for %q, want .safetensors", got)
	}
	uploadFile(t, ctx, 1, ckptPath)
	state, out := waitCell(t, ctx, 1, time.Minute)
	var got struct {
		Name     string
		Size     int
		Accuracy float64
	}
	if state != "done" || !decodeJSON(lastLine(out), &got) {
		t.Fatalf("uploading and evaluating: state %s, output %q", state, out)
	}
	fmt.Printf("upload: %s (%d bytes) evaluated in the page: test accuracy %.4f, natively %.4f\n", got.Name, got.Size, got.Accuracy, accuracy)
	if got.Name != "native.safetensors" || got.Size != len(ckpt) || got.Accuracy != accuracy {
		t.Errorf("uploaded %q (%d bytes), accuracy %v; want native.safetensors (%d bytes), accuracy %v", got.Name, got.Size, got.Accuracy, len(ckpt), accuracy)
	}
	if !strings.Contains(out, "✓ received native.safetensors") || eval[int](t, ctx, `document.querySelectorAll("#cell-1 button[data-upload]").length`) != 0 {
		t.Errorf("after the upload the button should give way to a line saying so; output %q", out)
	}

	failures := []struct {
		name, code, want string
		choose           func(n int)
	}{
		{"too large", `await tt.upload({accept: ".safetensors", maxBytes: 1000})`,
			"tt.upload: native.safetensors is", func(n int) { uploadFile(t, ctx, n, ckptPath) }},
		{"not safetensors", `await tt.upload(".safetensors")`,
			"tt.upload: notes.safetensors is not a safetensors file", func(n int) { uploadFile(t, ctx, n, textPath) }},
		{"cancelled", `await tt.upload()`, "tt.upload: cancelled: no file was chosen", func(n int) {
			waitFor(t, ctx, fmt.Sprintf(`#cell-%d button[data-upload]`, n), 20*time.Second)
			eval[bool](t, ctx, fmt.Sprintf(`document.querySelector("#cell-%d input[data-upload-input]").dispatchEvent(new Event("cancel"))`, n))
		}},
	}
	for i, f := range failures {
		n := i + 2
		startCode(t, ctx, n, f.code)
		f.choose(n)
		state, out := waitCell(t, ctx, n, 20*time.Second)
		if state != "error" || !strings.Contains(out, f.want) {
			t.Errorf("%s: state %s, output %q; want an error containing %q", f.name, state, out, f.want)
		}
	}
	if _, out := cellResult(t, ctx, 2); !strings.Contains(out, "more than the limit of 1.0 kB") {
		t.Errorf("too large: %q should name the limit", out)
	}

	// Stop while the cell waits: the kernel is free again, and the button
	// gives way, since no one would receive a file chosen now.
	startCode(t, ctx, 5, `await tt.upload(".safetensors")`)
	waitFor(t, ctx, `#cell-5 button[data-upload]`, 20*time.Second)
	clickAction(t, ctx, "■ Stop")
	waitFor(t, ctx, `#cell-5:not(:has(button[data-upload]))`, 10*time.Second)
	state, out = waitCell(t, ctx, 5, 10*time.Second)
	if state != "error" || !strings.Contains(out, "KeyboardInterrupt") || !strings.Contains(out, "✗ cancelled: the cell was stopped") {
		t.Errorf("stopped while waiting for a file: state %s, output %q", state, out)
	}
	if state, out := runCode(t, ctx, 6, `tt.version()`); state != "done" {
		t.Errorf("after the stop the kernel should run the next cell: %s %q", state, out)
	}
}
