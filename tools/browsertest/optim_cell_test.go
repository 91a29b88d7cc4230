//go:build browser

package browsertest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// optimCellCode writes an optimizer and a scheduler in a cell, as a
// student does, trains the same MLP on the same moons with them and with
// the engine's tt.optim.SGD and StepLR, and records the step losses, the
// learning rates, zeroGrad's effect and the errors of wrong classes.
const optimCellCode = `const r = {};
const message = (f) => { try { f(); return 'no error'; } catch (e) { return e.name + ': ' + e.message; } };
class MySGD extends tt.optim.Optimizer {
  constructor(params, lr, momentum = 0) { super(params, {lr, momentum}); }
  step() {
    tt.noGrad(() => {
      for (const g of this.paramGroups) for (const p of g.params) {
        if (!p.grad) continue;
        let d = p.grad;
        if (g.momentum !== 0) {
          const st = this.state.get(p);
          if (!st) { d = d.clone(); this.state.set(p, {buf: d}); }
          else d = st.buf.mul_(g.momentum).add_(d);
        }
        p.sub_(d.mul(g.lr));
      }
    });
  }
}
class MyAdam extends tt.optim.Optimizer {
  constructor(params, lr, betas = [0.9, 0.999], eps = 1e-8) { super(params, {lr, betas, eps}); }
  step() {
    tt.noGrad(() => {
      for (const g of this.paramGroups) for (const p of g.params) {
        if (!p.grad) continue;
        const [b1, b2] = g.betas, d = p.grad;
        let st = this.state.get(p);
        if (!st) { st = {step: 0, m: tt.zerosLike(p), v: tt.zerosLike(p)}; this.state.set(p, st); }
        st.step += 1;
        st.m.mul_(b1).add_(d.mul(1 - b1));
        st.v.mul_(b2).add_(d.mul(d).mul(1 - b2));
        const stepSize = g.lr / (1 - b1 ** st.step), bc2Sqrt = Math.sqrt(1 - b2 ** st.step);
        p.sub_(st.m.div(st.v.sqrt().div(bc2Sqrt).add(g.eps)).mul(stepSize));
      }
    });
  }
}
class MyStepLR extends tt.optim.LRScheduler {
  constructor(opt, stepSize, gamma) { super(opt); this.stepSize = stepSize; this.gamma = gamma; }
  getLr() { return this.baseLrs.map((lr) => lr * this.gamma ** Math.floor(this.lastEpoch / this.stepSize)); }
}
class Halving extends tt.optim.LRScheduler {
  step() { if (++this.lastEpoch % 2 === 0) for (const g of this.optimizer.paramGroups) g.lr *= 0.5; }
}
const ds = tt.data.moons({n: 96, noise: 0.1, seed: 0});
const mlp = () => { tt.manualSeed(5); return tt.nn.Sequential(tt.nn.Linear(2, 16), tt.nn.Tanh(), tt.nn.Linear(16, 2)); };
const run = (mkOpt, mkSched, trainer = false) => {
  const m = mlp(), opt = mkOpt(m.parameters()), scheduler = mkSched ? mkSched(opt) : undefined;
  const loader = tt.data.DataLoader(ds, {batchSize: 16});
  const settings = {optimizer: opt, scheduler, loss: tt.nn.CrossEntropyLoss()};
  const h = trainer ? tt.train.Trainer({model: m, ...settings}).fit(loader, {epochs: 5, progress: false, chart: false})
    : tt.train.fit(m, loader, {epochs: 5, ...settings, progress: false, chart: false});
  return {loss: h.stepLoss, lr: h.lr};
};
const sgd = (mu) => (ps) => tt.optim.SGD(ps, {lr: 0.1, momentum: mu});
const stepLR = (opt) => tt.optim.lrScheduler.StepLR(opt, {stepSize: 2, gamma: 0.5});
const myStep = (opt) => new MyStepLR(opt, 2, 0.5);
r.cases = {
  plain: [run((ps) => new MySGD(ps, 0.1)), run(sgd(0))],
  momentum: [run((ps) => new MySGD(ps, 0.1, 0.9)), run(sgd(0.9))],
  adam: [run((ps) => new MyAdam(ps, 0.01)), run((ps) => tt.optim.Adam(ps, {lr: 0.01}))],
  trainer: [run((ps) => new MySGD(ps, 0.1, 0.9), undefined, true), run(sgd(0.9), undefined, true)],
  cellScheduler: [run(sgd(0.9), myStep), run(sgd(0.9), stepLR)],
  bothCell: [run((ps) => new MySGD(ps, 0.1, 0.9), myStep), run(sgd(0.9), stepLR)],
  ownStep: [run((ps) => new MySGD(ps, 0.1, 0.9), (opt) => new Halving(opt)), run(sgd(0.9), stepLR)],
  engineSchedulerOnCell: [run((ps) => new MySGD(ps, 0.1, 0.9), stepLR), run(sgd(0.9), stepLR)],
};
const m = mlp(), opt = new MySGD(m.parameters(), 0.1, 0.9);
tt.nn.CrossEntropyLoss().forward(m.forward(tt.randn([4, 2])), tt.tensor([0, 1, 1, 0])).backward();
const grads = () => m.parameters().map((p) => p.grad !== null);
r.zeroGrad = [grads(), (opt.zeroGrad(), grads())];
r.groups = [opt.paramGroups.length, opt.paramGroups[0].lr, opt.paramGroups[0].momentum, opt.paramGroups[0].params.length,
  opt.defaults.lr, opt.state instanceof Map, opt instanceof tt.optim.Optimizer, String(opt).split('\n')[0]];
opt.addParamGroup({params: [tt.zeros([3]).requiresGrad_()], lr: 0.01, nesterov: true});
r.added = [opt.paramGroups.length, opt.paramGroups[1].lr, opt.paramGroups[1].momentum, opt.paramGroups[1].nesterov];
const sched = new MyStepLR(opt, 1, 0.5);
sched.step();
r.schedStep = [sched.lastEpoch, sched.getLastLr(), opt.paramGroups[0].lr];
class NoStep extends tt.optim.Optimizer {}
class Boom extends tt.optim.Optimizer { constructor(ps) { super(ps, {lr: 0.1}); } step() { throw new RangeError('boom in step'); } }
class BadLR extends tt.optim.LRScheduler { getLr() { return ['fast']; } }
class NoLr extends tt.optim.Optimizer { constructor(ps) { super(ps, {momentum: 0.9}); } step() {} }
class Stuck extends tt.optim.LRScheduler { step() { null.lr = 1; } }
class NoGetLr extends tt.optim.LRScheduler {}
const fitOnce = (opt, m, scheduler) => tt.train.fit(m, tt.data.DataLoader(ds, {batchSize: 16}),
  {epochs: 1, optimizer: opt, scheduler, loss: tt.nn.CrossEntropyLoss(), progress: false, chart: false});
const m2 = mlp();
r.errors = {
  noStep: message(() => new NoStep(m2.parameters(), {lr: 0.1})),
  throws: message(() => fitOnce(new Boom(m2.parameters()), m2)),
  notTensors: message(() => new MySGD([1, 2], 0.1)),
  lrString: message(() => new MySGD(m2.parameters(), '0.1')),
  emptyParams: message(() => new Boom([])),
  noLR: message(() => new NoLr(m2.parameters())),
  negativeLR: message(() => new MySGD(m2.parameters(), -1)),
  noNew: message(() => tt.optim.Optimizer(m2.parameters(), {lr: 0.1})),
  badGetLr: message(() => { const o = tt.optim.SGD(m2.parameters(), {lr: 0.1}); fitOnce(o, m2, new BadLR(o)); }),
  badGetLrOwn: message(() => { const m3 = mlp(), o = new MySGD(m3.parameters(), 0.1); fitOnce(o, m3, new BadLR(o)); }),
  schedThrows: message(() => { const m3 = mlp(), o = new MySGD(m3.parameters(), 0.1); fitOnce(o, m3, new Stuck(o)); }),
  noGetLr: message(() => new NoGetLr(opt)),
  schedulerNoOptimizer: message(() => new MyStepLR({}, 1, 0.5)),
};
r.after = run((ps) => new MySGD(ps, 0.1)).loss.length;
r.trainerString = String(tt.train.Trainer({model: m, optimizer: opt, loss: tt.nn.CrossEntropyLoss()}));
JSON.stringify(r)`

