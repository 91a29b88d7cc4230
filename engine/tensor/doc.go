// Package tensor is TinyTorch's float32 N-dimensional array and its
// automatic differentiation (autograd) engine, in one package because
// every operation carries its own derivative.
//
// # Storage, strides and views
//
// A Tensor does not own its numbers: it is a window onto a storage, a flat
// []float32 that several tensors may share. The window is described by a
// shape, a stride per dimension (how many storage elements to skip to move
// one step along that dimension) and an offset. Element (i, j) of a 2-D
// tensor lives at
//
//	storage[offset + i*strides[0] + j*strides[1]]
//
// A new 2×3 tensor has strides [3, 1]: row-major, or "contiguous". Many
// operations only change the window, not the numbers, and so cost nothing:
//
//	Transpose(0, 1)  swaps the strides: [1, 3]
//	Expand(4, 3)     of a [1, 3] row repeats it with stride 0: [0, 1]
//	Narrow, Slice    move the offset (and multiply a stride for a step)
//	Select(0, i)     moves the offset and drops a dimension
//	Reshape, View    new contiguous strides over the same storage
//	Squeeze, Unsqueeze, Permute, Flatten
//
// These are views: writing through one (with an in-place op such as
// AddInPlace) changes every tensor sharing the storage. Reshape of a
// non-contiguous tensor must copy, and its result is then no view;
// Contiguous makes that copy explicit. Results that an op reshapes from
// a storage it made itself (Matmul, MaxDim, LogSumExp, Conv2d) are no
// views either, so in-place ops on them are allowed, as in PyTorch. An
// empty tensor has PyTorch's strides (an empty size counts as 1, so
// [2, 0, 3] has [3, 3, 1], not an expanding 0) and is contiguous.
// Data always returns the values in logical row-major order, whatever the
// layout. The iteration over arbitrary strides lives in one place, the
// walker in iter.go, which also implements broadcasting: a dimension that
// is broadcast gets stride 0, exactly like Expand.
//
// # The graph
//
// Autograd is define-by-run: when an op runs and one of its inputs
// requires grad (SetRequiresGrad on a leaf, such as a weight), the output
// gets a node recording the op's name, its inputs, the tensors its
// derivative will need, and a backward function. Backward on the final
// value then
//
//  1. sorts the graph topologically (an explicit stack, so a chain of
//     10,000 ops cannot overflow the call stack);
//  2. walks it from the output back, so that a tensor used twice (a
//     diamond) has the gradients from both uses summed before it passes
//     its own on;
//  3. adds each leaf's total into its Grad, where it accumulates over
//     calls until ZeroGrad;
//  4. releases the graph, unless RetainGraph asks to keep it.
//
// Gradients of broadcast operands are summed back to the operand's shape
// in one place (sumTo in autograd.go), so no op needs to think about
// broadcasting in its backward. NoGrad turns recording off, for inference
// and parameter updates; Detach cuts a tensor out of the graph.
//
// In-place ops bump a version counter on the storage. Every node notes the
// version of the tensors it saved, and Backward refuses to use one that
// changed since: a clear error instead of a silently wrong gradient. An
// op saves only what its needed derivatives read (x·2 saves the 2, not x;
// pow saves its output only for a gradient of the exponent), so that,
// as in PyTorch, x may be modified in place after most uses.
//
// An in-place op also makes a new version of its tensor in the graph:
// the tensor gets the in-place op's node, while every op that read the
// tensor before keeps, in its node, the version it read (a node's inputs
// record the node, or leaf, behind each operand at the time: a vertex).
// Gradients are summed per vertex, so y = x·2; a = -y; y *= 3 leaves a's
// gradient path through x·2 alone, as in PyTorch.
//
// # Where this engine differs from PyTorch on purpose
//
//   - While gradients are tracked, an in-place op on a view of a tensor
//     that requires grad is refused (PyTorch rewires the base's graph).
//   - A view taken before its base was modified in place under autograd
//     cannot be differentiated: Backward says to take the view again
//     (PyTorch rebuilds the view's graph from the base's new version).
//     This holds too for a view of a constant that then joins the graph
//     through an in-place op with an operand that requires grad.
//   - Backward from a stale view is refused before it starts, so it
//     changes no gradient, where PyTorch may already have accumulated
//     gradients into the leaves it reached before its own error.
//   - An op that keeps its own copy of what its backward reads (a
//     snapshot, such as log_softmax's) differentiates correctly after the
//     tensor it read changed in place, where PyTorch's version check
//     refuses; Backward refuses only where values it needs are gone.
//   - Backward without RetainGraph releases the whole graph, also through
//     ops that saved nothing (PyTorch frees only the saved tensors).
//   - Conv2d, MaxPool2d and Unfold take batched [N, C, H, W] input only
//     (PyTorch also takes an unbatched [C, H, W]); Pad refuses negative
//     pads (PyTorch crops; Narrow does that here).
//   - IndexSelect of a 0-d tensor needs a one-element index (PyTorch
//     returns uninitialised memory for an empty one).
//   - Results that PyTorch returns as integer or boolean tensors (indices,
//     masks) are float32 here (see Conventions).
//   - Prod's gradient is the product of the other elements, also beside
//     an infinite element, where PyTorch's prod/x gives ∞/∞ = NaN.
//
// Elsewhere the engine follows PyTorch on edge inputs, and the tests say
// so with PyTorch's values: a 0-d tensor accepts dim 0 and -1 (normDim
// wraps it as one dimension); NaN wins in max, min, argmax, argmin and
// pooling and propagates through amax, amin, maximum, minimum and clamp;
// a gradient masked to 0 (relu, clamp, maximum, minimum, pow by 0, and
// sign, floor, round everywhere) is 0 even where the incoming gradient is
// infinite, and relu passes it at NaN; where's condition and masked_fill's
// mask carry no gradient; view accepts PyTorch's non-contiguous layouts; softmax, log_softmax and
// logsumexp over an empty dimension give an empty result or -Inf; var
// divides by max(N - correction, 0) and std's gradient is 0 where std is;
// windows longer than the padded input are errors.
//
// # The primitive table
//
// Each op keeps its forward and backward side by side, as in micrograd,
// and most ops are not primitives at all, as in tinygrad: they are
// compositions whose gradient follows from the chain rule.
//
// The primitives, each with the function that holds its rule (the
// forward and the gradient), are:
//
//	unary.go     unaryOp rows, f(x) and f'(x) side by side (neg exp log
//	             sqrt abs sin cos tanh sigmoid relu gelu; leakyRelu and
//	             clamp in LeakyRelu, Clamp; x ** s in scalarPowOp, with
//	             PyTorch's sqrt for s = ±0.5); unaryOp.reference and
//	             referenceGrad are the rule as loops, run by Tensor.unary
//	unary_more.go  more rows of the same table: log1p (accurate near 0),
//	             erf, softplus (x itself above a threshold, as PyTorch),
//	             elu (expm1, no branch evaluated that it does not take),
//	             silu (x·sigmoid(x) with its own derivative, so an infinite
//	             g gives ±Inf, not NaN); sign floor round in
//	             piecewiseConstant (gradient 0)
//	binary.go    binaryOp rows, f(a, b), ∂f/∂a and ∂f/∂b of two broadcast
//	             operands (add sub mul div pow maximum minimum); genericRow
//	             and binaryGrad are the rule as loops; Where
//	bcelogits.go bceWithLogitsOp, one more binary row: (1-y)·x + softplus(-x),
//	             gradients g·(sigmoid(x) - y) and -g·x, PyTorch's
//	reduce.go    Sum (gradient: broadcast back, expandBack), extreme for
//	             Amax and Amin (gradient: to the positions that hold the
//	             extreme, split on ties), Var (PyTorch's 2/(N-c)·g·(x-mean)),
//	             Softmax (PyTorch's y·(g - Σ g·y)); Tensor.reduce folds
//	movement.go  the views above, each with its inverse movement as gradient
//	             (Reshape, View, Permute, Transpose, Expand, Squeeze,
//	             Unsqueeze, Narrow, Slice, Select); Clone in tensor.go
//	matmul.go    bmm, the batched matrix product: C = A·B, dA = g·Bᵀ,
//	             dB = Aᵀ·g; bmmReference and bmmReferenceGrad are the rule
//	             as code (engine/kernels' naive loops)
//	layout.go    Cat, Gather, IndexSelect, Pad (gradient: slice, scatter)
//	scatter.go   scatter for Scatter and ScatterAdd (gradient: g with the
//	             written positions zeroed; gather g for the source)
//	scan.go      Cumsum (gradient: a running sum of g in reverse), Prod
//	             (gradient: g times the product of the others, from prefix
//	             and suffix products, exact where the slice holds zeros)
//	norm.go      Norm, the vector p-norm (gradient: sign(x)|x|^(p-1)/
//	             norm^(p-1), 0 where the norm is 0)
//	standardize.go Standardize, (x - mean)/√(var + eps) over the last
//	             dimension, for group and layer norm (gradient: PyTorch's
//	             fused rstd·(g - mean g - x̂·mean(g·x̂)), in float64, as the
//	             composition's roundings do not cancel)
//	einsum.go    diagonal, a strided view (gradient: g onto the diagonal)
//	inplace.go   FillInPlace, CopyInPlace (gradient: none for the
//	             overwritten values; g to the source)
//	unfold.go    Unfold, im2col, the sliding windows of convolution and
//	             pooling (gradient: col2im, adding each window entry back);
//	             unfoldGeom.each is the rule as a loop
//	maxpool.go   MaxPool2d, Unfold+Argmax+Gather fused (gradient: scatter
//	             to each window's saved argmax); maxPoolReference and
//	             maxPoolReferenceGrad are the rule as loops
//	conv.go      Conv2d, Unfold+Matmul+Add fused (gradients: dW = g·Xᵀ,
//	             db = Σ g, dX = col2im(Wᵀ·g)); conv2dReference and
//	             conv2dReferenceGrad are the rule as loops
//
// A reading path: each of unary.go, binary.go, matmul.go, unfold.go,
// maxpool.go and conv.go opens with its rule, in a comment and as code,
// and its reference loops; the fast paths that make the training steps
// quick sit beside it in unary_fast.go, binary_fast.go, matmul_fast.go,
// unfold_fast.go, maxpool_fast.go and conv_fast.go. With the fast paths
// off (genericOnly, for tests) every op runs its reference, and
// reference_test.go holds each fast path to it, forward and backward:
// the same bits where the order of operations is the same, within 1e-5
// of the largest value where a matrix product sums in another order.
//
// Everything else is built from them: Mean is Sum divided by a count,
// Std is the square root of Var (stdSqrtOp, a sqrt row whose slope is 0
// where std is), LogSumExp subtracts the (detached)
// maximum, then Exp, Sum, Log and Add, LogSoftmax is x - LogSumExp,
// MaxDim and MinDim are Argmax then Gather, Stack is Unsqueeze then Cat,
// Matmul of any rank reshapes into one batched product. Among the later
// additions, Sort and Topk find an order, then Gather; MaskedFill is
// Where; Flip is IndexSelect with reversed indices, Roll a Cat of two
// Narrows, Repeat an Expand then a Reshape, Chunk and Split Narrow
// views; Einsum takes diagonals, sums and permutes, and contracts pairs
// of operands with one batched Matmul. To add an op, add a table row or
// compose existing ops; the gradient check in gradcheck_test.go and the
// PyTorch fixtures in testdata (made by tools/torchref) then prove it.
//
// # Watching the engine
//
// An Observer (observe.go, set with SetObserver) is told of every new
// storage (Alloc), every op with its inputs, the tensors its backward will
// read and its output (Op), and every backward pass and node. It is the
// hook behind engine/profile; when none is set each hook is one nil check.
// StorageBytes counts the memory behind a set of tensors, each storage
// once (tt.memory in the notebook).
//
// # Functions written outside the engine
//
// Function (custom.go) is PyTorch's torch.autograd.Function: a forward
// and a backward written as Go functions, with a Context for what the
// backward needs (SaveForBackward, SavedTensors, NeedsInputGrad). Apply
// records it in the graph under its own name, like a primitive, with
// the same rules (broadcast gradients summed down, saved tensors checked
// for in-place changes, NoGrad); several outputs are tied through a hidden
// vertex (custom_outputs.go). A mistake in the user's code (a nil output,
// a wrong number or shape of gradients, a panic) is an error naming the
// function, returned by Apply or by Backward.
//
// # Buffer reuse
//
// Large buffers come from a pool keyed by exact length (pool.go): backward
// gives back the gradients it has used up, and a leaf takes a gradient
// made for it alone as its Grad without a copy, so a training step's
// buffers are reused from one step to the next instead of collected.
//
// # Conventions
//
// Operations never change their operands (except the ...InPlace ones).
// An op that can fail returns (*Tensor, error); the error names the op,
// the shapes (written as PyTorch prints them, by FormatShape) and what was
// expected, such as "matmul: shapes [2, 3] and [4, 5] cannot be
// multiplied: inner dimensions 3 and 4 differ". Ops that
// cannot fail (Exp, SumAll, Detach, the scalar variants) return just the
// tensor. Panics are reserved for bugs inside this package. Dimensions
// may be negative, counting from the end. Where PyTorch returns integer or
// boolean tensors (Argmax, comparisons, indices for Gather), this package
// uses float32 tensors of whole numbers or of 0/1.
//
// Computation is in float32 storage with float64 arithmetic per element
// and float64 accumulation in reductions, rounded once to float32. Random
// numbers come from one seedable generator (PCG32, see random.go) whose
// stream is identical natively and under WebAssembly. Besides the Go
// standard library the package uses only engine/kernels (every matrix
// product) and engine/vec (ReLU's loops), and gradient tracking is
// process-wide: drive the engine from one goroutine.
package tensor
