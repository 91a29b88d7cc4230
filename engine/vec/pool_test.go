package vec

import (
	"math"
	"math/rand/v2"
	"testing"
)

// poolSpecials are the values that test the rules: NaNs with different
// payloads (the winner's bits are kept), infinities, both zeros, and
// small integers, which make ties.
var poolSpecials = []float32{
	math.Float32frombits(0x7fc00001), math.Float32frombits(0xffc00002), float32(math.Inf(1)), float32(math.Inf(-1)),
	0, float32(math.Copysign(0, -1)), 1, 1, 2, -1,
}

// TestMaxPool2x2RowMatchesGoLoop pools rows of every length from 0 to 40
// (with the vector loop where there is one, and the Go loop for the
// rest) over inputs whose rows are 2n and 2n+1 wide, at several offsets,
// and compares every output's bits and index with the Go loop's alone.
func TestMaxPool2x2RowMatchesGoLoop(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for n := range 41 {
		for _, extra := range []int{0, 1} {
			for _, top := range []int{0, 3, 9} {
				wd := 2*n + extra
				x := make([]float32, top+2*wd+5)
				for i := range x {
					if rng.IntN(4) == 0 {
						x[i] = poolSpecials[rng.IntN(len(poolSpecials))]
					} else {
						x[i] = float32(rng.NormFloat64())
					}
				}
				y, at := make([]float32, n), make([]int32, n)
				wantY, wantAt := make([]float32, n), make([]int32, n)
				MaxPool2x2Row(y, at, x, top, wd)
				maxPool2x2Go(wantY, wantAt, x, top, wd)
				for j := range n {
					if math.Float32bits(y[j]) != math.Float32bits(wantY[j]) || at[j] != wantAt[j] {
						t.Fatalf("n %d, wd %d, top %d: window %d (%v %v / %v %v): %v at %d, want %v at %d", n, wd, top, j,
							x[top+2*j], x[top+2*j+1], x[top+wd+2*j], x[top+wd+2*j+1], y[j], at[j], wantY[j], wantAt[j])
					}
				}
			}
		}
	}
}

// TestMaxPool2x2RowRules checks the rules on windows written out: ties,
// signed zeros and NaNs.
func TestMaxPool2x2RowRules(t *testing.T) {
	nan1, nan2 := math.Float32frombits(0x7fc00001), math.Float32frombits(0x7fc00002)
	negZero := float32(math.Copysign(0, -1))
	inf := float32(math.Inf(1))
	windows := []struct {
		w    [4]float32 // top-left, top-right, bottom-left, bottom-right
		want int        // the winner's place in w
	}{
		{[4]float32{1, 2, 3, 4}, 3},
		{[4]float32{4, 3, 2, 1}, 0},
		{[4]float32{2, 2, 2, 2}, 0}, // the first of equal maxima
		{[4]float32{1, 5, 5, 0}, 1},
		{[4]float32{negZero, 0, negZero, 0}, 0}, // −0 and +0 are equal
		{[4]float32{1, nan1, 2, 3}, 1},          // a NaN wins
		{[4]float32{nan1, 2, nan2, 3}, 2},       // the last NaN wins
		{[4]float32{inf, 1, nan1, inf}, 2},
		{[4]float32{-inf32(), -inf32(), -inf32(), -inf32()}, 0},
	}
	// 16 windows (two vector steps), the table's then copies of the first.
	const n, wd = 16, 32
	x := make([]float32, 2*wd)
	for j := range n {
		w := windows[min(j, len(windows)-1)].w
		x[2*j], x[2*j+1], x[wd+2*j], x[wd+2*j+1] = w[0], w[1], w[2], w[3]
	}
	y, at := make([]float32, n), make([]int32, n)
	MaxPool2x2Row(y, at, x, 0, wd)
	for j := range n {
		c := windows[min(j, len(windows)-1)]
		wantAt := int32([4]int{2 * j, 2*j + 1, wd + 2*j, wd + 2*j + 1}[c.want])
		if at[j] != wantAt || math.Float32bits(y[j]) != math.Float32bits(c.w[c.want]) {
			t.Errorf("window %d %v: %v at %d, want %v at %d", j, c.w, y[j], at[j], c.w[c.want], wantAt)
		}
	}
}

func inf32() float32 { return float32(math.Inf(1)) }

func BenchmarkMaxPool2x2Row(b *testing.B) {
	const n, rows = 12, 64 * 6 * 12 // LeNet's first pooling, a batch of 64
	x := make([]float32, rows*2*2*n)
	for i := range x {
		x[i] = float32(i%7) - float32(i%5)
	}
	y, at := make([]float32, rows*n), make([]int32, rows*n)
	for b.Loop() {
		for r := range rows {
			MaxPool2x2Row(y[r*n:(r+1)*n], at[r*n:(r+1)*n], x, r*4*n, 2*n)
		}
	}
}
