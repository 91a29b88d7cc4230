package check

import (
	"fmt"
	"slices"
)

// Case is one set of inputs a check runs a student's function on.
type Case struct {
	// Name says what the case tries, for the failure message: "random
	// values", "size-1 dims", "broadcast: input 2 of shape [4]".
	Name string
	// Shapes and Data are the inputs, one shape and one row-major list of
	// elements per input.
	Shapes [][]int
	Data   [][]float64
}

// Cases lists the cases of a function of tensors whose base case has the
// given input shapes: random values (seeded, so a failure is
// reproducible), negative values, large values, every dimension of the
// first input's first size set to 1 and then to 0 in every input that has
// it (size-1 and empty dims, the same size kept consistent between inputs,
// such as a batch), and a second input broadcast against the first. A
// check runs each case on the reference first and skips those the
// reference refuses (a matmul refuses a broadcast that an add accepts).
//
// Random values keep at least 0.1 from zero, so a kink at 0 (ReLU, |x|)
// stays outside a finite difference's step.
func Cases(shapes [][]int, seed uint32) []Case {
	rng := &lcg{seed: seed}
	cases := []Case{
		fill("random values", shapes, func() float64 { return rng.signed(1) }),
		fill("negative values", shapes, func() float64 { return -rng.magnitude(1) }),
		fill("large values", shapes, func() float64 { return rng.signed(1000) }),
	}
	if size, ok := firstSize(shapes); ok {
		cases = append(cases,
			fill("size-1 dims", resize(shapes, size, 1), func() float64 { return rng.signed(1) }),
			fill("an empty dim", resize(shapes, size, 0), func() float64 { return rng.signed(1) }))
	}
	for k := 1; k < len(shapes); k++ {
		if len(shapes[k]) > 0 && slices.Equal(shapes[k], shapes[0]) {
			b := slices.Clone(shapes)
			b[k] = shapes[k][1:]
			if len(b[k]) == 0 {
				b[k] = []int{1}
			}
			name := fmt.Sprintf("broadcast: input %d of shape %s against %s", k+1, FormatShape(b[k]), FormatShape(shapes[0]))
			cases = append(cases, fill(name, b, func() float64 { return rng.signed(1) }))
			break
		}
	}
	return cases
}

// fill makes a case of the given shapes whose elements come from next.
func fill(name string, shapes [][]int, next func() float64) Case {
	c := Case{Name: name, Shapes: shapes, Data: make([][]float64, len(shapes))}
	for i, s := range shapes {
		c.Data[i] = make([]float64, Numel(s))
		for j := range c.Data[i] {
			c.Data[i][j] = next()
		}
	}
	return c
}

// firstSize is the first dimension size above 1 among the inputs.
func firstSize(shapes [][]int) (int, bool) {
	for _, s := range shapes {
		for _, d := range s {
			if d > 1 {
				return d, true
			}
		}
	}
	return 0, false
}

// resize replaces every dimension of size from by to, in every input.
func resize(shapes [][]int, from, to int) [][]int {
	out := make([][]int, len(shapes))
	for i, s := range shapes {
		out[i] = slices.Clone(s)
		for d, n := range s {
			if n == from {
				out[i][d] = to
			}
		}
	}
	return out
}

// lcg is a small seeded generator (Numerical Recipes' constants), the same
// on every platform, so a case's values are reproducible.
type lcg struct{ seed uint32 }

// uniform returns a number in [0, 1).
func (g *lcg) uniform() float64 {
	g.seed = g.seed*1664525 + 1013904223
	return float64(g.seed>>8) / (1 << 24)
}

// magnitude returns a number in [0.1, 1)·scale, rounded to float32.
func (g *lcg) magnitude(scale float64) float64 {
	return float64(float32((0.1 + 0.9*g.uniform()) * scale))
}

// signed returns ±magnitude.
func (g *lcg) signed(scale float64) float64 {
	if g.uniform() < 0.5 {
		return -g.magnitude(scale)
	}
	return g.magnitude(scale)
}

// Weights returns n seeded numbers in [-1, 1), the weights w of the loss
// Σ w·out whose gradient a check compares (not ones, so that a gradient
// that mixes up elements cannot pass).
func Weights(n int, seed uint32) []float64 {
	g := &lcg{seed: seed}
	out := make([]float64, n)
	for i := range out {
		out[i] = float64(float32(g.uniform()*2 - 1))
	}
	return out
}
