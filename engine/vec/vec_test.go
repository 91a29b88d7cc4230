package vec

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// lengths covers empty input, every remainder of the 8- and 16-element
// groups of the assembly, and a parameter-sized vector.
var lengths = []int{0, 1, 7, 8, 9, 15, 16, 17, 31, 33, 64, 100, 1000, 100_480}

// randomVector returns n values in [-2, 2), the same ones for the same seed.
func randomVector(n int, seed uint64) []float32 {
	r := rand.New(rand.NewPCG(seed, 7))
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(r.Float64()*4 - 2)
	}
	return v
}

func TestMomentumUpdateMatchesGoLoop(t *testing.T) {
	for _, n := range lengths {
		w, g, buf := randomVector(n, 1), randomVector(n, 2), randomVector(n, 3)
		wantW, wantBuf := slices.Clone(w), slices.Clone(buf)
		for range 3 { // several steps, as in training
			MomentumUpdate(w, g, buf, 0.01, 0.9, 0.75)
			momentumGo(wantW, g, wantBuf, 0.01, 0.9, 0.75)
		}
		for i := range w {
			if w[i] != wantW[i] || buf[i] != wantBuf[i] {
				t.Fatalf("n=%d, element %d: w %v buf %v, the Go loop gives %v and %v", n, i, w[i], buf[i], wantW[i], wantBuf[i])
			}
		}
	}
}

func TestMomentumUpdateValues(t *testing.T) {
	w, g, buf := []float32{1, 2}, []float32{0.5, -1}, []float32{0.2, 0}
	MomentumUpdate(w, g, buf, 0.1, 0.9, 1)
	// buf = 0.9·0.2 + 0.5 = 0.68, w = 1 − 0.068; buf = −1, w = 2 + 0.1.
	want := []float32{1 - 0.1*float32(0.68), 2.1}
	for i := range w {
		if math.Abs(float64(w[i]-want[i])) > 1e-6 {
			t.Errorf("w[%d] = %v, want %v", i, w[i], want[i])
		}
	}
}

func TestMomentumUpdatePanicsOnLengths(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic for slices of different lengths")
		}
	}()
	MomentumUpdate(make([]float32, 3), make([]float32, 2), make([]float32, 3), 1, 0, 1)
}

func TestSumSquares(t *testing.T) {
	for _, n := range lengths {
		v := randomVector(n, uint64(n))
		var part [lanes]float64
		sumSquaresGo(v, &part)
		want := 0.0
		for _, p := range part {
			want += p
		}
		if got := SumSquares(v); got != want {
			t.Errorf("n=%d: SumSquares = %v, the Go loop gives %v", n, got, want)
		}
		exact := 0.0 // one running sum: differs only by rounding
		for _, x := range v {
			exact += float64(x) * float64(x)
		}
		if math.Abs(SumSquares(v)-exact) > 1e-12*max(exact, 1) {
			t.Errorf("n=%d: SumSquares = %v, a plain sum gives %v", n, SumSquares(v), exact)
		}
	}
	if got := SumSquares([]float32{3, 4}); got != 25 {
		t.Errorf("SumSquares(3, 4) = %v, want 25", got)
	}
}

func BenchmarkMomentumUpdate(b *testing.B) {
	w, g, buf := randomVector(100_480, 1), randomVector(100_480, 2), randomVector(100_480, 3)
	for b.Loop() {
		MomentumUpdate(w, g, buf, 1e-9, 0.9, 1)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(w)), "ns/element")
}

func BenchmarkSumSquares(b *testing.B) {
	v := randomVector(100_480, 1)
	for b.Loop() {
		SumSquares(v)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(v)), "ns/element")
}

// withEdgeCases returns random values with NaN, ±Inf and ±0 spread in.
func withEdgeCases(n int, seed uint64) []float32 {
	v := randomVector(n, seed)
	special := []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), 0, float32(math.Copysign(0, -1))}
	for i := 0; i < n; i += 5 {
		v[i] = special[(i/5)%len(special)]
	}
	return v
}

// sameBits reports whether two slices hold the same float32 bit patterns
// (NaN equals NaN, +0 differs from −0).
func sameBits(a, b []float32) (int, bool) {
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return i, false
		}
	}
	return 0, true
}

