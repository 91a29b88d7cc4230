//go:build browser

package browsertest

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// The ops of issue 4 as a cell sees them. ttOnly are functions of tt alone
// (PyTorch has them as torch.* functions, not tensor methods); methods are
// tensor methods in PyTorch, so they must be on tensors and, as every
// method, on tt with the tensor first (tt.exp(x)); properties are
// attributes of tensors.
var (
	ttOnlyOps = []string{
		"tensor", "zeros", "ones", "full", "arange", "linspace", "eye", "rand", "randn", "randint",
		"zerosLike", "onesLike", "fullLike", "randLike", "randnLike", "randintLike",
		"manualSeed", "noGrad", "tidy", "memory", "cat", "stack", "where", "oneHot",
		"einsum", // issue 20
	}
	methodOps = []string{
		// views and copies
		"reshape", "view", "transpose", "permute", "expand", "squeeze", "unsqueeze", "flatten",
		"narrow", "slice", "select", "contiguous", "clone", "detach", "t",
		// elementwise
		"add", "sub", "mul", "div", "pow", "neg", "exp", "log", "sqrt", "abs", "sin", "cos", "tanh",
		"sigmoid", "relu", "leakyRelu", "gelu", "clamp", "maximum", "minimum", "where",
		"eq", "ne", "lt", "le", "gt", "ge",
		// reductions
		"sum", "mean", "max", "min", "amax", "amin", "argmax", "argmin", "var", "std",
		"logsumexp", "softmax", "logSoftmax",
		// linear algebra and layout
		"matmul", "gather", "indexSelect", "pad",
		// in place
		"add_", "sub_", "mul_", "div_", "zero_", "fill_", "clamp_", "copy_",
		// the ops of issue 20
		"log1p", "sign", "floor", "round", "erf", "silu", "softplus", "elu", "cumsum", "prod", "sort", "topk",
		"norm", "flip", "roll", "repeat", "chunk", "split", "maskedFill", "scatter", "scatterAdd",
		// autograd and values
		"backward", "zeroGrad", "requiresGrad_", "item", "toArray", "tolist", "size", "numel", "dim", "dispose",
	}
	tensorProperties = []string{"shape", "ndim", "dtype", "grad", "requiresGrad", "isLeaf", "gradFn", "T"}
)

// TestTensorAPINames checks that every op of the issue exists on tt and,
// where PyTorch has it as a method, on a tensor, and that names are
// camelCase: no snake_case name (log_softmax) anywhere, the only
// underscore being the trailing one of in-place ops (add_).
func TestTensorAPINames(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	list := func(names []string) string {
		b, _ := json.Marshal(names)
		return string(b)
	}
	code := fmt.Sprintf(`const x = tt.ones(2, 3);
const missing = [];
for (const n of %s) if (typeof tt[n] !== "function") missing.push("tt." + n);
for (const n of %s) {
  if (typeof x[n] !== "function") missing.push("x." + n);
  if (typeof tt[n] !== "function") missing.push("tt." + n);
}
for (const p of %s) if (!(p in x)) missing.push("x." + p);
const names = [...Object.keys(tt), ...Object.getOwnPropertyNames(Object.getPrototypeOf(x))];
const snake = names.filter((n) => /_./.test(n));
JSON.stringify({missing, snake, count: names.length})`, list(ttOnlyOps), list(methodOps), list(tensorProperties))
	state, out := runCode(t, ctx, 1, code)
	var got struct {
		Missing, Snake []string
		Count          int
	}
	if state != "done" || !decodeJSON(out, &got) {
		t.Fatalf("state %q, output %q", state, out)
	}
	if len(got.Missing) > 0 {
		t.Errorf("missing from tt or tensors: %v", got.Missing)
	}
	if len(got.Snake) > 0 {
		t.Errorf("names not in camelCase: %v", got.Snake)
	}
	if got.Count < len(methodOps)+len(ttOnlyOps) {
		t.Errorf("only %d names found on tt and the tensor prototype: the check read the wrong objects", got.Count)
	}
}

