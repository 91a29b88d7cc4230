package kernels

// The rest of a training step (unfolding a convolution's input, pooling,
// activations, a bias's gradient, the optimizer's update) is not a matrix
// product, but it is most of a small network's time: LeNet's products are
// too small to split, and on two cores a step was no faster than on one
// while everything around them ran on a single goroutine. Parallel lends
// that work the matmul's team of goroutines (team.go).

// Parallel calls f(lo, hi) on consecutive parts [lo, hi) of [0, n) that
// together cover it, each on its own goroutine, and returns when all are
// done. It uses up to Threads() goroutines, fewer so that each part holds
// at least grain items (one goroutine, the caller's, when n < 2·grain):
// below that, handing the work over costs more than it saves.
//
// Where the parts start depends on the thread count, so f must give each
// item the same result whatever part it is in: it may write item i's
// outputs from item i's inputs, or sum over anything but the items. A sum
// over the items themselves would change its rounding with the split (do
// it as one part, or with parts fixed by n alone).
//
// Inside f, Matmul and Parallel run on the calling goroutine alone: the
// other goroutines are busy with their own parts.
func Parallel(n, grain int, f func(lo, hi int)) {
	parts := available()
	if grain > 0 {
		parts = min(parts, n/grain)
	}
	parts = min(parts, n)
	if parts <= 1 {
		if n > 0 {
			f(0, n)
		}
		return
	}
	parallelFor(parts, func(t int) {
		if s := span(n, parts, t, 1); s[0] < s[1] {
			f(s[0], s[1])
		}
	})
}

// available is how many goroutines a product or a Parallel call started
// now may use: Threads(), or 1 while the team runs a job. A Matmul inside
// a Parallel part (a convolution's chunk of samples, say) then runs on its
// own goroutine instead of starting more than there are cores for. The
// count changes the speed only, never the result.
func available() int {
	if helpers.working.Load() {
		return 1
	}
	return Threads()
}