func TestReLUMatchesGoLoop(t *testing.T) {
	for _, n := range lengths {
		x := withEdgeCases(n, 4)
		y, want := make([]float32, n), make([]float32, n)
		ReLU(y, x)
		reluGo(want, x)
		if i, ok := sameBits(y, want); !ok {
			t.Fatalf("n=%d: relu(%v) = %v, the Go loop gives %v", n, x[i], y[i], want[i])
		}
	}
}

func TestReLUValues(t *testing.T) {
	negZero := float32(math.Copysign(0, -1))
	x := []float32{-1, 2, negZero, 0, float32(math.NaN()), 3, -4, 5, 6} // 9: one AVX group and a tail
	y := make([]float32, len(x))
	ReLU(y, x)
	want := []float32{0, 2, negZero, 0, float32(math.NaN()), 3, 0, 5, 6} // torch.relu keeps -0
	for i := range y {
		if math.Float32bits(y[i]) != math.Float32bits(want[i]) {
			t.Errorf("relu(%v) = %v, want %v", x[i], y[i], want[i])
		}
	}
}

func BenchmarkReLU(b *testing.B) {
	x := randomVector(64*6*24*24, 1)
	y := make([]float32, len(x))
	for b.Loop() {
		ReLU(y, x)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(x)), "ns/element")
}

func TestAdamUpdateMatchesGoLoop(t *testing.T) {
	c := &AdamConsts{Beta1: 0.9, OneMinusBeta1: 0.1, Beta2: 0.999, OneMinusBeta2: 0.001,
		BiasCorrection2Sqrt: 0.0447, Eps: 1e-8, NegStepSize: -0.00526, Decay: 0.99}
	for _, n := range lengths {
		g := withEdgeCases(n, 8)
		w, m, v := randomVector(n, 9), randomVector(n, 10), randomVector(n, 11)
		for i := range v {
			v[i] *= v[i] // a second moment is never negative
		}
		wantW, wantM, wantV := slices.Clone(w), slices.Clone(m), slices.Clone(v)
		for range 3 {
			AdamUpdate(w, g, m, v, c)
			adamGo(wantW, g, wantM, wantV, c)
		}
		for _, pair := range [][2][]float32{{w, wantW}, {m, wantM}, {v, wantV}} {
			if i, ok := sameBits(pair[0], pair[1]); !ok {
				t.Fatalf("n=%d, element %d: %v, the Go loop gives %v", n, i, pair[0][i], pair[1][i])
			}
		}
	}
}

func BenchmarkAdamUpdate(b *testing.B) {
	w, g, m, v := randomVector(100_480, 1), randomVector(100_480, 2), randomVector(100_480, 3), randomVector(100_480, 4)
	c := &AdamConsts{Beta1: 0.9, OneMinusBeta1: 0.1, Beta2: 0.999, OneMinusBeta2: 0.001, BiasCorrection2Sqrt: 0.1, Eps: 1e-8, NegStepSize: -1e-9, Decay: 1}
	for b.Loop() {
		AdamUpdate(w, g, m, v, c)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(w)), "ns/element")
}

// TestReLUBackwardMatchesGoLoop: the vector loop and the Go loop give the
// same bits on every length, NaN, ±Inf and −0 among y and g.
func TestReLUBackwardMatchesGoLoop(t *testing.T) {
	for _, n := range lengths {
		y, g := withEdgeCases(n, 6), withEdgeCases(n, 7)
		dx, want := make([]float32, n), make([]float32, n)
		ReLUBackward(dx, g, y)
		reluBackwardGo(want, g, y)
		if i, ok := sameBits(dx, want); !ok {
			t.Fatalf("n=%d: relu backward with g=%v, y=%v is %v, the Go loop gives %v", n, g[i], y[i], dx[i], want[i])
		}
	}
}

func BenchmarkReLUBackward(b *testing.B) {
	y, g := randomVector(256*128, 1), randomVector(256*128, 2)
	dx := make([]float32, len(y))
	for b.Loop() {
		ReLUBackward(dx, g, y)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(y)), "ns/element")
}

