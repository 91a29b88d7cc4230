//go:build browser

package browsertest

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"tinytorch/internal/benchjson"
)

// cellBlocked is a correct blocked kernel written in a cell (issue 12's
// "myBlocked"): tiles of 16 in each loop, i-k-j inside a tile. counted
// wraps it to count its calls.
const cellBlocked = `const blocked = (m, n, k, a, b, c) => {
  const T = 16;
  c.fill(0);
  for (let i0 = 0; i0 < m; i0 += T)
    for (let p0 = 0; p0 < k; p0 += T)
      for (let j0 = 0; j0 < n; j0 += T)
        for (let i = i0; i < Math.min(i0 + T, m); i++)
          for (let p = p0; p < Math.min(p0 + T, k); p++) {
            const x = a[i * k + p];
            for (let j = j0; j < Math.min(j0 + T, n); j++) c[i * n + j] += x * b[p * n + j];
          }
};
self.calls = 0;
const counted = (m, n, k, a, b, c) => { self.calls++; blocked(m, n, k, a, b, c); };
`

// TestCellKernelTrains registers a correct blocked kernel from a cell,
// trains a Linear model through it in fit and checks its losses against
// the built-in kernel's, a convolution against the built-in one, that
// tt.kernels.list shows it, and that tt.bench and tt.plot.roofline take it
// like a built-in. It prints the cost per call against the built-in.
func TestCellKernelTrains(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	code := cellBlocked + `const builtin = tt.kernels.current();
const name = tt.kernels.register("myBlocked", counted);
const registerCalls = self.calls;
const train = (kernel) => {
  tt.kernels.use(kernel);
  tt.manualSeed(3);
  const x = tt.randn([96, 5]), y = x.matmul(tt.tensor([[1], [-2], [0.5], [3], [0]])).add(0.25);
  const model = tt.nn.Sequential(tt.nn.Linear(5, 16), tt.nn.ReLU(), tt.nn.Linear(16, 1));
  const h = tt.train.fit(model, tt.train.batches(x, y, {batchSize: 16}), {epochs: 8, progress: false, chart: false,
    optimizer: tt.optim.SGD(model.parameters(), {lr: 0.02}), loss: tt.nn.MSELoss()});
  return Array.from(h.loss);
};
const want = train(builtin);
self.calls = 0;
const got = train("myBlocked");
const trainCalls = self.calls;
const rel = Math.max(...want.map((w, i) => Math.abs(got[i] - w) / Math.abs(w)));
tt.manualSeed(4);
const conv = tt.nn.Conv2d(3, 4, 3), img = tt.randn([2, 3, 9, 9]);
tt.kernels.use(builtin);
const convWant = conv.call(img);
tt.kernels.use("myBlocked");
self.calls = 0;
const convGot = conv.call(img);
const convDiff = convGot.sub(convWant).abs().max().item();
JSON.stringify({name, registerCalls: registerCalls > 20, trainCalls: trainCalls > 0, calls: self.calls > 0,
  falling: got[7] < got[0] / 2, close: rel < 1e-4, convClose: convDiff < 1e-5,
  current: tt.kernels.current(), listed: tt.kernels.list().filter((e) => e.source === "cell").map((e) => [e.name, e.source, e.current].join("/")),
  builtinListed: tt.kernels.list().find((e) => e.name === builtin).source, inNames: tt.kernels.names().includes("myBlocked")})`
	state, out := lastOutput(t, ctx, 1, code)
	want := `{"name":"myBlocked","registerCalls":true,"trainCalls":true,"calls":true,"falling":true,"close":true,"convClose":true,` +
		`"current":"myBlocked","listed":["myBlocked/cell/true"],"builtinListed":"built-in","inNames":true}`
	if state != "done" || out != want {
		t.Fatalf("state %q, output\n%s\nwant\n%s", state, out, want)
	}

	// tt.bench and the roofline take it like a built-in.
	code = `const fastest = ["wasm-simd-fma", "wasm-simd", "simd"].find((k) => tt.kernels.names().includes(k));
const n = 64, flops = 2 * n ** 3;
tt.manualSeed(1);
const A = tt.randn([n, n]), B = tt.randn([n, n]);
const on = (k) => () => { tt.kernels.use(k); A.matmul(B); };
const cmp = tt.bench.compare({[fastest]: on(fastest), myBlocked: on("myBlocked")}, {iterations: 10, flops});
tt.kernels.use("myBlocked");
const mine = tt.bench(() => A.matmul(B), {name: "myBlocked", iterations: 10, flops});
const fa = new Float32Array(A.reshape([-1]).toArray()), fb = new Float32Array(B.reshape([-1]).toArray()), fc = new Float32Array(n * n);
const direct = tt.bench(() => blocked(n, n, n, fa, fb, fc), {iterations: 10, flops});
self.points = [{name: fastest, intensity: n / 6, gflops: cmp.results[fastest].gflops}, {name: "myBlocked", intensity: n / 6, gflops: mine.gflops}];
[fastest, cmp.results[fastest].median.toFixed(4), cmp.results.myBlocked.median.toFixed(4), direct.median.toFixed(4), mine.gflops > 0].join(" ")`
	state, out = lastOutput(t, ctx, 1, code)
	f := strings.Fields(out)
	if state != "done" || len(f) != 5 || f[4] != "true" {
		t.Fatalf("bench: state %q, output %q", state, out)
	}
	t.Logf("matmul 64×64×64 per call in Chromium (medians): built-in %s %s ms, cell-written blocked kernel %s ms through the engine (tt.bench.compare), %s ms called directly on Float32Arrays", f[0], f[1], f[2], f[3])
	state, _ = runCode(t, ctx, 1, `tt.plot.roofline(self.points, {peak: 2 * self.points[0].gflops, bandwidth: 5, title: "kernels"})`)
	svg := eval[string](t, ctx, `document.querySelector("#cell-1 .cell-output svg")?.textContent ?? ""`)
	if state != "done" || !strings.Contains(svg, "myBlocked") {
		t.Errorf("roofline: state %q, chart text %q", state, svg)
	}
}

