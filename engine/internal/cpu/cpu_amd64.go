package cpu

// HasAVX2FMA reports whether this CPU and operating system can run AVX2
// and FMA instructions.
func HasAVX2FMA() bool { return hasAVX2FMA }

// HasAVX512 reports whether this CPU and operating system can run AVX-512
// Foundation instructions (with AVX2 and FMA).
func HasAVX512() bool { return hasAVX512 }

// HasAVX512VNNI reports whether this CPU and operating system can run the
// AVX-512 byte and word instructions (AVX512BW) and the vector neural
// network instructions (AVX512_VNNI, whose VPDPBUSD the int8 kernels use).
func HasAVX512VNNI() bool { return hasAVX512VNNI }

//go:noescape
func cpuid(leaf, subleaf uint32) (eax, ebx, ecx, edx uint32)

func xgetbv() (eax, edx uint32)

// CPUID and XCR0 bits, from the Intel SDM (vol. 2A, CPUID) and AMD APM.
const (
	cpuid1ECXFMA      = 1 << 12 // leaf 1, ECX: fused multiply-add
	cpuid1ECXOSXSAVE  = 1 << 27 // leaf 1, ECX: the OS enabled XGETBV
	cpuid1ECXAVX      = 1 << 28 // leaf 1, ECX: AVX
	cpuid7EBXAVX2     = 1 << 5  // leaf 7, EBX: AVX2
	cpuid7EBXAVX512F  = 1 << 16 // leaf 7, EBX: AVX-512 Foundation
	cpuid7EBXAVX512BW = 1 << 30 // leaf 7, EBX: AVX-512 byte and word instructions
	cpuid7ECXVNNI     = 1 << 11 // leaf 7, ECX: AVX-512 vector neural network instructions
	xcr0YMM           = 0x06    // XCR0: SSE and AVX state saved by the OS
	xcr0ZMM           = 0xe0    // XCR0: opmask and upper ZMM state saved
)

// hasAVX2FMA, hasAVX512 and hasAVX512VNNI are read once, at start-up.
var hasAVX2FMA, hasAVX512, hasAVX512VNNI = detect()

// detect reads the CPU's features (cpuid_amd64.s).
func detect() (avx2fma, avx512, vnni bool) {
	maxLeaf, _, _, _ := cpuid(0, 0)
	if maxLeaf < 7 {
		return false, false, false
	}
	_, _, ecx1, _ := cpuid(1, 0)
	if ecx1&cpuid1ECXOSXSAVE == 0 {
		return false, false, false
	}
	_, ebx7, ecx7, _ := cpuid(7, 0)
	xcr0, _ := xgetbv()
	avx2fma = ecx1&cpuid1ECXAVX != 0 && ecx1&cpuid1ECXFMA != 0 &&
		ebx7&cpuid7EBXAVX2 != 0 && xcr0&xcr0YMM == xcr0YMM
	avx512 = avx2fma && ebx7&cpuid7EBXAVX512F != 0 && xcr0&(xcr0YMM|xcr0ZMM) == xcr0YMM|xcr0ZMM
	vnni = avx512 && ebx7&cpuid7EBXAVX512BW != 0 && ecx7&cpuid7ECXVNNI != 0
	return avx2fma, avx512, vnni
}
