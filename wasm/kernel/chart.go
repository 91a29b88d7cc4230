//go:build js && wasm

package kernel

import (
	"fmt"
	"html"
	"math"
	"sort"
	"strings"
)

// A small SVG line chart for the trainer's live loss and accuracy curves.
// It is a stand-in until engine/plot arrives: everything about drawing is
// in this file, behind lineChartSVG and chartSVG.

// lineChartSVG draws each series against its index (0, 1, 2, …), one
// colour per series, named in a legend. NaN values are skipped (the line
// joins the points around them).
func lineChartSVG(title string, series map[string][]float64) string {
	n := 0
	for _, ys := range series {
		n = max(n, len(ys))
	}
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = float64(i)
	}
	return chartSVG(title, xs, series, chartOptions{})
}

// chartOptions refine chartSVG.
type chartOptions struct {
	XLabel     string
	XMax       float64 // the x axis runs to at least XMax, so a growing curve fills it from the left
	YMin, YMax float64 // fixed y range when YMax > YMin, such as [0, 1] for accuracy
}

// chartPalette colours the series in name order.
var chartPalette = []string{"#2563eb", "#ea580c", "#16a34a", "#9333ea", "#dc2626", "#0891b2"}

// chartSVG draws series sharing the x values xs (series[i] is at xs[i]).
func chartSVG(title string, xs []float64, series map[string][]float64, o chartOptions) string {
	const w, h = 380.0, 230.0
	const left, right, top, bottom = 52.0, 12.0, 40.0, 34.0
	names := make([]string, 0, len(series))
	for name := range series {
		names = append(names, name)
	}
	sort.Strings(names)

	x0, x1 := 0.0, o.XMax
	if len(xs) > 0 {
		x0 = min(xs[0], x0)
		x1 = max(x1, xs[len(xs)-1])
	}
	if x1 <= x0 {
		x1 = x0 + 1
	}
	y0, y1 := math.Inf(1), math.Inf(-1)
	for _, ys := range series {
		for _, y := range ys {
			if !math.IsNaN(y) && !math.IsInf(y, 0) {
				y0, y1 = min(y0, y), max(y1, y)
			}
		}
	}
	if o.YMax > o.YMin {
		y0, y1 = min(o.YMin, y0), max(o.YMax, y1)
	}
	if math.IsInf(y0, 1) {
		y0, y1 = 0, 1
	}
	if y1-y0 < 1e-12 {
		y0, y1 = y0-1, y1+1
	}
	if o.YMax <= o.YMin {
		pad := 0.05 * (y1 - y0)
		y0, y1 = y0-pad, y1+pad
		if y0 < 0 && y0+pad >= 0 {
			y0 = 0 // losses are ≥ 0: do not pad below zero
		}
	}
	px := func(x float64) float64 { return left + (x-x0)/(x1-x0)*(w-left-right) }
	py := func(y float64) float64 { return top + (y1-y)/(y1-y0)*(h-top-bottom) }

	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="tt-chart" viewBox="0 0 %g %g" width="%g" height="%g" role="img" aria-label="%s" font-family="system-ui, sans-serif" font-size="11">`,
		w, h, w, h, html.EscapeString(title))
	fmt.Fprintf(&b, `<text x="%g" y="16" font-size="13" font-weight="600" fill="currentColor">%s</text>`, left, html.EscapeString(title))
	// Grid and tick labels.
	for _, t := range niceTicks(y0, y1, 5) {
		y := py(t)
		fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="currentColor" stroke-opacity="0.12"/>`, left, w-right, y, y)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="end" fill="currentColor" fill-opacity="0.7">%s</text>`, left-6, y+4, tickLabel(t))
	}
	for _, t := range niceTicks(x0, x1, 6) {
		x := px(t)
		fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="currentColor" stroke-opacity="0.12"/>`, x, x, top, h-bottom)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" fill="currentColor" fill-opacity="0.7">%s</text>`, x, h-bottom+14, tickLabel(t))
	}
	fmt.Fprintf(&b, `<rect x="%g" y="%g" width="%g" height="%g" fill="none" stroke="currentColor" stroke-opacity="0.3"/>`, left, top, w-left-right, h-top-bottom)
	if o.XLabel != "" {
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" fill="currentColor" fill-opacity="0.7">%s</text>`, left+(w-left-right)/2, h-4, html.EscapeString(o.XLabel))
	}
	// Curves, then the legend.
	lx := left
	for i, name := range names {
		color := chartPalette[i%len(chartPalette)]
		ys := series[name]
		var pts []string
		for k, y := range ys {
			if k < len(xs) && !math.IsNaN(y) && !math.IsInf(y, 0) {
				pts = append(pts, fmt.Sprintf("%.1f,%.1f", px(xs[k]), py(y)))
			}
		}
		if len(pts) > 0 {
			fmt.Fprintf(&b, `<polyline class="tt-series" data-name="%s" fill="none" stroke="%s" stroke-width="1.6" stroke-linejoin="round" points="%s"/>`,
				html.EscapeString(name), color, strings.Join(pts, " "))
		}
		if len(pts) <= 60 && 3*len(pts) < len(ys) || len(pts) == 1 { // sparse series: mark the points
			for _, p := range pts {
				xy := strings.SplitN(p, ",", 2)
				fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="2.5" fill="%s"/>`, xy[0], xy[1], color)
			}
		}
		fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="28" y2="28" stroke="%s" stroke-width="2"/><text x="%.1f" y="32" fill="currentColor">%s</text>`,
			lx, lx+14, color, lx+18, html.EscapeString(name))
		lx += 18 + 6.5*float64(len(name)) + 14
	}
	b.WriteString("</svg>")
	return b.String()
}

// niceTicks returns about n round values covering [lo, hi].
func niceTicks(lo, hi float64, n int) []float64 {
	span := hi - lo
	if span <= 0 || math.IsNaN(span) || math.IsInf(span, 0) {
		return nil
	}
	step := math.Pow(10, math.Floor(math.Log10(span/float64(n))))
	for _, m := range []float64{1, 2, 5, 10} {
		if span/(step*m) <= float64(n) {
			step *= m
			break
		}
	}
	var out []float64
	for t := math.Ceil(lo/step) * step; t <= hi+step*1e-9; t += step {
		out = append(out, math.Round(t/step)*step)
	}
	return out
}

// tickLabel formats a tick value compactly.
func tickLabel(v float64) string {
	if v == 0 {
		return "0"
	}
	a := math.Abs(v)
	if a >= 1e4 || a < 1e-3 {
		return fmt.Sprintf("%.0e", v)
	}
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.3f", v), "0"), ".")
}
