package tensor

import "tinytorch/engine/kernels"

// The element-by-element work of a training step (activations and their
// gradients, pooling, a convolution's unfolding) runs on the matmul's
// goroutines too, through kernels.Parallel, split into consecutive parts.
// Every part computes its own elements from their own inputs, exactly as
// one loop over all of them would, so the results have the same bits for
// any thread count; a sum over the elements or the samples is never split
// (see Conv2d's backward pass, which sums chunks fixed by the shapes in a
// fixed order).

// parallelGrain is the least work, in floats, worth a goroutine: 16 Ki
// floats (64 KiB) take a few microseconds even for relu, longer than
// handing them to an awake goroutine of the team. Smaller tensors stay on
// the caller's goroutine, as everything does in the browser (one thread).
const parallelGrain = 1 << 14

// parallelElems calls f(lo, hi) on parts of [0, n), each on its own
// goroutine when n is large enough.
func parallelElems(n int, f func(lo, hi int)) {
	kernels.Parallel(n, parallelGrain, f)
}

// parallelSamples calls f(lo, hi) on parts of n samples of about per
// floats each.
func parallelSamples(n, per int, f func(lo, hi int)) {
	kernels.Parallel(n, (parallelGrain+per-1)/max(per, 1), f)
}

// Parallel calls f(lo, hi) on consecutive parts of [0, n), on the
// matmul's goroutines (kernels.Parallel) when n is large enough to be
// worth it (16 Ki items or more per part), else once, on the caller's.
// It is for element-wise loops outside this package, such as an
// optimizer's update: f must compute each item from that item's inputs
// alone, so that the result does not depend on where the parts start
// (which depends on the thread count).
func Parallel(n int, f func(lo, hi int)) { parallelElems(n, f) }
