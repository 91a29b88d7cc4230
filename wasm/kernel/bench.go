//go:build js && wasm

package kernel

import (
	"fmt"
	"strings"
	"syscall/js"
	"time"

	"tinytorch/engine/bench"
)

// Bindings of engine/bench, the benchmarking harness of chapter 12:
//
//	const r = tt.bench(() => a.matmul(b), {warmup: 3, iterations: 30, flops: 2 * n ** 3});
//	r.median; r.p90; r.p99; r.mean; r.ci95   // milliseconds per call
//	r.gflops; r.gbps; r.throughput; r.energy // derived figures
//	r                                        // shows a table
//	tt.bench.compare({naive: f, tiled: g}, {iterations: 20})
//
// The function runs on the kernel's worker with warm-up calls first, then
// timed samples (time.Now, which is performance.now() under js/wasm); a
// sample of a very short function is a batch of calls, so that the
// clock's resolution (5 µs in an isolated page) stays small beside it.
// Each call is a tt.tidy scope: the tensors it makes are disposed after
// it, so a benchmark of a thousand matmuls does not fill the memory.
// Stop ends a benchmark between two samples (and inside a sample at the
// next tt call).

// newBench returns tt.bench, a function with a compare method.
func newBench() js.Value {
	fn := function("tt.bench", benchFunc)
	fn.Set("compare", function("tt.bench.compare", benchCompare))
	return fn
}

// benchCall adapts a JavaScript function to the harness: each call is a
// tidy scope, and the first error (a throw, a stop, a Promise returned)
// is kept and ends the run at the next check.
type benchCall struct {
	name string // for messages
	fn   js.Value
	err  error
}

func (c *benchCall) call() {
	if c.err != nil {
		return
	}
	tensors.table.openScope()
	res, err := callJS(c.fn)
	tensors.table.closeScope(nil)
	switch {
	case err != nil:
		c.err = err
	case typeOf(res) == js.TypeObject && typeOf(getProp(res, "then")) == js.TypeFunction:
		c.err = fmt.Errorf("%s: the function returned a Promise; tt.bench times synchronous functions (an await would time the event loop, not the work)", c.name)
	}
}

// benchOptions reads the options of tt.bench and tt.bench.compare, named
// options.key in messages.
func benchOptions(o *optReader) bench.Options {
	r := o.r
	size := func(key string, def int) int { return read(r, o.Value(key), "options."+key, def, toSize) }
	num := func(key string, def float64) float64 {
		v := read(r, o.Value(key), "options."+key, def, toFloat)
		if r.ok() && v < 0 {
			r.failf("options.%s must not be negative, got %v", key, v)
		}
		return v
	}
	opt := bench.Options{Warmup: size("warmup", 2), Iterations: size("iterations", 30), Batch: size("batch", 0),
		MinTime: time.Duration(num("minTime", 0) * float64(time.Millisecond)),
		FLOPs:   num("flops", 0), Bytes: num("bytes", 0), Items: num("items", 0),
		Energy: bench.DefaultEnergy.WithCores(max(1, int(num("cores", 1))))}
	if opt.Warmup == 0 {
		opt.Warmup = -1 // the engine's "none"
	}
	if r.ok() && opt.Iterations == 0 {
		r.failf("options.iterations must be at least 1")
	}
	return opt
}

// benchProgress shows a progress bar once a benchmark has run for half a
// second, so quick ones leave no trace and slow ones show how far along
// they are.
func benchProgress(label string, opt *bench.Options) func() {
	start := time.Now()
	var bar *progressBar
	opt.OnSample = func(done, planned int) {
		if bar == nil && time.Since(start) > 500*time.Millisecond && done < planned {
			bar = newProgress(label, "runs", float64(planned))
		}
		if bar != nil {
			bar.total = float64(planned)
			bar.set(float64(done))
		}
	}
	return func() {
		if bar != nil && bar.done < bar.total {
			bar.post(true)
		}
	}
}

// benchFunc is tt.bench(fn, {name, warmup, iterations, …}).
func benchFunc(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.bench", args)
	fn := r.NeedFunc(0, "a function to time, such as tt.bench(() => a.matmul(b), {iterations: 20})")
	o := r.Options(1)
	opt := benchOptions(o)
	label := o.String("name", "")
	if err := r.Err(); err != nil {
		return nil, err
	}
	if label == "" {
		label = plainText(getProp(fn, "name"))
	}
	if label == "" {
		label = "function"
	}
	c := &benchCall{name: r.name, fn: fn}
	opt.ShouldStop = func() bool { return c.err != nil || interrupts.requested() }
	finish := benchProgress(r.name+" "+label, &opt)
	res := bench.Run(label, c.call, opt)
	finish()
	if err := benchError(c.err, res.Stopped); err != nil {
		return nil, err
	}
	return benchResult(res), nil
}

