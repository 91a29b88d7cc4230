package int8mm

// nativeVariants returns the kernels in assembly this CPU can run, slowest
// first.
func nativeVariants() []*variant { return nil }
