package tensor

import (
	"math"
	"strings"
	"testing"
)

// fuzzOp is one broadcasting op with its naive scalar definition: f gives
// an output element from the two operand elements it reads, da and db its
// partial derivatives (nil for the comparisons, which have no gradient).
type fuzzOp struct {
	name   string
	run    func(a, b *Tensor) (*Tensor, error)
	f      func(a, b float64) float64
	da, db func(a, b float64) float64
	// ints draws small whole numbers, so that comparisons meet ties.
	ints bool
}

func bool01(c bool) float64 {
	if c {
		return 1
	}
	return 0
}

// whereCut is the threshold of the condition of the where case: the
// condition is a > whereCut, computed from a itself.
const whereCut = 1.1

var fuzzOps = []fuzzOp{
	{name: "add", run: (*Tensor).Add, f: func(a, b float64) float64 { return a + b },
		da: func(a, b float64) float64 { return 1 }, db: func(a, b float64) float64 { return 1 }},
	{name: "sub", run: (*Tensor).Sub, f: func(a, b float64) float64 { return a - b },
		da: func(a, b float64) float64 { return 1 }, db: func(a, b float64) float64 { return -1 }},
	{name: "mul", run: (*Tensor).Mul, f: func(a, b float64) float64 { return a * b },
		da: func(a, b float64) float64 { return b }, db: func(a, b float64) float64 { return a }},
	{name: "div", run: (*Tensor).Div, f: func(a, b float64) float64 { return a / b },
		da: func(a, b float64) float64 { return 1 / b }, db: func(a, b float64) float64 { return -a / (b * b) }},
	{name: "pow", run: (*Tensor).Pow, f: math.Pow,
		da: func(a, b float64) float64 { return b * math.Pow(a, b-1) }, db: func(a, b float64) float64 { return math.Pow(a, b) * math.Log(a) }},
	{name: "maximum", run: (*Tensor).Maximum, f: math.Max,
		da: func(a, b float64) float64 { return bool01(a > b) }, db: func(a, b float64) float64 { return bool01(b > a) }},
	{name: "minimum", run: (*Tensor).Minimum, f: math.Min,
		da: func(a, b float64) float64 { return bool01(a < b) }, db: func(a, b float64) float64 { return bool01(b < a) }},
	{name: "where", run: func(a, b *Tensor) (*Tensor, error) { return Where(must(a.Gt(Scalar(whereCut))), a, b) },
		f: func(a, b float64) float64 {
			if a > whereCut {
				return a
			}
			return b
		},
		da: func(a, b float64) float64 { return bool01(a > whereCut) }, db: func(a, b float64) float64 { return bool01(a <= whereCut) }},
	{name: "eq", run: (*Tensor).Eq, f: func(a, b float64) float64 { return bool01(a == b) }, ints: true},
	{name: "ne", run: (*Tensor).Ne, f: func(a, b float64) float64 { return bool01(a != b) }, ints: true},
	{name: "lt", run: (*Tensor).Lt, f: func(a, b float64) float64 { return bool01(a < b) }, ints: true},
	{name: "le", run: (*Tensor).Le, f: func(a, b float64) float64 { return bool01(a <= b) }, ints: true},
	{name: "gt", run: (*Tensor).Gt, f: func(a, b float64) float64 { return bool01(a > b) }, ints: true},
	{name: "ge", run: (*Tensor).Ge, f: func(a, b float64) float64 { return bool01(a >= b) }, ints: true},
}