// benchCompare is tt.bench.compare({name: fn, …}, options): the
// functions run interleaved, round after round, and each is compared
// with the first (the baseline).
func benchCompare(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.bench.compare", args)
	fns := r.Value(0)
	if r.ok() && kindOf(fns) != kindObject {
		r.failf("expected an object of named functions, such as {naive: () => …, tiled: () => …}, got %s", describeJS(fns))
	}
	keys := optionKeys(fns)
	if r.ok() && len(keys) < 2 {
		r.failf("expected at least two functions to compare, got %d", len(keys))
	}
	opt := benchOptions(r.Options(1))
	calls := make([]*benchCall, len(keys))
	candidates := make([]bench.Candidate, len(keys))
	for i, k := range keys {
		f := getProp(fns, k)
		if r.ok() && kindOf(f) != kindFunction {
			r.failf("%q is %s, expected a function", k, describeJS(f))
		}
		calls[i] = &benchCall{name: fmt.Sprintf("%s: %q", r.name, k), fn: f}
		candidates[i] = bench.Candidate{Name: k, Fn: calls[i].call}
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	firstErr := func() error {
		for _, c := range calls {
			if c.err != nil {
				return c.err
			}
		}
		return nil
	}
	opt.ShouldStop = func() bool { return firstErr() != nil || interrupts.requested() }
	finish := benchProgress(r.name, &opt)
	cmp := bench.Compare(candidates, opt)
	finish()
	if err := benchError(firstErr(), cmp.Stopped); err != nil {
		return nil, err
	}
	return compareResult(cmp), nil
}

// benchError is the error that ends a benchmark: what the function threw,
// or the stop.
// What the function threw (a KeyboardInterrupt from a tt call inside it
// included) is passed on as it is.
func benchError(callErr error, stopped bool) error {
	if callErr == nil && stopped {
		return errInterrupted
	}
	return callErr
}

// ms converts a duration to milliseconds, performance.now()'s unit.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// resultObject is a Result for JavaScript: times in milliseconds per call.
func resultObject(r bench.Result) js.Value {
	obj := js.Global().Get("Object").New()
	samples := make([]any, len(r.Samples))
	for i, s := range r.Samples {
		samples[i] = ms(s)
	}
	for k, v := range map[string]any{
		"name": r.Name, "median": ms(r.P50), "p50": ms(r.P50), "p90": ms(r.P90), "p99": ms(r.P99),
		"mean": ms(r.Mean), "ci95": ms(r.CI95), "std": ms(r.Stddev), "min": ms(r.Min), "max": ms(r.Max),
		"iterations": len(r.Samples), "batch": r.Batch, "calls": len(r.Samples) * r.Batch, "samples": samples,
	} {
		obj.Set(k, v)
	}
	if r.Options.Items > 0 {
		obj.Set("throughput", r.Throughput())
	}
	if r.Options.FLOPs > 0 {
		obj.Set("gflops", r.GFLOPS())
	}
	if r.Options.Bytes > 0 {
		obj.Set("gbps", r.GBPS())
	}
	e := r.Energy()
	energy := map[string]any{"timeJ": e.TimeJ, "model": r.Options.Energy.Source, "note": r.Options.Energy.AssumptionsNote}
	if r.Options.FLOPs > 0 || r.Options.Bytes > 0 {
		energy["opsJ"] = e.OpsJ
	}
	obj.Set("energy", energy)
	return obj
}

// benchResult is tt.bench's result: resultObject with a table display.
func benchResult(r bench.Result) js.Value {
	obj := resultObject(r)
	setTableBundle(obj, bench.ResultsTable("", r), fmt.Sprintf("%d samples of %d call(s) after warm-up; times per call", len(r.Samples), r.Batch))
	return obj
}

// compareResult is tt.bench.compare's result: {baseline, results: {name:
// result}, ratios: {name: {median, p10, p90, rounds}}, fastest}, shown as
// a table with a column of speeds relative to the baseline.
func compareResult(cmp bench.Comparison) js.Value {
	obj := js.Global().Get("Object").New()
	results := js.Global().Get("Object").New()
	ratios := js.Global().Get("Object").New()
	fastest, best := "", 0.0
	for i, r := range cmp.Results {
		results.Set(r.Name, resultObject(r))
		q := cmp.Ratios[i]
		ratios.Set(r.Name, map[string]any{"median": q.Median, "p10": q.P10, "p90": q.P90, "rounds": q.Rounds})
		if q.Median > best {
			fastest, best = r.Name, q.Median
		}
	}
	obj.Set("baseline", cmp.Results[0].Name)
	obj.Set("results", results)
	obj.Set("ratios", ratios)
	obj.Set("fastest", fastest)
	r0 := cmp.Results[0]
	setTableBundle(obj, bench.CompareTable("", cmp), fmt.Sprintf("%d interleaved rounds of %d call(s) each after warm-up; times per call", len(r0.Samples), r0.Batch))
	return obj
}

// setTableBundle gives obj a display: the table as text and as HTML.
func setTableBundle(obj js.Value, t *bench.Table, note string) {
	t.Notes = append([]string{note}, t.Notes...)
	var text, html strings.Builder
	t.Fprint(&text)
	t.HTML(&html)
	b := map[string]any{"text/plain": strings.TrimRight(text.String(), "\n"), "text/html": `<div class="tt-bench-result" style="overflow-x:auto">` + html.String() + `</div>`}
	js.Global().Get("Object").Call("defineProperty", obj, "__ttBundle", map[string]any{"value": b, "enumerable": false})
}
