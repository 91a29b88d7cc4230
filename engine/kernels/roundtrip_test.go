package kernels

import (
	"runtime"
	"testing"
	"time"
)

// TestCoreRoundTrip checks that the round trip between two goroutines is
// measured (positive, and below 100 ms: far above any core-to-core time,
// even when other test binaries share the cores and a round trip waits for
// the scheduler) with two threads, and reported as 0 with one.
func TestCoreRoundTrip(t *testing.T) {
	if runtime.GOMAXPROCS(0) >= 2 {
		if d := CoreRoundTrip(200); d <= 0 || d > 100*time.Millisecond {
			t.Errorf("CoreRoundTrip(200) = %v, want between 0 and 100 ms", d)
		}
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	if d := CoreRoundTrip(100); d != 0 {
		t.Errorf("on one thread CoreRoundTrip = %v, want 0", d)
	}
}