// TestReLUBackwardValues: +0 wherever y ≤ 0 (whatever g, even −2 or
// −Inf, where g·0 would be −0 or NaN), g where y > 0 or y is NaN. Nine
// elements: a group of a vector loop and a tail.
func TestReLUBackwardValues(t *testing.T) {
	negZero, nan, inf := float32(math.Copysign(0, -1)), float32(math.NaN()), float32(math.Inf(1))
	y := []float32{-1, 2, negZero, 0, nan, 3, -4, 5, 0}
	g := []float32{-2, -3, -inf, inf, 7, negZero, 8, inf, -9}
	want := []float32{0, -3, 0, 0, 7, negZero, 0, inf, 0}
	dx := make([]float32, len(y))
	ReLUBackward(dx, g, y)
	if i, ok := sameBits(dx, want); !ok {
		t.Errorf("relu backward with g=%v, y=%v is %v, want %v", g[i], y[i], dx[i], want[i])
	}
}

// TestInstalledActivations: an installed ReLU or ReLUBackward loop gets
// the leading multiple of 4 elements (where no assembly loop runs) and
// the Go loop the rest, with the same result as without it.
func TestInstalledActivations(t *testing.T) {
	withoutAssembly(t)
	defer InstallActivations(nil, nil)
	var got []int
	InstallActivations(func(y, x []float32) {
		got = append(got, len(x))
		reluGo(y, x)
	}, func(dx, g, y []float32) {
		got = append(got, len(dx))
		for i := range dx {
			if y[i] > 0 || y[i] != y[i] {
				dx[i] = g[i]
			} else {
				dx[i] = 0
			}
		}
	})
	x, g := withEdgeCases(13, 4), withEdgeCases(13, 5)
	y, want := make([]float32, 13), make([]float32, 13)
	ReLU(y, x)
	reluGo(want, x)
	if i, ok := sameBits(y, want); !ok {
		t.Errorf("relu(%v) with an installed loop = %v, want %v", x[i], y[i], want[i])
	}
	dx, wantDx := make([]float32, 13), make([]float32, 13)
	ReLUBackward(dx, g, x)
	InstallActivations(nil, nil)
	ReLUBackward(wantDx, g, x)
	if i, ok := sameBits(dx, wantDx); !ok {
		t.Errorf("relu backward with an installed loop, g=%v, y=%v: %v, want %v", g[i], x[i], dx[i], wantDx[i])
	}
	if !slices.Equal(got, []int{12, 12}) {
		t.Errorf("the installed loops were handed %v elements, want [12 12]", got)
	}
}

// TestAllFinite checks AllFinite with and without an installed loop: each
// non-finite value at the first element, in the part the loop checks, in
// the tail it leaves to Go and at the last; the loop is handed exactly the
// leading multiple of 4 elements.
func TestAllFinite(t *testing.T) {
	bad := []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1))}
	var handed []int
	loop := func(v []float32) bool {
		handed = append(handed, len(v))
		for _, x := range v {
			if x != x || x-x != 0 {
				return false
			}
		}
		return true
	}
	for _, installed := range []bool{false, true} {
		if installed {
			InstallAllFinite(loop)
		}
		for _, n := range []int{0, 1, 3, 4, 7, 64, 67} {
			v := make([]float32, n)
			for i := range v {
				v[i] = float32(i) - 30
			}
			if n > 2 {
				v[1] = math.MaxFloat32
			}
			handed = nil
			if !AllFinite(v) {
				t.Errorf("installed %v, n %d: finite values reported as not finite", installed, n)
			}
			if want := n &^ 3; installed && want > 0 && (len(handed) != 1 || handed[0] != want) {
				t.Errorf("installed, n %d: the loop was handed %v elements, want %d", n, handed, want)
			}
			for _, at := range []int{0, n / 2, n - 1} {
				for _, b := range bad {
					if n == 0 {
						continue
					}
					w := slices.Clone(v)
					w[at] = b
					if AllFinite(w) {
						t.Errorf("installed %v, n %d: %v at %d not found", installed, n, b, at)
					}
				}
			}
		}
	}
	InstallAllFinite(nil)
}
