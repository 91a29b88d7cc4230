package vec

// Loops that a platform without assembly here can supply: the browser's
// kernel (wasm/kernel) installs WebAssembly SIMD versions of the
// optimizers' updates (engine/kernels/wasmsimd's vec.wat), which Go's
// compiler cannot emit. An installed loop must give the same bits as the
// Go loop; it is handed the leading multiple of 4 elements. On amd64 the
// AVX loops take precedence where the CPU has AVX.

// MomentumFunc is a vector MomentumUpdate (same arguments).
type MomentumFunc func(w, g, buf []float32, lr, mu, damp float32)

// AdamFunc is a vector AdamUpdate (same arguments).
type AdamFunc func(w, g, m, v []float32, c *AdamConsts)

var (
	installedMomentum MomentumFunc
	installedAdam     AdamFunc
)

// Install sets the vector loops to use where no assembly loop exists; nil
// leaves the Go loop in place. Call it once at start-up, before training.
func Install(momentum MomentumFunc, adam AdamFunc) {
	installedMomentum, installedAdam = momentum, adam
}

// installedMomentumLoop runs the installed momentum loop on the leading
// multiple of 4 elements and returns how many it did: none when no loop
// is installed.
func installedMomentumLoop(w, g, buf []float32, lr, mu, damp float32) int {
	n := len(w) &^ 3
	if installedMomentum == nil || n == 0 {
		return 0
	}
	installedMomentum(w[:n], g[:n], buf[:n], lr, mu, damp)
	return n
}

// installedAdamLoop is installedMomentumLoop for Adam.
func installedAdamLoop(w, g, m, v []float32, c *AdamConsts) int {
	n := len(w) &^ 3
	if installedAdam == nil || n == 0 {
		return 0
	}
	installedAdam(w[:n], g[:n], m[:n], v[:n], c)
	return n
}
