package int8mm

// blockKernel computes the mr×4 dot products of mr rows of A (lda bytes
// apart, from a) with four rows of B, into out[4r+c].
type blockKernel func(a *int8, lda int, b *[4]*int8, k int, out *[16]int32)

// rowKernel computes the dot products of one row of A with four rows of B.
type rowKernel func(a *int8, b *[4]*int8, k int, out *[4]int32)

// tiles cuts C into blocks of mr rows by 4 columns, has block compute each
// (row for the last m mod mr rows of A, one at a time), and stores
// fix(i, j, v) for each kernel result v: the kernel's own correction. The
// last block of columns, when n is not a multiple of 4, repeats B's last
// row in the missing places and throws those results away. The caller has
// checked the arguments, and m, n, k are all positive.
func tiles(c []int32, a, b []int8, m, n, k, mr int, block blockKernel, row rowKernel, fix func(i, j int, v int32) int32) {
	var out [16]int32
	var out1 [4]int32
	var rows [4]*int8
	for j := 0; j < n; j += 4 {
		for t := range rows {
			rows[t] = &b[min(j+t, n-1)*k]
		}
		cols := min(4, n-j)
		i := 0
		for ; i+mr <= m; i += mr {
			block(&a[i*k], k, &rows, k, &out)
			for r := range mr {
				for t := range cols {
					c[(i+r)*n+j+t] = fix(i+r, j+t, out[4*r+t])
				}
			}
		}
		for ; i < m; i++ {
			row(&a[i*k], &rows, k, &out1)
			for t := range cols {
				c[i*n+j+t] = fix(i, j+t, out1[t])
			}
		}
	}
}
