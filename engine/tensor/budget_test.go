package tensor

import (
	"errors"
	"strings"
	"testing"
)

// withBudget runs f with the memory budget set to n bytes.
func withBudget(t *testing.T, n int64, f func()) {
	t.Helper()
	previous := SetMaxTensorBytes(n)
	defer SetMaxTensorBytes(previous)
	f()
}

// TestCheckedNumelBudget checks the size arithmetic: products that fit,
// a zero size, negative sizes, and products past the budget, including
// ones that overflow 64 bits, which must not wrap to a small size.
func TestCheckedNumelBudget(t *testing.T) {
	cases := []struct {
		shape []int
		want  int
		err   string
	}{
		{nil, 1, ""},
		{[]int{2, 3}, 6, ""},
		{[]int{0, 1 << 62}, 0, ""},
		{[]int{1 << 62, 1 << 62, 0}, 0, ""}, // the zero comes last: still empty, as in PyTorch
		{[]int{250}, 250, ""},
		{[]int{251}, 0, "shape [251] needs 1 kB (1004 bytes), more than the 1 kB (1000 bytes) a tensor may use"},
		{[]int{2, -1}, 0, "dimension 1 of shape [2, -1] is negative"},
		{[]int{1 << 32, 1 << 32}, 0, "needs 73.8 EB (7.38e+19 bytes)"},
		{[]int{1 << 40, 1 << 40, 1 << 40}, 0, "shape [1099511627776, 1099511627776, 1099511627776]"},
	}
	withBudget(t, 1000, func() {
		for _, c := range cases {
			n, err := checkedNumel("op", c.shape)
			if c.err == "" {
				if err != nil || n != c.want {
					t.Errorf("checkedNumel(%v) = %d, %v; want %d", c.shape, n, err, c.want)
				}
				continue
			}
			if err == nil || !strings.HasPrefix(err.Error(), "op: ") || !strings.Contains(err.Error(), c.err) {
				t.Errorf("checkedNumel(%v) error %v; want one containing %q", c.shape, err, c.err)
			}
		}
	})
}

// TestBudgetRefusesLargeTensors checks every way of asking for storage:
// the functions that make tensors return a *SizeError, and an op whose
// result is too large panics with one (not with Go's "makeslice").
func TestBudgetRefusesLargeTensors(t *testing.T) {
	withBudget(t, 4000, func() {
		makers := map[string]func() (*Tensor, error){
			"zeros":    func() (*Tensor, error) { return Zeros(1001) },
			"full":     func() (*Tensor, error) { return Full(1, 100, 11) },
			"rand":     func() (*Tensor, error) { return Rand(1<<40, 1<<40) },
			"arange":   func() (*Tensor, error) { return Arange(0, 1e10, 1) },
			"linspace": func() (*Tensor, error) { return Linspace(0, 1, 1e10) },
			"eye":      func() (*Tensor, error) { return Eye(1e10, 1e10) },
		}
		for name, make := range makers {
			_, err := make()
			var size *SizeError
			if !errors.As(err, &size) || size.Limit != 4000 {
				t.Errorf("%s: error %v; want a *SizeError with the limit 4000", name, err)
			}
		}
		if _, err := Zeros(1000); err != nil {
			t.Errorf("Zeros(1000), exactly the budget: %v", err)
		}
		small := must(Ones(2, 2))
		ops := map[string]func(){
			"broadcast": func() { _, _ = must(Ones(100, 1)).Add(must(Ones(1, 100))) },
			"pad":       func() { _, _ = small.Pad([]int{1000, 1000}, 0) },
			"expand":    func() { _ = must(must(Ones(1)).Expand(1 << 40)).Contiguous() },
		}
		for name, op := range ops {
			func() {
				defer func() {
					r := recover()
					if _, ok := r.(*SizeError); !ok {
						t.Errorf("%s: recovered %v (%T); want a *SizeError", name, r, r)
					}
				}()
				op()
			}()
		}
	})
}
