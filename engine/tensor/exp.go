package tensor

import "math"

// expPortable is e^x by the algorithm of fdlibm's e_exp.c, which is Go's
// math.Exp wherever Go has no assembly for it (js/wasm among them), with
// the same constants and roundings, and so the same bits. Only its last
// step differs: Go scales by 2^k with math.Ldexp, a general routine for
// subnormal and overflowing results; here every k the reduction can give
// for a finite result in the normal range makes 2^k directly from its
// exponent bits, and multiplying by a power of two is exact there. In a
// browser tab Ldexp took 4% of the attention milestone's training.
func expPortable(x float64) float64 {
	const (
		ln2Hi = 6.93147180369123816490e-01 // ln 2, high bits
		ln2Lo = 1.90821492927058770002e-10 // ln 2 - ln2Hi
		log2e = 1.44269504088896338700e+00

		overflow  = 7.09782712893383973096e+02
		underflow = -7.45133219101941108420e+02
		nearZero  = 1.0 / (1 << 28)
	)
	switch {
	case x != x:
		return x
	case x > overflow:
		return math.Inf(1)
	case x < underflow:
		return 0
	case -nearZero < x && x < nearZero:
		return 1 + x
	}
	// x = k·ln 2 + r with |r| ≤ ln(2)/2, r kept as hi - lo for precision.
	k := 0
	switch {
	case x < 0:
		k = int(log2e*x - 0.5)
	case x > 0:
		k = int(log2e*x + 0.5)
	}
	hi := x - float64(k)*ln2Hi
	lo := float64(k) * ln2Lo
	// e^r by a rational approximation (Remez polynomial of degree 5 in r²).
	const (
		p1 = 1.66666666666666657415e-01
		p2 = -2.77777777770155933842e-03
		p3 = 6.61375632143793436117e-05
		p4 = -1.65339022054652515390e-06
		p5 = 4.13813679705723846039e-08
	)
	r := hi - lo
	t := r * r
	c := r - t*(p1+t*(p2+t*(p3+t*(p4+t*p5))))
	y := 1 - ((lo - (r*c)/(2-c)) - hi)
	// y lies in [0.7, 1.42]: times 2^k it stays normal for k ≥ -1021.
	if k >= -1021 && k <= 1023 {
		return y * math.Float64frombits(uint64(k+1023)<<52)
	}
	return math.Ldexp(y, k)
}
