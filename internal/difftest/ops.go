package difftest

import (
	"tinytorch/engine/loss"
	"tinytorch/engine/nn"
	"tinytorch/engine/tensor"
)

// Op is one entry of the op table: how the generator picks its inputs and
// arguments, how the engine runs it and how torch does (a Python
// expression). Adding an op is one line: a name, a picker (gen.go has one
// per calling pattern), the engine call and the Python template, whose
// {0}, {1}, … are the inputs and {dim}, {keepdim}, … the Args fields.
type Op struct {
	Name string
	Pick picker
	Run  runFunc
	Py   string
	// Mul says the terms summed into one output element are products of
	// the inputs (matmul, convolution), for the tolerance's S.
	Mul bool
}

// runFunc runs an op in the engine.
type runFunc func(x []*tensor.Tensor, a Args) (*tensor.Tensor, error)

// un, bin, sc and red adapt the engine's method shapes to runFunc.
func un(f func(*tensor.Tensor) *tensor.Tensor) runFunc {
	return func(x []*tensor.Tensor, a Args) (*tensor.Tensor, error) { return f(x[0]), nil }
}

func bin(f func(*tensor.Tensor, *tensor.Tensor) (*tensor.Tensor, error)) runFunc {
	return func(x []*tensor.Tensor, a Args) (*tensor.Tensor, error) { return f(x[0], x[1]) }
}

func sc(f func(*tensor.Tensor, float32) *tensor.Tensor) runFunc {
	return func(x []*tensor.Tensor, a Args) (*tensor.Tensor, error) { return f(x[0], a.Scalar), nil }
}

func scInPlace(f func(*tensor.Tensor, float32) (*tensor.Tensor, error)) runFunc {
	return func(x []*tensor.Tensor, a Args) (*tensor.Tensor, error) { return f(x[0], a.Scalar) }
}

func red(f func(*tensor.Tensor, []int, bool) (*tensor.Tensor, error)) runFunc {
	return func(x []*tensor.Tensor, a Args) (*tensor.Tensor, error) { return f(x[0], a.Dims, a.Keepdim) }
}

// pairOf keeps one of the two results of MaxDim or MinDim.
func pairOf(f func(*tensor.Tensor, int, bool) (*tensor.Tensor, *tensor.Tensor, error), which int) runFunc {
	return func(x []*tensor.Tensor, a Args) (*tensor.Tensor, error) {
		v, i, err := f(x[0], a.Dim, a.Keepdim)
		if which == 0 {
			return v, err
		}
		return i, err
	}
}

// window is the Args' square convolution or pooling window.
func window(a Args) tensor.Window {
	return tensor.Window{Kernel: [2]int{a.Kernel, a.Kernel}, Stride: [2]int{a.Stride, a.Stride},
		Padding: [2]int{a.Padding, a.Padding}, Dilation: [2]int{a.Dilation, a.Dilation}}
}

// reduction parses the Args' loss reduction.
func reduction(a Args) loss.Reduction {
	r, err := loss.ParseReduction(a.Reduction)
	if err != nil {
		panic(err) // the generator only writes valid names
	}
	return r
}

// lossRun runs a loss criterion made from the reduction.
func lossRun(mk func(loss.Reduction) loss.Criterion) runFunc {
	return func(x []*tensor.Tensor, a Args) (*tensor.Tensor, error) {
		return mk(reduction(a)).Forward(x[0], x[1])
	}
}

// linearRun builds nn.Linear(in, out) with the given weight and bias, so
// that the constructor's checks are exercised too.
func linearRun(x []*tensor.Tensor, a Args) (*tensor.Tensor, error) {
	w := x[1].Shape()
	l, err := nn.NewLinear(w[1], w[0], true)
	if err != nil {
		return nil, err
	}
	l.Weight, l.Bias = x[1], x[2]
	return l.Forward(x[0])
}

