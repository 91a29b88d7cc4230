package kernels

import (
	"math"
	"runtime"
	"testing"
	"time"

	"tinytorch/engine/internal/cpu"
)

// TestMeasureRoofs checks the FMA roof's shape (one figure per vector
// width this CPU has, widest first, on 1 and 2 goroutines) and its size
// against a real kernel: the best "simd" matmul on one goroutine must
// not beat the one-goroutine roof of its instruction set (with 30% to
// spare for a busy machine slowing the roof's runs more than the
// matmul's). A loop whose operation count were off, or whose FMAs the
// CPU ran fewer of than counted, would fail here.
func TestMeasureRoofs(t *testing.T) {
	roofs := MeasureRoofs(2, 5*time.Millisecond)
	var want []string
	if cpu.HasAVX512() {
		want = append(want, "avx512", "avx512")
	}
	if cpu.HasAVX2FMA() {
		want = append(want, "avx2", "avx2")
	}
	if len(roofs) != len(want) {
		t.Fatalf("%d roofs (%+v), expected %d for this CPU (%v)", len(roofs), roofs, len(want), want)
	}
	for i, r := range roofs {
		if r.ISA != want[i] || r.Threads != 1+i%2 || !(r.GFLOPS > 0) || math.IsInf(r.GFLOPS, 0) {
			t.Errorf("roof %d is %+v, expected %s on %d threads with a positive rate", i, r, want[i], 1+i%2)
		}
	}
	if len(roofs) == 0 {
		if _, ok := PeakRoof(1, time.Millisecond); ok {
			t.Error("PeakRoof reported a roof where MeasureRoofs found none")
		}
		return
	}
	defer SetThreads(SetThreads(1))
	n := 256
	a, b, c := make([]float32, n*n), make([]float32, n*n), make([]float32, n*n)
	for i := range a {
		a[i], b[i] = float32(i%7), float32(i%5)
	}
	// The roof and the matmul take turns, each keeping its best, so that
	// a busy spell of the machine slows both alike.
	best, roof := time.Duration(math.MaxInt64), Roof{}
	for range 6 {
		r, ok := PeakRoof(1, 2*time.Millisecond)
		if !ok || r.ISA != SIMD() {
			t.Fatalf("PeakRoof = %+v, %v; expected the %s roof", r, ok, SIMD())
		}
		if r.GFLOPS > roof.GFLOPS {
			roof = r
		}
		for range 5 {
			start := time.Now()
			Matmul(false, false, n, n, n, 1, a, n, b, n, 0, c, n)
			best = min(best, time.Since(start))
		}
	}
	matmul := 2 * float64(n*n*n) / best.Seconds() / 1e9
	t.Logf("roof %s %.1f GFLOP/s on 1 thread (%d Ps), simd matmul n=256 %.1f (%.0f%%)", roof.ISA, roof.GFLOPS, runtime.GOMAXPROCS(0), matmul, 100*matmul/roof.GFLOPS)
	if matmul > 1.3*roof.GFLOPS {
		t.Errorf("a 256×256 matmul ran at %.1f GFLOP/s, above the %s FMA roof %.1f: the roof is undercounted", matmul, roof.ISA, roof.GFLOPS)
	}
}

// TestRegisterRoof registers two loops of known work: MeasureRoofs lists
// them first, latest first, and PeakRoof times the latest.
func TestRegisterRoof(t *testing.T) {
	registered.Lock()
	saved := registered.loops
	registered.Unlock()
	defer func() {
		registered.Lock()
		registered.loops = saved
		registered.Unlock()
	}()
	sink := float32(0)
	loop := func(n int) {
		x := float32(1)
		for range n {
			x = x*0.5 + 0.5
		}
		sink += x
	}
	RegisterRoof("first", 1, 2, loop)
	RegisterRoof("second", 4, 2, loop)
	roofs := MeasureRoofs(1, time.Millisecond)
	if len(roofs) < 2 || roofs[0].ISA != "second" || roofs[0].Lanes != 4 || roofs[1].ISA != "first" || !(roofs[0].GFLOPS > 0) {
		t.Fatalf("MeasureRoofs = %+v, expected the registered loops first, latest first", roofs)
	}
	if r, ok := PeakRoof(1, time.Millisecond); !ok || r.ISA != "second" || !(r.GFLOPS > 0) {
		t.Fatalf("PeakRoof = %+v, %v; expected the latest registered loop", r, ok)
	}
	t.Logf("sink %v", sink)
}
