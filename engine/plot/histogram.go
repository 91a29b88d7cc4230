package plot

import (
	"math"
	"math/bits"
	"slices"
	"strconv"
	"strings"
)

// Histogram counts float32 values, such as weights, activations or
// gradients, in equal-width bins between their minimum and maximum (like
// numpy.histogram). NaN and ±Inf values are skipped and counted in the
// text alternative.
type Histogram struct {
	// Title is drawn above the chart and is its accessible name.
	Title string
	// XLabel and XUnit title and label the value axis, e.g. "weight".
	XLabel, XUnit string
	// Values are the raw values.
	Values []float32
	// Bins is the number of bins; 0 chooses it from the data (the
	// Freedman–Diaconis rule, between 10 and 100 bins).
	Bins int
	// LogCount draws counts on a log axis, which shows rare tails; empty
	// bins are then left out.
	LogCount bool
	// Width and Height are the size in pixels (default 640×400).
	Width, Height int
}

// autoBins returns the Freedman–Diaconis bin count for sorted values.
func autoBins(sorted []float64) int {
	n := len(sorted)
	iqr := sorted[n*3/4] - sorted[n/4]
	span := sorted[n-1] - sorted[0]
	if iqr <= 0 || span <= 0 {
		// Sturges' rule when the middle half is one value.
		return max(10, min(100, bits.Len(uint(n-1))+1)) // ⌈log2 n⌉ + 1
	}
	// width = 2·IQR/∛n; the cube root by Newton's method keeps it exact
	// on every platform.
	c := float64(n)
	r := c / 3
	for i := 0; i < 60; i++ {
		r = r - (r*r*r-c)/(3*r*r)
	}
	return max(10, min(100, int(math.Ceil(span/(2*iqr/r)))))
}

// SVG draws the histogram. It returns an error when there are no finite
// values or Bins is negative.
func (hg Histogram) SVG() (string, error) {
	name := chartName("Histogram", hg.Title)
	if hg.Bins < 0 {
		return "", errorf(name, "Bins is %d; use a positive count, or 0 to choose it from the data", hg.Bins)
	}
	vals := make([]float64, 0, len(hg.Values))
	skipped := 0
	zeros := 0
	sum := 0.0
	for _, v := range hg.Values {
		x := float64(v)
		if !finite(x) {
			skipped++
			continue
		}
		if x == 0 {
			zeros++
		}
		sum += x
		vals = append(vals, x)
	}
	if len(vals) == 0 {
		if skipped > 0 {
			return "", errorf(name, "no finite values to count (all %d are NaN or ±Inf)", skipped)
		}
		return "", errorf(name, "no values to count")
	}
	slices.Sort(vals)
	lo, hi := vals[0], vals[len(vals)-1]
	bins := hg.Bins
	if bins == 0 {
		bins = autoBins(vals)
	}
	if lo == hi {
		lo, hi = lo-0.5, hi+0.5 // as numpy does for a single value
	}
	counts := make([]int, bins)
	width := (hi - lo) / float64(bins)
	for _, v := range vals {
		i := int((v - lo) / width)
		if i >= bins { // the maximum falls in the last bin
			i = bins - 1
		}
		counts[i]++
	}
	maxCount := slices.Max(counts)

	w, h := size(hg.Width, hg.Height, DefaultHeight)
	xs := axisSpec{title: hg.XLabel, unit: hg.XUnit, lo: lo, hi: hi, extend: true, grid: false}
	ys := axisSpec{title: "count", lo: 0, hi: float64(maxCount), extend: true, grid: true}
	if hg.LogCount {
		// Below 1, so that a bin of one value has a visible bar.
		ys.log, ys.lo, ys.hi, ys.extend = true, 0.7, float64(maxCount)*1.3, false
	}
	f := newFrame(w, h, hg.Title, nil, xs, ys, nil, 0)
	d := &document{kind: "histogram", w: w, h: h, title: accessibleTitle(hg.Title, "Histogram")}
	c := &d.body
	f.drawGrid(c)
	f.drawXAxis(c)
	f.drawYAxis(c)
	c.raw(`<g class="tt-plot"`, f.plotAttrs(), ">\n")
	c.raw(`<g class="tt-series" data-series="" data-bins="`, strconv.Itoa(bins), `">`, "\n")
	base := f.bottom
	for i, n := range counts {
		if n == 0 {
			continue
		}
		b0 := lo + float64(i)*width
		b1 := lo + float64(i+1)*width
		if i == bins-1 {
			b1 = hi
		}
		x0, x1 := f.x.pos(b0), f.x.pos(b1)
		y := f.y.pos(float64(n))
		gap := math.Min(1, (x1-x0)/4)
		tip := strconv.Itoa(n) + " values in [" + FormatValue(b0, hg.XUnit) + ", " + FormatValue(b1, hg.XUnit) + ")"
		c.rect(x0+gap/2, y, math.Max(x1-x0-gap, 0.5), base-y, seriesClass("f", 0),
			` data-lo="`+dataNum(b0)+`" data-hi="`+dataNum(b1)+`" data-count="`+strconv.Itoa(n)+`"`, tip)
	}
	c.raw("</g>\n</g>\n")
	f.drawTitle(c)

	n := float64(len(vals))
	mean := sum / n
	ss := 0.0
	for _, v := range vals {
		ss += (v - mean) * (v - mean)
	}
	std := math.Sqrt(ss / n)
	var desc strings.Builder
	desc.WriteString("Histogram")
	if hg.Title != "" {
		desc.WriteString(": " + hg.Title)
	}
	desc.WriteString(". " + plural(len(vals), "value") + " in " + plural(bins, "bin") + " from " + FormatValue(vals[0], hg.XUnit) +
		" to " + FormatValue(vals[len(vals)-1], hg.XUnit) + "; mean " + FormatValue(mean, hg.XUnit) + ", standard deviation " +
		FormatValue(std, hg.XUnit) + ", median " + FormatValue(vals[len(vals)/2], hg.XUnit) + "; " + plural(zeros, "zero") +
		" (" + FormatValue(100*float64(zeros)/n, "") + "%). The fullest bin holds " + strconv.Itoa(maxCount) + ".")
	if skipped > 0 {
		desc.WriteString(" " + plural(skipped, "NaN or infinite value") + " not counted.")
	}
	d.desc = desc.String()
	return d.String(), nil
}
