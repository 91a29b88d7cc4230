//go:build browser

package browsertest

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// tt.check and tt.todo: the checks of the notebooks' exercises. Each test
// runs one cell of many checks, each caught, and compares what each
// passing check returned and each failing one threw (a tt.check.Failure
// with its message and .check fields). One page load for all of them
// (TestCheck).

// checkHarness defines attempt(key, fn), which runs a check and records
// its summary or its failure.
const checkHarness = `const results = {};
const attempt = (key, fn) => {
  const start = performance.now();
  try { results[key] = {ok: String(fn())}; }
  catch (e) { results[key] = {err: String(e.message), name: e.name, failure: e instanceof tt.check.Failure, check: e.check || null}; }
  results[key].ms = performance.now() - start;
};
`

// checkResult is what attempt records.
type checkResult struct {
	OK, Err, Name string
	Failure       bool
	Check         map[string]string
	MS            float64 // how long the check ran, in the page
}

// TestCheck runs the checks' tests on one page.
func TestCheck(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	t.Run("FnCloseTodo", func(t *testing.T) { checkFnCloseTodo(t, ctx) })
	t.Run("ClassesKernelBackward", func(t *testing.T) { checkClassesKernelBackward(t, ctx) })
}

// checkCell is the cell each test of TestCheck runs its checks in, the
// first: the second test types its long cell where the first one ran
// (which once never started a run: typeIntoCell clicked the sticky
// header, helpers_test.go's clickIntoEditor).
const checkCell = 1

// runChecks runs code (using attempt) in the test's cell and returns the results.
func runChecks(t *testing.T, ctx context.Context, code string) map[string]checkResult {
	t.Helper()
	start := time.Now()
	state, out := runCodeWithin(t, ctx, checkCell, "(() => {\n"+checkHarness+code+"\nreturn JSON.stringify(results);\n})()", 60*time.Second)
	t.Logf("the cell of checks ran in %v", time.Since(start))
	var got map[string]checkResult
	if state != "done" || json.Unmarshal([]byte(out), &got) != nil {
		t.Fatalf("state %q, output %q", state, out)
	}
	total, slowest := 0.0, ""
	for key, r := range got {
		total += r.MS
		if slowest == "" || r.MS > got[slowest].MS {
			slowest = key
		}
	}
	t.Logf("%d checks ran in %.0f ms in the page; the slowest, %s, in %.0f ms", len(got), total, slowest, got[slowest].MS)
	return got
}

// expectPass and expectFail assert one result.
func expectPass(t *testing.T, got map[string]checkResult, key, summary string) {
	t.Helper()
	if r := got[key]; r.Err != "" || !strings.Contains(r.OK, summary) {
		t.Errorf("%s: got %+v, want a pass whose summary contains %q", key, r, summary)
	}
}

func expectFail(t *testing.T, got map[string]checkResult, key, mistake string, parts ...string) {
	t.Helper()
	r := got[key]
	if !r.Failure || r.Name != "CheckFailure" || r.Check == nil {
		t.Errorf("%s: got %+v, want a tt.check.Failure", key, r)
		return
	}
	if !strings.HasPrefix(r.Check["mistake"], mistake) {
		t.Errorf("%s: mistake %q, want %q\nmessage: %s", key, r.Check["mistake"], mistake, r.Err)
	}
	for _, p := range parts {
		if !strings.Contains(r.Err, p) {
			t.Errorf("%s: message %q lacks %q", key, r.Err, p)
		}
	}
	for _, bad := range []string{"panic", "internal error", "runtime error"} {
		if strings.Contains(r.Err, bad) {
			t.Errorf("%s: message %q", key, r.Err)
		}
	}
}

