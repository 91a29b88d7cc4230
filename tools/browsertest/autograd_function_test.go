//go:build browser

package browsertest

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

// tt.autograd.Function: an op written in a cell, with PyTorch's names,
// in the engine's graph, profiler, trainer and gradient check.

// myMul is the example, an elementwise product with its backward.
const myMul = `class MyMul extends tt.autograd.Function {
  static forward(ctx, a, b) { ctx.saveForBackward(a, b); return a.mul(b); }
  static backward(ctx, g) { const [a, b] = ctx.savedTensors; return [g.mul(b), g.mul(a)]; }
}
`

// TestAutogradFunctionMul checks MyMul against the engine's mul: the same
// output and the same gradients, bit for bit (both compute g·b and g·a),
// the gradFn, needsInputGrad for a tensor that needs none and an argument
// that is a number, the profiler's and the trace's names, and that the
// gradients the user's backward kept are still readable after backward.
func TestAutogradFunctionMul(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	code := `(() => {
` + myMul + `tt.manualSeed(1);
const x = tt.randn(3, 4, {requiresGrad: true}), w = tt.randn(3, 4, {requiresGrad: true});
const weights = tt.arange(12).reshape(3, 4);
const y = MyMul.apply(x, w);
y.mul(weights).sum().backward();
const x2 = x.detach().requiresGrad_(), w2 = w.detach().requiresGrad_();
x2.mul(w2).mul(weights).sum().backward();
const grads = {gx: x.grad.toArray(), gw: w.grad.toArray(), gx2: x2.grad.toArray(), gw2: w2.grad.toArray()};
let needs = null, k = null;
class Scale extends tt.autograd.Function {
  static forward(ctx, a, b, factor) { needs = ctx.needsInputGrad; k = factor; return a.mul(factor); }
  static backward(ctx, g) { return [g.mul(k), null, null]; }
}
const s = Scale.apply(x, tt.ones(3, 4), 2.5);
const report = tt.profile(() => MyMul.apply(x, w).sum().backward());
// A backward that keeps the gradient it receives and the one it returns
// (large enough for the engine's buffer pool): both must stay readable
// after backward used them.
let received = null, kept = null;
class Keep extends tt.autograd.Function {
  static forward(ctx, a) { return a.mul(1); }
  static backward(ctx, g) { received = g; kept = g.mul(2); return kept; }
}
Keep.apply(tt.randn(64, 128, {requiresGrad: true}).relu()).mul(tt.ones(64, 128)).sum().backward();
return JSON.stringify({gradFn: y.gradFn, y: y.toArray(), ref: x.mul(w).toArray(),
  ...grads, keptSums: [received.sum().item(), kept.sum().item()],
  needs, k, scaleFn: s.gradFn, ops: report.byOp().map((o) => o.name), trace: report.traceJSON().includes('"MyMul"')});
})()`
	state, out := runCode(t, ctx, 1, code)
	var got struct {
		GradFn, ScaleFn          string
		Y, Ref, Gx, Gw, Gx2, Gw2 [][]float64
		Needs                    []bool
		K                        float64
		KeptSums                 []float64
		Ops                      []string
		Trace                    bool
	}
	if state != "done" || json.Unmarshal([]byte(out), &got) != nil {
		t.Fatalf("state %q, output %q", state, out)
	}
	if got.GradFn != "MyMul" || got.ScaleFn != "Scale" {
		t.Errorf("gradFn %q and %q, want MyMul and Scale", got.GradFn, got.ScaleFn)
	}
	for _, c := range []struct {
		name      string
		got, want [][]float64
	}{{"output", got.Y, got.Ref}, {"x.grad", got.Gx, got.Gx2}, {"w.grad", got.Gw, got.Gw2}} {
		if len(c.got) != 3 || !sameMatrix(c.got, c.want) {
			t.Errorf("MyMul's %s %v, the engine's mul gives %v", c.name, c.got, c.want)
		}
	}
	if len(got.Needs) != 3 || !got.Needs[0] || got.Needs[1] || got.Needs[2] || got.K != 2.5 {
		t.Errorf("needsInputGrad %v and factor %v, want [true false false] and 2.5 (a tensor that needs no grad, a number passed as is)", got.Needs, got.K)
	}
	if !contains(got.Ops, "MyMul") || !contains(got.Ops, "MyMulBackward") {
		t.Errorf("the profiler's ops %v have no MyMul and MyMulBackward", got.Ops)
	}
	if !got.Trace {
		t.Error("the trace has no event named MyMul")
	}
	if want := []float64{64 * 128, 2 * 64 * 128}; !slices.Equal(got.KeptSums, want) {
		t.Errorf("the gradients a backward received and returned, kept, sum to %v after backward, want %v (all 1, all 2)", got.KeptSums, want)
	}
}

