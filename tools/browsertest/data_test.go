//go:build browser

package browsertest

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"tinytorch/engine/data"
	"tinytorch/engine/tensor"
	"tinytorch/internal/benchjson"
	"tinytorch/internal/site"
)

// TestDataMNIST loads the MNIST digits in a cell, from the network and
// then from the browser's cache, and checks the sets and a batch's shapes.
// It prints the time tt.data.mnist() takes to be ready, and make bench
// reports it (mnist-ready.json under TT_BENCH_JSON).
func TestDataMNIST(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "06-data")
	load := "const m = await tt.data.mnist();\nJSON.stringify([m.train.length, m.test.length, m.source, m.classes.length, m.ms])"
	ready := benchjson.DataReady{UA: eval[string](t, ctx, "navigator.userAgent")}
	for _, want := range []string{"network", "cache"} {
		state, out := lastOutput(t, ctx, 1, load)
		var got []any
		if state != "done" || !decodeJSON(out, &got) || len(got) != 5 {
			t.Fatalf("loading MNIST: state %q, output %q", state, out)
		}
		if got[0] != 8000.0 || got[1] != 2000.0 || got[2] != want || got[3] != 10.0 {
			t.Errorf("mnist() = %v; want 8000 train, 2000 test, from the %s, 10 classes", got, want)
		}
		ms, _ := got[4].(float64)
		fmt.Printf("tt.data.mnist() ready in %.0f ms (from the %s)\n", ms, want)
		if ms <= 0 {
			t.Errorf("mnist() reports it took %v ms", got[4])
		}
		ready.Loads = append(ready.Loads, benchjson.DataLoad{Source: want, Images: 10000, Ms: ms})
	}
	benchJSON(t, "mnist-ready", ready)
	code := "const [b] = tt.data.DataLoader(m.train, {batchSize: 64, shuffle: true, seed: 0});\n" +
		"JSON.stringify([b.x.shape, b.y.shape, b.x.min().item(), b.x.max().item(), m.test.get(0).y.item()])"
	if state, out := runCode(t, ctx, 1, code); state != "done" || !strings.HasPrefix(out, "[[64,1,28,28],[64],0,1,") {
		t.Errorf("a batch: state %q, output %q; want x [64,1,28,28], y [64], pixels in [0, 1]", state, out)
	}
	// Displaying a batch shows its images with their labels.
	if state, out := runCode(t, ctx, 1, "b"); state != "done" {
		t.Fatalf("display(batch): state %q, output %q", state, out)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("#cell-1 svg[data-chart='images'] image[href^='data:image/png']").length`); n != 32 {
		t.Errorf("the batch grid shows %d images, want 32", n)
	}
}

// TestDataChecksums: a damaged copy in the cache is replaced from the
// network; a damaged download is refused with a clear error.
func TestDataChecksums(t *testing.T) {
	t.Parallel()
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

// cellBindingsCode exercises tt.data's datasets, loaders, collate step,
// datasets written in the cell and toTensor, and returns what it saw as
// JSON; TestDataCellBindings compares it with engine/data run natively.
const cellBindingsCode = `const r = {};
const first = (ds) => { const s = ds.get(0); return {n: ds.length, shape: s.x.shape, x: s.x.tolist(), y: s.y.tolist()}; };
r.xor = first(tt.data.xor());
r.spirals = first(tt.data.spirals({n: 120, seed: 6}));
r.moons = first(tt.data.moons({n: 200, noise: 0.1, seed: 0}));
r.circles = first(tt.data.circles({n: 100, seed: 3}));
r.blobs = first(tt.data.blobs({n: 90, centers: 3, dim: 2, seed: 4}));
r.linear = first(tt.data.linearRegression({n: 50, weights: [2, -1], bias: 0.5, noise: 0.1, seed: 5}));
const td = tt.data.TensorDataset(tt.tensor(Array.from({length: 10}, (_, i) => [i, 10 + i, 20 + i])), tt.tensor(Array.from({length: 10}, (_, i) => i)));
const ys = (ds) => Array.from({length: ds.length}, (_, i) => ds.get(i).y.item());
r.td = [td.length, td.get(3).x.tolist(), td.get(-1).y.item()];
const sub = tt.data.Subset(td, [7, 2, 5]);
r.subset = ys(sub);
r.concat = ys(tt.data.ConcatDataset([td, sub]));
r.split = tt.data.randomSplit(td, [7, 3], {seed: 11}).map(ys);
r.fracSplit = tt.data.randomSplit(td, [0.75, 0.25], {seed: 11}).map((d) => d.length);
const sizes = (l) => [...l].map((b) => b.x.shape[0]);
const dl = tt.data.DataLoader(td, {batchSize: 4, dropLast: true});
r.dropLast = [dl.length, sizes(dl), sizes(tt.data.DataLoader(td, {batchSize: 4}))];
const epoch = (l) => { for (const b of l) return b.y.tolist(); };
const sh = tt.data.DataLoader(td, {batchSize: 10, shuffle: true, seed: 42});
r.shuffle = [epoch(sh), epoch(sh), epoch(tt.data.DataLoader(td, {batchSize: 10, shuffle: true, seed: 42})), sh.order(0), sh.order(1)];
const col = tt.data.DataLoader(td, {batchSize: 4, collate: (items) => ({n: items.length, x: tt.stack(items.map((it) => it.x)), sum: items.reduce((s, it) => s + it.y.item(), 0)})});
r.collate = [...col].map((b) => [b.n, b.x.shape, b.sum]);
r.collateAny = [...tt.data.DataLoader(td, {batchSize: 5, collate: (items) => items.map((it) => it.y.item()).join('+')})];
const message = (f) => { try { f(); return 'no error'; } catch (e) { return e.name + ': ' + e.message; } };
r.collateBad = message(() => tt.data.DataLoader(td, {collate: 3}));
r.collateThrows = message(() => [...tt.data.DataLoader(td, {batchSize: 2, collate: () => { throw new RangeError('my collate failed'); }})]);
const fitWith = (collate) => { const m = tt.nn.Linear(3, 2); return tt.train.fit(m, tt.data.DataLoader(td, {batchSize: 5, collate}),
  {epochs: 1, optimizer: tt.optim.SGD(m.parameters(), {lr: 0.01}), loss: tt.nn.CrossEntropyLoss(), progress: false, chart: false}); };
r.fitCollate = [fitWith((items) => ({x: tt.stack(items.map((it) => it.x)), y: tt.tensor(items.map((it) => it.y.item() % 2))})).stepLoss.length,
  message(() => fitWith((items) => 'a string'))];
class Squares { constructor(n) { this.n = n; this.classes = ['even', 'odd']; } get length() { return this.n; } get(i) { return {x: [i, i * i], y: i % 2}; } }
const sq = new Squares(7);
const sqb = [...tt.data.DataLoader(sq, {batchSize: 3})];
r.custom = [sqb.length, sqb[0].x.shape, sqb[2].x.tolist(), sqb[1].y.tolist(), sqb[0].classes];
r.customWrap = [tt.data.Subset(sq, [6, 1]).get(0).x.tolist(), tt.data.ConcatDataset([sq, td]).length,
  tt.data.randomSplit(sq, [4, 3], {seed: 11}).map((d) => d.get(0).x.tolist()[0]), tt.data.DataLoader(sq).dataset === sq];
r.pair = [...tt.data.DataLoader({length: 2, get: (i) => [[i, -i], i]}, {batchSize: 2})].map((b) => [b.x.tolist(), b.y.tolist()]);
r.customErrors = [
  message(() => tt.data.DataLoader({length: 3, getItem: (i) => ({x: i})})),
  message(() => tt.data.Subset({length: -1, get: (i) => ({x: i})}, [0])),
  message(() => [...tt.data.DataLoader({length: 2, get: (i) => 'no'})]),
  message(() => [...tt.data.DataLoader({length: 2, get: async (i) => ({x: i})})]),
  message(() => tt.data.randomSplit([1, 2], [1, 1]))];
const img = tt.data.toTensor(new Uint8Array([0, 255, 51, 102, 204, 153]), [2, 3]);
const rgba = tt.data.toTensor(new ImageData(new Uint8ClampedArray([255, 0, 0, 255, 0, 0, 255, 128]), 1, 2));
r.toTensor = [img.shape, img.tolist(), rgba.shape, rgba.tolist(), message(() => tt.data.toTensor([0, 256], [1, 2]))];
JSON.stringify(r)`

// cellBindings is what cellBindingsCode returns.
type cellBindings struct {
	// the synthetic sets' length and first item
	XOR, Spirals, Moons, Circles, Blobs firstItem
	Linear                              firstItem

	TD            []any
	Subset        []float64
	Concat        []float64
	Split         [][]float64
	FracSplit     []int
	DropLast      []any
	Shuffle       [][]int
	Collate       [][]any
	CollateAny    []string
	CollateBad    string
	CollateThrows string
	FitCollate    []any
	Custom        []any
	CustomWrap    []any
	Pair          []any
	CustomErrors  []string
	ToTensor      []any
}

// firstItem is a dataset's length and first item.
type firstItem struct {
	N     int
	Shape []int
	X, Y  any
}

// flat flattens nested JSON arrays of numbers, or one number.
func flat(v any) []float32 {
	switch v := v.(type) {
	case float64:
		return []float32{float32(v)}
	case []any:
		var out []float32
		for _, e := range v {
			out = append(out, flat(e)...)
		}
		return out
	}
	return nil
}

// TestDataCellBindings runs tt.data's bindings in a cell and checks their
// values against engine/data natively: the synthetic sets' first items
// for fixed seeds bit for bit, the splits, orders and batch sizes; the
// collate option; datasets written in the cell; toTensor; and the errors
// of bad input.
func TestDataCellBindings(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "06-data")
	state, out := lastOutput(t, ctx, 1, cellBindingsCode)
	var r cellBindings
	if state != "done" || !decodeJSON(out, &r) {
		t.Fatalf("the cell: state %q, output %.2000q", state, out)
	}
	synthetic := []struct {
		name string
		got  firstItem
		ds   *data.TensorDataset
		err  error
	}{
		{name: "xor", got: r.XOR},
		{name: "spirals", got: r.Spirals},
		{name: "moons", got: r.Moons},
		{name: "circles", got: r.Circles},
		{name: "blobs", got: r.Blobs},
		{name: "linearRegression", got: r.Linear},
	}
	// The bindings' defaults: xor 4 points without noise, spirals and
	// circles noise 0.05, blobs std 1.
	synthetic[0].ds, synthetic[0].err = data.XOR(4, 0, 0)
	synthetic[1].ds, synthetic[1].err = data.Spirals(120, 0.05, 6)
	synthetic[2].ds, synthetic[2].err = data.Moons(200, 0.1, 0)
	synthetic[3].ds, synthetic[3].err = data.Circles(100, 0.05, 0.5, 3)
	synthetic[4].ds, synthetic[4].err = data.Blobs(90, 3, 2, 1, 4)
	synthetic[5].ds, synthetic[5].err = data.LinearRegression(50, []float64{2, -1}, 0.5, 0.1, 5)
	for _, s := range synthetic {
		if s.err != nil {
			t.Fatal(s.err)
		}
		item, err := s.ds.Item(0)
		if err != nil {
			t.Fatal(err)
		}
		if s.got.N != s.ds.Len() || !slices.Equal(s.got.Shape, item.X.Shape()) ||
			!slices.Equal(flat(s.got.X), item.X.Data()) || !slices.Equal(flat(s.got.Y), item.Y.Data()) {
			t.Errorf("tt.data.%s: %d items, first x %v %v, y %v; natively %d items, x %v %v, y %v", s.name,
				s.got.N, s.got.Shape, s.got.X, s.got.Y, s.ds.Len(), item.X.Shape(), item.X.Data(), item.Y.Data())
		}
	}

	if want := []any{10.0, []any{3.0, 13.0, 23.0}, 9.0}; fmt.Sprint(r.TD) != fmt.Sprint(want) {
		t.Errorf("TensorDataset: [length, get(3).x, get(-1).y] = %v, want %v", r.TD, want)
	}
	if want := []float64{7, 2, 5}; !slices.Equal(r.Subset, want) {
		t.Errorf("Subset(td, [7, 2, 5]) labels %v, want %v", r.Subset, want)
	}
	if want := []float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 7, 2, 5}; !slices.Equal(r.Concat, want) {
		t.Errorf("ConcatDataset([td, subset]) labels %v, want %v", r.Concat, want)
	}
	ten, _ := data.NewTensorDataset(mustTensor(t, make([]float32, 10), 10), nil)
	parts, err := data.RandomSplit(ten, []int{7, 3}, 11)
	if err != nil {
		t.Fatal(err)
	}
	for k, p := range parts {
		if k >= len(r.Split) || fmt.Sprint(r.Split[k]) != fmt.Sprint(p.Indices) {
			t.Errorf("randomSplit(td, [7, 3], {seed: 11}) part %d: labels %v, natively indices %v", k, r.Split, p.Indices)
		}
	}
	if !slices.Equal(r.FracSplit, []int{8, 2}) { // floor(7.5), floor(2.5), the remainder to the first, as PyTorch
		t.Errorf("randomSplit(td, [0.75, 0.25]) lengths %v, want [8 2]", r.FracSplit)
	}
	if want := "[2 [4 4] [4 4 2]]"; fmt.Sprint(r.DropLast) != want {
		t.Errorf("dropLast: [length, sizes, sizes without dropLast] = %v, want %s", r.DropLast, want)
	}
	native := &data.DataLoader{Dataset: ten, BatchSize: 10, Shuffle: true, Seed: 42}
	if len(r.Shuffle) != 5 {
		t.Fatalf("shuffle: %v", r.Shuffle)
	}
	if !slices.Equal(r.Shuffle[0], native.Order(0)) || !slices.Equal(r.Shuffle[1], native.Order(1)) {
		t.Errorf("shuffle seed 42: epochs %v and %v, natively %v and %v", r.Shuffle[0], r.Shuffle[1], native.Order(0), native.Order(1))
	}
	if slices.Equal(r.Shuffle[0], r.Shuffle[1]) || !slices.Equal(r.Shuffle[0], r.Shuffle[2]) {
		t.Errorf("shuffle: epoch 0 %v, epoch 1 %v, a new loader's epoch 0 %v; want a new order each epoch and the same with the same seed", r.Shuffle[0], r.Shuffle[1], r.Shuffle[2])
	}
	if !slices.Equal(r.Shuffle[3], r.Shuffle[0]) || !slices.Equal(r.Shuffle[4], r.Shuffle[1]) {
		t.Errorf("loader.order(0), order(1) = %v, %v; the epochs iterated %v, %v", r.Shuffle[3], r.Shuffle[4], r.Shuffle[0], r.Shuffle[1])
	}

	if want := "[[4 [4 3] 6] [4 [4 3] 22] [2 [2 3] 17]]"; fmt.Sprint(r.Collate) != want {
		t.Errorf("collate returning {n, x: tt.stack(xs), sum of ys}: %v, want %s", r.Collate, want)
	}
	if want := []string{"0+1+2+3+4", "5+6+7+8+9"}; !slices.Equal(r.CollateAny, want) {
		t.Errorf("collate returning a string: %q, want %q", r.CollateAny, want)
	}
	if !strings.HasPrefix(r.CollateBad, "Error: tt.data.DataLoader: collate must be a function") {
		t.Errorf("collate: 3 gave %q, want an error saying collate must be a function", r.CollateBad)
	}
	if r.CollateThrows != "RangeError: my collate failed" {
		t.Errorf("a collate that throws gave %q, want its own RangeError", r.CollateThrows)
	}

	if len(r.FitCollate) != 2 || r.FitCollate[0] != 2.0 || !strings.Contains(fmt.Sprint(r.FitCollate[1]),
		"the DataLoader's collate function returned the string \"a string\", expected {x, y}") {
		t.Errorf("tt.train.fit on a loader with a collate function: [steps, error of a collate returning a string] = %q", r.FitCollate)
	}
	if want := "[3 [3 2] [[6 36]] [1 0 1] [even odd]]"; fmt.Sprint(r.Custom) != want {
		t.Errorf("a dataset class in the cell: [batches, first x shape, last x, second y, classes] = %v, want %s", r.Custom, want)
	}
	seven, _ := data.NewTensorDataset(mustTensor(t, make([]float32, 7), 7), nil)
	sqParts, err := data.RandomSplit(seven, []int{4, 3}, 11)
	if err != nil {
		t.Fatal(err)
	}
	wantWrap := fmt.Sprint([]any{[]int{6, 36}, 17, []int{sqParts[0].Indices[0], sqParts[1].Indices[0]}, true})
	if fmt.Sprint(r.CustomWrap) != wantWrap {
		t.Errorf("a cell's dataset in Subset, ConcatDataset, randomSplit and loader.dataset: %v, want %s", r.CustomWrap, wantWrap)
	}
	if want := "[[[[0 -0] [1 -1]] [0 1]]]"; fmt.Sprint(r.Pair) != want && fmt.Sprint(r.Pair) != "[[[[0 0] [1 -1]] [0 1]]]" {
		t.Errorf("get(i) returning [x, y]: %v, want %s", r.Pair, want)
	}
	wantErrors := []string{
		"Error: tt.data.DataLoader: expected a dataset: one of tt.data's (such as tt.data.TensorDataset(x, y)), or an object with a length and get(i) returning {x, y}; the object has getItem(i) but no get(i): name the item method get",
		"Error: tt.data.Subset: expected a dataset: one of tt.data's (such as tt.data.TensorDataset(x, y)), or an object with a length and get(i) returning {x, y}; the object's length: length must be a whole number ≥ 0, got the number -1",
		`Error: DataLoader: batch 0 of epoch 0: item 0: dataset.get(0) returned the string "no", expected {x, y} (or [x, y]) holding tensors, numbers or arrays of numbers`,
		"Error: DataLoader: batch 0 of epoch 0: item 0: dataset.get(0) returned a Promise: it must return {x, y} (or [x, y]) holding tensors, numbers or arrays of numbers synchronously (no async)",
		"Error: tt.data.randomSplit: expected a dataset: one of tt.data's (such as tt.data.TensorDataset(x, y)), or an object with a length and get(i) returning {x, y}; got an array",
	}
	for i, want := range wantErrors {
		if i >= len(r.CustomErrors) || r.CustomErrors[i] != want {
			t.Errorf("bad dataset %d: got %q\nwant %q", i, r.CustomErrors, want)
		}
	}

	img, err := data.ToTensor(data.Image{Pix: []uint8{0, 255, 51, 102, 204, 153}, C: 1, H: 2, W: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.ToTensor) != 5 || fmt.Sprint(r.ToTensor[0]) != "[1 2 3]" || !slices.Equal(flat(r.ToTensor[1]), img.Data()) ||
		fmt.Sprint(r.ToTensor[2]) != "[4 2 1]" || fmt.Sprint(r.ToTensor[3]) != "[[[1] [0]] [[0] [0]] [[0] [1]] [[1] [0.501960813999176]]]" ||
		r.ToTensor[4] != "Error: tt.data.toTensor: pixel 1 is the number 256, expected a whole number 0–255" {
		t.Errorf("toTensor: %v; want [1 2 3] %v, an RGBA ImageData as [4 2 1], and an error for the pixel 256", r.ToTensor, img.Data())
	}
}

// mustTensor makes a tensor in a test.
func mustTensor(t *testing.T, v []float32, shape ...int) *tensor.Tensor {
	t.Helper()
	x, err := tensor.New(v, shape...)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// fashionDir is where the site build reads Fashion-MNIST, or "" when it
// is not installed there (site.FashionDir): the build then has none, and
// the tests that need it skip.
func fashionDir() string {
	if dir, ok := site.FashionDir(); ok {
		return dir
	}
	return ""
}

// watchProgress records, in the page, every state of the progress bars
// that appear in cell n's output: [label, value, max].
const watchProgress = `(() => {
	window.__ttProgress = [];
	const cell = document.querySelector("#cell-%d");
	new MutationObserver(() => {
		for (const p of cell.querySelectorAll(".cell-output progress")) {
			window.__ttProgress.push([p.getAttribute("aria-label"), +p.getAttribute("value"), +p.getAttribute("max")]);
		}
	}).observe(cell, {childList: true, subtree: true, attributes: true});
	return true;
})()`

// fashionCode loads 10,000 Fashion-MNIST training images and reports the
// lengths, the label range, the first image's label and pixel sum, where
// the files came from, and whether each file's SHA-256, computed here,
// matches the manifest's.
const fashionCode = `const f = await tt.data.fashionMNIST({train: 10000});
const labels = [...f.train.tensors[1].tolist(), ...f.test.tensors[1].tolist()];
const man = await (await fetch('../data/manifest.json')).json();
const files = [man.datasets['fashion-mnist'].train[0], ...man.datasets['fashion-mnist'].test];
const cache = await caches.open('tinytorch-data-v1');
let verified = 0;
for (const file of files) {
  const bytes = new Uint8Array(await (await cache.match(new URL('../data/' + file.file, location.href).href)).arrayBuffer());
  const sum = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes.subarray(0, bytes.length - 32)));
  const hex = [...sum].map((b) => b.toString(16).padStart(2, '0')).join('');
  if (hex === file.sha256) verified++;
}
JSON.stringify({train: f.train.length, test: f.test.length, min: Math.min(...labels), max: Math.max(...labels),
  y0: f.train.get(0).y.item(), sum0: f.train.get(0).x.sum().item(), source: f.source, classes: f.classes,
  files: files.length, verified, ms: f.ms})`

// TestDataFashionMNIST loads Fashion-MNIST in a cell as the issue asks,
// {train: 10000}: the lengths, the labels in 0–9, the first image as
// natively, the files' checksums against the manifest, a progress bar in
// the cell while it loads, and the cache on a second load. A damaged copy
// in the cache is caught by its checksum and fetched again.
func TestDataFashionMNIST(t *testing.T) {
	t.Parallel()
	dir := fashionDir()
	if dir == "" {
		t.Skipf("Fashion-MNIST is not installed (%s): %s", data.FashionMNISTDir, data.FashionMNISTHint)
	}
	native, err := data.LoadFashionMNIST(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	first, err := native.Item(0)
	if err != nil {
		t.Fatal(err)
	}
	var sum0 float64
	for _, v := range first.X.Data() {
		sum0 += float64(v)
	}
	ctx := newTab(t)
	openNotebook(t, ctx, "06-data")
	type result struct {
		Train, Test, Min, Max, Y0 int
		Sum0                      float64
		Source                    string
		Classes                   []string
		Files, Verified           int
		MS                        float64
	}
	load := func(want string) result {
		t.Helper()
		eval[bool](t, ctx, fmt.Sprintf(watchProgress, 1))
		state, out := lastOutput(t, ctx, 1, fashionCode)
		var r result
		if state != "done" || !decodeJSON(out, &r) {
			t.Fatalf("loading Fashion-MNIST: state %q, output %.500q", state, out)
		}
		fmt.Printf("tt.data.fashionMNIST({train: 10000}) ready in %.0f ms (from the %s)\n", r.MS, r.Source)
		if r.Source != want {
			t.Errorf("the load came from the %q, want the %s", r.Source, want)
		}
		return r
	}
	r := load("network")
	if r.Train != 10000 || r.Test != 10000 || r.Min != 0 || r.Max != 9 || len(r.Classes) != 10 || r.Classes[0] != "T-shirt/top" {
		t.Errorf("fashionMNIST({train: 10000}) = %+v; want 10,000 train, 10,000 test, labels 0–9, the 10 classes", r)
	}
	if y0 := first.Y.Data()[0]; r.Y0 != int(y0) || math.Abs(r.Sum0-sum0) > 1e-3*sum0 {
		t.Errorf("the first training image: label %d, pixel sum %.4f; natively %v, %.4f", r.Y0, r.Sum0, y0, sum0)
	}
	if r.Files < 2 || r.Verified != r.Files {
		t.Errorf("%d of the %d files in the cache have the manifest's SHA-256", r.Verified, r.Files)
	}
	var seen [][]any
	for _, s := range eval[[][]any](t, ctx, `window.__ttProgress`) {
		if len(seen) == 0 || fmt.Sprint(seen[len(seen)-1]) != fmt.Sprint(s) {
			seen = append(seen, s)
		}
	}
	fmt.Printf("the progress bar while loading: %v\n", seen)
	if len(seen) < 2 || seen[0][0] != "Fashion-MNIST, MB" || seen[0][1].(float64) >= seen[0][2].(float64) ||
		seen[len(seen)-1][1] != seen[len(seen)-1][2] {
		t.Errorf("the progress bar went through %v; want a bar labelled Fashion-MNIST, MB, first short of its total, then full", seen)
	}
	if again := load("cache"); again.Train != 10000 || again.Verified != again.Files {
		t.Errorf("the second load: %+v", again)
	}
	// A damaged cached file fails its checksum and is fetched again.
	damage := `const c = await caches.open('tinytorch-data-v1');
const m = await (await fetch('../data/manifest.json')).json();
const url = new URL('../data/' + m.datasets['fashion-mnist'].train[0].file, location.href).href;
const b = new Uint8Array(await (await c.match(url)).arrayBuffer());
b[4096] ^= 255;
await c.put(url, new Response(b));
(await tt.data.fashionMNIST({train: 10000})).source`
	if state, out := lastOutput(t, ctx, 1, damage); state != "done" || out != "network and cache" {
		t.Errorf("after damaging the cached training file: state %q, output %q; want it fetched again (network and cache)", state, out)
	}
}