// checkFnCloseTodo checks tt.check.close, tt.check.fn, tt.check.that
// and tt.todo: correct solutions pass, and wrong ones fail with their
// message and named mistake.
func checkFnCloseTodo(t *testing.T, ctx context.Context) {
	got := runChecks(t, ctx, `
const relu = (x) => x.relu();
attempt("closePass", () => tt.check.close([1, 2], tt.tensor([1, 2]), {name: "v"}));
attempt("closeBigInt", () => tt.check.close(10n, 10));
attempt("closeSign", () => tt.check.close(tt.tensor([[-1, 2], [3, -4]]), [[1, -2], [-3, 4]], {name: "v"}));
attempt("closeSum", () => tt.check.close([[1, 2], [3, 4]], [4, 6], {name: "db"}));
attempt("closeNaN", () => tt.check.close([1, NaN], [1, 2]));
attempt("closeNothing", () => tt.check.close(undefined, [1, 2]));
attempt("closeDisposed", () => { const d = tt.ones(2); d.dispose(); return tt.check.close(d, [1, 1]); });
attempt("fnPass", () => tt.check.fn(function myRelu(x) { return x.clamp({min: 0}); }, relu, {shapes: [[3, 4]]}));
attempt("fnTodo", () => tt.check.fn(function myRelu(x) { return tt.todo("myRelu"); }, relu, {shapes: [[3, 4]]}));
attempt("fnNothing", () => tt.check.fn(function myRelu(x) { x.relu(); }, relu, {shapes: [[3, 4]]}));
attempt("fnSign", () => tt.check.fn((x) => x.relu().neg(), relu, {name: "relu", shapes: [[3, 4]]}));
attempt("fnThrows", () => tt.check.fn(function broken(x) {
  return x.noSuchMethod();
}, relu, {shapes: [[3, 4]]}));
attempt("fnBroadcast", () => tt.check.fn((a, b) => a.add(b.reshape(a.shape)), (a, b) => a.add(b), {name: "add", shapes: [[4, 3], [4, 3]]}));
attempt("fnNoGraph", () => tt.check.fn((x) => tt.tensor(x.toArray()).relu(), relu, {name: "relu", shapes: [[2, 3]]}));
attempt("fnNotDefined", () => tt.check.fn(undefined, relu, {name: "relu", shapes: [[2, 3]]}));
attempt("fnString", () => tt.check.fn((x) => "relu", relu, {name: "relu", shapes: [[2, 3]]}));
attempt("fnCases", () => tt.check.fn((x) => x.mul(2), (x) => x.mul(2), {name: "double", cases: [[[1, 2, 3]], [5]]}));
attempt("thatPass", () => tt.check.that(1 < 2, "one is less than two"));
attempt("thatFail", () => tt.check.that(false, "the loss falls below 0.1"));
// What a student's code can return or do by mistake, and what a check's
// author can pass by mistake: each gives an error, never a Go panic.
const disposedT = () => { const d = tt.ones(2, 3); d.dispose(); return d; };
attempt("badBigInt", () => tt.check.fn((x) => 3n, relu, {name: "relu", shapes: [[2, 3]]}));
attempt("badPromise", () => tt.check.fn(async (x) => x.relu(), relu, {name: "relu", shapes: [[2, 3]]}));
attempt("badNull", () => tt.check.fn((x) => null, relu, {name: "relu", shapes: [[2, 3]]}));
attempt("badDisposed", () => tt.check.fn((x) => disposedT(), relu, {name: "relu", shapes: [[2, 3]]}));
attempt("badThrowString", () => tt.check.fn((x) => { throw "nope"; }, relu, {name: "relu", shapes: [[2, 3]]}));
attempt("badDisposesInput", () => tt.check.fn((x) => { const y = x.relu(); x.dispose(); return y; }, relu, {name: "relu", shapes: [[2, 3]]}));
attempt("badShapes", () => tt.check.fn(relu, relu, {shapes: [[2 ** 40]]}));
attempt("badShapesType", () => tt.check.fn(relu, relu, {shapes: "2, 3"}));
attempt("badExpected", () => tt.check.close(tt.ones(2), {}));
attempt("badModuleForward", () => tt.check.module(class NullNet extends tt.nn.Module {
  constructor(i, o) { super(); this.weight = tt.nn.Parameter(tt.randn([o, i])); this.bias = tt.nn.Parameter(tt.zeros([o])); }
  forward(x) { return null; } },
  {args: [3, 2], reference: (i, o) => tt.nn.Linear(i, o), input: [4, 3]}));
attempt("badFunctionForward", () => tt.check.function(class Num extends tt.autograd.Function {
  static forward(ctx, x) { return 3; } static backward(ctx, g) { return g; } }, relu, {shapes: [[2, 3]]}));
attempt("badKernelReturn", () => tt.check.kernel((m, n, k, a, b, c) => 5));
attempt("badKernelThrows", () => tt.check.kernel((m, n, k, a, b, c) => { throw 7n; }));
attempt("badBackwardGrad", () => tt.check.backward((root) => {
  const order = [], seen = new Set();
  const visit = (v) => { if (seen.has(v)) return; seen.add(v); for (const u of v.inputs) visit(u); order.push(v); };
  visit(root); root.grad = 1;
  for (const v of order.reverse()) v.backwardStep();
  for (const v of order) if (v.inputs.length === 0) v.grad = 1n;
}));
attempt("badSteps", () => tt.check.optimizer(class {}, {reference: (p, o) => tt.optim.SGD(p, o), options: {lr: 0.1}, steps: 1e9}));
let todoMessage = "";
try { tt.todo("reluBackward"); } catch (e) { todoMessage = e.name + ": " + e.message; }
results.todo = {ok: todoMessage};
`)
	expectPass(t, got, "closePass", "✓ v: 2 elements match")
	expectPass(t, got, "closeBigInt", "✓")
	expectFail(t, got, "closeSign", "wrong sign", "v: the value differs", "at [0, 0]: expected 1, got -1")
	expectFail(t, got, "closeSum", "missing sum over a broadcast dimension (sum over dim 0", "expected shape [2], got shape [2, 2]")
	expectFail(t, got, "closeNaN", "NaN where a number was expected", "at [1]: expected 2, got NaN")
	expectFail(t, got, "closeNothing", "returns nothing", "got undefined")
	expectFail(t, got, "closeDisposed", "", "got a disposed tensor")
	expectPass(t, got, "fnPass", "✓ myRelu: 5 cases pass (forward, gradients, finite differences)")
	expectFail(t, got, "fnTodo", "not written yet (the starter's tt.todo)", `myRelu: fails on the case "random values"`, "myRelu still calls tt.todo")
	expectFail(t, got, "fnNothing", "returns nothing", "expected a tensor of shape [3, 4], got undefined")
	expectFail(t, got, "fnSign", "wrong sign", `relu: the output differs on the case "random values"`, "input: [3, 4] [")
	expectFail(t, got, "fnThrows", "", "broken: fails on the case", "threw TypeError: x.noSuchMethod is not a function (line 23 of the cell that defines it, in broken)")
	expectFail(t, got, "fnBroadcast", "", `add: fails on the case "broadcast: input 2 of shape [3] against [4, 3]"`, "threw Error")
	expectFail(t, got, "fnNoGraph", "the output is not connected to the inputs", "no gradient flows back")
	expectFail(t, got, "fnNotDefined", "", "relu: fails", "got undefined", "run the exercise's cell first")
	expectFail(t, got, "fnString", "", `expected a tensor of shape [2, 3], got the string "relu"`)
	expectPass(t, got, "fnCases", "✓ double: 2 cases pass")
	expectPass(t, got, "thatPass", "✓ one is less than two")
	expectFail(t, got, "thatFail", "", "the loss falls below 0.1")
	for key, want := range map[string]string{
		"badBigInt":          "expected shape [2, 3], got shape []",
		"badPromise":         "got a Promise",
		"badNull":            "got null",
		"badDisposed":        "got a disposed tensor",
		"badThrowString":     `threw the string "nope"`,
		"badModuleForward":   "NullNet: forward returned null, expected a tensor",
		"badFunctionForward": "Num.forward returned the number 3",
		"badKernelReturn":    "returned the number 5, expected nothing",
		"badKernelThrows":    "threw the BigInt 7n",
		"badBackwardGrad":    "expected a number, got the BigInt 1n",
	} {
		expectFail(t, got, key, "", want)
	}
	expectPass(t, got, "badDisposesInput", "✓ relu")
	for key, want := range map[string]string{
		"badShapes":     "tt.check.fn: shapes[0] = [1099511627776] holds more than 1048576 elements",
		"badShapesType": "tt.check.fn: shapes must be an array of shapes",
		"badExpected":   "tt.check.close",
		"badSteps":      "tt.check.optimizer: steps must be at most 1000",
	} {
		if r := got[key]; r.Failure || !strings.Contains(r.Err, want) || strings.Contains(r.Err, "internal error") {
			t.Errorf("%s: got %+v, want an ordinary error (the check's author's mistake) containing %q", key, r, want)
		}
	}
	if want := "TodoError: reluBackward is not written yet"; !strings.HasPrefix(got["todo"].OK, want) {
		t.Errorf("tt.todo threw %q, want %q…", got["todo"].OK, want)
	}
}