// embeddingRun builds nn.Embedding(num, dim) with the given weight.
func embeddingRun(x []*tensor.Tensor, a Args) (*tensor.Tensor, error) {
	w := x[1].Shape()
	m, err := nn.NewEmbedding(w[0], w[1])
	if err != nil {
		return nil, err
	}
	m.Weight = x[1]
	return m.Forward(x[0])
}

// ops is the op table. The weights of the generator's choice are in
// Pick (see gen.go); the order here is only for reading.
var ops = []Op{
	// Elementwise, one input.
	{Name: "neg", Pick: pickUnary, Run: un((*tensor.Tensor).Neg), Py: "-{0}"},
	{Name: "exp", Pick: pickUnary, Run: un((*tensor.Tensor).Exp), Py: "{0}.exp()"},
	{Name: "log", Pick: pickUnary, Run: un((*tensor.Tensor).Log), Py: "{0}.log()"},
	{Name: "sqrt", Pick: pickUnary, Run: un((*tensor.Tensor).Sqrt), Py: "{0}.sqrt()"},
	{Name: "abs", Pick: pickUnary, Run: un((*tensor.Tensor).Abs), Py: "{0}.abs()"},
	{Name: "sin", Pick: pickUnary, Run: un((*tensor.Tensor).Sin), Py: "{0}.sin()"},
	{Name: "cos", Pick: pickUnary, Run: un((*tensor.Tensor).Cos), Py: "{0}.cos()"},
	{Name: "tanh", Pick: pickUnary, Run: un((*tensor.Tensor).Tanh), Py: "{0}.tanh()"},
	{Name: "sigmoid", Pick: pickUnary, Run: un((*tensor.Tensor).Sigmoid), Py: "{0}.sigmoid()"},
	{Name: "relu", Pick: pickUnary, Run: un((*tensor.Tensor).Relu), Py: "{0}.relu()"},
	{Name: "gelu", Pick: pickUnary, Run: un((*tensor.Tensor).Gelu), Py: "F.gelu({0})"},
	{Name: "leakyRelu", Pick: pickScalar, Run: func(x []*tensor.Tensor, a Args) (*tensor.Tensor, error) { return x[0].LeakyRelu(a.Scalar), nil }, Py: "F.leaky_relu({0}, {scalar})"},
	{Name: "clamp", Pick: pickClamp, Run: func(x []*tensor.Tensor, a Args) (*tensor.Tensor, error) { return x[0].Clamp(a.Lo, a.Hi), nil }, Py: "{0}.clamp({lo}, {hi})"},
	{Name: "addScalar", Pick: pickScalar, Run: sc((*tensor.Tensor).AddScalar), Py: "{0} + {scalar}"},
	{Name: "subScalar", Pick: pickScalar, Run: sc((*tensor.Tensor).SubScalar), Py: "{0} - {scalar}"},
	{Name: "mulScalar", Pick: pickScalar, Run: sc((*tensor.Tensor).MulScalar), Py: "{0} * {scalar}"},
	{Name: "divScalar", Pick: pickScalar, Run: sc((*tensor.Tensor).DivScalar), Py: "{0} / {scalar}"},
	{Name: "powScalar", Pick: pickExponent, Run: sc((*tensor.Tensor).PowScalar), Py: "{0} ** {scalar}"},

	// Elementwise, two or three inputs, broadcasting.
	{Name: "add", Pick: pickBinary, Run: bin((*tensor.Tensor).Add), Py: "{0} + {1}"},
	{Name: "sub", Pick: pickBinary, Run: bin((*tensor.Tensor).Sub), Py: "{0} - {1}"},
	{Name: "mul", Pick: pickBinary, Run: bin((*tensor.Tensor).Mul), Py: "{0} * {1}"},
	{Name: "div", Pick: pickBinary, Run: bin((*tensor.Tensor).Div), Py: "{0} / {1}"},
	{Name: "pow", Pick: pickBinary, Run: bin((*tensor.Tensor).Pow), Py: "{0} ** {1}"},
	{Name: "maximum", Pick: pickBinary, Run: bin((*tensor.Tensor).Maximum), Py: "torch.maximum({0}, {1})"},
	{Name: "minimum", Pick: pickBinary, Run: bin((*tensor.Tensor).Minimum), Py: "torch.minimum({0}, {1})"},
	{Name: "eq", Pick: pickBinary, Run: bin((*tensor.Tensor).Eq), Py: "({0} == {1}).float()"},
	{Name: "ne", Pick: pickBinary, Run: bin((*tensor.Tensor).Ne), Py: "({0} != {1}).float()"},
	{Name: "lt", Pick: pickBinary, Run: bin((*tensor.Tensor).Lt), Py: "({0} < {1}).float()"},
	{Name: "le", Pick: pickBinary, Run: bin((*tensor.Tensor).Le), Py: "({0} <= {1}).float()"},
	{Name: "gt", Pick: pickBinary, Run: bin((*tensor.Tensor).Gt), Py: "({0} > {1}).float()"},
	{Name: "ge", Pick: pickBinary, Run: bin((*tensor.Tensor).Ge), Py: "({0} >= {1}).float()"},
	{Name: "where", Pick: pickWhere, Run: func(x []*tensor.Tensor, a Args) (*tensor.Tensor, error) { return tensor.Where(x[0], x[1], x[2]) }, Py: "torch.where({0} != 0, {1}, {2})"},

	// Reductions.
	{Name: "sum", Pick: pickReduce, Run: red((*tensor.Tensor).Sum), Py: "{0}.sum({dims}, keepdim={keepdim})"},
	{Name: "mean", Pick: pickReduce, Run: red((*tensor.Tensor).Mean), Py: "{0}.mean({dims}, keepdim={keepdim})"},
	{Name: "amax", Pick: pickReduce, Run: red((*tensor.Tensor).Amax), Py: "{0}.amax({dims}, keepdim={keepdim})"},
	{Name: "amin", Pick: pickReduce, Run: red((*tensor.Tensor).Amin), Py: "{0}.amin({dims}, keepdim={keepdim})"},
	{Name: "logsumexp", Pick: pickReduce, Run: red((*tensor.Tensor).LogSumExp), Py: "{0}.logsumexp({dims}, keepdim={keepdim})"},
	{Name: "var", Pick: pickVar, Run: func(x []*tensor.Tensor, a Args) (*tensor.Tensor, error) {
		return x[0].Var(a.Dims, a.Correction, a.Keepdim)
	}, Py: "torch.var({0}, {dims}, correction={correction}, keepdim={keepdim})"},
	{Name: "std", Pick: pickVar, Run: func(x []*tensor.Tensor, a Args) (*tensor.Tensor, error) {
		return x[0].Std(a.Dims, a.Correction, a.Keepdim)
	}, Py: "torch.std({0}, {dims}, correction={correction}, keepdim={keepdim})"},
	{Name: "sumAll", Pick: pickUnary, Run: un((*tensor.Tensor).SumAll), Py: "{0}.sum()"},
	{Name: "meanAll", Pick: pickUnary, Run: un((*tensor.Tensor).MeanAll), Py: "{0}.mean()"},
	{Name: "maxDim", Pick: pickDimKeep, Run: pairOf((*tensor.Tensor).MaxDim, 0), Py: "{0}.max({dim}, keepdim={keepdim}).values"},
	{Name: "maxDimIndices", Pick: pickDimKeep, Run: pairOf((*tensor.Tensor).MaxDim, 1), Py: "{0}.max({dim}, keepdim={keepdim}).indices.float()"},
	{Name: "minDim", Pick: pickDimKeep, Run: pairOf((*tensor.Tensor).MinDim, 0), Py: "{0}.min({dim}, keepdim={keepdim}).values"},
	{Name: "minDimIndices", Pick: pickDimKeep, Run: pairOf((*tensor.Tensor).MinDim, 1), Py: "{0}.min({dim}, keepdim={keepdim}).indices.float()"},
	{Name: "argmax", Pick: pickDimKeep, Run: func(x []*tensor.Tensor, a Args) (*tensor.Tensor, error) { return x[0].Argmax(a.Dim, a.Keepdim) }, Py: "{0}.argmax({dim}, keepdim={keepdim}).float()"},
	{Name: "argmin", Pick: pickDimKeep, Run: func(x []*tensor.Tensor, a Args) (*tensor.Tensor, error) { return x[0].Argmin(a.Dim, a.Keepdim) }, Py: "{0}.argmin({dim}, keepdim={keepdim}).float()"},
	{Name: "argmaxAll", Pick: pickUnary, Run: func(x []*tensor.Tensor, a Args) (*tensor.Tensor, error) { return x[0].ArgmaxAll() }, Py: "{0}.argmax().float()"},
	{Name: "argminAll", Pick: pickUnary, Run: func(x []*tensor.Tensor, a Args) (*tensor.Tensor, error) { return x[0].ArgminAll() }, Py: "{0}.argmin().float()"},
	{Name: "softmax", Pick: pickDim, Run: func(x []*tensor.Tensor, a Args) (*tensor.Tensor, error) { return x[0].Softmax(a.Dim) }, Py: "{0}.softmax({dim})"},
	{Name: "logSoftmax", Pick: pickDim, Run: func(x []*tensor.Tensor, a Args) (*tensor.Tensor, error) { return x[0].LogSoftmax(a.Dim) }, Py: "{0}.log_softmax({dim})"},

	// Layout and views.
	{Name: "reshape", Pick: pickReshape, Run: func(x []*tensor.Tensor, a Args) (*tensor.Tensor, error) { return x[0].Reshape(a.Shape...) }, Py: "{0}.reshape({shape})"},
	{Name: "view", Pick: pickReshape, Run: func(x []*tensor.Tensor, a Args) (*tensor.Tensor, error) { return x[0].View(a.Shape...) }, Py: "{0}.view({shape})"},
	{Name: "contiguous", Pick: pickUnary, Run: un((*tensor.Tensor).Contiguous), Py: "{0}.contiguous()"},
	{Name: "clone", Pick: pickUnary, Run: un((*tensor.Tensor).Clone), Py: "{0}.clone()"},
	{Name: "detach", Pick: pickUnary, Run: un((*tensor.Tensor).Detach), Py: "{0}.detach()"},
	{Name: "permute", Pick: pickPermute, Run: func(x []*tensor.Tensor, a Args) (*tensor.Tensor, error) { return x[0].Permute(a.Shape...) }, Py: "{0}.permute({shape})"},
	{Name: "transpose", Pick: pickTranspose, Run: func(x []*tensor.Tensor, a Args) (*tensor.Tensor, error) { return x[0].Transpose(a.D0, a.D1) }, Py: "{0}.transpose({d0}, {d1})"},
	{Name: "expand", Pick: pickExpand, Run: func(x []*tensor.Tensor, a Args) (*tensor.Tensor, error) { return x[0].Expand(a.Shape...) }, Py: "{0}.expand({shape})"},
	{Name: "squeeze", Pick: pickUnary, Run: func(x []*tensor.Tensor, a Args) (*tensor.Tensor, error) { return x[0].Squeeze() }, Py: "{0}.squeeze()"},
	{Name: "squeezeDim", Pick: pickDim, Run: func(x []*tensor.Tensor, a Args) (*tensor.Tensor, error) { return x[0].Squeeze(a.Dim) }, Py: "{0}.squeeze({dim})"},
	{Name: "unsqueeze", Pick: pickUnsqueeze, Run: func(x []*tensor.Tensor, a Args) (*tensor.Tensor, error) { return x[0].Unsqueeze(a.Dim) }, Py: "{0}.unsqueeze({dim})"},
	{Name: "flatten", Pick: pickFlatten, Run: func(x []*tensor.Tensor, a Args) (*tensor.Tensor, error) { return x[0].Flatten(a.Start, a.End) }, Py: "{0}.flatten({start}, {end})"},
	{Name: "narrow", Pick: pickNarrow, Run: func(x []*tensor.Tensor, a Args) (*tensor.Tensor, error) { return x[0].Narrow(a.Dim, a.Start, a.Length) }, Py: "{0}.narrow({dim}, {start}, {length})"},
	{Name: "slice", Pick: pickSlice, Run: func(x []*tensor.Tensor, a Args) (*tensor.Tensor, error) {
		return x[0].Slice(a.Dim, a.Start, a.End, a.Step)
	}, Py: "sl({0}, {dim}, {start}, {end}, {step})"},
	{Name: "select", Pick: pickSelect, Run: func(x []*tensor.Tensor, a Args) (*tensor.Tensor, error) { return x[0].Select(a.Dim, a.Index) }, Py: "{0}.select({dim}, {index})"},
	{Name: "pad", Pick: pickPad, Run: func(x []*tensor.Tensor, a Args) (*tensor.Tensor, error) { return x[0].Pad(a.Pads, a.Scalar) }, Py: "F.pad({0}, {pads}, value={scalar})"},
	{Name: "cat", Pick: pickCat, Run: func(x []*tensor.Tensor, a Args) (*tensor.Tensor, error) { return tensor.Cat(x, a.Dim) }, Py: "torch.cat([{0}, {1}], {dim})"},
	{Name: "stack", Pick: pickStack, Run: func(x []*tensor.Tensor, a Args) (*tensor.Tensor, error) { return tensor.Stack(x, a.Dim) }, Py: "torch.stack([{0}, {1}], {dim})"},
	{Name: "gather", Pick: pickGather, Run: func(x []*tensor.Tensor, a Args) (*tensor.Tensor, error) { return x[0].Gather(a.Dim, x[1]) }, Py: "torch.gather({0}, {dim}, {1}.long())"},
	{Name: "indexSelect", Pick: pickIndexSelect, Run: func(x []*tensor.Tensor, a Args) (*tensor.Tensor, error) { return x[0].IndexSelect(a.Dim, x[1]) }, Py: "torch.index_select({0}, {dim}, {1}.long())"},

	// Matrix products, convolution and pooling.
	{Name: "matmul", Pick: pickMatmul, Run: bin((*tensor.Tensor).Matmul), Py: "{0} @ {1}", Mul: true},
	{Name: "linear", Pick: pickLinear, Run: linearRun, Py: "linear({0}, {1}, {2})", Mul: true},
	{Name: "embedding", Pick: pickEmbedding, Run: embeddingRun, Py: "embedding({0}, {1})"},
	{Name: "unfold", Pick: pickWindow(false), Run: func(x []*tensor.Tensor, a Args) (*tensor.Tensor, error) { return x[0].Unfold(window(a)) }, Py: "F.unfold({0}, {kernel}, dilation={dilation}, padding={padding}, stride={stride})"},
	{Name: "maxPool2d", Pick: pickWindow(false), Run: func(x []*tensor.Tensor, a Args) (*tensor.Tensor, error) { return x[0].MaxPool2d(window(a)) }, Py: "F.max_pool2d({0}, {kernel}, {stride}, {padding}, {dilation})"},
	{Name: "conv2d", Pick: pickWindow(true), Run: func(x []*tensor.Tensor, a Args) (*tensor.Tensor, error) { return x[0].Conv2d(x[1], x[2], window(a)) }, Py: "F.conv2d({0}, {1}, {2}, stride={stride}, padding={padding}, dilation={dilation})", Mul: true},

	// Losses.
	{Name: "mse", Pick: pickLossSame(false), Run: lossRun(func(r loss.Reduction) loss.Criterion { return loss.MSE{Reduction: r} }), Py: "F.mse_loss({0}, {1}, reduction={reduction})"},
	{Name: "bce", Pick: pickLossSame(true), Run: lossRun(func(r loss.Reduction) loss.Criterion { return loss.BCE{Reduction: r} }), Py: "F.binary_cross_entropy({0}, {1}, reduction={reduction})"},
	{Name: "bceWithLogits", Pick: pickLossSame(true), Run: lossRun(func(r loss.Reduction) loss.Criterion { return loss.BCEWithLogits{Reduction: r} }), Py: "F.binary_cross_entropy_with_logits({0}, {1}, reduction={reduction})"},
	{Name: "crossEntropy", Pick: pickClassLoss, Run: lossRun(func(r loss.Reduction) loss.Criterion { return loss.CrossEntropy{Reduction: r} }), Py: "F.cross_entropy({0}, {1}.long(), reduction={reduction})"},
	{Name: "crossEntropyProbs", Pick: pickLossSame(true), Run: lossRun(func(r loss.Reduction) loss.Criterion { return loss.CrossEntropy{Reduction: r} }), Py: "F.cross_entropy({0}, {1}, reduction={reduction})"},
	{Name: "nll", Pick: pickClassLoss, Run: lossRun(func(r loss.Reduction) loss.Criterion { return loss.NLL{Reduction: r} }), Py: "F.nll_loss({0}, {1}.long(), reduction={reduction})"},

	// In-place: the step's output is its first input, changed.
	{Name: "addInPlace", Pick: pickInPlaceBinary, Run: bin((*tensor.Tensor).AddInPlace), Py: "{0}.add_({1})"},
	{Name: "subInPlace", Pick: pickInPlaceBinary, Run: bin((*tensor.Tensor).SubInPlace), Py: "{0}.sub_({1})"},
	{Name: "mulInPlace", Pick: pickInPlaceBinary, Run: bin((*tensor.Tensor).MulInPlace), Py: "{0}.mul_({1})"},
	{Name: "divInPlace", Pick: pickInPlaceBinary, Run: bin((*tensor.Tensor).DivInPlace), Py: "{0}.div_({1})"},
	{Name: "copyInPlace", Pick: pickInPlaceBinary, Run: bin((*tensor.Tensor).CopyInPlace), Py: "{0}.copy_({1})"},
	{Name: "addScaledInPlace", Pick: pickInPlaceScaled, Run: func(x []*tensor.Tensor, a Args) (*tensor.Tensor, error) { return x[0].AddScaledInPlace(x[1], a.Scalar) }, Py: "{0}.add_({1}, alpha={scalar})"},
	{Name: "addScalarInPlace", Pick: pickInPlaceScalar, Run: scInPlace((*tensor.Tensor).AddScalarInPlace), Py: "{0}.add_({scalar})"},
	{Name: "mulScalarInPlace", Pick: pickInPlaceScalar, Run: scInPlace((*tensor.Tensor).MulScalarInPlace), Py: "{0}.mul_({scalar})"},
	{Name: "fillInPlace", Pick: pickInPlaceScalar, Run: scInPlace((*tensor.Tensor).FillInPlace), Py: "{0}.fill_({scalar})"},
	{Name: "clampInPlace", Pick: pickInPlaceClamp, Run: func(x []*tensor.Tensor, a Args) (*tensor.Tensor, error) { return x[0].ClampInPlace(a.Lo, a.Hi) }, Py: "{0}.clamp_({lo}, {hi})"},
	{Name: "zeroInPlace", Pick: pickInPlaceUnary, Run: func(x []*tensor.Tensor, a Args) (*tensor.Tensor, error) { return x[0].ZeroInPlace() }, Py: "{0}.zero_()"},
}

// opIndex finds the table's ops by name. It is filled by init, not by a
// variable initializer, because running an op's picker (which reads the
// table through the engine run) would otherwise be an initialization cycle.
var opIndex = map[string]*Op{}

func init() {
	for i := range ops {
		if _, dup := opIndex[ops[i].Name]; dup {
			panic("difftest: op " + ops[i].Name + " is in the table twice")
		}
		opIndex[ops[i].Name] = &ops[i]
	}
}

// opByName finds an op of the table.
func opByName(name string) (*Op, bool) {
	op, ok := opIndex[name]
	return op, ok
}