// sameMatrix reports whether two matrices are equal element by element.
func sameMatrix(a, b [][]float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if a[i][j] != b[i][j] {
				return false
			}
		}
	}
	return true
}

// TestAutogradFunctionLinearTrains trains a Linear written as a Function
// in tt.train.fit (the model a Flatten, which passes the batch on, and the
// Function applied in the loss function with its own weight and bias)
// against tt.nn.Linear with the same initial values: the per-step losses
// agree within 1e-5 relative (the same float32 ops; only the summation
// order of the matmuls may differ).
func TestAutogradFunctionLinearTrains(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	code := `(() => {
class MyLinear extends tt.autograd.Function {
  static forward(ctx, x, w, b) { ctx.saveForBackward(x, w); return x.matmul(w.t()).add(b); }
  static backward(ctx, g) {
    const [x, w] = ctx.savedTensors;
    return [ctx.needsInputGrad[0] ? g.matmul(w) : null, g.t().matmul(x), g.sum(0)];
  }
}
tt.manualSeed(0);
const X = tt.randn(64, 2), Y = tt.tensor(X.toArray().map(([a, b]) => (a > 0) + (b > 0))); // classes 0–2
const ref = tt.nn.Linear(2, 3);
const W = ref.weight.detach().clone().requiresGrad_(), B = ref.bias.detach().clone().requiresGrad_();
const opts = {epochs: 3, progress: false, chart: false};
const ce = tt.nn.CrossEntropyLoss();
const h1 = tt.train.fit(ref, tt.train.batches(X, Y, {batchSize: 16}),
  {...opts, optimizer: tt.optim.SGD(ref.parameters(), {lr: 0.5}), loss: ce});
const h2 = tt.train.fit(tt.nn.Flatten(), tt.train.batches(X, Y, {batchSize: 16}),
  {...opts, optimizer: tt.optim.SGD([W, B], {lr: 0.5}), loss: (x, y) => ce.call(MyLinear.apply(x, W, B), y)});
return JSON.stringify({engine: h1.stepLoss, mine: h2.stepLoss, gradFn: MyLinear.apply(X, W, B).gradFn});
})()`
	state, out := runCodeWithin(t, ctx, 1, code, time.Minute)
	var got struct {
		Engine, Mine []float64
		GradFn       string
	}
	if state != "done" || json.Unmarshal([]byte(out), &got) != nil {
		t.Fatalf("state %q, output %q", state, out)
	}
	if len(got.Engine) != 12 || len(got.Mine) != 12 {
		t.Fatalf("step losses %v and %v, want 12 each (3 epochs of 4 batches)", got.Engine, got.Mine)
	}
	for i := range got.Engine {
		if d := math.Abs(got.Mine[i] - got.Engine[i]); d > 1e-5*math.Abs(got.Engine[i]) {
			t.Errorf("step %d: loss %v with MyLinear, %v with tt.nn.Linear", i, got.Mine[i], got.Engine[i])
		}
	}
	if first, last := mean(got.Engine[:4]), mean(got.Engine[8:]); last >= first {
		t.Errorf("the loss did not fall from the first epoch (%v) to the last (%v): %v", first, last, got.Engine)
	}
	if got.GradFn != "MyLinear" {
		t.Errorf("gradFn %q, want MyLinear", got.GradFn)
	}
}

