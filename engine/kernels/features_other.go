//go:build !amd64

package kernels

// HasAVX2FMA reports whether this CPU can run AVX2 and FMA instructions:
// never on platforms other than amd64, which have no assembly here.
func HasAVX2FMA() bool { return false }
