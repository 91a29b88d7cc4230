package kernels

import (
	"runtime"
	"sync/atomic"
)

// barrier makes a fixed group of goroutines wait for each other, as many
// times as needed: each calls wait, and none returns before all have
// called it.
//
// The packed driver meets at a barrier twice per block of k, a few
// microseconds apart, so wait spins (checks a counter in a loop) instead
// of putting the goroutine to sleep: waking a sleeping thread takes the
// operating system tens of microseconds, as long as a whole small matmul.
// After a short spin it yields with runtime.Gosched, so that goroutines
// sharing one thread (GOMAXPROCS=1, js/wasm) still make progress.
type barrier struct {
	n       int32
	arrived atomic.Int32
	round   atomic.Uint32 // counts completed rounds
}

// spinsBeforeYield is how many times wait checks the counter before it
// starts calling runtime.Gosched between checks.
const spinsBeforeYield = 1000

// newBarrier returns a barrier for n goroutines.
func newBarrier(n int) *barrier {
	return &barrier{n: int32(n)}
}

// wait blocks until all n goroutines have called wait in this round.
func (b *barrier) wait() {
	round := b.round.Load()
	if b.arrived.Add(1) == b.n {
		// Last to arrive: reset for the next round, then release the
		// others. The order matters: a released goroutine may call wait
		// again at once.
		b.arrived.Store(0)
		b.round.Add(1)
		return
	}
	for i := 0; b.round.Load() == round; i++ {
		if i >= spinsBeforeYield {
			runtime.Gosched()
		}
	}
}
