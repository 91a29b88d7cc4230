package int8mm

import "fmt"

// Products on 7-bit activations. A quantized layer whose input is
// quantized to 7 bits (engine/quant's default, as PyTorch's x86 default
// reduces its activations' range to 7 bits) hands the kernel an A whose
// values all lie in [NarrowMin, NarrowMax]. Some instructions are exact
// only on such an operand: relaxed SIMD's byte dot product in the
// browser (variant "wasm-relaxed", engine/kernels/wasmsimd's
// int8relaxed.wat) multiplies 16 bytes per instruction, twice the exact
// 16-bit dot product's 8, but leaves the result to the engine when its
// second operand's bytes have the top bit set. With A shifted by 64 into
// [0, 127] it is exact, and 64·Σ_p b[j,p] (Packed's row sums) is taken
// back from each column.

// The range of A that Packed.MatMulNarrow accepts: 7-bit signed integers.
const (
	NarrowMin = -64
	NarrowMax = 63
)

// NarrowKernel is a kernel for an A whose values lie in [NarrowMin,
// NarrowMax], called with checked arguments and b's row sums
// (sums[j] = Σ_p b[j*k+p]). It returns false, and may leave c
// unwritten, if it finds a value of a outside that range.
type NarrowKernel func(c []int32, a, b []int8, sums []int32, m, n, k int) bool

// MatMulNarrow sets C = A·Bᵀ, as MatMul does, for an a whose values all
// lie in [NarrowMin, NarrowMax] (a 7-bit input), on the current variant's
// kernel for that range where it has one ("wasm-relaxed"; the others run
// their ordinary kernel, which is exact on any int8). The result is the
// same exact integers as MatMul's. It panics if a or c is shorter than
// the shapes say, or if the kernel found a value of a outside the range
// (a programmer error: the kernel would not be exact on it).
func (p *Packed) MatMulNarrow(c []int32, a []int8, m int) {
	if p == nil {
		panic(fmt.Sprintf("int8mm.Packed.MatMulNarrow: nil Packed (m=%d)", m))
	}
	check("Packed.MatMulNarrow", c, a, p.b, m, p.n, p.k)
	v := current.Load()
	if v.narrow == nil {
		v.fn(c, a, p.b, p.sums, m, p.n, p.k)
		return
	}
	if !v.narrow(c, a, p.b, p.sums, m, p.n, p.k) {
		panic(fmt.Sprintf("int8mm.Packed.MatMulNarrow: a (%d×%d) holds a value outside [%d, %d]; expected 7-bit values (use MatMul for 8-bit ones)",
			m, p.k, NarrowMin, NarrowMax))
	}
}

// referenceNarrow is the reference variant's NarrowKernel: it checks
// the range, so that tests on any machine catch an 8-bit A handed to
// MatMulNarrow, then runs the reference.
func referenceNarrow(c []int32, a, b []int8, _ []int32, m, n, k int) bool {
	for _, x := range a[:m*k] {
		if x < NarrowMin || x > NarrowMax {
			return false
		}
	}
	reference(c, a, b, m, n, k)
	return true
}

// RegisterNarrow adds a kernel under name, as Register does, with a
// NarrowKernel that Packed.MatMulNarrow uses in its place, and makes it
// the current one. It panics if the name is taken or narrow is nil.
func RegisterNarrow(name string, fn Kernel, narrow NarrowKernel) {
	if narrow == nil {
		panic(fmt.Sprintf("int8mm.RegisterNarrow: nil narrow kernel for %q", name))
	}
	register(&variant{name: name, fn: ignoreSums(fn), narrow: narrow})
}