// mean is the mean of xs.
func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// TestAutogradFunctionGradCheck runs tt.gradCheck on a correct matmul
// Function and on one whose weight gradient is transposed.
func TestAutogradFunctionGradCheck(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	code := `(() => {
const make = (transposed) => class extends tt.autograd.Function {
  static forward(ctx, x, w) { ctx.saveForBackward(x, w); return x.matmul(w); }
  static backward(ctx, g) {
    const [x, w] = ctx.savedTensors;
    return [g.matmul(w.t()), transposed ? g.t().matmul(x) : x.t().matmul(g)];
  }
};
const MyMatmul = make(false), Wrong = make(true);
Object.defineProperty(Wrong, "name", {value: "WrongMatmul"});
tt.manualSeed(2);
const x = tt.randn(3, 3, {requiresGrad: true}), w = tt.randn(3, 3, {requiresGrad: true});
const ok = tt.gradCheck(MyMatmul, x, w);
let wrong = "";
try { tt.gradCheck(Wrong, x, w); } catch (e) { wrong = e.message; }
let noGrad = "";
try { tt.gradCheck(MyMatmul, tt.ones(3, 3), tt.ones(3, 3)); } catch (e) { noGrad = e.message; }
let notLeaf = "";
try { tt.gradCheck(MyMatmul, x.mul(2), w); } catch (e) { notLeaf = e.message; }
class Two extends tt.autograd.Function {
  static forward(ctx, a) { return [a.mul(2), a.mul(a)]; }
  static backward(ctx, g1, g2) { const [a] = ctx.savedTensors; return g1.mul(2).add(g2.mul(a).mul(2)); }
}
class TwoSaved extends Two { static forward(ctx, a) { ctx.saveForBackward(a); return super.forward(ctx, a); } }
const a = tt.tensor([1, -2, 3], {requiresGrad: true});
const outs = TwoSaved.apply(a);
outs[0].sum().add(outs[1].sum()).backward();
return JSON.stringify({ok, wrong, noGrad, notLeaf, two: [outs.length, outs[1].gradFn, a.grad.toArray()], twoCheck: tt.gradCheck(TwoSaved, a)});
})()`
	state, out := runCode(t, ctx, 1, code)
	var got struct {
		OK       bool
		Wrong    string
		NoGrad   string
		NotLeaf  string
		Two      []any
		TwoCheck bool
	}
	if state != "done" || json.Unmarshal([]byte(out), &got) != nil {
		t.Fatalf("state %q, output %q", state, out)
	}
	if !got.OK {
		t.Error("tt.gradCheck of a correct matmul did not return true")
	}
	for _, want := range []string{"tt.gradCheck", "WrongMatmul", "gradient of input 1", "shape [3, 3]", "transpose of the right one"} {
		if !strings.Contains(got.Wrong, want) {
			t.Errorf("tt.gradCheck of a transposed gradient says %q; want it to contain %q", got.Wrong, want)
		}
	}
	if !strings.Contains(got.NotLeaf, "was computed by mul") || !strings.Contains(got.NotLeaf, "detach(), then requiresGrad_()") {
		t.Errorf("tt.gradCheck of a non-leaf input says %q", got.NotLeaf)
	}
	// Two outputs: apply returns both; a's gradient is 2 + 2a.
	if fmt.Sprint(got.Two) != "[2 TwoSaved [4 -2 8]]" || !got.TwoCheck {
		t.Errorf("a Function of two outputs: [count gradFn a.grad] %v, gradCheck %v; want [2 TwoSaved [4 -2 8]], true", got.Two, got.TwoCheck)
	}
	if !strings.Contains(got.NoGrad, "no input") {
		t.Errorf("tt.gradCheck without an input that requires grad says %q", got.NoGrad)
	}
}