type optimRun struct {
	Loss []float64 `json:"loss"`
	LR   []float64 `json:"lr"`
}

// TestOptimCellClasses: an optimizer and a scheduler written in a cell,
// extending tt.optim.Optimizer and tt.optim.LRScheduler, train an MLP in
// tt.train.fit and the Trainer to the same step losses and learning rates
// as tt.optim.SGD and StepLR, bit for bit: the cell's update computes the
// same float32 operations in the same order (b ← b·μ + g, then
// w ← w − lr·b, which equals the engine's w + (−lr·b) exactly), and
// 0.1·0.5^k is computed exactly in float64 either way. MyAdam follows
// PyTorch's order too (m ← m·β1 + (1−β1)·g, v ← v·β2 + (1−β2)·g², then
// w ← w − stepSize·m / (√v / √bc2 + ε) with stepSize and √bc2 computed in
// float64 and rounded to float32 once, as the engine does), so it also
// matches tt.optim.Adam bit for bit. zeroGrad clears the
// gradients, paramGroups carries the options, and a wrong class gets an
// error naming it while the kernel keeps running.
func TestOptimCellClasses(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "08-training")
	state, out := lastOutput(t, ctx, 1, optimCellCode)
	var r struct {
		Cases         map[string][2]optimRun
		ZeroGrad      [2][]bool
		Groups        []any
		Added         []any
		SchedStep     []any
		Errors        map[string]string
		After         int
		TrainerString string
	}
	if state != "done" || !decodeJSON(out, &r) {
		t.Fatalf("the cell: state %q, output %.3000q", state, out)
	}
	for _, name := range []string{"plain", "momentum", "adam", "trainer", "cellScheduler", "bothCell", "ownStep", "engineSchedulerOnCell"} {
		c, ok := r.Cases[name]
		got, want := c[0], c[1]
		if !ok || len(want.Loss) != 30 || len(want.LR) != 5 {
			t.Errorf("%s: the engine's run gave %d step losses and lr %v, want 30 steps (6 batches × 5 epochs) and 5 epochs", name, len(want.Loss), want.LR)
			continue
		}
		if !slices.Equal(got.Loss, want.Loss) {
			t.Errorf("%s: step losses with the cell's classes\n%v\nwith the engine's\n%v", name, got.Loss, want.Loss)
		}
		if !slices.Equal(got.LR, want.LR) {
			t.Errorf("%s: lr per epoch %v, with the engine's %v", name, got.LR, want.LR)
		}
		if want.Loss[len(want.Loss)-1] >= want.Loss[0] {
			t.Errorf("%s: the loss did not fall: %v", name, want.Loss)
		}
	}
	if lr := r.Cases["cellScheduler"][0].LR; fmt.Sprint(lr) != "[0.1 0.05 0.05 0.025 0.025]" {
		t.Errorf("MyStepLR(opt, 2, 0.5): lr per epoch %v, want [0.1 0.05 0.05 0.025 0.025]", lr)
	}
	if fmt.Sprint(r.ZeroGrad) != "[[true true true true] [false false false false]]" {
		t.Errorf("gradients before and after opt.zeroGrad(): %v, want all set then all null", r.ZeroGrad)
	}
	if want := "[1 0.1 0.9 4 0.1 true true MySGD (]"; fmt.Sprint(r.Groups) != want {
		t.Errorf("[paramGroups.length, lr, momentum, params.length, defaults.lr, state is a Map, instanceof, toString] = %v, want %s", r.Groups, want)
	}
	if want := "[2 0.01 0.9 true]"; fmt.Sprint(r.Added) != want {
		t.Errorf("addParamGroup({params, lr: 0.01, nesterov: true}): [groups, lr, momentum (the default), nesterov] = %v, want %s", r.Added, want)
	}
	if want := "[1 [0.05 0.005] 0.05]"; fmt.Sprint(r.SchedStep) != want {
		t.Errorf("MyStepLR(opt, 1, 0.5).step(): [lastEpoch, getLastLr(), group 0's lr] = %v, want %s", r.SchedStep, want)
	}
	wantErrors := map[string]string{
		"noStep":               "Error: NoStep has no step() method: a class that extends tt.optim.Optimizer defines step()",
		"throws":               "Error: tt.train.fit: Boom.step() threw RangeError: boom in step (line 80 of the cell that defines it, in Boom.step)",
		"notTensors":           "Error: MySGD: element 0 is the number 1, expected a tensor",
		"lrString":             `Error: MySGD: defaults: lr must be a number, got the string "0.1"`,
		"emptyParams":          "Error: Boom: got an empty list of parameters",
		"noLR":                 "Error: NoLr: group 0: no learning rate: give lr in the defaults, such as super(params, {lr: 0.1}), or in each group",
		"negativeLR":           "Error: MySGD: group 0: learning rate -1, expected ≥ 0",
		"noNew":                "Error: tt.optim.Optimizer is a base class: write class MySGD extends tt.optim.Optimizer { step() { … } } and make one with new",
		"badGetLr":             `Error: tt.train.fit: BadLR.getLr() returned ["fast"], expected an array of 1 numbers, one learning rate per parameter group`,
		"badGetLrOwn":          `Error: tt.train.fit: BadLR.getLr() returned ["fast"], expected an array of 1 numbers, one learning rate per parameter group`,
		"schedThrows":          "Error: tt.train.fit: Stuck.step() threw TypeError: Cannot set properties of null (setting 'lr') (line ",
		"noGetLr":              "Error: NoGetLr has no getLr() method: a class that extends tt.optim.LRScheduler defines getLr()",
		"schedulerNoOptimizer": "Error: MyStepLR: expected an optimizer first, such as tt.optim.SGD(…) or one that extends tt.optim.Optimizer, got",
	}
	for name, want := range wantErrors {
		if got := r.Errors[name]; !strings.HasPrefix(got, want) {
			t.Errorf("%s: %q, want it to start with %q", name, got, want)
		}
	}
	if r.After != 30 {
		t.Errorf("a run after the errors gave %d step losses, want 30: the kernel should keep working", r.After)
	}
	if want := "Trainer(model=Sequential, optimizer=MySGD, loss=CrossEntropyLoss(), steps=0)"; r.TrainerString != want {
		t.Errorf("String(trainer) = %q, want %q", r.TrainerString, want)
	}
	if state, out := lastOutput(t, ctx, 2,
		"class Half extends tt.optim.Optimizer { step() {} }\nnew Half(tt.nn.Linear(2, 1).parameters(), {lr: 0.5}).paramGroups[0].lr"); state != "done" || out != "0.5" {
		t.Errorf("the next cell, using the class: state %q, output %q", state, out)
	}
}
