//go:build browser

package browsertest

import (
	"os"
	"testing"
	"time"

	"tinytorch/internal/benchjson"
)

// cellPartsBench times the four parts a student can write in a cell
// against the engine's own, interleaved by tt.bench.compare, each once per
// call and once per training step of the same MLP (Linear(64,128)-ReLU-
// Linear(128,10), batch 32, cross-entropy, SGD with momentum):
//
//   - op: the Linear layer's product as a tt.autograd.Function (forward
//     and backward), against tt.nn.functional.linear;
//   - module: a Linear written as a tt.nn.Module, against tt.nn.Linear;
//   - optimizer: SGD with momentum written as a tt.optim.Optimizer,
//     against tt.optim.SGD;
//   - kernel: the blocked matmul kernel of cellBlocked, registered with
//     tt.kernels.register, against the built-in default (per call: a
//     64×64 product).
//
// Each row's ratio is the cell part's time over the engine's (the inverse
// of tt.bench.compare's speed ratio, with its p10–p90).
const cellPartsBench = cellBlocked + `const builtin = tt.kernels.current();
tt.kernels.register("myBlocked", blocked);
class LinearFn extends tt.autograd.Function {
  static forward(ctx, x, w, b) { ctx.saveForBackward(x, w); return x.matmul(w.t()).add(b); }
  static backward(ctx, g) {
    const [x, w] = ctx.savedTensors;
    return [ctx.needsInputGrad[0] ? g.matmul(w) : null, g.t().matmul(x), g.sum(0)];
  }
}
class MyLinear extends tt.nn.Module {
  constructor(i, o) { super(); const ref = tt.nn.Linear(i, o); this.weight = tt.nn.Parameter(ref.weight.detach().clone()); this.bias = tt.nn.Parameter(ref.bias.detach().clone()); }
  forward(x) { return x.matmul(this.weight.t()).add(this.bias); }
}
class Momentum extends tt.optim.Optimizer {
  constructor(params, options) {
    super(params, options);
    for (const g of this.paramGroups) for (const p of g.params) this.state.set(p, tt.zerosLike(p));
  }
  step() {
    tt.noGrad(() => {
      for (const g of this.paramGroups) for (const p of g.params) {
        if (!p.grad) continue;
        p.sub_(this.state.get(p).mul_(g.momentum).add_(p.grad).mul(g.lr));
      }
    });
  }
}
// A module whose two layers call a Linear function: LinearFn or the engine's.
class FnMLP extends tt.nn.Module {
  constructor(linear) { super(); this.linear = linear; this.l1 = tt.nn.Linear(64, 128); this.l2 = tt.nn.Linear(128, 10); }
  forward(x) { return this.linear(this.linear(x, this.l1.weight, this.l1.bias).relu(), this.l2.weight, this.l2.bias); }
}
const opts = {lr: 0.01, momentum: 0.9};
tt.manualSeed(0);
const x = tt.randn([32, 64]), y = tt.randint(0, 10, [32]);
const engineMLP = () => { tt.manualSeed(1); return tt.nn.Sequential(tt.nn.Linear(64, 128), tt.nn.ReLU(), tt.nn.Linear(128, 10)); };
const stepOf = (model, opt, kernel) => () => {
  if (kernel) tt.kernels.use(kernel);
  tt.tidy(() => { opt.zeroGrad(); tt.nn.functional.crossEntropy(model.call(x), y).backward(); opt.step(); });
};
const sgd = (m) => tt.optim.SGD(m.parameters(), opts);
const row = (part, kase, cmp) => {
  const [engine, cell] = Object.keys(cmp.results), q = cmp.ratios[cell];
  return {part, case: kase, engine_ms: cmp.results[engine].median, cell_ms: cmp.results[cell].median,
    ratio: 1 / q.median, p10: 1 / q.p90, p90: 1 / q.p10, iterations: cmp.results[engine].iterations};
};
const compare = (engine, cell) => tt.bench.compare({engine, cell}, {iterations: 30});
const rows = [];
// op
{
  tt.manualSeed(2);
  const w = tt.randn([128, 64]).requiresGrad_(), b = tt.randn([128]).requiresGrad_();
  const call = (f) => () => tt.tidy(() => { w.grad = null; b.grad = null; f(x, w, b).sum().backward(); });
  rows.push(row("op", "call: forward + backward, [32,64]·[64,128]", compare(call(tt.nn.functional.linear), call((...a) => LinearFn.apply(...a)))));
  const mE = new FnMLP(tt.nn.functional.linear), mC = new FnMLP((...a) => LinearFn.apply(...a));
  rows.push(row("op", "MLP training step", compare(stepOf(mE, sgd(mE)), stepOf(mC, sgd(mC)))));
}
// module
{
  tt.manualSeed(3);
  const lE = tt.nn.Linear(64, 128), lC = new MyLinear(64, 128);
  const call = (l) => () => tt.tidy(() => { l.call(x); });
  rows.push(row("module", "call: forward, Linear(64, 128) on [32,64]", compare(call(lE), call(lC))));
  const mE = engineMLP();
  tt.manualSeed(1);
  const mC = tt.nn.Sequential(new MyLinear(64, 128), tt.nn.ReLU(), new MyLinear(128, 10));
  rows.push(row("module", "MLP training step", compare(stepOf(mE, sgd(mE)), stepOf(mC, sgd(mC)))));
}
// optimizer
{
  const mE = engineMLP(), mC = engineMLP();
  const oE = sgd(mE), oC = new Momentum(mC.parameters(), opts);
  for (const m of [mE, mC]) tt.nn.functional.crossEntropy(m.call(x), y).backward();
  rows.push(row("optimizer", "call: step() on the MLP's 9,610 parameters", compare(() => oE.step(), () => oC.step())));
  rows.push(row("optimizer", "MLP training step", compare(stepOf(mE, oE), stepOf(mC, oC))));
}
// kernel
{
  tt.manualSeed(4);
  const A = tt.randn([64, 64]), B = tt.randn([64, 64]);
  const on = (k) => () => { tt.kernels.use(k); tt.tidy(() => { A.matmul(B); }); };
  rows.push(row("kernel", "call: matmul 64×64×64", compare(on(builtin), on("myBlocked"))));
  const mE = engineMLP(), mC = engineMLP();
  rows.push(row("kernel", "MLP training step", compare(stepOf(mE, sgd(mE), builtin), stepOf(mC, sgd(mC), "myBlocked"))));
}
tt.kernels.use(builtin);
JSON.stringify({builtin, rows})`

// TestBenchCellParts is part of `make bench` and `make bench-browser`:
// the cost of an op, a module, an optimizer and a kernel written in a
// cell against the engine's own (cellPartsBench), per call and per MLP
// training step. It prints figures and asserts nothing about speed, so it
// runs only when TT_BENCH_BROWSER is set.
func TestBenchCellParts(t *testing.T) {
	if os.Getenv("TT_BENCH_BROWSER") == "" {
		t.Skip("set TT_BENCH_BROWSER=1 (make bench-browser) to run the browser benchmark")
	}
	ctx := newTabWithin(t, 5*time.Minute)
	openNotebook(t, ctx, "01-system")
	state, out := lastOutput(t, ctx, 1, cellPartsBench)
	var res benchjson.CellParts
	if state != "done" || !decodeJSON(out, &res) || len(res.Rows) != 8 {
		t.Fatalf("state %q, output %.2000q", state, out)
	}
	for _, r := range res.Rows {
		t.Logf("%-9s %-45s engine %.4f ms, cell %.4f ms: %.2f× (p10–p90 %.2f–%.2f×)", r.Part, r.Case, r.EngineMs, r.CellMs, r.Ratio, r.P10, r.P90)
	}
	benchJSON(t, "cell-parts", res)
}