// TestCellKernelRefused checks what tt.kernels.register refuses, each
// with its message, while the kernel in use stays in use: an off-by-one
// loop (reading past the end of a; starting at 1), a kernel that throws, a
// write outside c, a returned array, a write into a, a wrong arity, a
// non-function and a built-in name. Registering again replaces the
// kernel, and a kernel that throws later, in a matmul, is an error in the
// cell that ran the matmul, after which the kernel goes on.
func TestCellKernelRefused(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	if state, out := runCode(t, ctx, 1, cellBlocked+`tt.kernels.register("myBlocked", counted); tt.kernels.use("myBlocked"); "ok"`); state != "done" || out != "ok" {
		t.Fatalf("setup: state %q, output %q", state, out)
	}
	naive := func(loop string) string {
		return `(m, n, k, a, b, c) => {
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      ` + loop + `
      c[i * n + j] = s;
    }
}`
	}
	for _, tc := range []struct{ name, kernel, want string }{
		{"offByOne", naive(`for (let p = 0; p <= k; p++) s += a[i * k + p] * b[p * n + j];`),
			`tt.kernels.register: kernel "offByOne" read a[1], outside a's 1 elements (m·k = 1) for m=1, n=1, k=1; the kernel was not registered`},
		{"skipsFirst", naive(`for (let p = 1; p < k; p++) s += a[i * k + p] * b[p * n + j];`),
			`tt.kernels.register: kernel "skipsFirst": wrong result at C[0, 0] (row 0, col 0): expected `},
		{"throws", naive(`if (k > 3) throw new RangeError("k too big: " + k); for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];`),
			`tt.kernels.register: kernel "throws" threw RangeError: k too big: 4 (line 19 of the cell that defines it) for m=2, n=3, k=4; the kernel was not registered`},
		{"writesPast", `(m, n, k, a, b, c) => { c.fill(0); for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) c[i * n + j] += a[i * k + p] * b[p * n + j]; c[m * n] = 0; }`,
			`tt.kernels.register: kernel "writesPast" wrote c[1], outside c's 1 elements (m·n = 1) for m=1, n=1, k=1`},
		{"returnsArray", `(m, n, k, a, b, c) => new Float32Array(m * n)`,
			`tt.kernels.register: kernel "returnsArray" returned a Float32Array`},
		{"writesA", `(m, n, k, a, b, c) => { a[0] = 0; c.fill(0); }`,
			`tt.kernels.register: kernel "writesA" wrote a[0]: a and b are the inputs, which a kernel must not change for m=1, n=1, k=1`},
		{"arity", `(a, b, c) => {}`, `tt.kernels.register: the kernel declares 3 parameters, expected 6: (m, n, k, a, b, c)`},
		{"notAFunction", `42`, `tt.kernels.register: the kernel, such as (m, n, k, a, b, c) => { … } writing C = A·B into c, must be a function, got `},
		{"naive", `blocked`, `tt.kernels.register: "naive" is a built-in kernel; choose another name`},
		{"wasm-simd", `blocked`, `tt.kernels.register: "wasm-simd" is a built-in kernel; choose another name`},
		{"myBlocked", naive(`for (let p = 0; p < k - 1; p++) s += a[i * k + p] * b[p * n + j];`),
			`tt.kernels.register: kernel "myBlocked": wrong result at C[0, 0] (row 0, col 0): expected `},
	} {
		state, out := runCode(t, ctx, 1, cellBlocked+`tt.kernels.register("`+tc.name+`", `+tc.kernel+`)`)
		if state != "error" || !strings.Contains(out, tc.want) {
			t.Errorf("%s: state %q, output\n%s\nwant it to contain\n%s", tc.name, state, out, tc.want)
		}
	}
	// The refusals left myBlocked in use and out of the list's cell names.
	checkKernels(t, ctx, "myBlocked myBlocked true")

	// Registering again replaces: the new kernel runs, the old one no more.
	code := cellBlocked + `self.calls2 = 0;
tt.kernels.register("myBlocked", (m, n, k, a, b, c) => { self.calls2++; blocked(m, n, k, a, b, c); });
self.calls = 0; self.calls2 = 0;
const y = tt.tensor([[1, 2], [3, 4]]).matmul(tt.tensor([[1, 0], [0, 1]]));
[self.calls, self.calls2, JSON.stringify(y.toArray()), tt.kernels.current()].join(" ")`
	if state, out := runCode(t, ctx, 1, code); state != "done" || out != "0 1 [[1,2],[3,4]] myBlocked" {
		t.Errorf("re-register: state %q, output %q", state, out)
	}

	// A kernel that passes the checks but throws on a later shape: the
	// matmul's cell gets the error, with the kernel's message and shape.
	code = cellBlocked + `tt.kernels.register("fragile", (m, n, k, a, b, c) => { if (k === 50) throw new Error("no k=50"); blocked(m, n, k, a, b, c); });
tt.kernels.use("fragile");
tt.randn([3, 50]).matmul(tt.randn([50, 2]))`
	state, out := runCode(t, ctx, 1, code)
	if want := `kernel "fragile" (tt.kernels.use) threw Error: no k=50 (line 15 of the cell that defines it) in a matmul with m=3, n=2, k=50`; state != "error" || !strings.Contains(out, want) {
		t.Errorf("throw in use: state %q, output\n%s\nwant %q", state, out, want)
	}
	checkKernels(t, ctx, "fragile myBlocked,fragile true")
}

