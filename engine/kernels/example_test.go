package kernels_test

import (
	"fmt"

	"tinytorch/engine/kernels"
)

// C = A·B for a 2×3 matrix A and a 3×2 matrix B, all row-major.
func ExampleMatmul() {
	a := []float32{
		1, 2, 3,
		4, 5, 6,
	}
	b := []float32{
		7, 8,
		9, 10,
		11, 12,
	}
	c := make([]float32, 2*2)
	kernels.Matmul(false, false, 2, 2, 3, 1, a, 3, b, 2, 0, c, 2)
	fmt.Println(c)
	// Output: [58 64 139 154]
}

// The same product with every variant: they agree here exactly, as small
// integers are exact in float32 whatever the order of the additions.
func ExampleUse() {
	a := []float32{1, 2, 3, 4, 5, 6}
	b := []float32{7, 8, 9, 10, 11, 12}
	defer kernels.Use(kernels.Current())
	for _, name := range []string{"naive", "blocked", "tiled", "parallel", "simd"} {
		if err := kernels.Use(name); err != nil {
			panic(err)
		}
		c := make([]float32, 4)
		kernels.Matmul(false, false, 2, 2, 3, 1, a, 3, b, 2, 0, c, 2)
		fmt.Println(name, c)
	}
	// Output:
	// naive [58 64 139 154]
	// blocked [58 64 139 154]
	// tiled [58 64 139 154]
	// parallel [58 64 139 154]
	// simd [58 64 139 154]
}

// Transposes and leading dimensions: C += Aᵀ·B where A is stored 3×2 inside
// a buffer whose rows are 4 floats apart (the last 2 of each row are not
// part of A), and beta = 1 keeps C's old value.
func ExampleFunc() {
	a := []float32{
		1, 4, -1, -1,
		2, 5, -1, -1,
		3, 6, -1, -1,
	}
	b := []float32{7, 8, 9, 10, 11, 12}
	c := []float32{1, 1, 1, 1}
	kernels.Matmul(true, false, 2, 2, 3, 1, a, 4, b, 2, 1, c, 2)
	fmt.Println(c)
	// Output: [59 65 140 155]
}
