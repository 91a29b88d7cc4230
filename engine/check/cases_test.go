package check

import (
	"math"
	"slices"
	"testing"
)

// TestCases checks the cases made for a batch-and-features function: the
// same size changed together in every input, and a broadcast second input.
func TestCases(t *testing.T) {
	cases := Cases([][]int{{4, 3}, {4, 3}}, 7)
	want := map[string][][]int{
		"random values":   {{4, 3}, {4, 3}},
		"negative values": {{4, 3}, {4, 3}},
		"large values":    {{4, 3}, {4, 3}},
		"size-1 dims":     {{1, 3}, {1, 3}},
		"an empty dim":    {{0, 3}, {0, 3}},
		"broadcast: input 2 of shape [3] against [4, 3]": {{4, 3}, {3}},
	}
	if len(cases) != len(want) {
		t.Fatalf("%d cases, want %d", len(cases), len(want))
	}
	for _, c := range cases {
		shapes, ok := want[c.Name]
		if !ok || !slices.EqualFunc(c.Shapes, shapes, slices.Equal) {
			t.Errorf("case %q shapes %v, want %v", c.Name, c.Shapes, shapes)
		}
		for i, d := range c.Data {
			if len(d) != Numel(c.Shapes[i]) {
				t.Errorf("case %q input %d has %d elements for shape %v", c.Name, i, len(d), c.Shapes[i])
			}
			for _, x := range d {
				lo, hi := 0.1, 1.0
				if c.Name == "large values" {
					lo, hi = 100, 1000
				}
				if a := math.Abs(x); a < lo*0.999 || a > hi || (c.Name == "negative values" && x >= 0) {
					t.Errorf("case %q value %g outside ±[%g, %g]", c.Name, x, lo, hi)
				}
			}
		}
	}
	again := Cases([][]int{{4, 3}, {4, 3}}, 7)
	if !slices.Equal(again[0].Data[0], cases[0].Data[0]) {
		t.Error("the same seed gave other values")
	}
	if other := Cases([][]int{{4, 3}, {4, 3}}, 8); slices.Equal(other[0].Data[0], cases[0].Data[0]) {
		t.Error("another seed gave the same values")
	}
}

// TestCasesScalar checks a function of one scalar: no size to change, no
// input to broadcast.
func TestCasesScalar(t *testing.T) {
	cases := Cases([][]int{{}}, 1)
	if len(cases) != 3 || len(cases[0].Data[0]) != 1 {
		t.Errorf("got %d cases (%v), want the 3 value cases of one element", len(cases), cases)
	}
}

// TestSumTo checks the sum of a broadcast gradient down to the input.
func TestSumTo(t *testing.T) {
	got := SumTo(v([]int{2, 3}, 1, 2, 3, 4, 5, 6), []int{1, 3})
	if !slices.Equal(got.Data, []float64{5, 7, 9}) {
		t.Errorf("got %v", got.Data)
	}
}

// TestMatmulMistake checks that each kernel mistake is named, on a 2×3 by
// 3×4 product (sizes all different, so the mistakes differ).
func TestMatmulMistake(t *testing.T) {
	m, n, k := 2, 4, 3
	a := []float64{1, -2, 3, 0.5, 4, -1}
	b := []float64{2, 1, 0, -1, 3, -2, 1, 0.5, 1, 1, -3, 2}
	good := Matmul(m, n, k, a, b)
	if good[0] != 1*2+-2*3+3*1 || good[7] != 0.5*-1+4*0.5+-1*2 {
		t.Fatalf("reference %v", good)
	}
	kShort := matmulBy(m, n, k, func(i, p int) float64 { return a[i*k+p] }, func(p, j int) float64 { return b[p*n+j] }, k-1)
	aT := matmulBy(m, n, k, func(i, p int) float64 { return at(a, p*m+i) }, func(p, j int) float64 { return b[p*n+j] }, k)
	nan := make([]float64, m*n)
	for i := range nan {
		nan[i] = math.NaN()
	}
	tests := []struct {
		got  []float64
		want string
	}{
		{kShort, KLoopShort},
		{aT, ReadATransposed},
		{transpose(good, m, n), WroteCTransposed},
		{nan, StartsFromNaN},
	}
	if got := MatmulMistake(m, n, k, a, b, good, DefaultTolerance); got != "" {
		t.Errorf("the right product named %q", got)
	}
	for _, tt := range tests {
		if got := MatmulMistake(m, n, k, a, b, tt.got, DefaultTolerance); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}