// TestTensorAPIValues checks the values of the ops added in the audit of
// issue 4 against PyTorch's results (worked out by hand, and by
// torch 1.13 for the tie of max(1) on [7, 0, 7], index 0).
func TestTensorAPIValues(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	code := `tt.manualSeed(3);
const x = tt.tensor([[1, 5, 2], [7, 0, 7]]);
const [v, i] = x.max(1);
const p = x.min(0, true);
let listErr = ""; try { x.max([0, 1]); } catch (e) { listErr = e.message; }
const q = tt.tensor([[1, 5, 2], [7, 0, 7]], {requiresGrad: true});
q.max(1).values.sum().backward();
const r = tt.randintLike(tt.zeros(50, 4), 2, 5), r0 = tt.randintLike(tt.zeros(200), 3);
const a = tt.tensor([1, 2], {requiresGrad: true}), wt = tt.tensor([4, 5], {requiresGrad: true});
const y = a.mul(1); y.fill_(3); y.mul(wt).sum().backward();
JSON.stringify({
  values: v.toArray(), indices: i.toArray(), minValues: p.values.toArray(), minIndices: p.indices.toArray(),
  pair: [p.length, p[0] === p.values, p[1] === p.indices], ttMax: tt.max(x, 1)[1].toArray(),
  all: x.max().item(), allShape: x.max().shape, elementwise: x.max(tt.full([2, 3], 4)).toArray(),
  listErr, amax: x.amax([0, 1]).item(), amin: tt.amin(x, 1).toArray(), maxGrad: q.grad.toArray(),
  where: x.where(x.gt(2), -1).toArray(), ttWhere: tt.where(x.gt(2), x, -1).toArray(),
  fullLike: tt.fullLike(x, 0.5).toArray(),
  randint: [r.shape, Math.min(...r.toArray().flat()), Math.max(...r.toArray().flat()), r.toArray().flat().every(Number.isInteger)],
  randint0: [Math.min(...r0.toArray()), Math.max(...r0.toArray())],
  fill: [y.requiresGrad, a.grad.toArray(), wt.grad.toArray()],
})`
	state, out := runCode(t, ctx, 1, code)
	var got map[string]any
	if state != "done" || !decodeJSON(out, &got) {
		t.Fatalf("state %q, output %q", state, out)
	}
	want := map[string]any{
		"values": []any{5.0, 7.0}, "indices": []any{1.0, 0.0},
		"minValues": []any{[]any{1.0, 0.0, 2.0}}, "minIndices": []any{[]any{0.0, 1.0, 0.0}},
		"pair": []any{2.0, true, true}, "ttMax": []any{1.0, 0.0},
		"all": 7.0, "allShape": []any{}, "elementwise": []any{[]any{4.0, 5.0, 4.0}, []any{7.0, 4.0, 7.0}},
		"amax": 7.0, "amin": []any{1.0, 0.0}, "maxGrad": []any{[]any{0.0, 1.0, 0.0}, []any{1.0, 0.0, 0.0}},
		"where": []any{[]any{-1.0, 5.0, -1.0}, []any{7.0, -1.0, 7.0}}, "ttWhere": []any{[]any{-1.0, 5.0, -1.0}, []any{7.0, -1.0, 7.0}},
		"fullLike": []any{[]any{0.5, 0.5, 0.5}, []any{0.5, 0.5, 0.5}},
		// 200 draws cover every value of a range of 3 (a miss has
		// probability below 1e-34), and stay inside it.
		"randint":  []any{[]any{50.0, 4.0}, 2.0, 4.0, true},
		"randint0": []any{0.0, 2.0},
		"fill":     []any{true, []any{0.0, 0.0}, []any{3.0, 3.0}},
	}
	for key, w := range want {
		if !reflect.DeepEqual(got[key], w) {
			t.Errorf("%s = %v, want %v", key, got[key], w)
		}
	}
	if msg, _ := got["listErr"].(string); !strings.HasPrefix(msg, "max: dim must be one integer") || !strings.Contains(msg, "amax(dims)") {
		t.Errorf("x.max([0, 1]) error %q; want one naming max and pointing to amax", msg)
	}
	// Displayed, the pair reads as PyTorch prints torch.return_types.max.
	const shown = "max(\nvalues=tensor([5., 7.]),\nindices=tensor([1., 0.]))"
	if state, out := runCode(t, ctx, 1, "tt.tensor([[1, 5, 2], [7, 0, 7]]).max(1)"); state != "done" || out != shown {
		t.Errorf("display of x.max(1): state %q, output %q; want %q", state, out, shown)
	}
}

