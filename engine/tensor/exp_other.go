//go:build !wasm

package tensor

import "math"

// exp is math.Exp: natively Go has assembly for it on amd64 and arm64,
// and its portable version is as fast as expPortable elsewhere.
func exp(x float64) float64 { return math.Exp(x) }
