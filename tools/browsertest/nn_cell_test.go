//go:build browser

package browsertest

import (
	"regexp"
	"strings"
	"testing"
)

// Tests of modules written in a cell (class X extends tt.nn.Module,
// wasm/kernel/nn_cell.go): they train in fit like the engine's own
// layers, nest both ways, register parameters by assignment, follow
// train()/eval(), round-trip state dicts, show in the summary and the
// profiler by their class name, and fail with errors naming the class.

// myLinearCell defines the student's Linear layer of issue 12.
const myLinearCell = `class MyLinear extends tt.nn.Module {
  constructor(i, o) { super(); this.weight = tt.nn.Parameter(tt.randn([o, i]).mul(0.1)); this.bias = tt.nn.Parameter(tt.zeros([o])); }
  forward(x) { return x.matmul(this.weight.t()).add(this.bias); }
}
`

// TestCellModuleTrainsLikeEngine: an MLP of MyLinear layers trains in
// fit, with a checkpoint, to the same losses bit for bit as the same MLP
// of tt.nn.Linear from the same weights (the ops are the same).
func TestCellModuleTrainsLikeEngine(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "03-mlp")
	code := myLinearCell + `tt.manualSeed(5);
const xs = tt.randn(64, 2), ys = xs.narrow(1, 0, 1).mul(xs.narrow(1, 1, 1)).gt(0).reshape(64);
const engineNet = tt.nn.Sequential(tt.nn.Linear(2, 8), tt.nn.Tanh(), tt.nn.Linear(8, 2));
const cellNet = tt.nn.Sequential(new MyLinear(2, 8), tt.nn.Tanh(), new MyLinear(8, 2));
cellNet.loadStateDict(engineNet.stateDict());
const fitOnce = (m) => {
  const saved = [];
  const h = tt.train.fit(m, tt.train.batches(xs, ys, {batchSize: 16}), {epochs: 5, optimizer: tt.optim.SGD(m.parameters(), {lr: 0.1, momentum: 0.9}),
    loss: tt.nn.CrossEntropyLoss(), progress: false, chart: false, callbacks: [tt.train.checkpoint({save: (c) => saved.push(c.stateDict)})]});
  return [h.stepLoss, saved.at(-1)];
};
const [le, se] = fitOnce(engineNet), [lc, sc] = fitOnce(cellNet);
const ckptSame = Object.keys(se).every((k) => se[k].toArray().flat().every((v, i) => v === sc[k].toArray().flat()[i]));
[le.length, le.every((v, i) => v === lc[i]), le.at(-1) < le[0], Object.keys(sc).join(","), ckptSame, cellNet[0] instanceof MyLinear, cellNet.numParams()].join(" ")`
	state, out := runCode(t, ctx, 1, code)
	want := "20 true true 0.weight,0.bias,2.weight,2.bias true true 42"
	if state != "done" || out != want {
		t.Fatalf("fit of MyLinear against tt.nn.Linear: state %q, output %q, want %q (steps, same losses, loss fell, checkpoint keys, same checkpoint, model[0] is the cell's object, parameters)", state, out, want)
	}
	// A training step gives the engine's activations back to the buffer
	// pool (tensor.BeginStep), but never what a cell module keeps: its
	// input (an engine Linear's output, large enough for the pool) and its
	// output keep their values after fit.
	code = `class Keep extends tt.nn.Module {
  constructor() { super(); this.kept = []; }
  forward(x) { const y = x.relu(); this.kept.push([x, y, x.sum().item(), y.sum().item()]); return y; }
}
tt.manualSeed(6);
const keep = new Keep(), kx = tt.randn(64, 32), ky = tt.randint(0, 10, [64]);
const keepNet = tt.nn.Sequential(tt.nn.Linear(32, 128), keep, tt.nn.Linear(128, 10));
tt.train.fit(keepNet, tt.train.batches(kx, ky, {batchSize: 64}), {epochs: 3, optimizer: tt.optim.SGD(keepNet.parameters(), {lr: 0.1}),
  loss: tt.nn.CrossEntropyLoss(), progress: false, chart: false});
[keep.kept.length, keep.kept.every(([x, y, sx, sy]) => x.sum().item() === sx && y.sum().item() === sy)].join(" ")`
	state, out = runCode(t, ctx, 2, code)
	if want := "3 true"; state != "done" || out != want {
		t.Fatalf("a cell module's kept tensors after fit: state %q, output %q, want %q (steps kept, values unchanged)", state, out, want)
	}
}