// TestMemoryStaysBounded runs cells that make 1,000 tensors fifty times.
// With tt.tidy or dispose() they must leave tt.memory() exactly at its
// baseline after every round, the last rounds included; left to the
// FinalizationRegistry, the count must stay far below the 100,000 made,
// and once JavaScript has collected (gc(), which the suite's Chromium
// exposes), it must be back near the baseline.
func TestMemoryStaysBounded(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	memory := func() [2]int {
		state, out := runCode(t, ctx, 2, "JSON.stringify([tt.memory().numTensors, tt.memory().numBytes])")
		var m [2]int
		if state != "done" || !decodeJSON(out, &m) {
			t.Fatalf("tt.memory(): state %q, output %q", state, out)
		}
		return m
	}
	rounds := map[string]string{
		"tidy":    "tt.tidy(() => { for (let i = 0; i < 1000; i++) tt.tensor([1, 2, 3]).add(1); });\n",
		"dispose": "for (let i = 0; i < 500; i++) { const a = tt.tensor([1, 2, 3]); const b = a.add(1); a.dispose(); b.dispose(); }\n",
	}
	for _, name := range []string{"tidy", "dispose"} {
		base := memory()
		// The cell reports memory itself, so that one click is one round.
		typeIntoCell(t, ctx, 1, rounds[name]+"JSON.stringify([tt.memory().numTensors, tt.memory().numBytes])")
		var last [2]int
		for round := range 50 {
			state, out := runCell(t, ctx, 1)
			if state != "done" || !decodeJSON(out, &last) {
				t.Fatalf("%s round %d: state %q, output %q", name, round, state, out)
			}
			if last != base {
				t.Fatalf("%s round %d: tt.memory() is %v (tensors, bytes), want the baseline %v", name, round, last, base)
			}
		}
		fmt.Printf("%s: 50 rounds of 1,000 tensors leave tt.memory() at %v, the baseline\n", name, last)
	}

	var counts []int
	typeIntoCell(t, ctx, 1, "for (let i = 0; i < 1000; i++) tt.tensor([1, 2, 3]).add(1);")
	for i := range 50 {
		runCell(t, ctx, 1)
		if i%10 == 9 {
			counts = append(counts, memory()[0])
		}
	}
	fmt.Printf("live tensors after 10, 20, … 50 runs of 2,000 untidied tensors each: %v\n", counts)
	// 100,000 tensors are made in all; the FinalizationRegistry releases
	// them as JavaScript collects their objects, so the count stays far
	// below that, whenever the collector happens to run: 400 to 32,000
	// since the objects of results are made by JavaScript (madeInJS),
	// 10,000 to 66,000 when Go held them until its own collection.
	if last := counts[len(counts)-1]; last > 50000 {
		t.Errorf("%d live tensors after 50 runs: memory is not released", last)
	}
	// After a collection (and the two tasks in which the registry's
	// callbacks run and hand the handles to Go), only a few remain: an
	// object that Go still held would keep its tensor alive here.
	state, out := runCode(t, ctx, 2, "const pause = () => new Promise((r) => setTimeout(r, 20));\n"+
		"for (let i = 0; i < 3; i++) { gc(); await pause(); await pause(); }\ntt.memory().numTensors")
	if n, err := strconv.Atoi(out); state != "done" || err != nil {
		t.Fatalf("tt.memory() after gc(): state %q, output %q", state, out)
	} else if base := memory()[0]; n > base+100 {
		t.Errorf("%d live tensors after gc(), %d before the untidied runs: the collected objects' tensors were not released", n, base)
	} else {
		fmt.Printf("after gc(): %d live tensors (%d before the untidied runs)\n", n, base)
	}

	// Views share their storage: they add tensors but no bytes.
	state, out = runCode(t, ctx, 1, "const big = tt.zeros(1000);\nconst m0 = tt.memory();\n"+
		"const views = [big.view(10, 100), big.view(10, 100).t(), big.detach(), big.reshape(-1), big.narrow(0, 0, 10)];\n"+
		"const m1 = tt.memory(); const copy = big.clone(); const m2 = tt.memory();\n"+
		"JSON.stringify([m1.numTensors - m0.numTensors, m1.numBytes - m0.numBytes, m2.numBytes - m1.numBytes])")
	var d [3]int
	if state != "done" || !decodeJSON(out, &d) || d != [3]int{6, 0, 4000} {
		t.Errorf("views: state %q, output %q; want [6, 0, 4000]: six new tensor objects, no new bytes, then 4,000 bytes for a clone", state, out)
	}

	state, out = runCode(t, ctx, 1, "const before = tt.memory().numTensors;\n"+
		"const kept = tt.tidy(() => { let x = tt.ones(3); for (let i = 0; i < 100; i++) x = x.add(1); return x });\n"+
		"[tt.memory().numTensors - before, kept.toArray()[0]]")
	if state != "done" || out != "Array(2)\n0: 1\n1: 101" {
		t.Errorf("tidy: state %q, output %q; want one tensor kept, holding 101", state, out)
	}
	if state, out := runCode(t, ctx, 1, "const d = tt.ones(2); d.dispose(); d.add(1)"); state != "error" || !strings.HasPrefix(out, "Error: add: the tensor was disposed") {
		t.Errorf("use after dispose: state %q, output %q", state, out)
	}
}

