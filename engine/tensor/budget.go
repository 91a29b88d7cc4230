package tensor

import (
	"fmt"
	"math"
	"runtime"
	"sync/atomic"
)

// The memory budget. A shape is only a few numbers, but its storage is
// their product: tensor.Zeros(100000, 100000) asks for 40 GB, and a pad
// or a broadcast can make a huge result from small inputs. Unchecked, Go
// stops with "makeslice: len out of range" or, worse, kills the program
// out of memory, and a product of large sizes can even overflow and wrap
// to a small, wrong size. So every storage the package allocates for a
// shape is sized here first, with a multiplication that cannot overflow,
// against a per-tensor limit:
//
//   - functions that make a tensor (Zeros, Full, Rand, Arange, …) return
//     the *SizeError;
//   - an op whose result would be too large (a broadcast, a pad, a
//     one-hot) panics with the *SizeError, as Go's own allocator would,
//     but with a message that says what was asked; the kernel's bindings
//     turn that panic into the error a cell sees.

// DefaultMaxTensorBytes is the default budget of one tensor's storage:
// 1 GiB in WebAssembly and 16 GiB natively. WebAssembly's memory is at
// most 4 GiB in all, and Go's collector lets the heap grow to about twice
// what is live before it collects, so a tensor of 2 GiB would already
// leave no room for the next step's allocation: the kernel would die out
// of memory instead of refusing the size.
var DefaultMaxTensorBytes int64 = defaultBudget(runtime.GOARCH)

func defaultBudget(arch string) int64 {
	if arch == "wasm" {
		return 1 << 30
	}
	return 16 << 30
}

// CheckShape returns an error naming op when a dimension of shape is
// negative or a tensor of that shape would exceed the memory budget: for
// code outside this package that allocates the values of a tensor before
// making it (a dataset generator, a decoder).
func CheckShape(op string, shape ...int) error {
	_, err := checkedNumel(op, shape)
	return err
}

// maxTensorBytes is the budget in force; atomic, since a data loader's
// workers make tensors on several goroutines.
var maxTensorBytes atomic.Int64

func init() { maxTensorBytes.Store(DefaultMaxTensorBytes) }

// MaxTensorBytes returns the largest storage, in bytes, that one tensor
// may have.
func MaxTensorBytes() int64 { return maxTensorBytes.Load() }

// SetMaxTensorBytes sets the largest storage, in bytes, that one tensor
// may have, and returns the previous limit, so a caller can restore it.
// A limit ≤ 0 restores DefaultMaxTensorBytes.
func SetMaxTensorBytes(n int64) (previous int64) {
	if n <= 0 {
		n = DefaultMaxTensorBytes
	}
	return maxTensorBytes.Swap(n)
}

// bytesPerElement is the size of one float32.
const bytesPerElement = 4

// SizeError says that a tensor's storage would exceed the memory budget.
type SizeError struct {
	Op    string  // the op that asked, or "" when unknown
	Shape []int   // the shape asked for
	Bytes float64 // the bytes it needs (a float: the product may overflow an int)
	Limit int64   // the budget in force
}

// Error states the bytes asked for and the limit.
func (e *SizeError) Error() string {
	op := ""
	if e.Op != "" {
		op = e.Op + ": "
	}
	return fmt.Sprintf("%sshape %s needs %s, more than the %s a tensor may use",
		op, formatShape(e.Shape), formatBytes(e.Bytes), formatBytes(float64(e.Limit)))
}

// checkedNumel returns the number of elements of shape, or an error when
// a dimension is negative or the storage would exceed the budget. It
// never overflows: it stops multiplying as soon as the budget is passed.
func checkedNumel(op string, shape []int) (int, error) {
	empty := false
	for i, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("%s: dimension %d of shape %s is negative", op, i, FormatShape(shape))
		}
		empty = empty || d == 0
	}
	if empty { // a zero anywhere, even after huge sizes, holds nothing
		return 0, nil
	}
	limit := MaxTensorBytes() / bytesPerElement
	n := int64(1)
	for _, d := range shape {
		if int64(d) > limit/n {
			bytes := float64(bytesPerElement)
			for _, d := range shape {
				bytes *= float64(d)
			}
			return 0, &SizeError{Op: op, Shape: append([]int(nil), shape...), Bytes: bytes, Limit: MaxTensorBytes()}
		}
		n *= int64(d)
	}
	return int(n), nil
}

// allocSize is checkedNumel for the storage of an op's result, whose
// shape the op has already checked for negative sizes: a result over the
// budget panics with the *SizeError (see the top of this file).
func allocSize(shape []int) int {
	n, err := checkedNumel("", shape)
	if err != nil {
		panic(err)
	}
	return n
}

// formatShape writes a shape as PyTorch prints one, [2, 3].
func formatShape(shape []int) string {
	s := "["
	for i, d := range shape {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprint(d)
	}
	return s + "]"
}

// formatBytes writes a byte count both readably and exactly, such as
// "40 GB (40000000000 bytes)".
func formatBytes(b float64) string {
	units := []string{"bytes", "kB", "MB", "GB", "TB", "PB", "EB"}
	i, x := 0, b
	for x >= 1000 && i < len(units)-1 {
		x /= 1000
		i++
	}
	exact := fmt.Sprintf("%.0f bytes", b)
	if b > math.MaxInt64 {
		exact = fmt.Sprintf("%.3g bytes", b)
	}
	if i == 0 {
		return exact
	}
	return fmt.Sprintf("%.3g %s (%s)", x, units[i], exact)
}
