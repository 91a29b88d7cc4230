//go:build browser

package browsertest

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"
)

// unknownOptionsCode walks the tt object as TestFuzzTTBadArguments does
// and sorts every function it finds into one of two lists: calls, the
// functions that take options, each with a valid call that passes the
// options object O, and noOptions, those that take none. A function in
// neither list fails the test, so a new binding must be sorted here. Each
// call in calls is made with O = {zzUnknownOption: 1} (merged into any
// options the call needs) and must throw an error that names the
// function, the unknown key and the known keys. Methods of the objects
// that functions return (tensor methods, trainer.fit,
// opt.addParamGroup) are in calls too, under their receiver's name.
const unknownOptionsCode = `const U = {zzUnknownOption: 1};
const X = () => tt.ones(4, 2), Y = () => tt.tensor([0, 1, 0, 1]);
const model = () => tt.nn.Sequential(tt.nn.Linear(2, 2));
const sgd = () => tt.optim.SGD(tt.nn.Linear(2, 2).parameters(), {lr: 0.1});
const loader = () => tt.data.DataLoader(tt.data.TensorDataset(X(), Y()), {batchSize: 2});
const trainer = () => tt.train.Trainer({model: model(), optimizer: sgd(), loss: tt.nn.CrossEntropyLoss()});
const img = () => tt.rand(2, 1, 4, 4);
const calls = {
  "tt.tensor": (O) => tt.tensor([1, 2], O), "tt.zeros": (O) => tt.zeros(2, O), "tt.ones": (O) => tt.ones(2, O),
  "tt.rand": (O) => tt.rand(2, O), "tt.randn": (O) => tt.randn(2, O), "tt.full": (O) => tt.full([2], 1, O),
  "tt.arange": (O) => tt.arange(3, O), "tt.linspace": (O) => tt.linspace(0, 1, 3, O),
  "tt.fullLike": (O) => tt.fullLike(X(), 1, O), "tt.randintLike": (O) => tt.randintLike(X(), 5, O),
  // Tensor methods, also tt functions of the tensor first.
  "sum": (O) => X().sum(0, O), "mean": (O) => X().mean(0, O), "amax": (O) => X().amax(0, O),
  "amin": (O) => X().amin(0, O), "logsumexp": (O) => X().logsumexp(0, O), "max": (O) => X().max(0, O),
  "min": (O) => X().min(0, O), "argmax": (O) => X().argmax(0, O), "argmin": (O) => X().argmin(0, O),
  "var": (O) => X().var(0, O), "std": (O) => X().std(0, O), "clamp": (O) => X().clamp(O),
  "clamp_": (O) => X().clamp_(O), "backward": (O) => tt.ones(2, {requiresGrad: true}).sum().backward(O),
  "softplus": (O) => X().softplus(O), "elu": (O) => X().elu(O), "cumsum": (O) => X().cumsum(0, O),
  "prod": (O) => X().prod(0, O), "sort": (O) => X().sort(0, O), "topk": (O) => X().topk(1, O),
  "norm": (O) => X().norm(2, O), "roll": (O) => X().roll(1, O), "chunk": (O) => X().chunk(2, O),
  "split": (O) => X().split(2, O), "unfold": (O) => img().unfold(2, O),
  "tt.nn.Linear": (O) => tt.nn.Linear(2, 2, O), "tt.nn.Conv2d": (O) => tt.nn.Conv2d(1, 1, 3, O),
  "tt.nn.MaxPool2d": (O) => tt.nn.MaxPool2d(2, O), "tt.nn.AvgPool2d": (O) => tt.nn.AvgPool2d(2, O),
  "tt.nn.Flatten": (O) => tt.nn.Flatten(O), "tt.nn.Dropout": (O) => tt.nn.Dropout(O),
  "tt.nn.BatchNorm1d": (O) => tt.nn.BatchNorm1d(2, O), "tt.nn.BatchNorm2d": (O) => tt.nn.BatchNorm2d(2, O),
  "tt.nn.LayerNorm": (O) => tt.nn.LayerNorm([2], O), "tt.nn.LeakyReLU": (O) => tt.nn.LeakyReLU(O),
  "tt.nn.Softmax": (O) => tt.nn.Softmax(O), "tt.nn.GroupNorm": (O) => tt.nn.GroupNorm(1, 2, O),
  "tt.nn.ELU": (O) => tt.nn.ELU(O), "tt.nn.Softplus": (O) => tt.nn.Softplus(O),
  "tt.nn.MultiheadAttention": (O) => tt.nn.MultiheadAttention(4, 2, O),
  "mha.call": (O) => tt.nn.MultiheadAttention(2, 1).call(X().reshape(4, 1, 2), O),
  "tt.nn.functional.scaledDotProductAttention": (O) => tt.nn.functional.scaledDotProductAttention(X(), X(), X(), O),
  "tt.nn.MSELoss": (O) => tt.nn.MSELoss(O), "tt.nn.CrossEntropyLoss": (O) => tt.nn.CrossEntropyLoss(O),
  "tt.nn.NLLLoss": (O) => tt.nn.NLLLoss(O), "tt.nn.BCELoss": (O) => tt.nn.BCELoss(O),
  "tt.nn.BCEWithLogitsLoss": (O) => tt.nn.BCEWithLogitsLoss(O), "tt.nn.L1Loss": (O) => tt.nn.L1Loss(O),
  "tt.nn.SmoothL1Loss": (O) => tt.nn.SmoothL1Loss(O), "tt.nn.KLDivLoss": (O) => tt.nn.KLDivLoss(O),
  "tt.nn.functional.mseLoss": (O) => tt.nn.functional.mseLoss(X(), X(), O),
  "tt.nn.functional.crossEntropy": (O) => tt.nn.functional.crossEntropy(X(), Y(), O),
  "tt.nn.functional.nllLoss": (O) => tt.nn.functional.nllLoss(X(), Y(), O),
  "tt.nn.functional.binaryCrossEntropy": (O) => tt.nn.functional.binaryCrossEntropy(X().sigmoid(), X(), O),
  "tt.nn.functional.binaryCrossEntropyWithLogits": (O) => tt.nn.functional.binaryCrossEntropyWithLogits(X(), X(), O),
  "tt.nn.functional.l1Loss": (O) => tt.nn.functional.l1Loss(X(), X(), O),
  "tt.nn.functional.smoothL1Loss": (O) => tt.nn.functional.smoothL1Loss(X(), X(), O),
  "tt.nn.functional.klDiv": (O) => tt.nn.functional.klDiv(X(), X(), O),
  "tt.nn.functional.elu": (O) => tt.nn.functional.elu(X(), O),
  "tt.nn.functional.softplus": (O) => tt.nn.functional.softplus(X(), O),
  "tt.nn.functional.dropout": (O) => tt.nn.functional.dropout(X(), O),
  "tt.nn.functional.groupNorm": (O) => tt.nn.functional.groupNorm(X(), 1, O),
  "tt.nn.init.uniform_": (O) => tt.nn.init.uniform_(X(), O), "tt.nn.init.normal_": (O) => tt.nn.init.normal_(X(), O),
  "tt.nn.init.constant_": (O) => tt.nn.init.constant_(X(), O), "tt.nn.init.zeros_": (O) => tt.nn.init.zeros_(X(), O),
  "tt.nn.init.ones_": (O) => tt.nn.init.ones_(X(), O), "tt.nn.init.xavierUniform_": (O) => tt.nn.init.xavierUniform_(X(), O),
  "tt.nn.init.xavierNormal_": (O) => tt.nn.init.xavierNormal_(X(), O),
  "tt.nn.init.kaimingUniform_": (O) => tt.nn.init.kaimingUniform_(X(), O),
  "tt.nn.init.kaimingNormal_": (O) => tt.nn.init.kaimingNormal_(X(), O),
  "tt.optim.SGD": (O) => tt.optim.SGD(tt.nn.Linear(2, 2).parameters(), {lr: 0.1, ...O}),
  "tt.optim.Adam": (O) => tt.optim.Adam(tt.nn.Linear(2, 2).parameters(), O),
  "tt.optim.AdamW": (O) => tt.optim.AdamW(tt.nn.Linear(2, 2).parameters(), O),
  "tt.optim.RMSprop": (O) => tt.optim.RMSprop(tt.nn.Linear(2, 2).parameters(), O),
  "tt.optim.lrScheduler.StepLR": (O) => tt.optim.lrScheduler.StepLR(sgd(), {stepSize: 2, ...O}),
  "tt.optim.lrScheduler.CosineAnnealingLR": (O) => tt.optim.lrScheduler.CosineAnnealingLR(sgd(), {tMax: 2, ...O}),
  "tt.optim.lrScheduler.LinearLR": (O) => tt.optim.lrScheduler.LinearLR(sgd(), O),
  "tt.optim.lrScheduler.OneCycleLR": (O) => tt.optim.lrScheduler.OneCycleLR(sgd(), {maxLr: 0.1, totalSteps: 4, ...O}),
  "optimizer.addParamGroup": (O) => sgd().addParamGroup({params: [tt.ones(1)], ...O}),
  "tt.train.fit": (O) => tt.train.fit(model(), loader(), {optimizer: sgd(), loss: tt.nn.CrossEntropyLoss(), progress: false, chart: false, ...O}),
  "tt.train.Trainer": (O) => tt.train.Trainer({model: model(), optimizer: sgd(), loss: tt.nn.CrossEntropyLoss(), ...O}),
  "trainer.fit": (O) => trainer().fit(loader(), {progress: false, chart: false, ...O}),
  "tt.train.Accuracy": (O) => tt.train.Accuracy(O), "tt.train.earlyStopping": (O) => tt.train.earlyStopping(O),
  "tt.train.checkpoint": (O) => tt.train.checkpoint({save: () => {}, ...O}), "tt.train.logger": (O) => tt.train.logger(O),
  "tt.train.batches": (O) => tt.train.batches(X(), Y(), O),
  "tt.data.DataLoader": (O) => tt.data.DataLoader(tt.data.TensorDataset(X(), Y()), O),
  "tt.data.randomSplit": (O) => tt.data.randomSplit(tt.data.TensorDataset(X(), Y()), [2, 2], O),
  "tt.data.xor": (O) => tt.data.xor(O), "tt.data.spirals": (O) => tt.data.spirals(O), "tt.data.moons": (O) => tt.data.moons(O),
  "tt.data.circles": (O) => tt.data.circles(O), "tt.data.blobs": (O) => tt.data.blobs(O),
  "tt.data.linearRegression": (O) => tt.data.linearRegression(O),
  "tt.data.mnist": (O) => tt.data.mnist(O), "tt.data.fashionMNIST": (O) => tt.data.fashionMNIST(O),
  "tt.data.showBatch": (O) => tt.data.showBatch(img(), tt.tensor([0, 1]), O),
  "tt.data.transforms.RandomCrop": (O) => tt.data.transforms.RandomCrop(4, O),
  "tt.data.transforms.RandomHorizontalFlip": (O) => tt.data.transforms.RandomHorizontalFlip(O),
  "tt.plot.line": (O) => tt.plot.line([1, 2], O), "tt.plot.bar": (O) => tt.plot.bar(["a"], [1], O),
  "tt.plot.histogram": (O) => tt.plot.histogram([1, 2], O), "tt.plot.images": (O) => tt.plot.images(img(), O),
  "tt.plot.roofline": (O) => tt.plot.roofline([{name: "a", intensity: 2, gflops: 1}], {peak: 20, bandwidth: 8, ...O}),
  "tt.plot.timeline": (O) => tt.plot.timeline([{row: "a", start: 0, duration: 1}], O),
  "tt.profile": (O) => tt.profile(() => tt.ones(2).sum(), O),
  "tt.bench": (O) => tt.bench(() => 1, {iterations: 1, warmup: 0, ...O}),
  "tt.bench.compare": (O) => tt.bench.compare({a: () => 1, b: () => 2}, {iterations: 1, warmup: 0, ...O}),
  "tt.config.parse": (O) => tt.config.parse("epochs: 1", O), "tt.train.run": (O) => tt.train.run("epochs: 1", O),
  "tt.train.evaluate": (O) => tt.train.evaluate("x", O), "tt.load": (O) => tt.load("x", O),
  "tt.upload": (O) => tt.upload(".safetensors", O),
  "tt.progress": (O) => tt.progress(2, O), "tt.image": (O) => tt.image(img().select(0, 0), O),
  "tt.check.close": (O) => tt.check.close([1], [1], O),
  "tt.check.fn": (O) => tt.check.fn((x) => x, (x) => x, {shapes: [[2]], ...O}),
  "tt.check.function": (O) => tt.check.function(class F extends tt.autograd.Function {
    static forward(c, x) { return x.mul(1); } static backward(c, g) { return g; } }, (x) => x, {shapes: [[2]], ...O}),
  "tt.check.module": (O) => tt.check.module(null, {reference: () => tt.nn.Linear(2, 2), input: [1, 2], ...O}),
  "tt.check.optimizer": (O) => tt.check.optimizer(null, {reference: (p, o) => tt.optim.SGD(p, o), options: {lr: 0.1}, ...O}),
  "tt.check.kernel": (O) => tt.check.kernel(null, O), "tt.check.backward": (O) => tt.check.backward(null, O),
  "tt.quant.quantizePerTensor": (O) => tt.quant.quantizePerTensor(X(), 0.1, 0, O),
  "tt.quant.quantizePerChannel": (O) => tt.quant.quantizePerChannel(X(), [0.1, 0.1], [0, 0], 1, O),
  "tt.quant.MinMaxObserver": (O) => tt.quant.MinMaxObserver(O), "tt.quant.PercentileObserver": (O) => tt.quant.PercentileObserver(O),
  "tt.quant.prepare": (O) => tt.quant.prepare(model(), O), "tt.quant.prepareQat": (O) => tt.quant.prepareQat(model(), O),
  "tt.quant.calibrate": (O) => tt.quant.calibrate(tt.quant.prepare(model()), [X(), Y()], O),
  "tt.quant.quantize": (O) => tt.quant.quantize(model(), [X(), Y()], O),
  "tt.prune.l1Unstructured": (O) => tt.prune.l1Unstructured(model(), "0.weight", {amount: 0.5, ...O}),
  "tt.prune.globalUnstructured": (O) => tt.prune.globalUnstructured(model(), {amount: 0.5, ...O}),
  "tt.prune.lnStructured": (O) => tt.prune.lnStructured(tt.nn.Sequential(tt.nn.Linear(2, 4), tt.nn.ReLU(), tt.nn.Linear(4, 2)), 0, {amount: 0.5, ...O}),
  "tt.prune.remove": (O) => tt.prune.remove(model(), "0.weight", O), "tt.prune.apply": (O) => tt.prune.apply(model(), O),
  "tt.prune.wrap": (O) => tt.prune.wrap(model(), sgd(), O), "tt.prune.report": (O) => tt.prune.report(model(), O),
  "tt.prune.schedule": (O) => tt.prune.schedule(model(), {final: 0.5, end: 10, ...O}),
  "tt.prune.sparsify": (O) => tt.prune.sparsify(model(), O),
  "tt.prune.crossover": (O) => tt.prune.crossover({rows: 4, cols: 4, densities: [0.5], iterations: 1, ...O}),
};
// The functional forms of the methods above: tt.sum(x, 0, O) is x.sum(0, O).
for (const m of Object.keys(calls)) if (!m.includes(".") && typeof tt[m] === "function") calls["tt." + m] = (O) => calls[m](O);
const noOptions = new Set(%s);
const found = [];
const seen = new Set();
const walk = (obj, path, depth) => {
  if (depth > 3 || obj === null || (typeof obj !== "object" && typeof obj !== "function") || seen.has(obj)) return;
  seen.add(obj);
  for (const key of Object.keys(obj)) {
    const name = path + "." + key;
    let v; try { v = obj[key]; } catch { continue; }
    if (typeof v === "function") found.push(name);
    if (v && (typeof v === "object" || typeof v === "function")) walk(v, name, depth + 1);
  }
};
walk(tt, "tt", 0);
const unsorted = found.filter((n) => !(n in calls) && !noOptions.has(n) && !noOptions.has(n.replace(/_$/, "")) && !((n + "_") in calls));
const bad = [];
for (const [name, call] of Object.entries(calls)) {
  let msg = "no error";
  try { tt.tidy(() => { call(U); }); } catch (e) { msg = String(e && e.message); }
  const short = name.split(".").pop();
  const ok = msg.includes(short) && msg.includes('unknown option "zzUnknownOption"') && /\(known: [A-Za-z]|\(it takes no options\)/.test(msg);
  if (!ok) bad.push(name + " → " + msg);
}
JSON.stringify({found: found.length, calls: Object.keys(calls).length, unsorted, bad})`

