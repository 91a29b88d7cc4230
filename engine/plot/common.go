package plot

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Default chart size in pixels.
const (
	DefaultWidth  = 640
	DefaultHeight = 400
)

// size returns the chart size, using the defaults for zero values.
func size(w, h int, dh float64) (float64, float64) {
	fw, fh := float64(w), float64(h)
	if w <= 0 {
		fw = DefaultWidth
	}
	if h <= 0 {
		fh = dh
	}
	return fw, fh
}

// chartName names a chart in error messages: `plot.Line "Loss"`.
func chartName(kind, title string) string {
	if title == "" {
		return "plot." + kind
	}
	return "plot." + kind + " " + strconv.Quote(title)
}

// errorf returns an error that starts with the chart's name.
func errorf(chart, format string, args ...any) error {
	return fmt.Errorf(chart+": "+format, args...)
}

// finite reports whether v is neither NaN nor ±Inf.
func finite(v float64) bool {
	return !math.IsNaN(v) && !math.IsInf(v, 0)
}

// accessibleTitle is the <title> of a chart: its title, or its kind.
func accessibleTitle(title, kind string) string {
	if title != "" {
		return title
	}
	return kind
}

// fixedRange reports whether r is a user-given axis range (r[0] < r[1]).
func fixedRange(r [2]float64) bool {
	return r[0] < r[1] && finite(r[0]) && finite(r[1])
}

// plural returns "1 point" or "3 points", "2 categories", "2 series".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	switch {
	case strings.HasSuffix(word, "s"):
	case strings.HasSuffix(word, "y"):
		word = word[:len(word)-1] + "ies"
	default:
		word += "s"
	}
	return strconv.Itoa(n) + " " + word
}
