package plot

import "math"

// ln2 and ln10 are the natural logarithms of 2 and 10.
const (
	ln2  = 0.693147180559945309417232121458176568
	ln10 = 2.30258509299404568401799145468436421
)

// log10 returns the base-10 logarithm of x > 0. The standard library's
// math.Log uses assembly on amd64 and Go code under wasm, which may differ
// in the last bit; this version uses only + - * /, which IEEE 754 defines
// exactly, so log-scale charts are byte-identical on every platform.
func log10(x float64) float64 {
	frac, exp := math.Frexp(x) // x = frac·2^exp, 0.5 ≤ frac < 1
	if frac < math.Sqrt2/2 {
		frac *= 2
		exp--
	}
	// ln(frac) = 2·atanh(s) = 2(s + s³/3 + s⁵/5 + …), |s| < 0.172.
	s := (frac - 1) / (frac + 1)
	s2 := s * s
	sum, term := 0.0, s
	for k := 1; k < 40; k += 2 {
		sum += term / float64(k)
		term *= s2
	}
	// Explicit conversions stop a compiler from fusing a multiply and an add.
	ln := float64(2*sum) + float64(float64(exp)*ln2)
	l := ln / ln10
	// Powers of ten give their exact exponent, so decades line up exactly.
	if r := math.Round(l); math.Abs(l-r) < 1e-9 && r >= -307 && r <= 308 && math.Pow10(int(r)) == x {
		return r
	}
	return l
}

// decade returns ⌊log10 x⌋ for x > 0, exactly: 1000 gives 3, 999.9 gives 2.
func decade(x float64) int {
	e := int(math.Floor(log10(x)))
	for e > -323 && math.Pow10(e) > x {
		e--
	}
	for e < 308 && math.Pow10(e+1) <= x {
		e++
	}
	return e
}

// pow10 returns n·10^e, dividing for negative e so that 3·10^-1 is exactly
// the float64 nearest 0.3.
func pow10(n int, e int) float64 {
	if e >= 0 {
		return float64(n) * math.Pow10(e)
	}
	return float64(n) / math.Pow10(-e)
}

// scale maps data values to pixels, linearly or logarithmically.
type scale struct {
	log    bool
	lo, hi float64 // domain, lo < hi (both > 0 when log)
	p0, p1 float64 // pixels of lo and hi
	llo    float64 // log10(lo) when log
	lhi    float64 // log10(hi) when log
}

// newScale returns a scale from [lo, hi] to [p0, p1].
func newScale(log bool, lo, hi, p0, p1 float64) scale {
	s := scale{log: log, lo: lo, hi: hi, p0: p0, p1: p1}
	if log {
		s.llo, s.lhi = log10(lo), log10(hi)
	}
	return s
}

// pos returns the pixel coordinate of v.
func (s scale) pos(v float64) float64 {
	var t float64
	if s.log {
		t = (log10(v) - s.llo) / (s.lhi - s.llo)
	} else {
		t = (v - s.lo) / (s.hi - s.lo)
	}
	return s.p0 + float64(t*(s.p1-s.p0))
}

// ticks is a set of axis ticks and the domain they span.
type ticks struct {
	lo, hi float64   // domain of the axis
	vals   []float64 // tick values inside [lo, hi], ascending
	labels []string
}

// niceStep returns the step m·10^e nearest raw with m in {1, 2, 5}.
func niceStep(raw float64) (m, e int) {
	e = decade(raw)
	f := raw / math.Pow10(e)
	switch {
	case f < 1.5:
		return 1, e
	case f < 3:
		return 2, e
	case f < 7:
		return 5, e
	}
	return 1, e + 1
}

// linearTicks returns about target intervals of a 1-2-5 step covering
// [lo, hi]. With extend the domain grows to the ticks around the data
// (0..0.93 becomes 0..1); without it the domain is [lo, hi] and only ticks
// inside it are kept.
func linearTicks(lo, hi float64, target int, extend bool, unit string) ticks {
	if !(lo < hi) {
		lo, hi = widen(lo)
	}
	target = max(target, 1)
	m, e := niceStep((hi - lo) / float64(target))
	step := pow10(m, e)
	kLo := int(math.Floor(lo/step + 1e-9))
	kHi := int(math.Ceil(hi/step - 1e-9))
	t := ticks{lo: lo, hi: hi}
	if extend {
		t.lo, t.hi = pow10(kLo*m, e), pow10(kHi*m, e)
	}
	for k := kLo; k <= kHi; k++ {
		v := pow10(k*m, e)
		if v < t.lo-step*1e-9 || v > t.hi+step*1e-9 {
			continue
		}
		t.vals = append(t.vals, v)
	}
	t.labels = tickLabels(t.vals, e, unit)
	return t
}

// widen returns a small range around v for data with one distinct value.
func widen(v float64) (float64, float64) {
	if v == 0 {
		return -1, 1
	}
	d := math.Abs(v) / 10
	return v - d, v + d
}

// logMultiples are the mantissas tried, coarsest first, for log ticks.
var logMultiples = [][]int{{1}, {1, 2, 5}, {1, 2, 3, 5}, {1, 2, 3, 4, 5, 6, 7, 8, 9}}

// logTicks returns ticks for a log axis over [lo, hi] (0 < lo ≤ hi). It
// prefers whole decades (1e-3, 0.01 … 10), then 1-2-5 and finer mantissas
// when the data spans too few decades for four ticks, skips decades when it
// spans more than eight, and falls back to linear steps for a very narrow
// range. With extend the domain grows to the ticks around the data.
func logTicks(lo, hi float64, extend bool, unit string) ticks {
	if !(lo < hi) {
		lo, hi = lo/2, hi*2
	}
	dLo, dHi := decade(lo), decade(hi)
	if math.Pow10(dHi) < hi {
		dHi++
	}
	if n := dHi - dLo; n > 8 {
		stride := (n + 7) / 8
		dLo = floorDiv(dLo, stride) * stride
		t := ticks{lo: lo, hi: hi}
		for d := dLo; ; d += stride {
			v := math.Pow10(d)
			if extend && len(t.vals) == 0 {
				t.lo = v
			}
			if v >= lo*(1-1e-9) && v <= hi*(1+1e-9) || extend {
				t.vals = append(t.vals, v)
			}
			if d >= dHi {
				if extend {
					t.hi = v
				}
				break
			}
		}
		t.labels = logTickLabels(t.vals, unit)
		return t
	}
	for _, ms := range logMultiples {
		var cands []float64
		for d := dLo; d <= dHi; d++ {
			for _, m := range ms {
				cands = append(cands, pow10(m, d))
			}
		}
		a, b := lo, hi
		if extend {
			// The largest candidate ≤ lo and the smallest ≥ hi.
			for _, c := range cands {
				if c <= lo*(1+1e-9) {
					a = c
				}
			}
			for i := len(cands) - 1; i >= 0; i-- {
				if cands[i] >= hi*(1-1e-9) {
					b = cands[i]
				}
			}
		}
		var vals []float64
		for _, c := range cands {
			if c >= a*(1-1e-9) && c <= b*(1+1e-9) {
				vals = append(vals, c)
			}
		}
		if len(vals) >= 4 {
			return ticks{lo: a, hi: b, vals: vals, labels: logTickLabels(vals, unit)}
		}
	}
	t := linearTicks(lo, hi, 4, extend, unit)
	if t.lo <= 0 {
		t.lo = lo
		for len(t.vals) > 0 && t.vals[0] < lo {
			t.vals, t.labels = t.vals[1:], t.labels[1:]
		}
	}
	return t
}
