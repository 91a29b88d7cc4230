package kernels

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestTeamRunsEveryShareOnce runs jobs of 1 to 4 shares on the team and
// checks that each share ran exactly once before parallelFor returned, in
// the team's three regimes: back to back (the helpers catch each job while
// spinning), with a pause longer than spinTime between jobs (they sleep
// and are woken), and with a share slower than spinTime (the caller
// sleeps until the last helper wakes it). Concurrent callers take the
// fallback path, goroutines of their own. A lost wake-up shows as jobs
// that never finish.
func TestTeamRunsEveryShareOnce(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	cases := []struct {
		name       string
		jobs       int
		pause      time.Duration // between jobs
		slowShare  time.Duration // how long share 1 takes
		concurrent int           // callers at once
	}{
		{"back to back", 2000, 0, 0, 1},
		{"helpers asleep between jobs", 20, 2 * spinTime, 0, 1},
		{"caller asleep on a slow share", 20, 0, 2 * spinTime, 1},
		{"concurrent callers", 500, 0, 0, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var wg sync.WaitGroup
			for caller := range c.concurrent {
				wg.Go(func() {
					for i := range c.jobs {
						n := 1 + (i+caller)%4
						runs := make([]atomic.Int32, n)
						parallelFor(n, func(share int) {
							if share == 1 && c.slowShare > 0 {
								time.Sleep(c.slowShare)
							}
							runs[share].Add(1)
						})
						for share := range runs {
							if got := runs[share].Load(); got != 1 {
								t.Errorf("job %d of %d shares: share %d ran %d times", i, n, share, got)
								return
							}
						}
						time.Sleep(c.pause)
					}
				})
			}
			finished := make(chan struct{})
			go func() { wg.Wait(); close(finished) }()
			select {
			case <-finished:
			case <-time.After(time.Minute):
				t.Fatal("the jobs did not finish within a minute: a wake-up was lost")
			}
		})
	}
}