// TestAutogradFunctionErrors checks each mistake a student's Function can
// make gives an error naming the function, what it returned and what was
// expected, and that the kernel runs the next cell.
func TestAutogradFunctionErrors(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	code := `(() => {
const fn = (name, forward, backward) => {
  const c = class extends tt.autograd.Function {};
  c.forward = forward; c.backward = backward;
  Object.defineProperty(c, "name", {value: name});
  return c;
};
const x = tt.ones(3, 4, {requiresGrad: true}), w = tt.ones(3, 4, {requiresGrad: true});
const mul = (ctx, a, b) => a.mul(b);
const errs = {};
const catching = (key, f) => { try { f(); errs[key] = "no error"; } catch (e) { errs[key] = e.message; } };
catching("number", () => fn("Num", () => 3, (ctx, g) => g).apply(x));
catching("arrayOfJunk", () => fn("Junk", (ctx, a) => [a.mul(2), "s"], (ctx, g) => g).apply(x));
catching("count", () => fn("Count", mul, (ctx, g) => [g]).apply(x, w).sum().backward());
catching("single", () => fn("Single", mul, (ctx, g) => g).apply(x, w).sum().backward());
catching("shape", () => fn("Shape", mul, (ctx, g) => [g.sum(0), g]).apply(x, w).sum().backward());
catching("junkGrad", () => fn("JunkGrad", mul, (ctx, g) => [g, 7]).apply(x, w).sum().backward());
catching("throws", () => fn("Thrower", mul, (ctx, g) => {
  throw new Error("boom in backward");
}).apply(x, w).sum().backward());
catching("forwardThrows", () => fn("FThrower", (ctx, a) => a.matmul(a), (ctx, g) => g).apply(x));
const d = tt.ones(3, 4); d.dispose();
catching("disposedInput", () => fn("Disp", mul, (ctx, g) => [g, g]).apply(d, w));
catching("disposedGrad", () => fn("DispGrad", mul, (ctx, g) => { const z = g.mul(1); z.dispose(); return [z, g]; }).apply(x, w).sum().backward());
catching("saveJunk", () => fn("Save", (ctx, a) => { ctx.saveForBackward(a, 3); return a; }, (ctx, g) => g).apply(x));
class NotStatic extends tt.autograd.Function { forward(ctx, a) { return a; } static backward(ctx, g) { return g; } }
catching("notStatic", () => NotStatic.apply(x));
catching("base", () => tt.autograd.Function.apply(x));
catching("async", () => fn("Later", async (ctx, a) => a, (ctx, g) => g).apply(x));
errs.after = MyOk().apply(x).sum().item();
function MyOk() { return fn("Ok", (ctx, a) => a.mul(2), (ctx, g) => g.mul(2)); }
return JSON.stringify(errs);
})()`
	start := time.Now()
	state, out := runCode(t, ctx, 1, code)
	t.Logf("the cell of errors ran in %v", time.Since(start))
	var got map[string]any
	if state != "done" || json.Unmarshal([]byte(out), &got) != nil {
		t.Fatalf("state %q, output %q", state, out)
	}
	for key, wants := range map[string][]string{
		"number":        {"Num.forward returned the number 3", "expected a tensor or an array of tensors"},
		"arrayOfJunk":   {"Junk.forward returned an array whose element 1 is the string \"s\"", "expected a tensor"},
		"count":         {"Count.backward returned 1 gradients", "expected an array of 2 gradients, one per argument of apply"},
		"single":        {"Single.backward returned a tensor of shape [3, 4]", "expected an array of 2 gradients"},
		"shape":         {"Shape", "gradient of shape [4] for input 0", "expected the input's shape [3, 4]"},
		"junkGrad":      {"JunkGrad.backward returned the number 7 as the gradient of argument 2", "expected a tensor of shape [3, 4], or null"},
		"throws":        {"Thrower.backward threw Error: boom in backward (line 19 of the cell that defines it"},
		"forwardThrows": {"FThrower.forward threw Error:", "matmul", "(line 21 of the cell that defines it"},
		"disposedInput": {"Disp.apply: argument 1 is a disposed tensor"},
		"disposedGrad":  {"DispGrad.backward returned a disposed tensor as the gradient of argument 1"},
		"saveJunk":      {"Save.forward: ctx.saveForBackward: argument 2 is the number 3", "expected a tensor"},
		"notStatic":     {"NotStatic.forward is an instance method", "static forward(ctx, ...inputs)"},
		"base":          {"called on tt.autograd.Function itself"},
		"async":         {"Later.forward returned a Promise"},
	} {
		msg, _ := got[key].(string)
		for _, want := range wants {
			if !strings.Contains(msg, want) {
				t.Errorf("%s: message %q; want it to contain %q", key, msg, want)
			}
		}
		if strings.Contains(msg, "internal error") || strings.Contains(msg, "panic") {
			t.Errorf("%s: %q", key, msg)
		}
	}
	if got["after"] != 24.0 {
		t.Errorf("a Function after the errors gives %v, want 24", got["after"])
	}
	// An uncaught error fails its cell only; the next cell runs.
	if state, out := runCode(t, ctx, 1, "class B extends tt.autograd.Function { static forward() { return 1; } static backward() {} }\nB.apply(tt.ones(2))"); state != "error" || !strings.Contains(out, "B.forward returned the number 1") {
		t.Errorf("uncaught: state %q, output %q", state, out)
	}
	if state, out := lastOutput(t, ctx, 1, "tt.ones(2).add(1).sum().item()"); state != "done" || out != "4" {
		t.Errorf("the next cell: state %q, output %q", state, out)
	}
}

