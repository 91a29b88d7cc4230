package tensor

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// Einsum is checked against a direct evaluation of the definition: for
// every assignment of values to the letters, multiply the operands'
// elements and add the product into the output element. FuzzEinsum runs
// that comparison on arbitrary equations (any string must give a result
// or an error, never a panic); the seeds are the common patterns.

// einsumByDefinition evaluates a valid equation by brute force.
func einsumByDefinition(terms []string, output string, ops []*Tensor) *Tensor {
	size := map[rune]int{}
	for i, term := range terms {
		for d, r := range term {
			size[r] = ops[i].shape[d]
		}
	}
	var letters []rune
	for r := range size {
		letters = append(letters, r)
	}
	slices.Sort(letters)
	outShape := []int{}
	for _, r := range output {
		outShape = append(outShape, size[r])
	}
	acc := make([]float64, product(outShape))
	vals := make([][]float32, len(ops))
	for i, x := range ops {
		vals[i] = x.Data()
	}
	at := map[rune]int{}
	var visit func(k int)
	visit = func(k int) {
		if k == len(letters) {
			p := 1.0
			for i, term := range terms {
				off := 0
				for d, r := range term {
					off = off*ops[i].shape[d] + at[r]
				}
				p *= float64(vals[i][off])
			}
			off := 0
			for d, r := range output {
				off = off*outShape[d] + at[r]
			}
			acc[off] += p
			return
		}
		for v := range size[letters[k]] {
			at[letters[k]] = v
			visit(k + 1)
		}
	}
	visit(0)
	out := make([]float32, len(acc))
	for i, v := range acc {
		out[i] = float32(v)
	}
	return fromData(out, outShape)
}

// checkEinsum runs one equation on operands whose letter sizes come from
// sizeOf, and compares with the definition when Einsum accepts it.
func checkEinsum(t *testing.T, eq string) {
	t.Helper()
	lhs, _, _ := strings.Cut(strings.ReplaceAll(eq, " ", ""), "->")
	terms := strings.Split(lhs, ",")
	if len(terms) > 4 || len(lhs) > 12 {
		return // keep the brute force small
	}
	g := NewGenerator(uint64(len(eq)))
	ops := make([]*Tensor, len(terms))
	for i, term := range terms {
		shape := []int{}
		for _, r := range term {
			shape = append(shape, int(r)%3+1) // the same size for the same letter
		}
		data := make([]float32, product(shape))
		for j := range data {
			data[j] = float32(g.Normal())
		}
		ops[i] = fromData(data, shape)
	}
	got, err := Einsum(eq, ops...)
	if err != nil {
		return // an error is a fine answer to a bad equation; a panic is not
	}
	terms, output, perr := parseEinsum(eq, ops)
	if perr != nil {
		t.Fatalf("%q: Einsum succeeded but parsing fails: %v", eq, perr)
	}
	want := einsumByDefinition(terms, output, ops)
	if !sameShape(got.shape, want.shape) {
		t.Fatalf("%q: shape %v, by definition %v", eq, got.shape, want.shape)
	}
	for i, v := range got.Data() {
		w := want.st.data[i]
		if math.Abs(float64(v-w)) > 1e-4+1e-4*math.Abs(float64(w)) {
			t.Fatalf("%q: %v, by definition %v", eq, got.Data(), want.Data())
		}
	}
}

var einsumSeeds = []string{
	"ij,jk->ik", "bij,bjk->bik", "ij->ji", "ii->", "ii->i", "i,j->ij", "ij->i", "ij->", "bi,bj->ij",
	"i,i->", "ij,ij->ij", "ij,jk", "bn,anm,bm->ba", "iij->j", "bhqd,bhkd->bhqk", "ii", "ij,kl->ijkl",
	"iji->j", "a,a,a->a", "ab,bc,cd->ad", "ba->ab", "i->", "->", "i->ii", "...i->i", "ij,j", "iJ,Jk->ik",
}

func TestEinsumMatchesDefinition(t *testing.T) {
	for _, eq := range einsumSeeds {
		t.Run(eq, func(t *testing.T) { checkEinsum(t, eq) })
	}
}

func FuzzEinsum(f *testing.F) {
	for _, eq := range einsumSeeds {
		f.Add(eq)
	}
	f.Fuzz(func(t *testing.T, eq string) { checkEinsum(t, eq) })
}

// Einsum's gradient follows from its parts; check it numerically on a
// pattern with a diagonal, a summed letter and a contraction.
func TestEinsumGradient(t *testing.T) {
	c := fixtureCase{
		Args: fixtureArgs{newOpArgs: newOpArgs{Equation: "iij,jk->k"}},
		Inputs: []fixtureTensor{
			{Shape: []int{2, 2, 3}, Data: []float32{0.5, -1, 2, 0.3, 0.1, -0.7, 1.5, 0.2, -0.4, 0.9, -1.2, 0.8}, Grad: true},
			{Shape: []int{3, 2}, Data: []float32{1, -0.5, 0.25, 2, -1.5, 0.75}, Grad: true},
		},
		Weight: &fixtureTensor{Shape: []int{2}, Data: []float32{0.7, -1.3}},
	}
	bad, _, err := gradCheck(newOpTable["einsum"], c)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range bad {
		t.Error(m)
	}
}
