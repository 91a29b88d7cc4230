package profile

import (
	"tinytorch/engine/tensor"
)

// The memory model: a liveness analysis over the recorded events, so that
// the figures depend only on the ops that ran, never on when Go's garbage
// collector happens to run.
//
// Every storage allocated during the profile is a buffer. A buffer is born
// at the event that made it and stays live until the last event that
// uses it:
//
//   - a forward op uses its inputs (and, in place, its output);
//   - when the op records an autograd node, the tensors its backward reads
//     (the engine names them with the op) are used again by that backward
//     node, so they stay live from forward through to the backward pass,
//     as PyTorch's saved tensors do;
//   - a backward node uses the gradient flowing into it;
//   - a view (reshape, transpose, the gradient a node passes on unchanged)
//     is the same buffer as the tensor it looks into.
//
// A gradient that ends up in a parameter's Grad (an accumulateGrad op) is
// counted separately: it stays live until the end of the next optimizer
// phase (which reads it; ZeroGrad then drops it), or to the end of the
// profile. Tensors made before the profile started (the parameters, the
// input batch) are not buffers: parameters are reported per module
// (Module.Params), and the input is the caller's.
//
// Buffers are keyed by the tensors' StorageID, so a view is recognised as
// its storage's buffer without the profiler holding any tensor alive.

// buffer is one storage allocated while profiling.
type buffer struct {
	bytes int64
	birth int  // index of the event that made it; -1 before it is known
	last  int  // index of the last event that used it
	grad  bool // a parameter's gradient
}

// buffersOf returns the buffers of the tensors an op saved for its
// backward pass (the engine reports them with the op), leaving out those
// made before the profile.
func (p *profiler) buffersOf(saved []*tensor.Tensor) []int {
	var bufs []int
	for _, t := range saved {
		bufs = appendBuf(bufs, p.bufferOf(t))
	}
	return bufs
}

// appendBuf appends b unless it is -1 (a tensor made before the profile).
func appendBuf(bufs []int, b int) []int {
	if b < 0 {
		return bufs
	}
	return append(bufs, b)
}

// newBuffer records the storage just made for t; it is born at the next
// event (see birth).
func (p *profiler) newBuffer(t *tensor.Tensor, bytes int64) int {
	b := len(p.bufs)
	p.bufs = append(p.bufs, buffer{bytes: bytes, birth: -1, last: -1})
	p.bufOf[t.StorageID()] = b
	return b
}

// bufferOf is the buffer behind t (or behind the storage t views), -1 for
// a tensor made before the profile.
func (p *profiler) bufferOf(t *tensor.Tensor) int {
	if t == nil {
		return -1
	}
	if b, ok := p.bufOf[t.StorageID()]; ok {
		return b
	}
	return -1
}

// born marks the buffers made since the last event as made by event i.
func (p *profiler) born(bufs []int, i int) {
	for _, b := range bufs {
		p.bufs[b].birth, p.bufs[b].last = i, i
	}
}

// use marks the buffers as used by event i.
func (p *profiler) use(i int, bufs ...int) {
	for _, b := range bufs {
		if b >= 0 && p.bufs[b].birth >= 0 && i > p.bufs[b].last {
			p.bufs[b].last = i
		}
	}
}

// liveness computes, for each event, the bytes of the buffers live while
// it runs (gradients included) and, separately, of the gradients, from
// the buffers' lifetimes; peak is the largest live figure.
func liveness(bufs []buffer, events []Event) (live, grads []int64, peak int64) {
	n := len(events)
	if n == 0 {
		return nil, nil, 0
	}
	optEnd := nextOptimizerEnd(events)
	dLive, dGrad := make([]int64, n+1), make([]int64, n+1)
	for _, b := range bufs {
		if b.birth < 0 {
			continue // made after the last event: nothing used it
		}
		end := b.last
		if b.grad {
			end = max(end, optEnd[b.birth])
		}
		dLive[b.birth] += b.bytes
		dLive[end+1] -= b.bytes
		if b.grad {
			dGrad[b.birth] += b.bytes
			dGrad[end+1] -= b.bytes
		}
	}
	live, grads = make([]int64, n), make([]int64, n)
	var l, g int64
	for i := range n {
		l, g = l+dLive[i], g+dGrad[i]
		live[i], grads[i] = l, g
		peak = max(peak, l)
	}
	return live, grads, peak
}

// nextOptimizerEnd gives, for each event, the index of the last event of
// the first optimizer phase that runs at or after it (the last event when
// none does): where a gradient made by that event stops being needed.
func nextOptimizerEnd(events []Event) []int {
	n := len(events)
	end := make([]int, n)
	next := n - 1
	for i := n - 1; i >= 0; i-- {
		if events[i].Phase == PhaseOptimizer && (i == n-1 || events[i+1].Phase != PhaseOptimizer) {
			next = i
		}
		end[i] = next
	}
	return end
}