// TestGradCheckPlainFunction: tt.gradCheck takes any function of tensors
// too, as PyTorch's gradcheck(f, inputs) does, and checks the gradient
// autograd gives through what f computes: a composition of engine ops and
// a cell's Function pass; a function that detaches an input, or calls a
// Function whose backward is transposed, fails with the same message as a
// Function; a function that throws or returns no tensor says so; a class
// that does not extend tt.autograd.Function keeps its error.
func TestGradCheckPlainFunction(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	code := `(() => {
` + myMul + `const Wrong = class extends tt.autograd.Function {
  static forward(ctx, x, w) { ctx.saveForBackward(x, w); return x.matmul(w); }
  static backward(ctx, g) { const [x, w] = ctx.savedTensors; return [g.matmul(w.t()), g.t().matmul(x)]; }
};
Object.defineProperty(Wrong, "name", {value: "WrongMatmul"});
tt.manualSeed(3);
const x = tt.randn(3, 3, {requiresGrad: true}), w = tt.randn(3, 3, {requiresGrad: true});
const msg = (f, ...args) => { try { return String(tt.gradCheck(f, ...args)); } catch (e) { return e.message; } };
function halfDetached(a, b) { return a.detach().mul(b); }
return JSON.stringify({
  composed: msg((a, b) => a.matmul(b).tanh().add(a.mul(b)), x, w),
  withNumber: msg((a, k) => a.mul(k).sigmoid(), x, 2.5),
  throughFunction: msg((a, b) => MyMul.apply(a, b).sin(), x, w),
  twoOutputs: msg((a) => [a.mul(2), a.mul(a)], x),
  detached: msg(halfDetached, x, w),
  transposed: msg(function viaWrong(a, b) { return Wrong.apply(a, b); }, x, w),
  threw: msg(function boom(a) { throw new Error("no good"); }, x),
  number: msg(function three(a) { return 3; }, x),
  noGrad: msg((a) => a.mul(2), tt.ones(2)),
  notAFunction: msg(class Foo {}, x),
});
})()`
	state, out := runCode(t, ctx, 1, code)
	var got map[string]string
	if state != "done" || json.Unmarshal([]byte(out), &got) != nil {
		t.Fatalf("state %q, output %q", state, out)
	}
	for _, k := range []string{"composed", "withNumber", "throughFunction", "twoOutputs"} {
		if got[k] != "true" {
			t.Errorf("tt.gradCheck of a correct function (%s) says %q; want true", k, got[k])
		}
	}
	wants := map[string][]string{
		"detached":     {"tt.gradCheck: halfDetached: gradient of input 0 (shape [3, 3]) at [0, 0]: backward gives 0, central differences"},
		"transposed":   {"tt.gradCheck: viaWrong: gradient of input 1 (shape [3, 3])", "transpose of the right one"},
		"threw":        {"tt.gradCheck: boom threw Error: no good"},
		"number":       {"tt.gradCheck: three returned", "expected a tensor or an array of tensors"},
		"noGrad":       {"tt.gradCheck: no input of the function requires a gradient"},
		"notAFunction": {"tt.gradCheck: expected a class that extends tt.autograd.Function, got"},
	}
	for k, ws := range wants {
		for _, w := range ws {
			if !strings.Contains(got[k], w) {
				t.Errorf("tt.gradCheck (%s) says %q; want it to contain %q", k, got[k], w)
			}
		}
	}
}
