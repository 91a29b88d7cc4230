package tensor

import "sync"

// Buffer reuse. A training step allocates the same large buffers at every
// step: activations, their gradients, a convolution's columns. Allocating
// them afresh costs more than the arithmetic of some ops: Go clears every
// new buffer, and the cleared memory is cold in the caches. Two kinds of
// buffer are reused instead, from one pool:
//
//   - scratch buffers that live only during one op (Conv2d's columns and
//     products), taken with getScratch and given back with putScratch;
//   - the storage of a gradient that backward made and used up: once a
//     node's backward function has run, the gradient of its output is dead
//     unless something else still refers to its storage (releaseGradient
//     in autograd.go checks). Tensors made by empty draw from the pool, so
//     the next step's activations and gradients land in warm memory.
//
// Buffers are pooled by exact length: a training step asks for the same
// lengths at every step, so exact lengths are found again, and no buffer
// is larger than needed (a larger one would cost cache space). The pool
// keeps at most poolMaxBytes; beyond that, given-back buffers are left to
// the garbage collector.

// poolMinFloats is the smallest buffer worth pooling: below it, Go's
// allocator is as fast as the pool.
const poolMinFloats = 4096

// poolMaxBytes bounds the memory the pool holds.
const poolMaxBytes = 64 << 20

// bufferPool holds the buffers given back, by length. Both kinds of
// element it is used for take 4 bytes.
type bufferPool[T float32 | int32] struct {
	sync.Mutex
	free  map[int][][]T
	bytes int
}

// pool holds float buffers; indexPool the int32 buffers of max pooling's
// argmax (maxpool.go), which live until backward has run.
var (
	pool      bufferPool[float32]
	indexPool bufferPool[int32]
)

// get returns a buffer of n elements with undefined contents.
func (p *bufferPool[T]) get(n int) []T {
	if n == 0 {
		return nil
	}
	p.Lock()
	defer p.Unlock()
	if list := p.free[n]; len(list) > 0 {
		buf := list[len(list)-1]
		p.free[n] = list[:len(list)-1]
		p.bytes -= 4 * n
		return buf
	}
	return make([]T, n)
}

// put gives a buffer from get back, unless the pool is full.
func (p *bufferPool[T]) put(buf []T) {
	n := cap(buf)
	if n == 0 {
		return
	}
	p.Lock()
	defer p.Unlock()
	if p.bytes+4*n > poolMaxBytes {
		return
	}
	if p.free == nil {
		p.free = map[int][][]T{}
	}
	p.free[n] = append(p.free[n], buf[:n])
	p.bytes += 4 * n
}

// getScratch returns a buffer of n floats with undefined contents; give it
// back with putScratch once nothing refers to it.
func getScratch(n int) []float32 { return pool.get(n) }

// putScratch gives a buffer from getScratch back to the pool.
func putScratch(buf []float32) { pool.put(buf) }
