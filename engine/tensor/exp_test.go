package tensor

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

// TestExpPortableIsGoExp holds expPortable to math.Exp. Under js/wasm
// (make test-wasm) math.Exp is the same portable algorithm, so the bits
// must be equal; natively it is amd64's assembly, a different algorithm
// accurate to a few ulps, so they must agree within 4.
func TestExpPortableIsGoExp(t *testing.T) {
	xs := []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1),
		1, -1, 0.5, 1.0 / (1 << 28), -1.0 / (1 << 28), 1.0 / (1 << 29), 1e-300,
		709.78, 709.782712893383973096, 709.79, -708.39, -708.4, -720, -745.13, -745.14, -746,
		88.72, 88.73, -87.33, -103.97, -104, math.Ln2 / 2, -math.Ln2 / 2, 20 * math.Ln2}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200_000 {
		xs = append(xs, float64(float32(rng.Float64()*194-104)), rng.Float64()*1500-750, rng.NormFloat64()*4)
	}
	exact := runtime.GOARCH == "wasm"
	for _, x := range xs {
		got, want := expPortable(x), math.Exp(x)
		if got == want || (got != got && want != want) {
			continue
		}
		if exact || math.Abs(got-want) > 4*ulp(want) {
			t.Fatalf("expPortable(%v) = %v, math.Exp gives %v (%s)", x, got, want, runtime.GOARCH)
		}
	}
}

// ulp is the distance from v to the next float64 away from zero.
func ulp(v float64) float64 {
	return math.Abs(math.Nextafter(v, math.Copysign(math.Inf(1), v)) - v)
}
