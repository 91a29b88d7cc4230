package sparse

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// reference computes x·wᵀ in float64, the same sums in the same order as
// the dense definition.
func reference(w, x []float32, rows, cols, n int) []float64 {
	y := make([]float64, n*rows)
	for i := range n {
		for r := range rows {
			s := 0.0
			for c := range cols {
				s += float64(x[i*cols+c]) * float64(w[r*cols+c])
			}
			y[i*rows+r] = s
		}
	}
	return y
}

func TestMulTAgreesWithDense(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct {
		rows, cols, n int
		density     float64
	}{{1, 1, 1, 1}, {3, 5, 1, 0.5}, {3, 5, 4, 0.5}, {16, 33, 7, 0.1}, {128, 784, 64, 0.1}, {10, 128, 1, 0.3}, {4, 6, 3, 0}, {0, 4, 2, 1}, {4, 0, 2, 1}, {5, 5, 0, 1}} {
		w := random(rng, c.rows, c.cols, c.density)
		x := random(rng, c.n, c.cols, 1)
		m, err := FromDense(w, c.rows, c.cols)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(m.Dense(), w) {
			t.Errorf("%+v: Dense() does not give the matrix back", c)
		}
		y := make([]float32, c.n*c.rows)
		for i := range y {
			y[i] = float32(math.NaN()) // MulT must overwrite every output
		}
		if err := m.MulT(y, x, c.n); err != nil {
			t.Fatal(err)
		}
		want := reference(w, x, c.rows, c.cols, c.n)
		for i := range y {
			// float32 sums of at most cols products: within a few ulps of the float64 sum's magnitude.
			tol := 1e-5 * (1 + math.Abs(want[i])) * math.Sqrt(float64(c.cols+1))
			if math.Abs(float64(y[i])-want[i]) > tol || math.IsNaN(float64(y[i])) {
				t.Errorf("%+v: y[%d] = %v, want %v", c, i, y[i], want[i])
				break
			}
		}
	}
}

// TestMulTIsExactOnIntegers: with small integers every sum is exact in
// float32, so the sparse result must equal the dense one bit for bit.
func TestMulTIsExactOnIntegers(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	rows, cols, n := 32, 100, 9
	w := make([]float32, rows*cols)
	for i := range w {
		if rng.IntN(4) == 0 {
			w[i] = float32(rng.IntN(9) - 4)
		}
	}
	x := make([]float32, n*cols)
	for i := range x {
		x[i] = float32(rng.IntN(9) - 4)
	}
	m, _ := FromDense(w, rows, cols)
	for _, batch := range []int{1, 4, n} { // one row, one group of four, groups and a rest
		y := make([]float32, batch*rows)
		if err := m.MulT(y, x[:batch*cols], batch); err != nil {
			t.Fatal(err)
		}
		for i, v := range reference(w, x, rows, cols, batch) {
			if float64(y[i]) != v {
				t.Fatalf("batch %d: y[%d] = %v, want exactly %v", batch, i, y[i], v)
			}
		}
	}
	if d := m.Density(); math.Abs(d-float64(m.NNZ())/3200) > 0 || m.Bytes() != 4*(2*m.NNZ()+33) {
		t.Errorf("density %v, bytes %d", d, m.Bytes())
	}
}

func TestSizeErrors(t *testing.T) {
	if _, err := FromDense(make([]float32, 5), 2, 3); err == nil || !strings.Contains(err.Error(), "5 values for a 2×3 matrix, expected 6") {
		t.Errorf("FromDense: %v", err)
	}
	m, _ := FromDense(make([]float32, 6), 2, 3)
	if err := m.MulT(make([]float32, 4), make([]float32, 5), 2); err == nil || !strings.Contains(err.Error(), "expected 6 and 4") {
		t.Errorf("MulT: %v", err)
	}
}
