package tensor

import (
	"fmt"
	"testing"
)

// FuzzDimOps throws every op that takes a dimension at tensors of rank 0
// to 3 with sizes 0 to 3 (0-d, empty and size-1 dimensions), with dims
// and indices in and out of range. The property: an error or a result,
// never a panic, and a result's backward runs.
func FuzzDimOps(f *testing.F) {
	for _, seed := range [][]byte{
		{0, 0, 0, 0, 0, 0}, {1, 0, 0, 0, 0, 0}, {2, 2, 0, 7, 1, 3}, {3, 1, 3, 2, 5, 0},
		{0, 3, 3, 3, 255, 9}, {2, 0, 2, 1, 254, 12}, {1, 1, 1, 1, 1, 15},
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) < 6 {
			return
		}
		rank := int(b[0] % 4)
		shape := make([]int, rank)
		for i := range shape {
			shape[i] = int(b[1+i] % 4)
		}
		dim, index := int(int8(b[4]))%5, int(int8(b[5]))%5
		x := param(t, make([]float32, product(shape)), shape...)
		for i := range x.st.data {
			x.st.data[i] = float32(i%5) - 2
		}
		for name, op := range dimOps(dim, index) {
			out, err := op(x)
			if err != nil || out == nil || !out.RequiresGrad() {
				continue
			}
			if err := out.SumAll().Backward(); err != nil {
				t.Errorf("%s of shape %v, dim %d, index %d: backward: %v", name, shape, dim, index, err)
			}
		}
	})
}

// dimOps lists the ops that take a dimension (and an index, for those
// that pick), each as a function of the input.
func dimOps(dim, index int) map[string]func(x *Tensor) (*Tensor, error) {
	first := func(a, _ *Tensor, err error) (*Tensor, error) { return a, err }
	return map[string]func(x *Tensor) (*Tensor, error){
		"sum":        func(x *Tensor) (*Tensor, error) { return x.Sum([]int{dim}, index > 0) },
		"mean":       func(x *Tensor) (*Tensor, error) { return x.Mean([]int{dim}, false) },
		"var":        func(x *Tensor) (*Tensor, error) { return x.Var([]int{dim}, 1, false) },
		"std":        func(x *Tensor) (*Tensor, error) { return x.Std([]int{dim}, 0, true) },
		"amax":       func(x *Tensor) (*Tensor, error) { return x.Amax([]int{dim}, false) },
		"logsumexp":  func(x *Tensor) (*Tensor, error) { return x.LogSumExp([]int{dim}, false) },
		"softmax":    func(x *Tensor) (*Tensor, error) { return x.Softmax(dim) },
		"logSoftmax": func(x *Tensor) (*Tensor, error) { return x.LogSoftmax(dim) },
		"max":        func(x *Tensor) (*Tensor, error) { return first(x.MaxDim(dim, index > 0)) },
		"argmin":     func(x *Tensor) (*Tensor, error) { return x.Argmin(dim, false) },
		"transpose":  func(x *Tensor) (*Tensor, error) { return x.Transpose(dim, index) },
		"squeeze":    func(x *Tensor) (*Tensor, error) { return x.Squeeze(dim) },
		"unsqueeze":  func(x *Tensor) (*Tensor, error) { return x.Unsqueeze(dim) },
		"flatten":    func(x *Tensor) (*Tensor, error) { return x.Flatten(dim, index) },
		"narrow":     func(x *Tensor) (*Tensor, error) { return x.Narrow(dim, index, 1) },
		"slice":      func(x *Tensor) (*Tensor, error) { return x.Slice(dim, index, index+2, 1) },
		"select":     func(x *Tensor) (*Tensor, error) { return x.Select(dim, index) },
		"cat":        func(x *Tensor) (*Tensor, error) { return Cat([]*Tensor{x, x}, dim) },
		"stack":      func(x *Tensor) (*Tensor, error) { return Stack([]*Tensor{x, x}, dim) },
		"gather": func(x *Tensor) (*Tensor, error) {
			return x.Gather(dim, must(Zeros(x.shape...)))
		},
		"indexSelect": func(x *Tensor) (*Tensor, error) { return x.IndexSelect(dim, Scalar(float32(index))) },
		"matmul": func(x *Tensor) (*Tensor, error) {
			if x.Dim() == 0 {
				return x.Matmul(x)
			}
			return must(x.Transpose(-1, 0)).Matmul(x)
		},
		// A selected view may point past the end of an empty storage.
		"selectMatmul": func(x *Tensor) (*Tensor, error) {
			s, err := x.Select(dim, index)
			if err != nil || s.Dim() == 0 {
				return s, err
			}
			return s.Matmul(must(Zeros(s.shape[s.Dim()-1], 2)))
		},
		// Windows of sizes 1 to 5 with padding 0 to 2 over a 2-D input.
		"maxPool2d": func(x *Tensor) (*Tensor, error) {
			if x.Dim() != 2 {
				return nil, nil
			}
			k, p := abs(dim)+1, abs(index)%3
			w := Window{Kernel: [2]int{k, k}, Stride: [2]int{2, 2}, Padding: [2]int{p, p}}
			return must(x.Reshape(1, 1, x.shape[0], x.shape[1])).MaxPool2d(w)
		},
		"unfold": func(x *Tensor) (*Tensor, error) {
			if x.Dim() != 2 {
				return nil, nil
			}
			k, p := abs(dim)+1, abs(index)%3
			w := Window{Kernel: [2]int{k, k}, Stride: [2]int{2, 1}, Padding: [2]int{p, p}}
			return must(x.Reshape(1, 1, x.shape[0], x.shape[1])).Unfold(w)
		},
		"permuteContiguous": func(x *Tensor) (*Tensor, error) {
			perm := make([]int, x.Dim())
			for i := range perm {
				perm[i] = x.Dim() - 1 - i
			}
			p, err := x.Permute(perm...)
			if err != nil {
				return nil, fmt.Errorf("permute: %w", err)
			}
			return p.Contiguous(), nil
		},
	}
}

// abs is |n|.
func abs(n int) int { return max(n, -n) }
