//go:build !amd64

package int8mm

// nativeVariants returns the kernels in assembly for this CPU: none off
// amd64 (the browser registers its own through Register).
func nativeVariants() []*variant { return nil }

// nativePeaks returns no loops off amd64.
func nativePeaks() []Peak { return nil }
