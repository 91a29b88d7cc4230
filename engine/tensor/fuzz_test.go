package tensor

import (
	"strings"
	"testing"
)

// FuzzBroadcast checks elementwise ops and their gradients on arbitrary
// shape pairs against a naive reference that spells out the broadcasting
// rule index by index. `go test` runs the seed corpus; `go test
// -fuzz=FuzzBroadcast` explores further.
func FuzzBroadcast(f *testing.F) {
	f.Add([]byte{2, 1, 3, 1, 2, 3, 0})
	f.Add([]byte{3, 3, 2, 1, 3, 1, 3, 1, 1})
	f.Add([]byte{1, 0, 3, 1})
	f.Add([]byte{2, 2, 2, 3, 3, 2, 1})
	f.Add([]byte{4, 2, 1, 2, 1, 3, 2, 1, 3, 5})
	f.Fuzz(func(t *testing.T, spec []byte) {
		sa, sb, transposed := shapesFrom(spec)
		a, b := countingTensor(sa, 1, transposed), countingTensor(sb, 100, false)
		want, ok := naiveBroadcast(sa, sb)
		out, err := a.Mul(b)
		if !ok {
			if err == nil || !strings.Contains(err.Error(), "do not broadcast") {
				t.Fatalf("%v × %v: expected a broadcast error, got %v", sa, sb, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("%v × %v: %v", sa, sb, err)
		}
		if !sameShape(out.shape, want) {
			t.Fatalf("%v × %v: shape %v, want %v", sa, sb, out.shape, want)
		}
		av, bv, ov := a.Data(), b.Data(), out.Data()
		ga, gb := make([]float32, len(av)), make([]float32, len(bv))
		index := make([]int, len(want))
		for i := range ov {
			ia, ib := sourceIndex(index, sa), sourceIndex(index, sb)
			if ov[i] != av[ia]*bv[ib] {
				t.Fatalf("%v × %v: element %d = %v, want %v", sa, sb, i, ov[i], av[ia]*bv[ib])
			}
			ga[ia] += bv[ib] // d(Σ a·b)/da sums b over the broadcast copies
			gb[ib] += av[ia]
			increment(index, want)
		}
		if err := out.SumAll().Backward(); err != nil {
			t.Fatal(err)
		}
		wantData(t, "grad a", a.Grad(), sa, ga)
		wantData(t, "grad b", b.Grad(), sb, gb)
	})
}

// shapesFrom decodes two shapes of up to 4 dimensions, sizes 0 to 3, and
// whether the first operand should be a non-contiguous (transposed) view.
func shapesFrom(spec []byte) (a, b []int, transposed bool) {
	next := func() int {
		if len(spec) == 0 {
			return 1
		}
		v := int(spec[0])
		spec = spec[1:]
		return v
	}
	na, nb := next()%5, next()%5
	for range na {
		a = append(a, next()%4)
	}
	for range nb {
		b = append(b, next()%4)
	}
	return a, b, next()%2 == 1 && na >= 2
}

// countingTensor makes a leaf of the given shape holding start, start+1, …
// in row-major order; transposed builds it as a view of a transposed
// buffer, to exercise strided reads.
func countingTensor(shape []int, start float32, transposed bool) *Tensor {
	n := product(shape)
	data := make([]float32, n)
	for i := range data {
		data[i] = start + float32(i)
	}
	x := must(New(data, shape...))
	if transposed {
		d := len(shape)
		x = must(must(x.Transpose(d-2, d-1)).Contiguous().Transpose(d-2, d-1))
	}
	x.requiresGrad = true
	x.node = nil
	return x
}

// naiveBroadcast applies the rule dimension by dimension from the right.
func naiveBroadcast(a, b []int) ([]int, bool) {
	n := max(len(a), len(b))
	out := make([]int, n)
	for i := range n {
		da, db := 1, 1
		if j := len(a) - n + i; j >= 0 {
			da = a[j]
		}
		if j := len(b) - n + i; j >= 0 {
			db = b[j]
		}
		switch {
		case da == db, db == 1:
			out[i] = da
		case da == 1:
			out[i] = db
		default:
			return nil, false
		}
	}
	return out, true
}

// sourceIndex maps a multi-index of the broadcast shape to the row-major
// position in an operand of shape s (size-1 dimensions read index 0).
func sourceIndex(index, s []int) int {
	pos := 0
	lead := len(index) - len(s)
	for d, n := range s {
		i := index[lead+d]
		if n == 1 {
			i = 0
		}
		pos = pos*n + i
	}
	return pos
}

// increment advances a multi-index in row-major order.
func increment(index, shape []int) {
	for d := len(index) - 1; d >= 0; d-- {
		index[d]++
		if index[d] < shape[d] {
			return
		}
		index[d] = 0
	}
}