// checkClassesKernelBackward checks tt.check.function, .module,
// .optimizer, .kernel and .backward: a correct solution of each passes,
// and the classic mistakes fail with their named mistake.
func checkClassesKernelBackward(t *testing.T, ctx context.Context) {
	got := runChecks(t, ctx, `
const linearRef = (x, w, b) => x.matmul(w.t()).add(b);
const linearFn = (gradB, gradW) => class LinearFn extends tt.autograd.Function {
  static forward(ctx, x, w, b) { ctx.saveForBackward(x, w); return x.matmul(w.t()).add(b); }
  static backward(ctx, g) { const [x, w] = ctx.savedTensors; return [g.matmul(w), gradW(g, x), gradB(g)]; }
};
const shapes = {shapes: [[4, 3], [2, 3], [2]]};
attempt("functionPass", () => tt.check.function(linearFn((g) => g.sum(0), (g, x) => g.t().matmul(x)), linearRef, shapes));
attempt("functionBias", () => tt.check.function(linearFn((g) => g, (g, x) => g.t().matmul(x)), linearRef, shapes));
attempt("functionSign", () => tt.check.function(linearFn((g) => g.sum(0), (g, x) => g.t().matmul(x).neg()), linearRef, shapes));
attempt("functionTransposed", () => tt.check.function(linearFn((g) => g.sum(0), (g, x) => x.t().matmul(g)), linearRef, {shapes: [[3, 3], [3, 3], [3]]}));
attempt("functionTodo", () => tt.check.function(class Todo extends tt.autograd.Function {
  static forward(ctx, x, w, b) { return tt.todo("forward"); }
  static backward(ctx, g) { return tt.todo("backward"); }
}, linearRef, shapes));

class MyLinear extends tt.nn.Module {
  constructor(i, o) { super(); this.weight = tt.nn.Parameter(tt.randn([o, i])); this.bias = tt.nn.Parameter(tt.zeros([o])); }
  forward(x) { return x.matmul(this.weight.t()).add(this.bias); }
}
class FlatLinear extends tt.nn.Module {
  constructor(i, o) { super(); this.weight = tt.nn.Parameter(tt.randn([i, o])); this.bias = tt.nn.Parameter(tt.zeros([o])); }
  forward(x) { return x.matmul(this.weight).add(this.bias); }
}
class NoBias extends tt.nn.Module {
  constructor(i, o) { super(); this.weight = tt.nn.Parameter(tt.randn([o, i])); this.bias = tt.nn.Parameter(tt.zeros([o])); }
  forward(x) { return x.matmul(this.weight.t()); }
}
const mod = {args: [3, 2], reference: (i, o) => tt.nn.Linear(i, o), input: [4, 3]};
attempt("modulePass", () => tt.check.module(MyLinear, mod));
attempt("moduleShape", () => tt.check.module(FlatLinear, mod));
attempt("moduleNoBias", () => tt.check.module(NoBias, mod));

const sgd = (twice) => class MySGD extends tt.optim.Optimizer {
  constructor(params, opts) { super(params, opts); }
  step() { tt.noGrad(() => { for (const g of this.paramGroups) for (const p of g.params) if (p.grad) p.sub_(p.grad.mul(g.lr * (twice ? 2 : 1))); }); }
};
class Lazy extends tt.optim.Optimizer { constructor(params, opts) { super(params, opts); } }
const opt = {reference: (ps, o) => tt.optim.SGD(ps, o), options: {lr: 0.1}};
attempt("optimizerPass", () => tt.check.optimizer(sgd(false), opt));
attempt("optimizerTwice", () => tt.check.optimizer(sgd(true), opt));
attempt("optimizerNoStep", () => tt.check.optimizer(Lazy, opt));

const kernel = (iEnd, pEnd) => function myKernel(m, n, k, a, b, c) {
  for (let i = 0; i < iEnd(m); i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < pEnd(k); p++) s += a[i * k + p] * b[p * n + j];
      c[i * n + j] = s;
    }
};
attempt("kernelPass", () => tt.check.kernel(kernel((m) => m, (k) => k)));
attempt("kernelRows", () => tt.check.kernel(kernel((m) => m - 1, (k) => k)));
attempt("kernelK", () => tt.check.kernel(kernel((m) => m, (k) => k - 1)));
attempt("kernelPast", () => tt.check.kernel(kernel((m) => m, (k) => k + 1)));

const topo = (root) => {
  const order = [], seen = new Set();
  const visit = (v) => { if (seen.has(v)) return; seen.add(v); for (const u of v.inputs) visit(u); order.push(v); };
  visit(root);
  return order;
};
attempt("backwardPass", () => tt.check.backward(function backward(root) { const order = topo(root); root.grad = 1; for (const v of order.reverse()) v.backwardStep(); }));
attempt("backwardForward", () => tt.check.backward(function backward(root) { const order = topo(root); root.grad = 1; for (const v of order) v.backwardStep(); }));
attempt("backwardNoSet", () => tt.check.backward(function backward(root) { const order = topo(root); for (const v of order.reverse()) v.backwardStep(); }));
attempt("backwardTree", () => tt.check.backward(function backward(root) {
  root.grad = 1; const walk = (v) => { v.backwardStep(); for (const u of v.inputs) walk(u); }; walk(root);
}));
`)
	expectPass(t, got, "functionPass", "✓ LinearFn: ")
	expectFail(t, got, "functionBias", "missing sum over a broadcast dimension (sum over dim 0, such as g.sum(0))",
		"the gradient of input 3 (as backward returned it) differs", "expected shape [2], got shape [4, 2]")
	expectFail(t, got, "functionSign", "wrong sign", "the gradient of input 2 differs")
	expectFail(t, got, "functionTransposed", "transposed", "the gradient of input 2 differs")
	expectFail(t, got, "functionTodo", "not written yet", "Todo.forward threw TodoError: forward is not written yet")
	expectPass(t, got, "modulePass", "✓ MyLinear: forward and the gradients of its 2 parameters")
	expectFail(t, got, "moduleShape", "a parameter of the wrong shape (transposed", "expected weight of shape [2, 3], got weight of shape [3, 2]")
	expectFail(t, got, "moduleNoBias", "", `the output differs on the case "forward"`)
	expectPass(t, got, "optimizerPass", "✓ MySGD: 5 steps match")
	expectFail(t, got, "optimizerTwice", "lr applied twice", `the update of parameter 1 (new value - old) differs on the case "step 1"`)
	expectFail(t, got, "optimizerNoStep", "no step method", "Lazy has no step() method")
	expectPass(t, got, "kernelPass", "✓ myKernel: 7 products and the registry's check match")
	expectFail(t, got, "kernelRows", "off by one: only the last along one dimension differs", `C differs on the case "m=2, n=4, k=3"`, "at [1, 0]: expected")
	expectFail(t, got, "kernelK", "off by one in the k loop")
	expectFail(t, got, "kernelPast", "an index outside an array", "read b[12], outside b's 12 elements")
	expectPass(t, got, "backwardPass", "✓ backward: 20 random graphs")
	expectFail(t, got, "backwardForward", "not a reverse topological order", `backward: fails on the case "graph 1 of 20"`, "input: x1 = ")
	expectFail(t, got, "backwardNoSet", "the root's gradient was never set to 1")
	expectFail(t, got, "backwardTree", "a node's backward step ran twice")
}
