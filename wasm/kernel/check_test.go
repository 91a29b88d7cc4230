//go:build js && wasm

package kernel

import (
	"strings"
	"syscall/js"
	"testing"
	"time"
)

// runJS runs code as the body of a function of tt and returns its result.
func runJS(tt js.Value, code string) js.Value {
	return js.Global().Get("Function").New("tt", code).Invoke(tt)
}

// TestChecksInNode runs a correct solution of each check outside the
// browser (the bindings in node), each within a time budget, and a
// wrong one of tt.check.fn whose Failure carries its fields.
func TestChecksInNode(t *testing.T) {
	tt := ttForTest(t)
	for _, c := range []struct{ name, code string }{
		{"fn", `return tt.check.fn((x, y) => x.mul(y).relu(), (x, y) => x.mul(y).relu(), {name: "f", shapes: [[4, 3], [4, 3]]});`},
		{"function", `class LinearFn extends tt.autograd.Function {
  static forward(ctx, x, w, b) { ctx.saveForBackward(x, w); return x.matmul(w.t()).add(b); }
  static backward(ctx, g) { const [x, w] = ctx.savedTensors; return [g.matmul(w), g.t().matmul(x), g.sum(0)]; }
}
return tt.check.function(LinearFn, (x, w, b) => x.matmul(w.t()).add(b), {shapes: [[4, 3], [2, 3], [2]]});`},
		{"kernel", `return tt.check.kernel((m, n, k, a, b, c) => { c.fill(0); for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) c[i * n + j] += a[i * k + p] * b[p * n + j]; });`},
		{"backward", `return tt.check.backward((root) => {
  const order = [], seen = new Set();
  const visit = (v) => { if (seen.has(v)) return; seen.add(v); for (const u of v.inputs) visit(u); order.push(v); };
  visit(root); root.grad = 1; for (const v of order.reverse()) v.backwardStep(); });`},
	} {
		start := time.Now()
		v := runJS(tt, c.code)
		took := time.Since(start)
		if v.InstanceOf(js.Global().Get("Error")) || !strings.HasPrefix(v.String(), "✓") {
			t.Errorf("%s: %s", c.name, v.Call("toString").String())
		}
		t.Logf("%s: %v, %s", c.name, took, v.String())
		if took > 5*time.Second {
			t.Errorf("%s took %v", c.name, took)
		}
	}
	e := runJS(tt, `return tt.check.fn((x) => x.neg(), (x) => x, {name: "id", shapes: [[2, 2]], grad: false});`)
	if !e.InstanceOf(failureClass) {
		t.Fatalf("a wrong function gave %s, want a tt.check.Failure", e.Call("toString").String())
	}
	fields := e.Get("check")
	for key, want := range map[string]string{"name": "id", "case": "random values", "index": "[0, 0]", "mistake": "wrong sign: every element has the opposite sign"} {
		if got := fields.Get(key).String(); got != want {
			t.Errorf(".check.%s = %q, want %q", key, got, want)
		}
	}
}
