package kernels

import (
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
)

// variant is one registered implementation of Func. Its fn may assume its
// arguments were checked.
type variant struct {
	name    string
	fn      Func
	builtin bool // registered by this package, not through Register
}

var (
	// variants lists the registered variants, slowest first.
	variants []*variant
	// current is the variant behind Matmul.
	current atomic.Pointer[variant]
	// threads is the goroutine count of the parallel variants; 0 means
	// runtime.GOMAXPROCS(0).
	threads atomic.Int64
)

func init() {
	registerBuiltin("naive", naive)
	registerBuiltin("blocked", blocked)
	registerBuiltin("tiled", tiled)
	registerBuiltin("parallel", parallel)
	registerBuiltin("simd", simdGemm(bestKernel()))
	for _, mk := range simdKernels() {
		registerBuiltin("simd-"+mk.name, simdGemm(mk))
	}
	if err := Use("simd"); err != nil {
		panic(err)
	}
}

// register adds a variant under name.
func register(name string, fn Func) {
	variants = append(variants, &variant{name: name, fn: fn})
}

// registerBuiltin adds one of this package's own variants.
func registerBuiltin(name string, fn Func) {
	variants = append(variants, &variant{name: name, fn: fn, builtin: true})
}

// find returns the variant called name, or an error listing the names.
func find(name string) (*variant, error) {
	for _, v := range variants {
		if v.name == name {
			return v, nil
		}
	}
	return nil, fmt.Errorf("kernels: no kernel named %q; expected one of %s", name, strings.Join(Names(), ", "))
}

// Names returns the names of the variants available on this machine,
// slowest first: "naive", "blocked", "tiled", "parallel", "simd", then the
// SIMD variants forced to one instruction set ("simd-avx512",
// "simd-avx2") that this CPU supports.
func Names() []string {
	names := make([]string, len(variants))
	for i, v := range variants {
		names[i] = v.name
	}
	return names
}

// Use makes the variant called name the one behind Matmul, for every
// goroutine. It returns an error, and changes nothing, if there is no such
// variant. The default is "simd", the fastest.
func Use(name string) error {
	v, err := find(name)
	if err != nil {
		return err
	}
	current.Store(v)
	return nil
}

// Current returns the name of the variant behind Matmul.
func Current() string {
	return current.Load().name
}

// Lookup returns the variant called name as a Func that checks its
// arguments like Matmul, or an error if there is no such variant. It lets
// a benchmark or a test call one variant without changing the global one.
func Lookup(name string) (Func, error) {
	v, err := find(name)
	if err != nil {
		return nil, err
	}
	return checked(v), nil
}

// checked wraps a variant with the argument checks of the contract.
func checked(v *variant) Func {
	return func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
		checkArgs(v.name, transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
		v.fn(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	}
}

// Matmul computes C = alpha·op(A)·op(B) + beta·C with the current variant
// (see Use). The arguments follow Func: for example, C = A·B for a
// row-major m×k matrix A and k×n matrix B is
//
//	kernels.Matmul(false, false, m, n, k, 1, a, k, b, n, 0, c, n)
//
// It panics when the arguments break the contract.
func Matmul(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	v := current.Load()
	checkArgs(v.name, transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
	v.fn(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// SetThreads sets how many goroutines the "parallel" and "simd" variants
// use, and returns the previous setting. n ≤ 0 restores the default,
// runtime.GOMAXPROCS(0): the number of CPUs, unless the program (or
// go test -cpu) runs Go code on fewer, and then more goroutines than that
// would only take turns. The results are bit-identical for any setting;
// only the speed changes.
func SetThreads(n int) int {
	prev := Threads()
	threads.Store(int64(max(n, 0)))
	return prev
}

// Threads returns how many goroutines the parallel variants use.
func Threads() int {
	if n := threads.Load(); n > 0 {
		return int(n)
	}
	return runtime.GOMAXPROCS(0)
}
