package kernels

import (
	"sync"
	"unsafe"
)

// Packing buffers are reused between calls through a sync.Pool: a training
// step calls matmul thousands of times, and allocating (and zeroing) the
// buffers each time would cost more than packing into them.
var bufPool sync.Pool

// cacheLine is the alignment of packing buffers in bytes: a packed panel
// that starts on a cache line never splits a 64-byte vector load in two.
const cacheLine = 64

// getBuf returns a float32 buffer of length n (contents undefined), whose
// first element is aligned to a cache line. Give it back with putBuf.
func getBuf(n int) []float32 {
	if p, ok := bufPool.Get().(*[]float32); ok && cap(*p) >= n {
		return (*p)[:n]
	}
	const pad = cacheLine / 4
	raw := make([]float32, n+pad)
	// Skip the few floats before the next cache-line boundary.
	off := int(uintptr(unsafe.Pointer(&raw[0]))%cacheLine) / 4
	if off != 0 {
		off = pad - off
	}
	return raw[off : off+n : off+n]
}

// putBuf returns a buffer from getBuf to the pool.
func putBuf(buf []float32) {
	bufPool.Put(&buf)
}
