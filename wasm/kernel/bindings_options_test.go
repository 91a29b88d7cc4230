//go:build js && wasm

package kernel

import (
	"strings"
	"syscall/js"
	"testing"
)

// ttForTest builds the tt object outside a worker: __ttWrap, which
// worker.js defines to throw the Error a binding returns, here returns
// it, so a test reads it as the call's result.
func ttForTest(t *testing.T) js.Value {
	t.Helper()
	js.Global().Set("__ttWrap", js.Global().Get("Function").New("f", "return f"))
	js.Global().Set("postMessage", js.Global().Get("Function").New("m", ""))
	if tensors == nil {
		tensors = newTensorBindings()
	}
	return newTT()
}

// callPath calls tt's function at path (such as "data.DataLoader") with
// arguments written as JavaScript, and returns the error's message, or ""
// when the call returned something else.
func callPath(t *testing.T, tt js.Value, path, args string) string {
	t.Helper()
	fn, this := tt, tt
	for _, p := range strings.Split(path, ".") {
		this, fn = fn, fn.Get(p)
	}
	list := js.Global().Get("Function").New("return [" + args + "]").Invoke()
	v := fn.Call("apply", this, list)
	if v.InstanceOf(js.Global().Get("Error")) {
		return v.Get("message").String()
	}
	return ""
}

// TestBindingsRejectUnknownOptions checks, for each options-taking
// function of data, plot, bench and display, that a good call succeeds
// and a misspelt option fails naming the known ones, where before the
// misspelt option was ignored.
func TestBindingsRejectUnknownOptions(t *testing.T) {
	tt := ttForTest(t)
	const ds = "{length: 4, get: (i) => ({x: [i, i], y: i % 2})}"
	cases := []struct {
		path, good, bad, known string
	}{
		{"data.xor", "{n: 8, seed: 1}", "{n: 8, sead: 1}", "known: n, noise, seed"},
		{"data.circles", "{factor: 0.3}", "{factr: 0.3}", "known: n, noise, seed, factor"},
		{"data.blobs", "{std: 0.5, centers: 2}", "{noise: 0.5}", "known: n, std, seed, centers, dim"},
		{"data.linearRegression", "{weights: [1, 2], bias: 0}", "{weight: [1, 2]}", "known: n, noise, seed, weights, bias"},
		{"data.DataLoader", ds + ", {batchSize: 2, shuffle: true}", ds + ", {batchsize: 2}", "known: batchSize, shuffle, dropLast, seed, collate"},
		{"data.randomSplit", ds + ", [2, 2], {seed: 3}", ds + ", [2, 2], {seeds: 3}", "known: seed"},
		{"data.transforms.RandomCrop", "4, {padding: 1}", "4, {pading: 1}", "known: padding, fill"},
		{"data.transforms.RandomHorizontalFlip", "{p: 0.3}", "{prob: 0.3}", "known: p"},
		{"plot.line", "[1, 2, 3], {title: 'loss', logY: true}", "[1, 2, 3], {tittle: 'loss'}", "known: title, xLabel"},
		{"plot.bar", "['a', 'b'], [1, 2], {stacked: true}", "['a', 'b'], [1, 2], {stacked: true, colour: 'red'}", "known: title, stacked"},
		{"plot.histogram", "[1, 2, 2, 3], {bins: 3}", "[1, 2, 2, 3], {bin: 3}", "known: title, xLabel, xUnit, bins"},
		{"plot.roofline", "[['mm', 2, 3]], {peak: 10, bandwidth: 2}", "[['mm', 2, 3]], {peak: 10, bandwith: 2}", "known: title, width, height, peak, bandwidth"},
		{"plot.timeline", "[['fwd', 0, 1]], {timeUnit: 'ms'}", "[['fwd', 0, 1]], {unit: 'ms'}", "known: title, timeLabel, timeUnit"},
		{"bench", "() => 1, {iterations: 2, warmup: 0, name: 'one'}", "() => 1, {iteratons: 2}", "known: warmup, iterations, batch"},
		{"bench.compare", "{a: () => 1, b: () => 2}, {iterations: 2}", "{a: () => 1, b: () => 2}, {iters: 2}", "known: warmup, iterations"},
	}
	for _, c := range cases {
		if msg := callPath(t, tt, c.path, c.good); msg != "" {
			t.Errorf("tt.%s(%s): %s", c.path, c.good, msg)
		}
		msg := callPath(t, tt, c.path, c.bad)
		if !strings.Contains(msg, "unknown option") || !strings.Contains(msg, c.known) || !strings.HasPrefix(msg, "tt."+c.path+": ") {
			t.Errorf("tt.%s(%s): error %q, want tt.%s: unknown option … (%s…)", c.path, c.bad, msg, c.path, c.known)
		}
	}
}