// TestNewOpsAPIValues checks the ops, layers and losses of issue 20 as a
// cell calls them, positionally and with options, against values worked
// out by hand (and by torch 1.13 for the KL divergence and GroupNorm).
func TestNewOpsAPIValues(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	code := `const x = tt.tensor([[3, 1, 2], [0, 5, 4]]);
const s = x.sort(1, {descending: true});
const k = x.topk(2, {dim: 0, largest: false});
const g = tt.tensor([[1, 2], [3, 4]], {requiresGrad: true});
g.prod().backward();
const err = (f) => { try { f(); return ""; } catch (e) { return e.message; } };
const r4 = (t) => t.toArray().flat(3).map((v) => Math.round(v * 1e4) / 1e4);
JSON.stringify({
  cumsum: x.cumsum(1).toArray(), prod: x.prod(1).toArray(), prodGrad: g.grad.toArray(),
  sortV: s.values.toArray(), sortI: s[1].toArray(), topkV: k[0].toArray(), topkI: k.indices.toArray(),
  norm: tt.tensor([3, 4]).norm().item(), normInf: tt.tensor([[3, -4]]).norm(Infinity, 1).toArray(),
  normFro: tt.tensor([[3, 4]]).norm("fro", {dim: 1, keepdim: true}).toArray(),
  unary: [tt.tensor([-1.5, 0.5, 2.5]).round().toArray(), tt.tensor([-1.5, 2.7]).floor().toArray(),
    tt.sign(tt.tensor([-2, 0, 3])).toArray(), tt.tensor([0]).log1p().toArray(), tt.erf(tt.tensor([0])).toArray(),
    tt.tensor([0]).silu().toArray(), tt.tensor([30]).softplus({beta: 1, threshold: 20}).toArray(),
    tt.tensor([-Infinity, 2]).elu({alpha: 0.5}).toArray(), tt.nn.functional.elu(tt.tensor([-Infinity]), 2).toArray()],
  flip: x.flip(1).toArray(), roll: x.roll(1, 1).toArray(), rollFlat: x.roll(1).toArray(),
  repeat: tt.tensor([1, 2]).repeat(2, 2).toArray(),
  chunk: x.chunk(2, 1).map((c) => c.shape), split: x.split([1, 2], 1).map((c) => c.toArray()),
  splitN: tt.arange(5).split(2).length,
  maskedFill: x.maskedFill(x.gt(2), -1).toArray(),
  scatter: tt.zeros(2, 3).scatter(1, tt.tensor([[2], [0]]), tt.tensor([[7], [8]])).toArray(),
  scatterAdd: tt.zeros(3).scatterAdd(0, tt.tensor([0, 0, 2]), tt.tensor([1, 2, 3])).toArray(),
  scatterValue: tt.zeros(2, 2).scatter(1, tt.tensor([[1], [0]]), 5).toArray(),
  einsum: tt.einsum("ij,jk->ik", x, tt.ones(3, 1)).toArray(), trace: tt.einsum("ii", tt.tensor([[1, 2], [3, 4]])).item(),
  einsumList: tt.einsum("i,i->", [tt.tensor([1, 2]), tt.tensor([3, 4])]).item(),
  l1: tt.nn.L1Loss().call(tt.tensor([1, 2]), tt.tensor([2, 4])).item(),
  smooth: tt.nn.functional.smoothL1Loss(tt.tensor([0, 3]), tt.tensor([0.5, 0]), {beta: 1}).item(),
  smooth0: tt.nn.functional.smoothL1Loss(tt.tensor([0, 3]), tt.tensor([0.5, 0]), {beta: 0}).item(),
  kl: tt.nn.KLDivLoss({reduction: "batchmean"}).call(tt.tensor([[0.5, 0.5]]).log(), tt.tensor([[0.25, 0.75]])).item().toFixed(5),
  klLog: tt.nn.functional.klDiv(tt.tensor([[0.5, 0.5]]).log(), tt.tensor([[0.25, 0.75]]).log(), {reduction: "sum", logTarget: true}).item().toFixed(5),
  gn: r4(tt.nn.GroupNorm(1, 2).call(tt.tensor([[[1], [3]]]))), gnf: r4(tt.nn.functional.groupNorm(tt.tensor([[1, 3]]), 1)),
  acts: r4(tt.nn.Sequential(tt.nn.SiLU(), tt.nn.ELU(), tt.nn.Softplus({beta: 2})).call(tt.tensor([1]))),
  names: [String(tt.nn.SmoothL1Loss({beta: 0.5})), String(tt.nn.KLDivLoss()), String(tt.nn.L1Loss()),
    String(tt.nn.ELU()), String(tt.nn.Softplus()), String(tt.nn.SmoothL1Loss({beta: 0}))],
  errors: [err(() => tt.einsum("...ij->...ji", x)), err(() => x.topk(1, {dims: 0})),
    err(() => tt.nn.KLDivLoss({reduction: "avg"})), err(() => tt.nn.GroupNorm(3, 4)),
    err(() => x.split([1, 1], 1)), err(() => tt.nn.L1Loss({beta: 1})), err(() => x.topk(1, 0, {dim: 1}))],
})`
	state, out := runCode(t, ctx, 1, code)
	var got map[string]any
	if state != "done" || !decodeJSON(out, &got) {
		t.Fatalf("state %q, output %q", state, out)
	}
	// silu(1) = 0.7311, elu(0.7311) = 0.7311, softplus with beta 2:
	// log(1 + e^1.4621)/2 = 0.8353.
	want := map[string]any{
		"cumsum": []any{[]any{3.0, 4.0, 6.0}, []any{0.0, 5.0, 9.0}}, "prod": []any{6.0, 0.0},
		"prodGrad": []any{[]any{24.0, 12.0}, []any{8.0, 6.0}},
		"sortV":    []any{[]any{3.0, 2.0, 1.0}, []any{5.0, 4.0, 0.0}}, "sortI": []any{[]any{0.0, 2.0, 1.0}, []any{1.0, 2.0, 0.0}},
		"topkV": []any{[]any{0.0, 1.0, 2.0}, []any{3.0, 5.0, 4.0}}, "topkI": []any{[]any{1.0, 0.0, 0.0}, []any{0.0, 1.0, 1.0}},
		"norm": 5.0, "normInf": []any{4.0}, "normFro": []any{[]any{5.0}},
		"unary": []any{[]any{-2.0, 0.0, 2.0}, []any{-2.0, 2.0}, []any{-1.0, 0.0, 1.0}, []any{0.0}, []any{0.0},
			[]any{0.0}, []any{30.0}, []any{-0.5, 2.0}, []any{-2.0}},
		"flip": []any{[]any{2.0, 1.0, 3.0}, []any{4.0, 5.0, 0.0}}, "roll": []any{[]any{2.0, 3.0, 1.0}, []any{4.0, 0.0, 5.0}},
		"rollFlat": []any{[]any{4.0, 3.0, 1.0}, []any{2.0, 0.0, 5.0}},
		"repeat":   []any{[]any{1.0, 2.0, 1.0, 2.0}, []any{1.0, 2.0, 1.0, 2.0}},
		"chunk":    []any{[]any{2.0, 2.0}, []any{2.0, 1.0}},
		"split":    []any{[]any{[]any{3.0}, []any{0.0}}, []any{[]any{1.0, 2.0}, []any{5.0, 4.0}}}, "splitN": 3.0,
		"maskedFill":   []any{[]any{-1.0, 1.0, 2.0}, []any{0.0, -1.0, -1.0}},
		"scatter":      []any{[]any{0.0, 0.0, 7.0}, []any{8.0, 0.0, 0.0}},
		"scatterAdd":   []any{3.0, 0.0, 3.0},
		"scatterValue": []any{[]any{0.0, 5.0}, []any{5.0, 0.0}},
		"einsum":       []any{[]any{6.0}, []any{9.0}}, "trace": 5.0, "einsumList": 11.0,
		"l1": 1.5, "smooth": 1.3125, "smooth0": 1.75, "kl": "0.13081", "klLog": "0.13081",
		"gn": []any{-1.0, 1.0}, "gnf": []any{-1.0, 1.0}, "acts": []any{0.8353},
		"names": []any{"SmoothL1Loss()", "KLDivLoss()", "L1Loss()", "ELU(alpha=1.0)", "Softplus(beta=1, threshold=20)", "SmoothL1Loss()"},
	}
	for key, w := range want {
		if !reflect.DeepEqual(got[key], w) {
			t.Errorf("%s = %v, want %v", key, got[key], w)
		}
	}
	errs, _ := got["errors"].([]any)
	for i, w := range []string{
		"ellipsis (...), which is not supported",
		`topk: unknown option "dims" (known: k, dim, largest, sorted)`,
		`reduction "avg", expected "mean", "batchmean", "sum" or "none"`,
		"nn.GroupNorm: 4 channels into 3 groups",
		"split: sizes [1, 1] add up to 2, but dimension 1 of shape [2, 3] has 3",
		`tt.nn.L1Loss: unknown option "beta" (known: reduction)`,
		"topk: dim is given twice, as argument 2 and as an option",
	} {
		if i >= len(errs) || !strings.Contains(fmt.Sprint(errs[i]), w) {
			t.Errorf("error %d = %v, want one containing %q", i, errs, w)
		}
	}
	// Displayed, a sort or topk pair reads as PyTorch prints its return type.
	const shown = "topk(\nvalues=tensor([5., 3.]),\nindices=tensor([1., 0.]))"
	if state, out := runCode(t, ctx, 1, "tt.tensor([3, 5, 1]).topk(2)"); state != "done" || out != shown {
		t.Errorf("display of x.topk(2): state %q, output %q; want %q", state, out, shown)
	}
}
