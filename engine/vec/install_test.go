package vec

import (
	"slices"
	"testing"
)

// TestInstalledLoops: where no assembly loop runs (js/wasm, or a CPU
// without AVX), installed loops get the leading multiple of 4 elements
// and the Go loop the rest.
func TestInstalledLoops(t *testing.T) {
	withoutAssembly(t)
	defer Install(nil, nil)
	var got []int
	Install(func(w, g, buf []float32, lr, mu, damp float32) {
		got = append(got, len(w))
		momentumGo(w, g, buf, lr, mu, damp)
	}, func(w, g, m, v []float32, c *AdamConsts) {
		got = append(got, len(w))
		adamGo(w, g, m, v, c)
	})
	w, g, buf := randomVector(13, 1), randomVector(13, 2), randomVector(13, 3)
	wantW, wantBuf := slices.Clone(w), slices.Clone(buf)
	MomentumUpdate(w, g, buf, 0.1, 0.9, 1)
	momentumGo(wantW, g, wantBuf, 0.1, 0.9, 1)
	if _, ok := sameBits(w, wantW); !ok {
		t.Errorf("momentum with an installed loop: %v, want %v", w, wantW)
	}
	c := &AdamConsts{Beta1: 0.9, OneMinusBeta1: 0.1, Beta2: 0.999, OneMinusBeta2: 0.001, BiasCorrection2Sqrt: 0.1, Eps: 1e-8, NegStepSize: -0.01, Decay: 1}
	m, v := randomVector(13, 4), make([]float32, 13)
	AdamUpdate(w, g, m, v, c)
	if !slices.Equal(got, []int{12, 12}) {
		t.Errorf("the installed loops were handed %v elements, want [12 12]", got)
	}
}
