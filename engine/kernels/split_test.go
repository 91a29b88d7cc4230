package kernels

import "testing"

// TestSplitThreads checks the grid of goroutines over C: the one that
// packs the fewest floats, each goroutine with a row panel and a column
// panel of its own.
func TestSplitThreads(t *testing.T) {
	mk := &microKernel{mr: 12, nr: 32} // AVX-512's register tile
	cases := []struct {
		name               string
		threads, m, n      int
		wantRows, wantCols int
	}{
		{"MLP forward, batch 256: B (the weight) is the smaller to repack", 2, 256, 128, 2, 1},
		{"MLP weight gradient: A (128 rows) is the smaller to repack", 2, 128, 784, 1, 2},
		{"MLP forward, batch 64: a short C", 2, 64, 128, 1, 2},
		{"square 512: B's block is shared, rows win", 2, 512, 512, 2, 1},
		{"square 128: a tie goes to rows", 2, 128, 128, 2, 1},
		{"one column panel: rows only", 2, 300, 20, 2, 1},
		{"one row panel: columns only", 2, 10, 300, 1, 2},
		{"a single tile: nothing to split", 2, 10, 20, 1, 2},
		{"four goroutines over a wide C", 4, 96, 2048, 1, 4},
		{"four goroutines over a square C", 4, 256, 256, 2, 2},
		{"one goroutine", 1, 500, 500, 1, 1},
	}
	for _, c := range cases {
		rows, cols := splitThreads(c.threads, c.m, c.n, mk)
		if rows != c.wantRows || cols != c.wantCols {
			t.Errorf("%s: %d goroutines over %d×%d gave %d×%d, want %d×%d", c.name, c.threads, c.m, c.n, rows, cols, c.wantRows, c.wantCols)
		}
	}
}
