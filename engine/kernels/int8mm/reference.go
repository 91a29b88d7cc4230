package int8mm

// Reference is the plain Go kernel of the contract (see the package doc):
// the one every other variant is tested against. It checks its arguments
// as [MatMulNT] does.
func Reference(c []int32, a, b []int8, m, n, k int) {
	check("Reference", c, a, b, m, n, k)
	reference(c, a, b, m, n, k)
}

// reference is the triple loop of the definition, on checked arguments.
func reference(c []int32, a, b []int8, m, n, k int) {
	for i := range m {
		ai := a[i*k : i*k+k]
		for j := range n {
			bj := b[j*k : j*k+k]
			var sum int32
			for p, x := range ai {
				sum += int32(x) * int32(bj[p])
			}
			c[i*n+j] = sum
		}
	}
}
