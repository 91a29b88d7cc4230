//go:build browser

package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestDataMNIST loads the MNIST digits in a cell, from the network and
// then from the browser's cache, and checks the sets and a batch's shapes.
// It prints the time tt.data.mnist() takes to be ready.
func TestDataMNIST(t *testing.T) {
	ctx := newTab(t)
	openNotebook(t, ctx, "06-data")
	load := "const m = await tt.data.mnist();\nJSON.stringify([m.train.length, m.test.length, m.source, m.classes.length, Math.round(m.ms)])"
	for _, want := range []string{"network", "cache"} {
		state, out := lastOutput(t, ctx, 1, load)
		var got []any
		if state != "done" || !decodeJSON(out, &got) || len(got) != 5 {
			t.Fatalf("loading MNIST: state %q, output %q", state, out)
		}
		if got[0] != 8000.0 || got[1] != 2000.0 || got[2] != want || got[3] != 10.0 {
			t.Errorf("mnist() = %v; want 8000 train, 2000 test, from the %s, 10 classes", got, want)
		}
		fmt.Printf("tt.data.mnist() ready in %v ms (from the %s)\n", got[4], want)
	}
	code := "const [b] = tt.data.DataLoader(m.train, {batchSize: 64, shuffle: true, seed: 0});\n" +
		"JSON.stringify([b.x.shape, b.y.shape, b.x.min().item(), b.x.max().item(), m.test.get(0).y.item()])"
	if state, out := runCode(t, ctx, 1, code); state != "done" || !strings.HasPrefix(out, "[[64,1,28,28],[64],0,1,") {
		t.Errorf("a batch: state %q, output %q; want x [64,1,28,28], y [64], pixels in [0, 1]", state, out)
	}
	// Displaying a batch shows its images with their labels.
	if state, out := runCode(t, ctx, 1, "b"); state != "done" {
		t.Fatalf("display(batch): state %q, output %q", state, out)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("#cell-1 table.tt-batch img[src^='data:image/png']").length`); n != 32 {
		t.Errorf("the batch grid shows %d images, want 32", n)
	}
}

// TestDataChecksums: a damaged copy in the cache is replaced from the
// network; a damaged download is refused with a clear error.
func TestDataChecksums(t *testing.T) {
	ctx := newTab(t)
	openNotebook(t, ctx, "06-data")
	runCode(t, ctx, 1, "await tt.data.mnist(); 'loaded'")
	corruptCache := `const c = await caches.open('tinytorch-data-v1');
const url = new URL('../data/mnist-test.bin', location.href).href;
const bytes = new Uint8Array(await (await c.match(url)).arrayBuffer());
bytes[1000] ^= 255;
await c.put(url, new Response(bytes));
(await tt.data.mnist()).source + ', then ' + (await tt.data.mnist()).source`
	if state, out := lastOutput(t, ctx, 1, corruptCache); state != "done" || out != "network and cache, then cache" {
		t.Errorf("a damaged cached file: state %q, output %q; want it fetched again, then cached", state, out)
	}
	corruptNetwork := `await tt.data.clearCache();
const realFetch = globalThis.fetch;
globalThis.fetch = async (u, o) => {
  const r = await realFetch(u, o);
  if (!String(u).endsWith('mnist-test.bin')) return r;
  const b = new Uint8Array(await r.arrayBuffer());
  b[5000] ^= 1;
  return new Response(b);
};
let message = 'no error';
try { await tt.data.mnist() } catch (e) { message = e.message } finally { globalThis.fetch = realFetch }
message`
	state, out := lastOutput(t, ctx, 1, corruptNetwork)
	if state != "done" || !strings.HasPrefix(out, "tt.data.mnist: mnist-test.bin: checksum mismatch") {
		t.Errorf("a damaged download: state %q, output %q; want a checksum mismatch error", state, out)
	}
	if state, out := lastOutput(t, ctx, 1, "(await tt.data.mnist()).source"); state != "done" || out != "network and cache" {
		t.Errorf("after the damaged download: state %q, output %q; want the test file fetched again", state, out)
	}
}

// TestNotebook06RunsClean runs the whole chapter and checks that no cell
// fails, the digits show, and the hand-written loop learns.
func TestNotebook06RunsClean(t *testing.T) {
	ctx := newTab(t)
	openNotebook(t, ctx, "06-data")
	cells := eval[int](t, ctx, `document.querySelectorAll("section.cell").length`)
	start := time.Now()
	clickAction(t, ctx, "Run all")
	waitFor(t, ctx, fmt.Sprintf(`#cell-%d:is([data-state="done"], [data-state="error"])`, cells), 80*time.Second)
	fmt.Printf("notebook 06: %d cells ran in %v\n", cells, time.Since(start).Round(time.Millisecond))
	for n := 1; n <= cells; n++ {
		state, out := cellResult(t, ctx, n)
		if state != "done" {
			t.Errorf("cell %d: state %q, output %q", n, state, out)
		}
		if strings.Contains(out, "test accuracy") {
			pct, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(out[strings.LastIndex(out, "test accuracy"):]), "test accuracy "), "%"), 64)
			fmt.Printf("notebook 06: softmax regression %s\n", out[strings.LastIndex(out, "test accuracy"):])
			if err != nil || pct < 85 {
				t.Errorf("cell %d: %q, want test accuracy ≥ 85%%", n, out)
			}
		}
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("table.tt-batch img").length`); n < 16*3+32 {
		t.Errorf("%d images shown in the notebook, want at least %d", n, 16*3+32)
	}
	saveScreenshot(t, ctx, "notebook-06.png")
}

// lastOutput runs code in cell n and returns its state and the text of
// its last output (after the progress bar).
func lastOutput(t *testing.T, ctx context.Context, n int, code string) (state, out string) {
	t.Helper()
	state, _ = runCode(t, ctx, n, code)
	out = eval[string](t, ctx, fmt.Sprintf(`(() => { const o = document.querySelector("#cell-%d .cell-output").lastElementChild;
		return o ? o.innerText.trim() : ""; })()`, n))
	return state, out
}

// decodeJSON parses a cell's text output as JSON.
func decodeJSON(s string, v any) bool { return json.Unmarshal([]byte(s), v) == nil }
