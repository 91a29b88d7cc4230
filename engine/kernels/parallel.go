package kernels

// parallel is tiled spread over goroutines (Threads of them). The driver
// (driver.go) gives each goroutine its own rectangle of C: a range of rows
// (and, when C is too short to split by rows, a range of columns). B's
// packed block is shared: all goroutines pack it together, wait for each
// other, then compute. A goroutine packs only its own rows of A.
//
// Splitting C, and not the k dimension, is what makes the result
// independent of the thread count: each element is summed by one goroutine
// in the same order as with one thread, so "parallel" returns the same bits
// as "tiled" for any number of threads. (Splitting k would need a final
// reduction whose rounding depends on how k was split.)
func parallel(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	packed(goKernel, available(), transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}
