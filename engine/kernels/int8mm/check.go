package int8mm

import "fmt"

// MaxK is the longest inner dimension whose sums are sure to fit in int32:
// each product is at most 128·128 = 2¹⁴ in size, so 2¹⁷ of them reach 2³¹.
const MaxK = 1<<17 - 1

// check panics, naming the function, when the shapes are negative, k is
// longer than MaxK or a slice is shorter than its shape says: programmer
// errors, as with an index out of range.
func check(op string, c []int32, a, b []int8, m, n, k int) {
	if m < 0 || n < 0 || k < 0 {
		panic(fmt.Sprintf("int8mm.%s: negative shape m=%d n=%d k=%d", op, m, n, k))
	}
	if k > MaxK {
		panic(fmt.Sprintf("int8mm.%s: k=%d is longer than %d, so int32 sums could overflow", op, k, MaxK))
	}
	if len(a) < m*k {
		panic(fmt.Sprintf("int8mm.%s: a has %d elements, want at least m·k = %d·%d = %d", op, len(a), m, k, m*k))
	}
	if len(b) < n*k {
		panic(fmt.Sprintf("int8mm.%s: b has %d elements, want at least n·k = %d·%d = %d", op, len(b), n, k, n*k))
	}
	if len(c) < m*n {
		panic(fmt.Sprintf("int8mm.%s: c has %d elements, want at least m·n = %d·%d = %d", op, len(c), m, n, m*n))
	}
}
