package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestScatter4MatchesGo: scatter4 (a 4×4 transpose in registers on amd64
// for the leading multiple of 4 steps) writes the same bits as the Go loop
// at every length and panel width, NaN payloads included, and nothing
// outside the four columns it fills.
func TestScatter4MatchesGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 3, 4, 5, 8, 13, 256} {
		for _, stride := range []int{4, 6, 12, 16, 32, 33} {
			rows := make([][]float32, 4)
			for i := range rows {
				rows[i] = make([]float32, n)
				for p := range rows[i] {
					rows[i][p] = math.Float32frombits(rng.Uint32()) // any bits: NaNs with payloads, −0, subnormals
				}
			}
			size := n*stride + 4
			got, want := make([]float32, size), make([]float32, size)
			for i := range got {
				got[i] = float32(-i - 1) // marks what must not be written
				want[i] = got[i]
			}
			scatter4(got[1:], stride, rows[0], rows[1], rows[2], rows[3])
			scatter4Go(want[1:], stride, rows[0], rows[1], rows[2], rows[3])
			for i := range got {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
					t.Fatalf("n=%d, stride=%d: element %d is %#x, the Go loop writes %#x", n, stride, i, math.Float32bits(got[i]), math.Float32bits(want[i]))
				}
			}
		}
	}
}

func BenchmarkScatter4(b *testing.B) {
	const n, stride = 256, 12
	dst := make([]float32, n*stride)
	r := make([]float32, n)
	for b.Loop() {
		scatter4(dst, stride, r, r, r, r)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*4*n), "ns/float")
}
