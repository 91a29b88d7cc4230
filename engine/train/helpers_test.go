package train

import (
	"tinytorch/engine/tensor"
)

// must unwraps a result in a test; an error here is a broken test setup.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// tensorOf makes a tensor from values.
func tensorOf(data []float32, shape ...int) *tensor.Tensor {
	return must(tensor.New(data, shape...))
}
