package vec

// AdamConsts are the per-step numbers of one Adam update, computed once
// per parameter and step by the optimizer (engine/optim).
type AdamConsts struct {
	Beta1, OneMinusBeta1 float32 // the first moment's decay and its complement
	Beta2, OneMinusBeta2 float32 // the second moment's
	BiasCorrection2Sqrt  float32 // √(1 − β₂ᵗ)
	Eps                  float32
	NegStepSize          float32 // −lr / (1 − β₁ᵗ)
	Decay                float32 // AdamW's 1 − lr·weight decay; 1 for Adam
}

// AdamUpdate is one Adam (or AdamW) step for one parameter, in place, in
// PyTorch's order of float32 operations:
//
//	w ← w·decay
//	m ← β₁·m + (1−β₁)·g
//	v ← β₂·v + (1−β₂)·g²
//	w ← w − stepSize · m / (√v / √(1−β₂ᵗ) + ε)
//
// The slices must have the same length; it panics otherwise (a programmer
// error).
func AdamUpdate(w, g, m, v []float32, c *AdamConsts) {
	n := len(w)
	if len(g) != n || len(m) != n || len(v) != n {
		panic("vec.AdamUpdate: slices of different lengths")
	}
	done := adamSIMD(w, g, m, v, c)
	adamGo(w[done:], g[done:], m[done:], v[done:], c)
}

// adamGo is the reference loop. A float32 square root rounded from
// float64 equals the correctly rounded float32 one, which the AVX loop
// computes.
func adamGo(w, g, m, v []float32, c *AdamConsts) {
	g, m, v = g[:len(w)], m[:len(w)], v[:len(w)]
	for i := range w {
		w[i] *= c.Decay
		m[i] = m[i]*c.Beta1 + c.OneMinusBeta1*g[i]
		v[i] = v[i]*c.Beta2 + c.OneMinusBeta2*(g[i]*g[i])
		denom := sqrt32(v[i])/c.BiasCorrection2Sqrt + c.Eps
		w[i] += c.NegStepSize * (m[i] / denom)
	}
}