// netCell nests both ways: engine modules (a Sequential, Dropout) inside
// cell modules, cell modules inside an engine Sequential, a buffer and a
// plain number property.
const netCell = `class Block extends tt.nn.Module {
  constructor(w) { super(); this.inner = tt.nn.Sequential(tt.nn.Linear(w, w), tt.nn.Tanh()); this.gain = 2; this.registerBuffer("shift", tt.zeros([w])); }
  forward(x) { return this.inner.call(x).mul(this.gain).add(x).add(this.shift); }
}
class Net extends tt.nn.Module {
  constructor() { super(); this.fc1 = new MyLinear(2, 4); this.block = new Block(4); this.drop = tt.nn.Dropout(0.5); this.head = tt.nn.Sequential(new MyLinear(4, 3)); }
  forward(x) { return this.head.call(this.drop.call(this.block.call(this.fc1.call(x)))); }
}
tt.manualSeed(2);
const net = new Net(), x = tt.randn(5, 2);
`

// TestCellModuleEverywhere: names, modes, state dicts, the summary and the
// profiler's module table with cell modules nested in engine modules and
// the other way round.
func TestCellModuleEverywhere(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "03-mlp")
	code := myLinearCell + netCell + `const modes = () => [net.training, net.block.training, net.block.inner[0].training, net.drop.training, net.head[0].training].join(",");
net.eval(); const evalModes = modes(); net.train(); const trainModes = modes();
const other = new Net(); other.loadStateDict(net.stateDict()); net.eval(); other.eval();
const a = net.call(x).toArray().flat(), b = other.call(x).toArray().flat();
[net.namedParameters().map(([n]) => n).join(","), Object.keys(net.stateDict()).includes("block.shift"), net.parameters().length,
 evalModes, trainModes, a.every((v, i) => v === b[i]) && a.length === 15, net instanceof tt.nn.Module, tt.nn.Linear(1, 1) instanceof tt.nn.Module,
 net.gain === undefined && net.block.gain === 2].join(" | ")`
	state, out := runCode(t, ctx, 1, code)
	want := "fc1.weight,fc1.bias,block.inner.0.weight,block.inner.0.bias,head.0.weight,head.0.bias | true | 6 | " +
		"false,false,false,false,false | true,true,true,true,true | true | true | true | true"
	if state != "done" || out != want {
		t.Fatalf("names, modes and state dict:\nstate %q\noutput %q\nwant   %q", state, out, want)
	}
	// Class fields are defined, not assigned: they register too, as does
	// registerModule.
	code = `class Fields extends tt.nn.Module { fc = tt.nn.Linear(2, 3); scale = tt.nn.Parameter(tt.ones([3])); forward(x) { return this.fc.call(x).mul(this.scale); } }
const f = new Fields(); f.registerModule("extra", new MyLinear(3, 1));
[f.namedParameters().map(([n]) => n).join(","), f.call(x).shape.join("x"), f.extra instanceof MyLinear].join(" | ")`
	want = "scale,fc.weight,fc.bias,extra.weight,extra.bias | 5x3 | true"
	if state, out := runCode(t, ctx, 2, code); state != "done" || out != want {
		t.Errorf("class fields and registerModule: state %q, output %q, want %q", state, out, want)
	}
	// summary() with a shape, and display(model) with the shape of its
	// last input.
	for _, code := range []string{"net.summary([5, 2])", "net.call(x);\ndisplay(net);"} {
		state, out = runCode(t, ctx, 2, code)
		for _, s := range []string{"Net(", "(fc1): MyLinear()", "fc1 (MyLinear)", "block (Block)", "block.inner (Sequential)", "block.inner.0 (Linear)", "head.0 (MyLinear)", "[N, 3]"} {
			if state != "done" || !strings.Contains(out, s) {
				t.Errorf("%s lacks %q: state %q, output:\n%s", code, s, state, out)
			}
		}
	}
	code = "net.train();\nconst rep = tt.profile(() => net.call(x).sum().backward());\nrep.byModule().map((m) => m.module).sort().join(' | ')"
	state, out = runCode(t, ctx, 2, code)
	for _, s := range []string{"fc1 (MyLinear)", "block (Block)", "block.inner.0 (Linear)", "head.0 (MyLinear)"} {
		if state != "done" || !strings.Contains(out, s) {
			t.Errorf("the profiler's module table lacks %q: state %q, output %q", s, state, out)
		}
	}
}

