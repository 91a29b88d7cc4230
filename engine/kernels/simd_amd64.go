package kernels

// simdKernels returns the assembly micro-kernels this CPU can run, fastest
// first.
func simdKernels() []*microKernel { return nil }
