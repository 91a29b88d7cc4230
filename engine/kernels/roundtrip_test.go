package kernels

import (
	"runtime"
	"testing"
	"time"
)

// TestCoreRoundTrip checks that the round trip between two goroutines is
// measured (positive and below a millisecond, far above any core-to-core
// time) with two threads, and reported as 0 with one.
func TestCoreRoundTrip(t *testing.T) {
	if runtime.GOMAXPROCS(0) >= 2 {
		if d := CoreRoundTrip(2000); d <= 0 || d > time.Millisecond {
			t.Errorf("CoreRoundTrip(2000) = %v, want between 0 and 1 ms", d)
		}
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	if d := CoreRoundTrip(100); d != 0 {
		t.Errorf("on one thread CoreRoundTrip = %v, want 0", d)
	}
}
