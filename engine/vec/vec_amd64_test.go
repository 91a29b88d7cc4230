package vec

import "testing"

// withoutAssembly turns the AVX loops off until the test ends.
func withoutAssembly(t *testing.T) {
	saved := useAVX
	useAVX = false
	t.Cleanup(func() { useAVX = saved })
}
