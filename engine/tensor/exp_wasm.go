//go:build wasm

package tensor

// exp is math.Exp with the same bits (expPortable), without math.Ldexp's
// general scaling, which costs a browser tab time on every exp.
func exp(x float64) float64 { return expPortable(x) }
