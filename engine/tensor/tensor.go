package tensor

import "fmt"

// Tensor is a float32 N-dimensional array stored contiguously in row-major
// order: the last dimension varies fastest.
type Tensor struct {
	data  []float32
	shape []int
}

// New makes a tensor of the given shape that takes ownership of data.
// It returns an error when len(data) is not the product of the shape or a
// dimension is negative. A tensor with an empty shape is a scalar.
func New(data []float32, shape ...int) (*Tensor, error) {
	n, err := numel("tensor.New", shape)
	if err != nil {
		return nil, err
	}
	if len(data) != n {
		return nil, fmt.Errorf("tensor.New: %d values do not fill shape %v, which needs %d", len(data), shape, n)
	}
	return &Tensor{data: data, shape: append([]int(nil), shape...)}, nil
}

// Zeros makes a tensor of the given shape filled with zeros.
func Zeros(shape ...int) (*Tensor, error) {
	n, err := numel("tensor.Zeros", shape)
	if err != nil {
		return nil, err
	}
	return &Tensor{data: make([]float32, n), shape: append([]int(nil), shape...)}, nil
}

// numel returns the number of elements of a shape, or an error naming op
// when a dimension is negative.
func numel(op string, shape []int) (int, error) {
	n := 1
	for i, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("%s: dimension %d of shape %v is negative", op, i, shape)
		}
		n *= d
	}
	return n, nil
}

// Shape returns a copy of the tensor's shape.
func (t *Tensor) Shape() []int { return append([]int(nil), t.shape...) }

// Dim returns the number of dimensions.
func (t *Tensor) Dim() int { return len(t.shape) }

// Numel returns the number of elements.
func (t *Tensor) Numel() int { return len(t.data) }

// Data returns a copy of the values in row-major order.
func (t *Tensor) Data() []float32 { return append(t.data[:0:0], t.data...) }

// Item returns the value of a tensor that has exactly one element.
func (t *Tensor) Item() (float32, error) {
	if len(t.data) != 1 {
		return 0, fmt.Errorf("tensor.Item: tensor of shape %v has %d elements, expected exactly 1", t.shape, len(t.data))
	}
	return t.data[0], nil
}
