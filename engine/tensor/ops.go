package tensor

import "fmt"

// Add returns t + u elementwise. The shapes broadcast as in NumPy and
// PyTorch: they are aligned from the right, and each pair of dimensions
// must be equal or one of them must be 1.
func (t *Tensor) Add(u *Tensor) (*Tensor, error) {
	shape, err := broadcastShapes("add", t.shape, u.shape)
	if err != nil {
		return nil, err
	}
	out := &Tensor{data: make([]float32, product(shape)), shape: shape}
	ts, us := broadcastStrides(t.shape, shape), broadcastStrides(u.shape, shape)
	index := make([]int, len(shape))
	for i := range out.data {
		out.data[i] = t.data[offset(index, ts)] + u.data[offset(index, us)]
		increment(index, shape)
	}
	return out, nil
}

// Matmul returns the matrix product of two 2-D tensors: an (n×k) times a
// (k×m) gives an (n×m).
func (t *Tensor) Matmul(u *Tensor) (*Tensor, error) {
	if len(t.shape) != 2 || len(u.shape) != 2 {
		return nil, fmt.Errorf("matmul: shapes %v and %v: expected two 2-D tensors", t.shape, u.shape)
	}
	n, k, m := t.shape[0], t.shape[1], u.shape[1]
	if u.shape[0] != k {
		return nil, fmt.Errorf("matmul: shapes %v and %v cannot be multiplied: the first has %d columns but the second has %d rows", t.shape, u.shape, k, u.shape[0])
	}
	out := &Tensor{data: make([]float32, n*m), shape: []int{n, m}}
	// The i-k-j loop order walks both u and out along rows, which keeps
	// memory access sequential.
	for i := 0; i < n; i++ {
		row := out.data[i*m : (i+1)*m]
		for p := 0; p < k; p++ {
			a := t.data[i*k+p]
			for j, b := range u.data[p*m : (p+1)*m] {
				row[j] += a * b
			}
		}
	}
	return out, nil
}

// broadcastShapes returns the shape that a and b broadcast to, or an error
// naming op when they are incompatible.
func broadcastShapes(op string, a, b []int) ([]int, error) {
	n := max(len(a), len(b))
	out := make([]int, n)
	for i := 1; i <= n; i++ {
		da, db := dimFromRight(a, i), dimFromRight(b, i)
		switch {
		case da == db || db == 1:
			out[n-i] = da
		case da == 1:
			out[n-i] = db
		default:
			return nil, fmt.Errorf("%s: shapes %v and %v do not broadcast: dimension %d is %d in one and %d in the other, expected equal sizes or 1", op, a, b, n-i, da, db)
		}
	}
	return out, nil
}

// dimFromRight returns the i-th dimension counted from the right (i ≥ 1),
// or 1 when the shape has fewer dimensions.
func dimFromRight(shape []int, i int) int {
	if i > len(shape) {
		return 1
	}
	return shape[len(shape)-i]
}

// broadcastStrides returns, for each dimension of the broadcast shape out,
// how far to move in a contiguous tensor of shape in; a broadcast
// dimension has stride 0 so the same values are read again.
func broadcastStrides(in, out []int) []int {
	strides := make([]int, len(out))
	step := 1
	for i := 1; i <= len(in); i++ {
		if in[len(in)-i] != 1 {
			strides[len(out)-i] = step
		}
		step *= in[len(in)-i]
	}
	return strides
}

// offset returns the flat position of a multi-index under the given strides.
func offset(index, strides []int) int {
	off := 0
	for i, x := range index {
		off += x * strides[i]
	}
	return off
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

// product returns the number of elements of a valid shape.
func product(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}
