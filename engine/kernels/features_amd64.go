package kernels

// HasAVX2FMA reports whether this CPU (and operating system) can run
// AVX2 and FMA instructions, as detected at start-up (simd_amd64.go).
// Other packages with assembly loops of their own (engine/vec) use it
// instead of detecting the CPU a second time.
func HasAVX2FMA() bool { return hasAVX2FMA }
