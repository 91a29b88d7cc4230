package plot

import (
	"math"
	"strconv"
	"strings"
)

// siPrefixes are the metric prefixes from pico (10^-12, index 0) to peta
// (10^15, index 9); siZero is the index of "no prefix".
var siPrefixes = [...]string{"p", "n", "µ", "m", "", "k", "M", "G", "T", "P"}

const siZero = 4

// siGroup returns the power-of-1000 group g of |v| (v = m·1000^g with
// 1 ≤ |m| < 1000), clamped to the prefixes above. unitless values use no
// prefix below 1: "5m" would read as a unit.
func siGroup(v float64, unitless bool) int {
	a := math.Abs(v)
	if a == 0 {
		return 0
	}
	g := floorDiv(decade(a), 3)
	lo := -siZero
	if unitless {
		lo = 0
	}
	return max(lo, min(g, len(siPrefixes)-1-siZero))
}

// prefixedBases are the units that a caller may give with a metric prefix
// already ("ms", "GFLOP/s", "MB"): their values are converted to the base
// unit first, so that 0.1 with unit "ms" reads "100 µs", never "100 mms".
var prefixedBases = []string{"s", "B", "B/s", "FLOP", "FLOP/s", "W", "J", "Hz"}

// unitPrefix splits a unit such as "ms" into the power-of-1000 group of its
// prefix (-1) and its base unit ("s"); a unit without a known prefix comes
// back whole with group 0.
func unitPrefix(unit string) (g int, base string) {
	for i, p := range siPrefixes {
		rest, ok := strings.CutPrefix(unit, p)
		if p == "" || !ok {
			continue
		}
		for _, b := range prefixedBases {
			if rest == b {
				return i - siZero, b
			}
		}
	}
	if rest, ok := strings.CutPrefix(unit, "u"); ok && rest == "s" { // "us" for µs
		return -2, "s"
	}
	return 0, unit
}

// axisGroup is siGroup for labels: unitless numbers stay plain below 10^4
// (1234, then 12.35k), because 0.2k … 1.0k reads worse than 200 … 1000.
func axisGroup(v float64, unit string) int {
	if unit == "" || unit == "%" {
		if math.Abs(v) < 1e4 {
			return 0
		}
		return siGroup(v, true)
	}
	return siGroup(v, false)
}

// floorDiv divides rounding towards minus infinity.
func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// withUnit joins a number, a metric prefix and a unit: "10 ms", "2.5k".
func withUnit(s string, g int, unit string) string {
	p := siPrefixes[g+siZero]
	if unit == "" {
		return s + p
	}
	if unit == "%" && p == "" {
		return s + "%"
	}
	return s + " " + p + unit
}

// fixed formats v with the given number of decimals, never "-0".
func fixed(v float64, decimals int) string {
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	if strings.Trim(s, "-0.") == "" {
		return "0"
	}
	return s
}

// trimZeros removes trailing zeros after a decimal point.
func trimZeros(s string) string {
	if !strings.Contains(s, ".") {
		return s
	}
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// FormatValue formats one value for people to read, with four significant
// digits, a metric prefix for large values (and for small ones when a unit
// is given) and e-notation for tiny unitless values:
//
//	FormatValue(1234567, "")   == "1.235M"
//	FormatValue(0.0123, "s")   == "12.3 ms"
//	FormatValue(0.000123, "")  == "1.23e-4"
//	FormatValue(0.25, "")      == "0.25"
//
// The charts use it for their text alternatives and tooltips.
func FormatValue(v float64, unit string) string {
	return formatSig(v, unit, 4)
}

// formatSig is FormatValue with a given number of significant digits.
func formatSig(v float64, unit string, sig int) string {
	if g, base := unitPrefix(unit); g != 0 {
		v, unit = scaleBy1000(v, g), base
	}
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	case v == 0:
		return withUnit("0", 0, unit)
	}
	a := math.Abs(v)
	if unit == "" && (a < 1e-3 || a >= 1e15) {
		return eNotation(v, sig)
	}
	group := func(v float64) int {
		return axisGroup(v, unit)
	}
	for try := 0; ; try++ {
		g := group(v)
		m := scaleBy1000(v, -g)
		s := trimZeros(fixed(m, max(sig-1-decade(math.Abs(m)), 0)))
		// Rounding can carry into the next group: 999.96 ms is "1 s".
		if r, err := strconv.ParseFloat(s, 64); err == nil && try == 0 && group(scaleBy1000(r, g)) != g {
			v = scaleBy1000(r, g)
			continue
		}
		return withUnit(s, g, unit)
	}
}

// eNotation formats v as "1.23e-4" with sig significant digits.
func eNotation(v float64, sig int) string {
	s := strconv.FormatFloat(v, 'e', sig-1, 64)
	mant, exp, _ := strings.Cut(s, "e")
	mant = trimZeros(mant)
	sign := exp[:1]
	exp = strings.TrimLeft(exp[1:], "0")
	if exp == "" {
		return mant
	}
	if sign == "+" {
		sign = ""
	}
	return mant + "e" + sign + exp
}

// scaleBy10 returns v·10^e, dividing by exact powers of ten.
func scaleBy10(v float64, e int) float64 {
	if e >= 0 {
		return v * math.Pow10(e)
	}
	return v / math.Pow10(-e)
}

// scaleBy1000 returns v·1000^g, dividing by exact powers of ten so that
// 2500/1000 is exactly 2.5.
func scaleBy1000(v float64, g int) float64 {
	return scaleBy10(v, 3*g)
}

// tickLabels formats the labels of a linear axis whose ticks are multiples
// of step = m·10^e. All labels share one prefix and one number of decimals
// (0, 0.2, 0.4 … 1.0; 0, 0.5k, 1.0k … 2.5k; 0, 2 ms, 4 ms).
func tickLabels(vals []float64, e int, unit string) []string {
	if g, base := unitPrefix(unit); g != 0 {
		scaled := make([]float64, len(vals))
		for i, v := range vals {
			scaled[i] = scaleBy1000(v, g)
		}
		vals, e, unit = scaled, e+3*g, base
	}
	maxAbs := 0.0
	for _, v := range vals {
		maxAbs = max(maxAbs, math.Abs(v))
	}
	out := make([]string, len(vals))
	if maxAbs == 0 {
		for i := range out {
			out[i] = "0"
		}
		return out
	}
	if unit == "" && maxAbs < 1e-2 {
		// Tiny unitless values: a shared power of ten, "2e-3", "4e-3".
		E := decade(maxAbs)
		d := max(0, E-e)
		for i, v := range vals {
			if v == 0 {
				out[i] = "0"
				continue
			}
			out[i] = fixed(scaleBy10(v, -E), d) + "e" + strconv.Itoa(E)
		}
		return out
	}
	g := axisGroup(maxAbs, unit)
	d := max(0, 3*g-e)
	for i, v := range vals {
		if v == 0 {
			out[i] = "0"
			continue
		}
		out[i] = withUnit(fixed(scaleBy1000(v, -g), d), g, unit)
	}
	return out
}

// logTickLabels formats the labels of a log axis one by one, each with the
// fewest digits that show it: 1e-3, 0.01, 0.1, 1, 10, 100, 1k.
func logTickLabels(vals []float64, unit string) []string {
	out := make([]string, len(vals))
	for i, v := range vals {
		if unit == "" && v < 1e-2 {
			out[i] = eNotation(v, 3)
			continue
		}
		out[i] = formatSig(v, unit, 3)
	}
	return out
}
