package int8mm

import (
	"fmt"
	"strings"
	"sync/atomic"
)

// Kernel is one implementation of the contract, called with checked
// arguments (see the package doc).
type Kernel func(c []int32, a, b []int8, m, n, k int)

// variant is a named kernel. Its fn also receives sums, the row sums of b
// from a Packed (nil when the caller has none), for kernels that need them.
// narrow, when not nil, is its kernel for a 7-bit A (see narrow.go).
type variant struct {
	name   string
	fn     func(c []int32, a, b []int8, sums []int32, m, n, k int)
	narrow NarrowKernel
}

var (
	// variants lists the kernels this machine can run, slowest first.
	variants = []*variant{{"reference", ignoreSums(reference), referenceNarrow}}
	// current is the variant behind MatMulNT.
	current atomic.Pointer[variant]
)

func init() {
	variants = append(variants, nativeVariants()...)
	current.Store(variants[len(variants)-1])
}

// ignoreSums adapts a Kernel that needs no row sums of b.
func ignoreSums(fn Kernel) func(c []int32, a, b []int8, sums []int32, m, n, k int) {
	return func(c []int32, a, b []int8, _ []int32, m, n, k int) { fn(c, a, b, m, n, k) }
}

// MatMulNT sets c[i*n+j] = Σ_p int32(a[i*k+p])·int32(b[j*k+p]) for i < m,
// j < n: C = A·Bᵀ with A m×k and B n×k, row-major (see the package doc).
// It panics if a shape is negative, a slice is shorter than its shape says
// or k > MaxK.
func MatMulNT(c []int32, a, b []int8, m, n, k int) {
	check("MatMulNT", c, a, b, m, n, k)
	current.Load().fn(c, a, b, nil, m, n, k)
}

// Name returns the name of the variant behind MatMulNT: the fastest this
// machine runs unless Use chose another.
func Name() string { return current.Load().name }

// Names returns the names of the variants this machine can run, slowest
// first.
func Names() []string {
	names := make([]string, len(variants))
	for i, v := range variants {
		names[i] = v.name
	}
	return names
}

// Use makes the variant called name the one behind MatMulNT (and
// Packed.MatMul), for every goroutine. It returns an error, and changes
// nothing, if this machine has no such variant.
func Use(name string) error {
	for _, v := range variants {
		if v.name == name {
			current.Store(v)
			return nil
		}
	}
	return fmt.Errorf("int8mm: no kernel named %q; expected one of %s", name, strings.Join(Names(), ", "))
}

// Register adds a kernel under name and makes it the current one: for a
// platform whose fast kernel lives outside this package (the browser's,
// in package wasmsimd). Call it at start-up, before any MatMulNT. It
// panics if the name is taken.
func Register(name string, fn Kernel) {
	register(&variant{name: name, fn: ignoreSums(fn)})
}

// register adds v and makes it the current variant.
func register(v *variant) {
	for _, w := range variants {
		if w.name == v.name {
			panic(fmt.Sprintf("int8mm.Register: a kernel named %q exists", v.name))
		}
	}
	variants = append(variants, v)
	current.Store(v)
}
