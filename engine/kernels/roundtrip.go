package kernels

import (
	"math"
	"runtime"
	"slices"
	"sync/atomic"
	"time"
)

// How far apart the cores are. Every split product and every element-wise
// part handed to the team moves data between two cores: the job to the
// helper, the finished flag back, and the cache lines that one core wrote
// and the other reads. On a virtual machine the host places the machine's
// cores where it likes and moves them while it runs: on this project's
// 2-core test machine, a value went from one core to the other and back in
// 120–210 ns at some moments and in 450–600 ns at others, seconds apart.
// So make bench measures the round trip beside its two-thread figures, as
// it measures the FMA roof beside the GFLOP/s.

// CoreRoundTrip returns how long a value written by one goroutine takes to
// reach another and come back: two goroutines, each on its own thread,
// take turns writing one atomic counter, each waiting (spinning) for the
// other's write, trips times. It returns the median over batches of
// tripsPerBatch round trips, so that the odd batch in which the host
// paused a core does not count. It returns 0 when Go runs on a single
// thread (GOMAXPROCS 1, the browser), where there is no second core to
// reach. It first sleeps long enough for the matmul's team to stop
// spinning after its last job (spinTime): a helper still spinning would
// hold the core the echo needs.
func CoreRoundTrip(trips int) time.Duration {
	if runtime.GOMAXPROCS(0) < 2 || trips <= 0 {
		return 0
	}
	time.Sleep(2 * spinTime)
	// turn is -1 until the echo runs, then odd on the echo's turn and even
	// on the caller's, and stop when the caller is done.
	const stop = math.MinInt64
	var turn atomic.Int64
	turn.Store(-1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		turn.Store(0)
		for i := int64(0); waitFor(&turn, 2*i+1, stop); i++ {
			turn.Store(2*i + 2)
		}
	}()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	waitFor(&turn, 0, stop)
	// Bounce for a while untimed: a thread just woken often starts on its
	// waker's core, until the system moves it.
	i := int64(0)
	for warm := time.Now(); time.Since(warm) < roundTripWarmUp; i++ {
		turn.Store(2*i + 1)
		waitFor(&turn, 2*i+2, stop)
	}
	var batches []time.Duration
	begin := time.Now()
	for n := 1; n <= trips; n, i = n+1, i+1 {
		turn.Store(2*i + 1)
		waitFor(&turn, 2*i+2, stop)
		if n%tripsPerBatch == 0 || n == trips {
			now := time.Now()
			batches = append(batches, now.Sub(begin)/time.Duration((n-1)%tripsPerBatch+1))
			begin = now
		}
	}
	turn.Store(stop)
	<-done
	slices.Sort(batches)
	return batches[len(batches)/2]
}

// roundTripWarmUp is how long CoreRoundTrip bounces before timing.
const roundTripWarmUp = time.Millisecond

// tripsPerBatch is how many round trips CoreRoundTrip times together.
const tripsPerBatch = 25

// waitFor spins until turn holds want (true) or stop (false), yielding
// the thread now and then so that a descheduled partner can run.
func waitFor(turn *atomic.Int64, want, stop int64) bool {
	for i := 1; ; i++ {
		switch turn.Load() {
		case want:
			return true
		case stop:
			return false
		}
		if i%(1<<16) == 0 {
			runtime.Gosched()
		}
	}
}