// checkKernels runs a cell that shows the current kernel, the cell
// kernels of tt.kernels.list and whether a matmul still works.
func checkKernels(t *testing.T, ctx context.Context, want string) {
	t.Helper()
	code := `const y = tt.tensor([[1, 2]]).matmul(tt.tensor([[3], [4]])).item();
[tt.kernels.current(), tt.kernels.list().filter((e) => e.source === "cell").map((e) => e.name).join(","), y === 11].join(" ")`
	if state, out := runCode(t, ctx, 2, code); state != "done" || out != want {
		t.Errorf("state %q, output %q, want %q", state, out, want)
	}
}

// TestBenchCellKernel is part of `make bench` and `make bench-browser`:
// the cost of a kernel written in a cell (cellBlocked) against the
// built-in default, per matmul call and per training step of a small MLP
// whose every product goes through it, interleaved by tt.bench.compare.
// It prints figures and asserts nothing about speed, so it runs only when
// TT_BENCH_BROWSER is set.
func TestBenchCellKernel(t *testing.T) {
	if os.Getenv("TT_BENCH_BROWSER") == "" {
		t.Skip("set TT_BENCH_BROWSER=1 (make bench-browser) to run the browser benchmark")
	}
	ctx := newTabWithin(t, 5*time.Minute)
	openNotebook(t, ctx, "01-system")
	code := cellBlocked + `const builtin = tt.kernels.current();
tt.kernels.register("myBlocked", blocked);
const row = (kase, n, cmp) => {
  const b = cmp.results[builtin], c = cmp.results.myBlocked, q = cmp.ratios.myBlocked;
  // ratios are speeds relative to the baseline: the cost ratio is their inverse.
  return {case: kase, n, builtin_ms: b.median, cell_ms: c.median, ratio: 1 / q.median, p10: 1 / q.p90, p90: 1 / q.p10, iterations: b.iterations};
};
const rows = [];
for (const n of [16, 64, 128]) {
  tt.manualSeed(n);
  const A = tt.randn([n, n]), B = tt.randn([n, n]);
  const on = (k) => () => { tt.kernels.use(k); A.matmul(B); };
  rows.push(row("matmul", n, tt.bench.compare({[builtin]: on(builtin), myBlocked: on("myBlocked")}, {iterations: n === 128 ? 10 : 20})));
}
tt.manualSeed(0);
const x = tt.randn([32, 64]), y = tt.randint(0, 10, [32]);
const model = tt.nn.Sequential(tt.nn.Linear(64, 128), tt.nn.ReLU(), tt.nn.Linear(128, 10));
const opt = tt.optim.SGD(model.parameters(), {lr: 0.01});
const step = (k) => () => { tt.kernels.use(k); opt.zeroGrad(); tt.nn.functional.crossEntropy(model.call(x), y).backward(); opt.step(); };
rows.push(row("mlp step", 32, tt.bench.compare({[builtin]: step(builtin), myBlocked: step("myBlocked")}, {iterations: 15})));
tt.kernels.use(builtin);
JSON.stringify({builtin, rows})`
	state, out := lastOutput(t, ctx, 1, code)
	var res benchjson.CellKernel
	if state != "done" || !decodeJSON(out, &res) || len(res.Rows) != 4 {
		t.Fatalf("state %q, output %q", state, out)
	}
	for _, r := range res.Rows {
		t.Logf("%s n=%d: built-in %s %.4f ms, cell kernel %.4f ms per call: %.1f× (p10–p90 %.1f–%.1f×)", r.Case, r.N, res.Builtin, r.BuiltinMs, r.CellMs, r.Ratio, r.P10, r.P90)
	}
	benchJSON(t, "cell-kernel", res)
}
