//go:build browser

package browsertest

import (
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

// fuzzTTCode throws random calls with bad arguments at every function of
// tt (found by walking the tt object), at every tensor method (on a plain,
// a 0-d, an empty and a disposed tensor, and on things that are not
// tensors). The methods of the objects that calls return (layers,
// optimizers) are left out: called at random they start legitimately
// endless work (a fit of 1e10 epochs), which is not a defect. Arguments are drawn, with a fixed seed,
// from the values a cell can pass by mistake: BigInts, null, undefined,
// NaN, ±Infinity, negative, huge and fractional numbers, strings, plain
// objects, arrays nested and ragged, typed arrays, functions and tensors
// of every kind. A thrown error is the expected answer; one whose message
// says "internal error" is a Go panic that the bindings recovered
// (bind.go), which a cell must never see.
//
// A few functions are left out because a correct call is slow or reaches
// outside the kernel (downloads, benchmarks, threads, the cache).
const fuzzTTCode = `const seed = %d, calls = %d;
let s = seed >>> 0;
const rand = () => { s = (s + 0x6D2B79F5) >>> 0; let t = s; t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
const pick = (list) => list[Math.floor(rand() * list.length)];
const skip = new Set(["tt.data.mnist", "tt.data.fashionMNIST", "tt.data.clearCache", "tt.data.cache",
  "tt.kernels.threads", "tt.kernels.use", "tt.profile.downloadTrace", "tt.manualSeed"]);
const skipNS = new Set(["tt.bench"]);
const disposed = () => { const d = tt.ones(2); d.dispose(); return d; };
const values = [
  () => 10n, () => -3n, () => 0n, () => 2n ** 60n, () => -(2n ** 70n), () => [2n, 3n], () => [[1n, 2n]],
  () => ({lr: 1n}), () => ({weight: 2n}), () => null, () => undefined, () => NaN, () => Infinity,
  () => -Infinity, () => -1, () => 0, () => 1, () => 2, () => 3, () => 1e10, () => 2.5, () => -0.5,
  () => 1e9, () => "abc", () => "", () => "2", () => true, () => false, () => ({}), () => ({foo: 1}),
  () => ({n: 1e10}), () => ({n: -1}), () => [], () => [1, 2], () => [[1, 2], [3]], () => [[[1]]],
  () => [1e9, 1e9], () => [-1, 2], () => [null], () => ["a"], () => [NaN], () => [[]],
  () => new Float32Array([1, 2]), () => new Int32Array(3), () => new BigInt64Array(2), () => new Uint8Array(0),
  () => () => 1, () => () => 10n, () => () => { throw new Error("thrown by the fuzzer"); }, () => () => ({}),
  () => Symbol("s"), () => disposed(), () => tt.tensor(3.5), () => tt.zeros(0), () => tt.zeros(2, 0),
  () => tt.ones(2, 3), () => tt.tensor([[1, 2], [3, 4]], {requiresGrad: true}), () => tt.arange(6).reshape(2, 3),
  () => tt.tensor([0, 2, 1]), () => tt.data.xor(), () => tt.nn.Linear(2, 2),
  () => ({ get lr() { throw new Error("thrown by a getter"); } }), () => ({ toString() { throw new Error("thrown by toString"); } }),
  () => Object.create(null), () => new Array(3), () => [1, [2, [3, [4]]]], () => ({length: 1e10}),
  () => { const t = tt.ones(2); t._h = "not a handle"; return t; }, () => Object.create(Object.getPrototypeOf(tt.ones(1))),
];
const randomArgs = () => { const n = Math.floor(rand() * 5); const a = []; for (let i = 0; i < n; i++) a.push(pick(values)()); return a; };
const functions = [];
const seen = new Set();
const walk = (obj, path, depth) => {
  if (depth > 3 || obj === null || (typeof obj !== "object" && typeof obj !== "function") || seen.has(obj)) return;
  seen.add(obj);
  for (const key of Object.keys(obj)) {
    const name = path + "." + key;
    if (skip.has(name) || skipNS.has(name)) continue;
    let v; try { v = obj[key]; } catch { continue; }
    if (typeof v === "function") functions.push([name, v, obj]);
    if (v && typeof v === "object") walk(v, name, depth + 1);
  }
};
walk(tt, "tt", 0);
const proto = Object.getPrototypeOf(tt.ones(1));
const methods = Object.getOwnPropertyNames(proto).filter((k) => typeof Object.getOwnPropertyDescriptor(proto, k).value === "function");
const getters = Object.getOwnPropertyNames(proto).filter((k) => typeof Object.getOwnPropertyDescriptor(proto, k).get === "function");
const receivers = [() => tt.ones(2, 3), () => tt.tensor(3.5), () => tt.zeros(0), () => disposed(),
  () => tt.tensor([[1, 2], [3, 4]], {requiresGrad: true}), () => ({}), () => 10n, () => null];
const errors = new Map(), panics = new Map();
const describe = (a) => { try { return a.map((x) => typeof x === "bigint" ? x + "n" : typeof x === "function" ? "fn" :
  typeof x === "symbol" ? "symbol" : Object.getPrototypeOf(x ?? 0) === proto ? "tensor" : JSON.stringify(x) ?? String(x)).join(", "); } catch { return "?"; } };
const note = (name, args, e) => {
  const msg = String(e && e.message !== undefined ? e.message : e);
  errors.set(msg, (errors.get(msg) || 0) + 1);
  if (msg.includes("internal error") && !panics.has(msg)) panics.set(msg, name + "(" + describe(args) + ")");
};
let made = 0;
const channel = new BroadcastChannel("tt-fuzz");
{ // What Go writes to stderr (a runtime crash) reaches the page too.
  const write = globalThis.fs.writeSync, decoder = new TextDecoder();
  globalThis.fs.writeSync = (fd, buf) => { channel.postMessage("go: " + decoder.decode(buf)); return write(fd, buf); };
}
const call = (name, fn, self, args) => {
  made++;
  channel.postMessage(made + ": " + name + "(" + describe(args) + ")");
  try {
    const r = fn.apply(self, args);
    if (r && typeof r.then === "function") r.then(() => {}, (e) => note(name, args, e));
    // A result is printed and read too, unless it is a huge view (an
    // expand to 1e10 elements would take minutes to print).
    if (r && Object.getPrototypeOf(r) === proto && r.numel() <= 1e5) { try { String(r); r.toArray(); } catch (e) { note(name + " result", args, e); } }
  } catch (e) { note(name, args, e); }
};
const started = performance.now();
for (let i = 0; i < calls; i++) {
  tt.tidy(() => {
    const roll = rand();
    if (roll < 0.4) { const [name, fn, self] = pick(functions); call(name, fn, self, randomArgs()); }
    else if (roll < 0.75) { const m = pick(methods); const r = pick(receivers)(); call("tensor." + m, proto[m], r, randomArgs()); }
    else if (roll < 0.8) { const g = pick(getters); const r = pick(receivers)();
      try { made++; Object.getOwnPropertyDescriptor(proto, g).get.call(r); } catch (e) { note("tensor." + g, [], e); } }
    else { const [name, fn, self] = pick(functions); call(name, fn, self, randomArgs()); }
  });
}
await new Promise((r) => setTimeout(r, 200));
JSON.stringify({calls: made, functions: functions.length, methods: methods.length,
  distinct: errors.size, ms: Math.round(performance.now() - started), panics: [...panics].map(([m, c]) => c + " → " + m)})`

// TestFuzzTTBadArguments fails on any Go panic that a random call with bad
// arguments can reach from a cell, and prints the number of calls and of
// distinct error messages. The seed is fixed, so a failure is reproduced
// by running the test again.
func TestFuzzTTBadArguments(t *testing.T) {
	t.Parallel()
	// 15,000 calls take some 45 s alone and twice that beside another
	// test: the tab gets 3 minutes.
	ctx := newTabWithin(t, 3*time.Minute)
	openNotebook(t, ctx, "01-system")
	const seed, calls = 20261206, 15000
	// Each call is posted to the page before it is made, so that if one
	// stops the kernel, the failure names it.
	eval[bool](t, ctx, `(window.ttFuzz = new BroadcastChannel("tt-fuzz"), window.ttFuzzGo = "",
  window.ttFuzzLast = [], window.ttFuzz.onmessage = (e) => e.data.startsWith("go: ") ? window.ttFuzzGo += e.data.slice(4) : window.ttFuzzLast = [...window.ttFuzzLast.slice(-19), e.data], true)`)
	state, out := runCodeWithin(t, ctx, 1, fmt.Sprintf(fuzzTTCode, seed, calls), 160*time.Second)
	if state != "done" {
		t.Fatalf("state %q, output %q; the last calls were:\n%s\nGo wrote:\n%s", state, out,
			eval[string](t, ctx, `window.ttFuzzLast.join("\n")`), eval[string](t, ctx, `window.ttFuzzGo.slice(0, 3000)`))
	}
	var got struct {
		Calls, Functions, Methods, Distinct, Ms int
		Panics                                  []string
	}
	// Progress bars made by the calls print before the result, on the
	// last line.
	if state != "done" || !decodeJSON(out[strings.LastIndex(out, "\n")+1:], &got) {
		t.Fatalf("state %q, output %q", state, out)
	}
	fmt.Printf("fuzz tt: %d calls (%d tt functions, %d tensor methods) in %d ms, %d distinct error messages, %d panics\n",
		got.Calls, got.Functions, got.Methods, got.Ms, got.Distinct, len(got.Panics))
	if got.Functions < 100 || got.Methods < 50 || got.Calls < calls*3/4 {
		t.Errorf("the walk found only %d tt functions and %d tensor methods, and made %d calls: it read the wrong objects", got.Functions, got.Methods, got.Calls)
	}
	if len(got.Panics) > 0 {
		t.Errorf("%d Go panics reached a cell:\n%s", len(got.Panics), strings.Join(got.Panics, "\n"))
	}
	// The kernel is still whole after all that.
	if state, out := runCode(t, ctx, 1, "tt.ones(2, 3).sum().item()"); state != "done" || out != "6" {
		t.Errorf("after the fuzzing, tt.ones(2, 3).sum().item(): state %q, output %q", state, out)
	}
}

// TestTTArgumentsAndMessages checks the defects of issue 21 one by one:
// BigInts accepted where an integer is meant and refused beyond 2^53,
// the panics of a 0-d slice and of a disposed tensor as a chart label,
// sizes beyond the memory budget, and error messages in tt's words.
func TestTTArgumentsAndMessages(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	code := `const r = {};
const msg = (f) => { try { f(); return "no error"; } catch (e) { return e.message; } };
r.oneHot = tt.oneHot(tt.tensor([1, 0]), 3n).toArray();
r.oneHotIndex = msg(() => tt.oneHot(10n, 3));
r.oneHotInfinite = msg(() => tt.oneHot(Infinity, -3));
r.zeros = tt.zeros(2n, 3n).shape;
r.reshape = tt.arange(6).reshape([3n, 2n]).shape;
const m = tt.nn.Linear(2, 2);
m.loadStateDict({weight: [[1n, 2n], [3n, 4n]], bias: [5n, -6n]});
r.loaded = [m.weight.toArray(), m.bias.toArray()];
r.huge = msg(() => tt.zeros(2n ** 60n));
r.slice0d = msg(() => tt.tensor(3.5).slice(0));
const d = tt.ones(2); d.dispose();
r.label = msg(() => tt.plot.images(tt.zeros(2, 3, 3), {labels: [d, d]}));
r.zerosBudget = msg(() => tt.zeros(1e10));
r.linearBudget = msg(() => tt.nn.Linear(1e5, 1e5));
r.padBudget = msg(() => tt.ones(2, 2).pad([1e9, 1e9]));
r.broadcastBudget = msg(() => tt.ones(1e5, 1).add(tt.ones(1, 1e5)));
const leaf = tt.ones(2, {requiresGrad: true});
r.noGrad = msg(() => leaf.add_(1));
r.detach = msg(() => leaf.mul(2).requiresGrad_(false));
r.retain = msg(() => { const y = leaf.mul(leaf).sum(); y.backward(); y.backward(); });
r.clone = msg(() => tt.ones(1).expand(3).add_(1));
r.init = msg(() => tt.nn.init.xavierUniform_(tt.ones(3)));
r.emptyRows = String(tt.repeat(tt.zeros(0), [1e9, 1e9]));
r.emptyNest = msg(() => tt.zeros(1e9, 0).toArray());
// Calls enter Go through the export ttEnter (wasm/kernel/bind.go), nested
// four deep here, with an exception thrown from the innermost callback
// passing out through all of them.
r.entry = self.__ttEntry;
r.nested = tt.tidy(() => tt.noGrad(() => tt.tidy(() => tt.ones(2).add(1).sum().item())));
r.nestedThrow = msg(() => tt.tidy(() => tt.noGrad(() => tt.tidy(() => { throw new Error("thrown in the cell"); }))));
r.nestedError = msg(() => tt.tidy(() => tt.noGrad(() => tt.ones(2).add(tt.ones(3)))));
r.async = msg(() => tt.tidy(() => new Promise((done) => setTimeout(done, 0))));
JSON.stringify(r)`
	state, out := runCode(t, ctx, 1, code)
	var got map[string]any
	if state != "done" || !decodeJSON(out, &got) {
		t.Fatalf("state %q, output %q", state, out)
	}
	values := map[string]any{
		"oneHot": []any{[]any{0.0, 1.0, 0.0}, []any{1.0, 0.0, 0.0}}, "zeros": []any{2.0, 3.0}, "reshape": []any{3.0, 2.0},
		"loaded": []any{[]any{[]any{1.0, 2.0}, []any{3.0, 4.0}}, []any{5.0, -6.0}},
		// The fuzzer's repeat of an empty tensor: printed as PyTorch does,
		// not as a billion empty rows (that ran the kernel out of memory).
		"emptyRows": "tensor([], size=(1000000000, 0))",
		"entry":     "ttEnter", "nested": 4.0, "nestedThrow": "thrown in the cell",
	}
	for key, want := range values {
		if !reflect.DeepEqual(got[key], want) {
			t.Errorf("%s = %v, want %v", key, got[key], want)
		}
	}
	// Each message must contain every wanted piece and none of the
	// unwanted (Go's names, doubled prefixes, a recovered panic).
	messages := map[string]struct{ want, not []string }{
		"oneHotIndex":     {[]string{"oneHot: index 10"}, nil},
		"oneHotInfinite":  {[]string{"tt.oneHot: cannot infer the number of classes"}, nil},
		"huge":            {[]string{"the BigInt 1152921504606846976n", "beyond ±2^53"}, nil},
		"slice0d":         {[]string{"slice: cannot be applied to a 0-d tensor, expected at least 1 dimension"}, nil},
		"label":           {[]string{"tt.plot.images: label 0 is a disposed tensor"}, nil},
		"zerosBudget":     {[]string{"tt.zeros: shape [10000000000] needs 40 GB (40000000000 bytes), more than the", "(1073741824 bytes)"}, []string{"tensor.Zeros"}},
		"linearBudget":    {[]string{"Linear: shape [100000, 100000] needs 40 GB (40000000000 bytes)", "(1073741824 bytes)"}, []string{"nn:"}},
		"padBudget":       {[]string{"pad: shape [2, 2000000002] needs 16 GB (16000000016 bytes)", "(1073741824 bytes)"}, []string{"full:"}},
		"broadcastBudget": {[]string{"add: shape [100000, 100000] needs 40 GB"}, nil},
		"noGrad":          {[]string{"inside tt.noGrad"}, []string{"NoGrad "}},
		"detach":          {[]string{"requiresGrad_: ", "use detach() for a copy"}, []string{"Detach", "setRequiresGrad"}},
		"retain":          {[]string{"{retainGraph: true}"}, []string{"RetainGraph"}},
		"clone":           {[]string{"clone() it first"}, []string{"Clone"}},
		"init":            {[]string{"tt.nn.init.xavierUniform_: fan in and fan out"}, []string{"init: fan"}},
		"nestedError":     {[]string{"add: shapes [2] and [3] do not broadcast"}, nil},
		"async":           {[]string{"tt.tidy: the function must not be async"}, nil},
		"emptyNest":       {[]string{"tensor.toArray: shape [1000000000, 0] nests 1000000001 arrays, more than the 4194304", "dataSync()"}, nil},
	}
	for key, m := range messages {
		msg, _ := got[key].(string)
		for _, w := range m.want {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: message %q lacks %q", key, msg, w)
			}
		}
		for _, n := range append(m.not, "internal error", "no error") {
			if strings.Contains(msg, n) {
				t.Errorf("%s: message %q contains %q", key, msg, n)
			}
		}
	}

	// A progress bar's rate names its unit: "it" unless the cell names one.
	for unit, opts := range map[string]string{"it": "", "samples": `, {unit: "samples"}`} {
		code := fmt.Sprintf("const p = tt.progress(4%s);\np.update(2);\nawait new Promise((r) => setTimeout(r, 150));\np.update(4);", opts)
		state, out := runCode(t, ctx, 1, code)
		if state != "done" || !regexp.MustCompile(`\d · [\d.]+ `+unit+`/s · `).MatchString(out) {
			t.Errorf("progress with unit %q: state %q, output %q; want a rate in %s/s", unit, state, out, unit)
		}
	}
}