// FuzzBroadcast checks the broadcasting ops and their gradients on
// arbitrary shape pairs against a naive reference that spells out the
// broadcasting rule index by index. `go test` runs the seed corpus; `go
// test -fuzz=FuzzBroadcast` explores further.
func FuzzBroadcast(f *testing.F) {
	f.Add([]byte{2, 1, 3, 1, 2, 3, 0})
	f.Add([]byte{3, 3, 2, 1, 3, 1, 3, 1, 1})
	f.Add([]byte{1, 0, 3, 1})
	f.Add([]byte{2, 2, 2, 3, 3, 2, 1})
	f.Add([]byte{4, 2, 1, 2, 1, 3, 2, 1, 3, 5})
	f.Add([]byte{0, 2, 2, 3, 0})
	f.Fuzz(func(t *testing.T, spec []byte) {
		sa, sb, transposed := shapesFrom(spec)
		for _, op := range fuzzOps {
			checkBroadcastOp(t, op, sa, sb, transposed)
		}
	})
}

// operandValue is the value of element i of an operand: positive, away
// from zero and free of ties between a and b (a is a multiple of 0.25,
// b never is), so that div, pow, maximum and minimum are smooth there;
// or, for comparisons, small whole numbers that often tie.
func operandValue(op fuzzOp, first bool, i int) float32 {
	switch {
	case op.ints && first:
		return float32(i % 3)
	case op.ints:
		return float32(i % 2)
	case first:
		return 0.5 + 0.25*float32(i%7)
	default:
		return 0.62 + 0.3*float32(i%5)
	}
}

// checkBroadcastOp runs one op on operands of shapes sa and sb and checks
// the result's shape and values and, for differentiable ops, the
// gradients of Σ w·out summed back to each operand's shape.
func checkBroadcastOp(t *testing.T, op fuzzOp, sa, sb []int, transposed bool) {
	t.Helper()
	a := leafWith(sa, func(i int) float32 { return operandValue(op, true, i) }, transposed)
	b := leafWith(sb, func(i int) float32 { return operandValue(op, false, i) }, false)
	want, ok := naiveBroadcast(sa, sb)
	out, err := op.run(a, b)
	if !ok {
		if err == nil || !strings.Contains(err.Error(), "do not broadcast") {
			t.Fatalf("%s %v, %v: expected a broadcast error, got %v", op.name, sa, sb, err)
		}
		return
	}
	if err != nil {
		t.Fatalf("%s %v, %v: %v", op.name, sa, sb, err)
	}
	if !sameShape(out.shape, want) {
		t.Fatalf("%s %v, %v: shape %v, want %v", op.name, sa, sb, out.shape, want)
	}
	av, bv, ov := a.Data(), b.Data(), out.Data()
	ga, gb := make([]float64, len(av)), make([]float64, len(bv))
	wv := make([]float32, len(ov))
	index := make([]int, len(want))
	for i := range ov {
		ia, ib := sourceIndex(index, sa), sourceIndex(index, sb)
		x, y := float64(av[ia]), float64(bv[ib])
		if ref := op.f(x, y); !close32(float64(ov[i]), ref) {
			t.Fatalf("%s %v, %v: element %d = %v, want %v", op.name, sa, sb, i, ov[i], ref)
		}
		wv[i] = float32(1 + i%3) // unequal weights catch mixed-up elements
		if op.da != nil {
			ga[ia] += float64(wv[i]) * op.da(x, y)
			gb[ib] += float64(wv[i]) * op.db(x, y)
		}
		increment(index, want)
	}
	if op.da == nil {
		if out.RequiresGrad() {
			t.Fatalf("%s: a comparison must not require grad", op.name)
		}
		return
	}
	if err := out.BackwardWith(BackwardOptions{Gradient: must(New(wv, want...))}); err != nil {
		t.Fatalf("%s %v, %v: %v", op.name, sa, sb, err)
	}
	wantData(t, op.name+" grad a", gradOrZeros(a), sa, to32(ga))
	wantData(t, op.name+" grad b", gradOrZeros(b), sb, to32(gb))
}

// to32 rounds float64 reference values to float32.
func to32(v []float64) []float32 {
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(x)
	}
	return out
}