// TestBindingsMessages checks that the converted bindings keep their
// messages for bad arguments.
func TestBindingsMessages(t *testing.T) {
	tt := ttForTest(t)
	for _, c := range []struct{ path, args, want string }{
		{"data.DataLoader", "{length: 3, getItem: (i) => ({x: i})}", "tt.data.DataLoader: expected a dataset: one of tt.data's (such as tt.data.TensorDataset(x, y)), or an object with a length and get(i) returning {x, y}; the object has getItem(i) but no get(i): name the item method get"},
		{"data.DataLoader", "{length: 2, get: (i) => ({x: i})}, {collate: 3}", "tt.data.DataLoader: collate must be a function"},
		{"data.DataLoader", "{length: 2, get: (i) => ({x: i})}, {batchSize: 0}", "tt.data.DataLoader: batchSize must be a positive integer, got 0"},
		{"data.randomSplit", "[1, 2], [1, 1]", "tt.data.randomSplit: expected a dataset: "},
		{"data.toTensor", "[0, 256], [1, 2]", "tt.data.toTensor: pixel 1 is the number 256, expected a whole number 0–255"},
		{"data.transforms.Normalize", "[0.5], [0]", "tt.data.transforms.Normalize: std [0] contains 0"},
		{"data.transforms.Normalize", "[0.5], ['a']", "tt.data.transforms.Normalize: std must hold numbers, got the string \"a\" at position 0"},
		{"data.transforms.Compose", "3", "tt.data.transforms.Compose: expected an array of transforms, got the number 3"},
		{"plot.roofline", "{}, {peak: 1, bandwidth: 1}", "tt.plot.roofline: expected (points, {peak, bandwidth})"},
		{"plot.roofline", "[], {peak: 'x', bandwidth: 1}", "tt.plot.roofline: option peak must be a number"},
		{"plot.roofline", "[['a', 1]], {peak: 1, bandwidth: 1}", "tt.plot.roofline: point 0 must be [name, intensity, gflops]"},
		{"plot.line", "[{name: 'a', y: 'x'}]", "tt.plot.line: series 0 y: expected numbers (an array or a tensor), got the string \"x\""},
		{"plot.timeline", "[[1, 0, 1]]", "tt.plot.timeline: span 0 needs a row name (string)"},
		{"bench", "42", "tt.bench: expected a function to time"},
		{"bench", "() => 1, {iterations: 0}", "tt.bench: options.iterations must be at least 1"},
		{"bench", "() => 1, {flops: 'many'}", "tt.bench: options.flops must be a number"},
		{"bench.compare", "{only: () => 1}", "tt.bench.compare: expected at least two functions"},
		{"profile", "3", "tt.profile: expected a function to profile"},
		{"kernels.use", "7", "tt.kernels.use: the kernel's name"},
		{"html", "", "tt.html: missing the markup"},
	} {
		if msg := callPath(t, tt, c.path, c.args); !strings.HasPrefix(msg, c.want) {
			t.Errorf("tt.%s(%s): error %q, want %q", c.path, c.args, msg, c.want)
		}
	}
}
