package vec

// Loops that a platform without assembly here can supply: the browser's
// kernel (wasm/kernel) installs WebAssembly SIMD versions of the
// optimizers' updates, of ReLU forward and backward and of AllFinite
// (engine/kernels/wasmsimd's vec.wat), which Go's compiler cannot emit.
// An installed loop must give the same bits (or answer) as the Go loop;
// it is handed the leading multiple of 4 elements. On amd64 the AVX loops
// take precedence where the CPU has AVX.

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

// ReLUFunc is a vector ReLU (same arguments).
type ReLUFunc func(y, x []float32)

// ReLUBackwardFunc is a vector ReLUBackward (same arguments).
type ReLUBackwardFunc func(dx, g, y []float32)

var (
	installedReLU         ReLUFunc
	installedReLUBackward ReLUBackwardFunc
)

// InstallActivations sets ReLU's forward and backward loops, as Install
// sets the optimizers'; nil leaves the Go loop in place. Call it once at
// start-up, before training. On amd64 the AVX loops of both take
// precedence where the CPU has AVX, as for Install.
func InstallActivations(relu ReLUFunc, reluBackward ReLUBackwardFunc) {
	installedReLU, installedReLUBackward = relu, reluBackward
}

// installedReLULoop runs the installed ReLU on the leading multiple of 4
// elements and returns how many it did: none when no loop is installed.
func installedReLULoop(y, x []float32) int {
	n := len(x) &^ 3
	if installedReLU == nil || n == 0 {
		return 0
	}
	installedReLU(y[:n], x[:n])
	return n
}

// installedReLUBackwardLoop is installedReLULoop for ReLUBackward.
func installedReLUBackwardLoop(dx, g, y []float32) int {
	n := len(dx) &^ 3
	if installedReLUBackward == nil || n == 0 {
		return 0
	}
	installedReLUBackward(dx[:n], g[:n], y[:n])
	return n
}

// AllFiniteFunc is a vector AllFinite for a length that is a multiple of 4.
type AllFiniteFunc func(v []float32) bool

var installedAllFinite AllFiniteFunc

// InstallAllFinite sets AllFinite's loop, as Install sets the optimizers';
// nil leaves the Go loop in place. Call it once at start-up, before
// training.
func InstallAllFinite(f AllFiniteFunc) { installedAllFinite = f }

// installedAllFiniteLoop checks the leading multiple of 4 elements with
// the installed loop and returns how many it checked and whether they
// were all finite: none, and true, when no loop is installed.
func installedAllFiniteLoop(v []float32) (done int, ok bool) {
	n := len(v) &^ 3
	if installedAllFinite == nil || n == 0 {
		return 0, true
	}
	return n, installedAllFinite(v[:n])
}