// TestCellModuleErrors: each mistake is an error naming the class and
// what was wrong, and the kernel runs the next cell.
func TestCellModuleErrors(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "03-mlp")
	if state, out := runCode(t, ctx, 1, myLinearCell+"const x = tt.ones(3, 2);\n1"); state != "done" {
		t.Fatalf("setup: state %q, output %q", state, out)
	}
	cases := []struct{ name, code, want string }{
		{"non-tensor", "class Bad extends tt.nn.Module { forward(x) { return 3; } }\nnew Bad().call(x)",
			"Bad: forward returned the number 3, expected a tensor"},
		{"missing forward", "class NoForward extends tt.nn.Module {}\ntt.nn.Sequential(new MyLinear(2, 2), new NoForward()).call(x)",
			"1 (NoForward): no forward method: define forward(x) in class NoForward"},
		{"forward throws, in fit", "class Thrower extends tt.nn.Module { forward(x) { throw new Error('boom at row 3'); } }\n" +
			"const th = tt.nn.Sequential(new MyLinear(2, 2), new Thrower());\n" +
			"tt.train.fit(th, [x, tt.tensor([0, 1, 0])], {epochs: 1, optimizer: tt.optim.SGD(th.parameters(), {lr: 0.1}), loss: tt.nn.CrossEntropyLoss(), progress: false, chart: false})",
			"1 (Thrower): forward threw Error: boom at row 3"},
		{"async forward", "class Later extends tt.nn.Module { async forward(x) { return x; } }\nnew Later().call(x)",
			"Later: forward returned a promise"},
		{"parameter not a tensor", "class P extends tt.nn.Module { constructor() { super(); this.registerParameter('w', 5); } }\nnew P()",
			"P.registerParameter: parameter w must be a tensor, such as tt.randn([8, 2]), got the number 5"},
		{"Parameter of a number", "tt.nn.Parameter([1, 2])", "tt.nn.Parameter: the argument must be a tensor"},
		{"plain tensor over a parameter", "class Q extends tt.nn.Module { constructor() { super(); this.w = tt.nn.Parameter(tt.ones(2)); this.w = tt.zeros(2); } }\nnew Q()",
			"Q: w is a registered parameter; assigning"},
		{"module in itself", "class Loop extends tt.nn.Module { constructor() { super(); this.me = this; } }\nnew Loop()",
			"Loop: submodule me would contain the module itself"},
		{"without new", "tt.nn.Module()", "tt.nn.Module is a base class"},
		{"registration on an engine layer", "tt.nn.Linear(2, 2).registerParameter('w', tt.ones(1))", "only a module written in a cell"},
	}
	for _, c := range cases {
		state, out := runCode(t, ctx, 2, c.code)
		if state != "error" || !strings.Contains(out, c.want) {
			t.Errorf("%s: state %q, output %q, want an error with %q", c.name, state, out, c.want)
		}
		// The line of a throw inside forward is named.
		if c.name == "forward throws, in fit" && !regexp.MustCompile(`boom at row 3 \(line 1 of the cell that defines it, in Thrower.forward\)`).MatchString(out) {
			t.Errorf("%s: output %q does not name the line of the throw", c.name, out)
		}
		if state, out := runCode(t, ctx, 1, "new MyLinear(2, 1).call(x).shape.join(',')"); state != "done" || out != "3,1" {
			t.Fatalf("after %s the kernel does not run a module: state %q, output %q", c.name, state, out)
		}
	}
}

// TestCellModuleTrainOverride: a cell module's train(mode) override is
// its Train, as in PyTorch: a parent's eval()/train() calls it, inside a
// tt.nn.Sequential and inside another cell module, and so does its own
// eval(); its super.train(mode) sets the modes. An override that throws
// makes the parent's eval() throw, naming the class.
func TestCellModuleTrainOverride(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "03-mlp")
	code := `(() => {
class MyDropout extends tt.nn.Module {
  constructor() { super(); this.seen = []; }
  train(mode = true) { this.seen.push(mode); return super.train(mode); }
  forward(x) { return this.training ? x.mul(0) : x; }
}
class Outer extends tt.nn.Module {
  constructor() { super(); this.drop = new MyDropout(); this.fc = tt.nn.Linear(2, 2); }
  forward(x) { return this.fc.call(this.drop.call(x)); }
}
const d = new MyDropout(), outer = new Outer();
const seq = tt.nn.Sequential(d, outer);
const modes = () => [seq.training, d.training, outer.training, outer.drop.training, outer.fc.training].join(",");
seq.eval(); const afterEval = modes();
seq.train(); const afterTrain = modes();
d.eval(); const afterOwnEval = modes();
outer.train(false); const afterOuter = modes();
class Bad extends tt.nn.Module { train(mode = true) { throw new Error("not now"); } forward(x) { return x; } }
let threw = "";
try { tt.nn.Sequential(tt.nn.Linear(2, 2), new Bad()).eval(); } catch (e) { threw = e.message; }
return [d.seen.join(","), outer.drop.seen.join(","), afterEval, afterTrain, afterOwnEval, afterOuter, threw].join(" | ");
})()`
	want := "false,true,false | false,true,false | false,false,false,false,false | true,true,true,true,true | " +
		"true,false,true,true,true | true,false,false,false,false | Bad.train threw Error: not now"
	state, out := runCode(t, ctx, 1, code)
	if state != "done" || !strings.HasPrefix(out, want) {
		t.Fatalf("a cell module's train override:\nstate %q\noutput %q\nwant   %q", state, out, want)
	}
}