// ttNoOptions are the functions of tt that take no options object.
var ttNoOptions = []string{
	"tt.runs", "tt.save", // runs.go, checkpoint.go
	"tt.version", "tt.tidy", "tt.keep", "tt.memory", "tt.html", "tt.svg",
	"tt.zerosLike", "tt.onesLike", "tt.randLike", "tt.randnLike", "tt.eye", "tt.randint",
	"tt.cat", "tt.stack", "tt.where", "tt.oneHot", "tt.manualSeed", "tt.noGrad", "tt.einsum",
	"tt.data.ConcatDataset", "tt.data.Subset", "tt.data.TensorDataset", "tt.data.clearCache", "tt.data.toTensor",
	"tt.data.transforms.Compose", "tt.data.transforms.Normalize",
	"tt.kernels.current", "tt.kernels.info", "tt.kernels.names", "tt.kernels.use", "tt.kernels.int8Bench", "tt.kernels.roofs",
	"tt.nn.Embedding", "tt.nn.Module", "tt.nn.Parameter", "tt.kernels.list", "tt.kernels.register", "tt.nn.GELU", "tt.nn.ReLU", "tt.nn.Sequential", "tt.nn.SiLU", "tt.nn.Sigmoid", "tt.nn.Tanh",
	"tt.nn.functional.gelu", "tt.nn.functional.leakyRelu", "tt.nn.functional.linear",
	"tt.nn.functional.logSoftmax", "tt.nn.functional.relu", "tt.nn.functional.sigmoid", "tt.nn.functional.silu",
	"tt.nn.functional.softmax", "tt.nn.functional.tanh", "tt.nn.causalMask", "tt.data.shakespeare",
	"tt.nn.init.calculateGain", "tt.nn.utils.clipGradNorm", "tt.nn.utils.clipGradNorm_", "tt.optim.clipGradNorm",
	"tt.profile.phase",
	// Base classes for a cell's optimizers and schedulers: the defaults of
	// super(params, defaults) are open, as PyTorch's, since step() reads
	// whatever hyperparameters the student's class defines.
	"tt.optim.Optimizer", "tt.optim.LRScheduler", "tt.optim.lrScheduler.LRScheduler",
	// apply passes its arguments, an object too, to the cell's forward, as PyTorch does.
	"tt.autograd.Function", "tt.autograd.Function.apply", "tt.gradCheck",
	// The exercises' placeholder, a plain assertion, and the class of a
	// check's failure (check.go).
	"tt.todo", "tt.check.that", "tt.check.Failure", "tt.exercises.load",
	// quant.go: PyTorch's signatures, all positional.
	"tt.quant.dequantize", "tt.quant.fakeQuantizePerTensorAffine", "tt.quant.fakeQuantizePerChannelAffine",
	"tt.quant.convert", "tt.quant.save", "tt.quant.load", "tt.quant.modelBytes",
}

