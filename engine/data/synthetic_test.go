package data

import (
	"slices"
	"testing"
)

// Each synthetic set has the right shapes and classes, repeats for a seed,
// changes with it, and is bit-identical to a golden hash: the same hash
// passes natively and under js/wasm, so both produce the same points.
func TestSyntheticSets(t *testing.T) {
	tests := []struct {
		name   string
		make   func(seed uint64) (*TensorDataset, error)
		xShape []int
		yShape []int
		counts []int // samples per class; nil for regression
		golden string
	}{
		{"xor", func(s uint64) (*TensorDataset, error) { return XOR(100, 0.1, s) }, []int{100, 2}, []int{100}, []int{50, 50}, "3a9aa631e921e6ed"},
		{"spirals", func(s uint64) (*TensorDataset, error) { return Spirals(101, 0.05, s) }, []int{101, 2}, []int{101}, []int{51, 50}, "5134161377628497"},
		{"moons", func(s uint64) (*TensorDataset, error) { return Moons(100, 0.1, s) }, []int{100, 2}, []int{100}, []int{50, 50}, "2178abab695cf207"},
		{"circles", func(s uint64) (*TensorDataset, error) { return Circles(100, 0.05, 0.5, s) }, []int{100, 2}, []int{100}, []int{50, 50}, "073d3d7c26406843"},
		{"blobs", func(s uint64) (*TensorDataset, error) { return Blobs(100, 3, 2, 1, s) }, []int{100, 2}, []int{100}, []int{34, 33, 33}, "96ddde37d829098c"},
		{"linear regression", func(s uint64) (*TensorDataset, error) {
			return LinearRegression(100, []float64{2, -3}, 0.5, 0.1, s)
		}, []int{100, 2}, []int{100, 1}, nil, "959ab48f5532d059"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ds := must(tc.make(1))
			if !slices.Equal(ds.X.Shape(), tc.xShape) || !slices.Equal(ds.Y.Shape(), tc.yShape) {
				t.Fatalf("shapes x %v y %v, want %v %v", ds.X.Shape(), ds.Y.Shape(), tc.xShape, tc.yShape)
			}
			if tc.counts != nil {
				counts := make([]int, len(tc.counts))
				for _, y := range ds.Y.Data() {
					counts[int(y)]++
				}
				if !slices.Equal(counts, tc.counts) {
					t.Errorf("class counts %v, want %v", counts, tc.counts)
				}
			}
			h := bitsHash(ds.X, ds.Y)
			if again := bitsHash(must(tc.make(1)).X, must(tc.make(1)).Y); again != h {
				t.Errorf("seed 1 gave %s then %s", h, again)
			}
			if other := bitsHash(must(tc.make(2)).X, must(tc.make(2)).Y); other == h {
				t.Errorf("seeds 1 and 2 gave the same data")
			}
			if h != tc.golden {
				t.Errorf("data hash %s, golden %s: the generator's output changed (or differs on this platform)", h, tc.golden)
			}
		})
	}
}

func TestSyntheticShapes(t *testing.T) {
	xor := must(XOR(4, 0, 0))
	if !slices.Equal(xor.X.Data(), []float32{0, 0, 0, 1, 1, 0, 1, 1}) || !slices.Equal(xor.Y.Data(), []float32{0, 1, 1, 0}) {
		t.Errorf("XOR(4, 0) is not the truth table: %v %v", xor.X.Data(), xor.Y.Data())
	}
	// Noise-free circles lie on their radii; moons on their arcs.
	c := must(Circles(8, 0, 0.5, 0))
	for i := range 8 {
		p := must(c.X.Select(0, i)).Data()
		r2 := p[0]*p[0] + p[1]*p[1]
		want := float32(1)
		if i >= 4 {
			want = 0.25
		}
		if d := r2 - want; d > 1e-6 || d < -1e-6 {
			t.Errorf("circle point %d at radius² %v, want %v", i, r2, want)
		}
	}
	lr := must(LinearRegression(3, []float64{2}, 1, 0, 9))
	for i := range 3 {
		x, y := lr.X.Data()[i], lr.Y.Data()[i]
		if d := y - (2*x + 1); d > 1e-5 || d < -1e-5 {
			t.Errorf("noise-free regression point (%v, %v) is off the line y = 2x + 1", x, y)
		}
	}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"no samples", func() error { _, err := Moons(0, 0.1, 1); return err }(), "moons: the number of samples 0 must be positive"},
		{"negative noise", func() error { _, err := Spirals(10, -1, 1); return err }(), "spirals: noise -1 must not be negative"},
		{"factor", func() error { _, err := Circles(10, 0, 1.5, 1); return err }(), "circles: factor 1.5 must be between 0 and 1"},
		{"centers", func() error { _, err := Blobs(10, 0, 2, 1, 1); return err }(), "blobs: 0 centers in 2 dimensions"},
		{"weights", func() error { _, err := LinearRegression(10, nil, 0, 0, 1); return err }(), "linearRegression: no weights"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { errContains(t, tc.err, tc.want) })
	}
}
