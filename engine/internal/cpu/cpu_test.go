package cpu

import (
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// On Linux the kernel lists in /proc/cpuinfo the features it lets
// programs use, which is what CPUID and XGETBV say together.
func TestMatchesProcCPUInfo(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		if HasAVX2FMA() || HasAVX512() || HasAVX512VNNI() {
			t.Fatalf("%s: AVX2+FMA %v, AVX-512 %v, VNNI %v; want none off amd64", runtime.GOARCH, HasAVX2FMA(), HasAVX512(), HasAVX512VNNI())
		}
		t.Skip("CPUID exists on amd64 only")
	}
	info, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		t.Skip("no /proc/cpuinfo to compare with:", err)
	}
	var flags []string
	for line := range strings.SplitSeq(string(info), "\n") {
		if name, value, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(name) == "flags" {
			flags = strings.Fields(value)
			break
		}
	}
	has := func(f string) bool { return slices.Contains(flags, f) }
	avx2fma := has("avx") && has("avx2") && has("fma")
	if got := HasAVX2FMA(); got != avx2fma {
		t.Errorf("HasAVX2FMA() = %v, /proc/cpuinfo says %v", got, avx2fma)
	}
	if got, want := HasAVX512(), avx2fma && has("avx512f"); got != want {
		t.Errorf("HasAVX512() = %v, /proc/cpuinfo says %v", got, want)
	}
	if got, want := HasAVX512VNNI(), HasAVX512() && has("avx512bw") && has("avx512_vnni"); got != want {
		t.Errorf("HasAVX512VNNI() = %v, /proc/cpuinfo says %v", got, want)
	}
	t.Logf("AVX2+FMA %v, AVX-512 %v, AVX-512 VNNI %v", HasAVX2FMA(), HasAVX512(), HasAVX512VNNI())
}
