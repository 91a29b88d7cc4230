package kernels

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Starting goroutines for every matmul would be simple, but the new
// goroutine needs an idle core to wake up, and on a virtual machine waking
// an idle core costs tens of microseconds: as long as a whole 128×128
// matmul, and a third of a 512×512 one split over two cores. So, like
// OpenBLAS's threads, TinyTorch keeps a team of helper goroutines alive:
// after a job each one spins (keeps checking for the next job) for a
// moment before going to sleep, and a matmul that follows soon after, as
// in a training loop, finds them awake.

// spinTime is how long a goroutine keeps checking for work (or for a
// barrier to open) before it sleeps. Spinning holds a core, so it is kept
// short, and skipped when there are fewer Ps than goroutines to run (then
// spinning would only delay the goroutine it waits for).
const spinTime = 500 * time.Microsecond

// job is one parallelFor call published to the team.
type job struct {
	n int         // goroutines taking part, the caller included
	f func(t int) // runs share t
}

// team is the set of helper goroutines. One caller at a time uses it.
type team struct {
	busy    sync.Mutex  // held by the caller running a job
	working atomic.Bool // a job is running (see available)
	helpers int         // helper goroutines started so far (guarded by busy)

	current atomic.Pointer[job] // the latest job; a new pointer per job
	pending atomic.Int32        // helpers still working on it
	waiting atomic.Bool         // the caller may be asleep on done

	mu   sync.Mutex // guards sleeping on work and done
	work sync.Cond  // signalled when a job is published
	done sync.Cond  // signalled when pending reaches 0
}

// A hand-off costs a few transfers of a cache line between the cores,
// each a few hundred nanoseconds when they are far apart (kernels.
// CoreRoundTrip): the job's pointer to the helper, pending back to the
// caller. The mutex and the conditions are only for sleeping, so a side
// that caught the change while spinning never touches them: taking the
// mutex as well doubled the transfers (1.7 µs for an empty job on two
// far cores).

// helpers is the process's team.
var helpers = newTeam()

func newTeam() *team {
	tm := &team{}
	tm.work.L = &tm.mu
	tm.done.L = &tm.mu
	return tm
}

// parallelFor runs f(0), …, f(n-1) on n goroutines, f(0) on the caller's,
// and returns when all are done.
func parallelFor(n int, f func(t int)) {
	if n == 1 {
		f(0)
		return
	}
	if helpers.run(n, f) {
		return
	}
	// Another goroutine is using the team: start goroutines of our own.
	var wg sync.WaitGroup
	for t := 1; t < n; t++ {
		wg.Go(func() { f(t) })
	}
	f(0)
	wg.Wait()
}

// run runs the job on the team, or returns false at once if another
// goroutine is using it.
func (tm *team) run(n int, f func(t int)) bool {
	if !tm.busy.TryLock() {
		return false
	}
	defer tm.busy.Unlock()
	tm.working.Store(true)
	defer tm.working.Store(false)
	for tm.helpers < n-1 {
		tm.helpers++
		go tm.helper(tm.helpers, tm.current.Load())
	}
	tm.pending.Store(int32(n - 1))
	tm.mu.Lock()
	j := &job{n: n, f: f}
	tm.current.Store(j)
	tm.work.Broadcast()
	tm.mu.Unlock()

	f(0)
	if !spinUntil(n, func() bool { return tm.pending.Load() == 0 }) {
		tm.mu.Lock()
		// waiting is set before pending is read again, and a helper
		// reads it after its decrement: one of the two sees the other.
		tm.waiting.Store(true)
		for tm.pending.Load() != 0 {
			tm.done.Wait()
		}
		tm.waiting.Store(false)
		tm.mu.Unlock()
	}
	// The job stays published until the next one, and every helper keeps
	// a pointer to it: drop its closure, or whatever f captured (an op's
	// output tensor, say) would stay alive. No helper reads f once pending
	// is 0.
	j.f = nil
	return true
}

// helper is helper goroutine number t (1, 2, …): it runs share t of every
// job that needs it. seen is the last job published before it started.
func (tm *team) helper(t int, seen *job) {
	for {
		seen = tm.nextJob(seen)
		if t >= seen.n {
			continue // a job for fewer goroutines
		}
		seen.f(t)
		if tm.pending.Add(-1) == 0 && tm.waiting.Load() {
			tm.mu.Lock()
			tm.done.Broadcast()
			tm.mu.Unlock()
		}
	}
}

// nextJob waits for a job other than seen and returns it.
func (tm *team) nextJob(seen *job) *job {
	if spinUntil(runtime.GOMAXPROCS(0), func() bool { return tm.current.Load() != seen }) {
		return tm.current.Load()
	}
	tm.mu.Lock()
	defer tm.mu.Unlock()
	for tm.current.Load() == seen {
		tm.work.Wait()
	}
	return tm.current.Load()
}

// spinUntil checks cond in a loop for up to spinTime, and reports whether
// it became true, if it makes sense for n goroutines to spin: when every
// one of them can have a P of its own. Otherwise it returns false at once.
func spinUntil(n int, cond func() bool) bool {
	if runtime.GOMAXPROCS(0) < n || runtime.GOMAXPROCS(0) < 2 {
		return false
	}
	start := time.Now()
	for i := 1; ; i++ {
		if cond() {
			return true
		}
		if i%256 == 0 {
			if time.Since(start) > spinTime {
				return false
			}
			runtime.Gosched() // let other goroutines on this P run
		}
	}
}
