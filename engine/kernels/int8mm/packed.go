package int8mm

import "fmt"

// Packed is a weight matrix B (n×k, row-major, one row per output) ready
// to be multiplied many times, as a quantized Linear layer's weight is: it
// keeps its own copy of B and the sum of each row, which the AVX-512 VNNI
// kernel would otherwise compute on every call (see the package doc).
type Packed struct {
	b    []int8
	sums []int32 // sums[j] = Σ_p b[j*k+p]
	n, k int
}

// Pack copies the n×k matrix b into a Packed. It panics if b is shorter
// than n·k, a shape is negative or k > MaxK.
func Pack(b []int8, n, k int) *Packed {
	check("Pack", nil, nil, b, 0, n, k)
	p := &Packed{b: append([]int8(nil), b[:n*k]...), sums: make([]int32, n), n: n, k: k}
	for j := range n {
		var s int32
		for _, x := range p.b[j*k : j*k+k] {
			s += int32(x)
		}
		p.sums[j] = s
	}
	return p
}

// N returns the number of rows of B: the outputs of C's rows.
func (p *Packed) N() int { return p.n }

// K returns the length of B's rows: the inner dimension.
func (p *Packed) K() int { return p.k }

// MatMul sets C = A·Bᵀ, as MatMulNT(c, a, b, m, p.N(), p.K()) would: a is
// m×K, c is m×N. It panics if a or c is shorter than that.
func (p *Packed) MatMul(c []int32, a []int8, m int) {
	if p == nil {
		panic(fmt.Sprintf("int8mm.Packed.MatMul: nil Packed (m=%d)", m))
	}
	check("Packed.MatMul", c, a, p.b, m, p.n, p.k)
	current.Load().fn(c, a, p.b, p.sums, m, p.n, p.k)
}