// tensorMethodsWithoutOptions are the tensor methods (tt.abs(x) is
// x.abs()) that take no options object.
var tensorMethodsWithoutOptions = []string{
	"abs", "add", "add_", "clone", "contiguous", "copy_", "cos", "dataSync", "detach", "dim", "dispose", "div", "div_",
	"eq", "erf", "exp", "expand", "fill_", "flatten", "flip", "floor", "gather", "ge", "gelu", "gt", "indexSelect",
	"item", "le", "leakyRelu", "log", "log1p", "logSoftmax", "lt", "maskedFill", "matmul", "maximum", "minimum", "mul", "mul_",
	"narrow", "ne", "neg", "numel", "pad", "permute", "pow", "relu", "repeat", "requiresGrad_", "reshape", "round",
	"scatter", "scatterAdd", "select", "sigmoid", "sign", "silu", "sin", "size", "slice", "softmax", "sqrt", "squeeze",
	"sub", "sub_", "t", "tanh", "toArray", "tolist", "transpose", "unsqueeze", "view", "where", "zeroGrad", "zero_",
}

// TestTTRejectsUnknownOptions checks that every function of tt that takes
// an options object rejects a key it does not know, naming the key and
// the known ones, so that tt.optim.SGD(p, {momentun: 0.9}) fails instead
// of training without momentum.
func TestTTRejectsUnknownOptions(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	names := make([]string, 0, len(ttNoOptions)+len(tensorMethodsWithoutOptions))
	names = append(names, ttNoOptions...)
	for _, m := range tensorMethodsWithoutOptions {
		names = append(names, "tt."+m)
	}
	list, _ := json.Marshal(names)
	state, out := runCodeWithin(t, ctx, 1, fmt.Sprintf(unknownOptionsCode, list), 2*time.Minute)
	var got struct {
		Found, Calls  int
		Unsorted, Bad []string
	}
	if state != "done" || !decodeJSON(out[strings.LastIndex(out, "\n")+1:], &got) {
		t.Fatalf("state %q, output %q", state, out)
	}
	fmt.Printf("unknown options: %d tt functions found, %d calls with options checked\n", got.Found, got.Calls)
	if got.Found < 200 {
		t.Errorf("the walk found only %d functions: it read the wrong object", got.Found)
	}
	sort.Strings(got.Unsorted)
	if len(got.Unsorted) > 0 {
		t.Errorf("%d functions of tt are in neither list; add each to calls (with a call passing O) or to ttNoOptions:\n%s",
			len(got.Unsorted), strings.Join(got.Unsorted, "\n"))
	}
	if len(got.Bad) > 0 {
		t.Errorf("%d functions do not reject an unknown option with its name and the known ones:\n%s", len(got.Bad), strings.Join(got.Bad, "\n"))
	}
}
