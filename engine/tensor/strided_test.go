package tensor

import (
	"slices"
	"testing"
)

// TestStridedCopies checks the row-by-row loops of values, copyInto and
// addInto on permuted, expanded and sliced views against the element-wise
// definition: element (i, j, k) of a permuted view of x is x at the
// permuted index.
func TestStridedCopies(t *testing.T) {
	x := must(must(Arange(0, 24, 1)).Reshape(2, 3, 4))
	p := must(x.Permute(2, 0, 1)) // [4, 2, 3], p[k][i][j] = x[i][j][k]
	var want []float32
	for k := range 4 {
		for i := range 2 {
			for j := range 3 {
				want = append(want, float32(i*12+j*4+k))
			}
		}
	}
	if got := p.Data(); !slices.Equal(got, want) {
		t.Fatalf("permuted Data() = %v, want %v", got, want)
	}
	// copyInto a transposed destination, from a broadcast source.
	dst := must(Zeros(3, 4))
	dt := must(dst.Transpose(0, 1)) // [4, 3] view of dst
	row := must(must(Arange(0, 3, 1)).Reshape(1, 3))
	must(dt.CopyInPlace(row))
	if got, want := dst.Data(), []float32{0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2}; !slices.Equal(got, want) {
		t.Fatalf("copy into a transpose = %v, want %v", got, want)
	}
	// addInto through an expanded (stride 0) view accumulates.
	acc := must(Zeros(1, 3))
	addInto(must(acc.Expand(4, 3)), must(Ones(4, 3)))
	if got, want := acc.Data(), []float32{4, 4, 4}; !slices.Equal(got, want) {
		t.Fatalf("add through an expanded view = %v, want %v", got, want)
	}
	// 0-d tensors and empty views.
	s := must(Full(5))
	z := must(Zeros())
	copyInto(z, s)
	if z.Data()[0] != 5 {
		t.Fatalf("0-d copy = %v", z.Data())
	}
	e := must(Zeros(0, 3))
	if got := must(e.Transpose(0, 1)).Data(); len(got) != 0 {
		t.Fatalf("empty transpose = %v", got)
	}
}
