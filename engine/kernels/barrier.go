package kernels

import (
	"sync"
	"sync/atomic"
)

// barrier makes a fixed group of goroutines wait for each other, as many
// times as needed: each calls wait, and none returns before all have
// called it.
//
// The packed driver meets at a barrier twice per block of k, usually a few
// microseconds apart, so wait first spins (see spinUntil in team.go)
// instead of putting the goroutine to sleep: waking a sleeping thread takes
// the operating system tens of microseconds, as long as a whole small
// matmul. If the others take longer than spinTime (the machine is busy
// with other programs), or there are fewer Ps than goroutines, spinning
// would only burn a core they may need, so wait sleeps on a condition
// variable instead.
type barrier struct {
	n       int32
	arrived atomic.Int32  // goroutines waiting in this round
	round   atomic.Uint32 // completed rounds
	mu      sync.Mutex    // guards sleeping on wake
	wake    sync.Cond
}

// newBarrier returns a barrier for n goroutines.
func newBarrier(n int) *barrier {
	b := &barrier{n: int32(n)}
	b.wake.L = &b.mu
	return b
}

// wait blocks until all n goroutines have called wait in this round.
func (b *barrier) wait() {
	round := b.round.Load()
	if b.arrived.Add(1) == b.n {
		// Last to arrive: reset for the next round, then release the
		// others. The order matters: a released goroutine may call wait
		// again at once.
		b.arrived.Store(0)
		b.mu.Lock()
		b.round.Add(1)
		b.wake.Broadcast()
		b.mu.Unlock()
		return
	}
	if spinUntil(int(b.n), func() bool { return b.round.Load() != round }) {
		return
	}
	b.mu.Lock()
	for b.round.Load() == round {
		b.wake.Wait()
	}
	b.mu.Unlock()
}