// FuzzMatmulBroadcast checks matmul's batch broadcasting: a of shape
// batchA+[n,k] times b of shape batchB+[k,m] against the triple loop over
// the broadcast batch, forward and gradients.
func FuzzMatmulBroadcast(f *testing.F) {
	f.Add([]byte{2, 1, 3, 1, 3, 0, 2, 3, 2})
	f.Add([]byte{3, 2, 1, 2, 2, 2, 1, 1, 2, 3, 1})
	f.Add([]byte{0, 2, 2, 3, 1, 1, 3, 2})
	f.Add([]byte{1, 2, 1, 3, 0, 2, 2, 1, 1})
	f.Fuzz(func(t *testing.T, spec []byte) {
		ba, bb, _ := shapesFrom(spec)
		var n, k, m int
		if len(spec) >= 3 {
			n, k, m = 1+int(spec[len(spec)-3])%3, 1+int(spec[len(spec)-2])%3, 1+int(spec[len(spec)-1])%3
		} else {
			n, k, m = 2, 3, 2
		}
		checkMatmulBatch(t, ba, bb, n, k, m)
	})
}

// checkMatmulBatch compares a.Matmul(b) with a naive loop, for a of shape
// ba+[n,k] and b of shape bb+[k,m].
func checkMatmulBatch(t *testing.T, ba, bb []int, n, k, m int) {
	t.Helper()
	sa, sb := append(append([]int{}, ba...), n, k), append(append([]int{}, bb...), k, m)
	a := leafWith(sa, func(i int) float32 { return float32(i%5) - 1.5 }, len(ba) > 0)
	b := leafWith(sb, func(i int) float32 { return 0.5*float32(i%4) - 0.25 }, false)
	batch, ok := naiveBroadcast(ba, bb)
	out, err := a.Matmul(b)
	if !ok {
		if err == nil || !strings.Contains(err.Error(), "do not broadcast") {
			t.Fatalf("matmul %v, %v: expected a broadcast error, got %v", sa, sb, err)
		}
		return
	}
	if err != nil {
		t.Fatalf("matmul %v, %v: %v", sa, sb, err)
	}
	want := append(append([]int{}, batch...), n, m)
	if !sameShape(out.shape, want) {
		t.Fatalf("matmul %v, %v: shape %v, want %v", sa, sb, out.shape, want)
	}
	av, bv, ov := a.Data(), b.Data(), out.Data()
	ga, gb := make([]float64, len(av)), make([]float64, len(bv))
	wv := make([]float32, len(ov))
	index := make([]int, len(batch))
	for p := range product(batch) {
		oa, ob := sourceIndex(index, ba)*n*k, sourceIndex(index, bb)*k*m
		for i := range n {
			for j := range m {
				o := p*n*m + i*m + j
				wv[o] = float32(1 + o%3)
				sum := 0.0
				for l := range k {
					x, y := float64(av[oa+i*k+l]), float64(bv[ob+l*m+j])
					sum += x * y
					ga[oa+i*k+l] += float64(wv[o]) * y
					gb[ob+l*m+j] += float64(wv[o]) * x
				}
				if !close32(float64(ov[o]), sum) {
					t.Fatalf("matmul %v, %v: element %d = %v, want %v", sa, sb, o, ov[o], sum)
				}
			}
		}
		increment(index, batch)
	}
	if err := out.BackwardWith(BackwardOptions{Gradient: must(New(wv, want...))}); err != nil {
		t.Fatal(err)
	}
	wantData(t, "matmul grad a", gradOrZeros(a), sa, to32(ga))
	wantData(t, "matmul grad b", gradOrZeros(b), sb, to32(gb))
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

// leafWith makes a leaf that requires grad, of the given shape, whose
// element i in row-major order is value(i); transposed builds it as a view
// of a transposed buffer (when it has two dimensions or more), to exercise
// strided reads.
func leafWith(shape []int, value func(i int) float32, transposed bool) *Tensor {
	data := make([]float32, product(shape))
	for i := range data {
		data[i] = value(i)
	}
	x := must(New(data, shape...))
	if d := len(shape); transposed && d >= 2 {
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
