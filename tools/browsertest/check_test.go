//go:build browser

package browsertest

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// tt.check and tt.todo: the checks of the notebooks' exercises. Each test
// runs one cell of many checks, each caught, and compares what each
// passing check returned and each failing one threw (a tt.check.Failure
// with its message and .check fields). One page load for all the tests.

// checkHarness defines attempt(key, fn), which runs a check and records
// its summary or its failure.
const checkHarness = `const results = {};
const attempt = (key, fn) => {
  try { results[key] = {ok: String(fn())}; }
  catch (e) { results[key] = {err: String(e.message), name: e.name, failure: e instanceof tt.check.Failure, check: e.check || null}; }
};
`

// checkResult is what attempt records.
type checkResult struct {
	OK, Err, Name string
	Failure       bool
	Check         map[string]string
}

// runChecks runs code (using attempt) in cell 1 and returns the results.
func runChecks(t *testing.T, code string) map[string]checkResult {
	t.Helper()
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	start := time.Now()
	state, out := runCodeWithin(t, ctx, 1, "(() => {\n"+checkHarness+code+"\nreturn JSON.stringify(results);\n})()", 60*time.Second)
	t.Logf("the cell of checks ran in %v", time.Since(start))
	var got map[string]checkResult
	if state != "done" || json.Unmarshal([]byte(out), &got) != nil {
		t.Fatalf("state %q, output %q", state, out)
	}
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

// TestCheckFnCloseTodo checks tt.check.close, tt.check.fn, tt.check.that
// and tt.todo: correct solutions pass, and wrong ones fail with their
// message and named mistake.
func TestCheckFnCloseTodo(t *testing.T) {
	got := runChecks(t, `
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
	expectFail(t, got, "fnThrows", "", "broken: fails on the case", "threw TypeError: x.noSuchMethod is not a function (line 21 of the cell that defines it, in broken)")
	expectFail(t, got, "fnBroadcast", "", `add: fails on the case "broadcast: input 2 of shape [3] against [4, 3]"`, "threw Error")
	expectFail(t, got, "fnNoGraph", "the output is not connected to the inputs", "no gradient flows back")
	expectFail(t, got, "fnNotDefined", "", "relu: fails", "got undefined", "run the exercise's cell first")
	expectFail(t, got, "fnString", "", `expected a tensor of shape [2, 3], got the string "relu"`)
	expectPass(t, got, "fnCases", "✓ double: 2 cases pass")
	expectPass(t, got, "thatPass", "✓ one is less than two")
	expectFail(t, got, "thatFail", "", "the loss falls below 0.1")
	if want := "TodoError: reluBackward is not written yet"; !strings.HasPrefix(got["todo"].OK, want) {
		t.Errorf("tt.todo threw %q, want %q…", got["todo"].OK, want)
	}
}
