//go:build !amd64

package cpu

// HasAVX2FMA reports whether this CPU can run AVX2 and FMA instructions:
// never on platforms other than amd64.
func HasAVX2FMA() bool { return false }

// HasAVX512 reports whether this CPU can run AVX-512 Foundation
// instructions: never on platforms other than amd64.
func HasAVX512() bool { return false }

// HasAVX512VNNI reports whether this CPU can run AVX-512 BW and VNNI
// instructions: never on platforms other than amd64.
func HasAVX512VNNI() bool { return false }
