package wasmsimd

import (
	"math"
	"math/rand/v2"
	"os/exec"
	"testing"
)

// TestMoveBlocksInNode runs unfold.wat's moveBlocks under node, both ways,
// on blocks with contiguous runs (widths that are and are not multiples
// of 4) and strided ones, several samples, and blocks adding to the same
// input elements (where the order of the additions shows), and checks
// both arrays bit for bit against MoveBlocksReference, NaN, ±Inf and ±0
// among the values.
func TestMoveBlocksInNode(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	mod, err := UnfoldModule()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(11, 12))
	// Blocks over an input of 3 samples of 200 floats and columns of 3
	// samples of 300: col, colStep, colSample, in, inStep, inSample,
	// width, count, samples, step.
	blocks := []int32{
		0, 24, 300, 0, 28, 200, 24, 5, 3, 1, // LeNet's first layer: runs of 24
		120, 8, 300, 3, 12, 200, 8, 4, 3, 1, // runs of 8 overlapping the above in img
		160, 7, 300, 1, 11, 200, 7, 3, 3, 1, // runs of 7: 1 vector and 3 floats
		190, 3, 300, 2, 9, 200, 3, 4, 2, 1, // runs shorter than a vector
		210, 5, 300, 5, 20, 200, 5, 3, 3, 2, // stride 2
		230, 4, 300, 7, 30, 200, 4, 2, 3, 3, // stride 3
	}
	for _, add := range []bool{false, true} {
		cols, img := poolValues(rng, 900), poolValues(rng, 600)
		wantCols, wantImg := append([]float32(nil), cols...), append([]float32(nil), img...)
		MoveBlocksReference(add, wantCols, wantImg, blocks)
		dir := 0
		if add {
			dir = 1
		}
		blockBits := make([]uint32, len(blocks))
		for i, b := range blocks {
			blockBits[i] = uint32(b)
		}
		got := runModuleInNode(t, node, mod, "moveBlocks", [][]uint32{bitsOf(cols), bitsOf(img), blockBits},
			[]map[string]int{{"int": dir}, {"array": 0}, {"array": 1}, {"array": 2}, {"int": len(blocks) / BlockFields}})
		for k, want := range [][]float32{wantCols, wantImg} {
			for i, w := range want {
				if got[k][i] != math.Float32bits(w) {
					t.Fatalf("add=%v: %s[%d] = %v, want %v", add, []string{"cols", "img"}[k], i, math.Float32frombits(got[k][i]), w)
				}
			}
		}
	}
}
