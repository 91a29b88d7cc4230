package tensor

// genericOnly turns the fast paths off, so that tests can check them
// against the reference code they shortcut (see reference_test.go).
var genericOnly = false

// fastRow returns a plain float32 loop for the ops a training step runs
// most (bias add, gradient products), or nil. The results are the same
// bits as genericRow's: a float32 sum, difference or product is the
// float64 one rounded once to float32, because float64 carries more than
// twice float32's precision. What it saves is a function call and two
// conversions per element.
func fastRow(name string) rowFunc {
	if genericOnly {
		return nil
	}
	switch name {
	case "add":
		return func(dst, a []float32, ia, sa int, b []float32, ib, sb int) {
			for j := range dst {
				dst[j] = a[ia] + b[ib]
				ia += sa
				ib += sb
			}
		}
	case "sub":
		return func(dst, a []float32, ia, sa int, b []float32, ib, sb int) {
			for j := range dst {
				dst[j] = a[ia] - b[ib]
				ia += sa
				ib += sb
			}
		}
	case "mul":
		return func(dst, a []float32, ia, sa int, b []float32, ib, sb int) {
			for j := range dst {
				dst[j] = a[ia] * b[ib]
				ia += sa
				ib += sb
			}
		}
	}
	return nil
}

// fastBinaryGrad returns the gradient of the first (or second) operand
// of add, sub or mul, whose derivatives need no table lookup, or nil:
// the same bits as binaryGrad's reference loop.
func fastBinaryGrad(name string, first bool, g, a, b, y *Tensor) *Tensor {
	if genericOnly {
		return nil
	}
	switch {
	case name == "add" || (name == "sub" && first):
		// ∂(a ± b)/∂a = 1: the gradient is g itself. Backward never
		// modifies a gradient, so it can be shared.
		return g
	case name == "sub":
		return binaryRows(y.shape, g, Scalar(-1), fastRow("mul")) // -g
	case name == "mul" && first:
		return binaryRows(y.shape, g, b, fastRow("mul")) // g·b
	case name == "mul":
		return binaryRows(y.shape, g, a, fastRow("mul")) // g·a
	}
	return nil
}
