package plot

import (
	"math"
	"strings"
)

// Layout constants in pixels.
const (
	pad        = 10.0 // space between the chart's edge and its content
	fontSize   = 12.0
	titleSize  = 14.0
	titleH     = 22.0 // height of the title line
	legendRowH = 18.0
	tickLen    = 4.0
	axisTitleH = 18.0 // room for an axis title
)

// axisSpec describes a numeric axis before layout.
type axisSpec struct {
	title  string  // axis title, e.g. "step"
	unit   string  // unit of the tick labels, e.g. "s"; may be empty
	log    bool    // logarithmic scale
	lo, hi float64 // data extent
	extend bool    // grow the domain to the ticks around the data
	grid   bool    // draw grid lines at the ticks
	band   bool    // categories, laid out by the chart: no ticks here
}

// frame is the laid-out area of a chart with axes: the plot rectangle, the
// two scales and their ticks.
type frame struct {
	w, h                     float64
	title                    string
	legend                   []legendItem
	legendRows               [][]legendItem
	left, top, right, bottom float64 // plot rectangle
	xs, ys                   axisSpec
	x, y                     scale
	xt, yt                   ticks
}

// newFrame lays out a chart of size w×h with a title, a legend above the
// plot and two numeric axes. leftLabels, when not nil, replaces the y tick
// labels in the margin computation (horizontal bars and timelines label
// their rows themselves); bottomExtra adds room under the x tick labels.
func newFrame(w, h float64, title string, legend []legendItem, xs, ys axisSpec, leftLabels []string, bottomExtra float64) *frame {
	f := &frame{w: w, h: h, title: title, legend: legend, xs: xs, ys: ys}
	f.top = pad
	if title != "" {
		f.top += titleH
	}
	f.legendRows = legendLayout(legend, w-2*pad)
	f.top += float64(len(f.legendRows))*legendRowH + 6
	f.bottom = h - pad - fontSize - tickLen - 6 - bottomExtra
	if xs.title != "" {
		f.bottom -= axisTitleH
	}
	// y ticks first: their labels decide the left margin.
	ph := f.bottom - f.top
	if leftLabels == nil && !ys.band {
		f.yt = makeTicks(ys, int(math.Max(2, math.Round(ph/55))))
		leftLabels = f.yt.labels
	} else {
		f.yt = ticks{lo: ys.lo, hi: ys.hi}
	}
	lw := 0.0
	for _, l := range leftLabels {
		lw = math.Max(lw, textWidth(l, fontSize))
	}
	f.left = pad + lw + tickLen + 4
	if ys.title != "" {
		f.left += axisTitleH
	}
	f.right = w - pad - 12 // room for half of the last x label
	// x ticks: as many as fit without their labels touching.
	pw := f.right - f.left
	for target := int(math.Max(2, math.Round(pw/70))); !xs.band; target-- {
		f.xt = makeTicks(xs, target)
		if target <= 2 || !labelsCollide(f.xt, newScale(xs.log, f.xt.lo, f.xt.hi, f.left, f.right)) {
			break
		}
	}
	if xs.log {
		thinLabels(&f.xt, newScale(true, f.xt.lo, f.xt.hi, f.left, f.right))
	}
	f.x = newScale(xs.log, f.xt.lo, f.xt.hi, f.left, f.right)
	if xs.band {
		f.xt = ticks{lo: 0, hi: 1}
	} else if n := len(f.xt.labels); n > 0 && f.x.pos(f.xt.vals[n-1]) > f.right-1 {
		// The last label is centred on the right edge: make room for it.
		f.right = w - pad - math.Max(4, textWidth(f.xt.labels[n-1], fontSize)/2)
	}
	if ys.band {
		f.yt = ticks{lo: 0, hi: 1}
	}
	f.x = newScale(xs.log, f.xt.lo, f.xt.hi, f.left, f.right)
	f.y = newScale(ys.log, f.yt.lo, f.yt.hi, f.bottom, f.top)
	if ys.log {
		thinVertical(&f.yt, f.y)
	}
	return f
}

// makeTicks returns the ticks of a numeric axis.
func makeTicks(a axisSpec, target int) ticks {
	if a.log {
		return logTicks(a.lo, a.hi, a.extend, a.unit)
	}
	return linearTicks(a.lo, a.hi, target, a.extend, a.unit)
}

// labelsCollide reports whether neighbouring x tick labels would overlap.
func labelsCollide(t ticks, s scale) bool {
	for i := 1; i < len(t.vals); i++ {
		gap := s.pos(t.vals[i]) - s.pos(t.vals[i-1])
		if gap < (textWidth(t.labels[i], fontSize)+textWidth(t.labels[i-1], fontSize))/2+8 {
			return true
		}
	}
	return false
}

// thinLabels blanks every other x label (keeping the grid line) until the
// labels no longer overlap.
func thinLabels(t *ticks, s scale) {
	for k := 2; k < len(t.vals) && labelsCollideShown(*t, s); k++ {
		for i := range t.labels {
			if i%k != 0 {
				t.labels[i] = ""
			}
		}
	}
}

// labelsCollideShown is labelsCollide over the labels that are not blank.
func labelsCollideShown(t ticks, s scale) bool {
	var shown ticks
	for i, l := range t.labels {
		if l != "" {
			shown.vals = append(shown.vals, t.vals[i])
			shown.labels = append(shown.labels, l)
		}
	}
	return labelsCollide(shown, s)
}

// thinVertical blanks y labels closer than a line of text to the previous
// label shown.
func thinVertical(t *ticks, s scale) {
	last := math.Inf(1)
	for i := range t.vals {
		p := s.pos(t.vals[i])
		if t.labels[i] == "" {
			continue
		}
		if last-p < fontSize+2 {
			t.labels[i] = ""
			continue
		}
		last = p
	}
}

// plotAttrs returns the data-* attributes that describe the plot area's
// scales, so that a page can turn pointer positions into data values.
func (f *frame) plotAttrs() string {
	sc := func(a axisSpec) string {
		if a.band {
			return "band"
		}
		if a.log {
			return "log"
		}
		return "linear"
	}
	return ` data-plot-rect="` + num(f.left) + " " + num(f.top) + " " + num(f.right-f.left) + " " + num(f.bottom-f.top) +
		`" data-x-scale="` + sc(f.xs) + `" data-x-domain="` + dataNum(f.x.lo) + " " + dataNum(f.x.hi) +
		`" data-y-scale="` + sc(f.ys) + `" data-y-domain="` + dataNum(f.y.lo) + " " + dataNum(f.y.hi) + `"`
}

// drawTitle draws the chart's title and legend.
func (f *frame) drawTitle(c *canvas) {
	y := pad
	if f.title != "" {
		c.text(f.w/2, y+titleSize, "middle", "tt-fg tt-title", f.title, "")
		y += titleH
	}
	drawLegend(c, f.legendRows, y, f.w)
}

// drawGrid draws the grid lines of the axes that ask for them.
func (f *frame) drawGrid(c *canvas) {
	c.raw(`<g class="tt-grid" stroke="`, fallback("tt-grid"), `" stroke-width="1">`, "\n")
	if f.ys.grid {
		for _, v := range f.yt.vals {
			y := f.y.pos(v)
			c.raw(`<line x1="`, num(f.left), `" y1="`, num(y), `" x2="`, num(f.right), `" y2="`, num(y), `"/>`, "\n")
		}
	}
	if f.xs.grid {
		for _, v := range f.xt.vals {
			x := f.x.pos(v)
			c.raw(`<line x1="`, num(x), `" y1="`, num(f.top), `" x2="`, num(x), `" y2="`, num(f.bottom), `"/>`, "\n")
		}
	}
	c.raw("</g>\n")
}

// drawXAxis draws the x axis line, ticks, tick labels and title.
func (f *frame) drawXAxis(c *canvas) {
	c.raw(`<g class="tt-x-axis">`, "\n")
	c.line(f.left, f.bottom, f.right, f.bottom, "tt-axis", "")
	for i, v := range f.xt.vals {
		x := f.x.pos(v)
		c.line(x, f.bottom, x, f.bottom+tickLen, "tt-axis", "")
		if f.xt.labels[i] != "" {
			c.text(x, f.bottom+tickLen+fontSize+1, "middle", "tt-mu", f.xt.labels[i], "")
		}
	}
	if f.xs.title != "" {
		c.text((f.left+f.right)/2, f.h-pad-3, "middle", "tt-fg", f.xs.title, "")
	}
	c.raw("</g>\n")
}

// drawYAxis draws the y axis line, ticks, tick labels and title.
func (f *frame) drawYAxis(c *canvas) {
	c.raw(`<g class="tt-y-axis">`, "\n")
	c.line(f.left, f.top, f.left, f.bottom, "tt-axis", "")
	for i, v := range f.yt.vals {
		y := f.y.pos(v)
		c.line(f.left-tickLen, y, f.left, y, "tt-axis", "")
		if f.yt.labels[i] != "" {
			c.text(f.left-tickLen-3, y+4, "end", "tt-mu", f.yt.labels[i], "")
		}
	}
	f.drawYTitle(c)
	c.raw("</g>\n")
}

// drawYTitle draws the y axis title, rotated, at the left edge.
func (f *frame) drawYTitle(c *canvas) {
	if f.ys.title == "" {
		return
	}
	x, y := pad+fontSize, (f.top+f.bottom)/2
	c.text(x, y, "middle", "tt-fg", f.ys.title, ` transform="rotate(-90 `+num(x)+" "+num(y)+`)"`)
}

// clipDef returns a <clipPath> of the plot rectangle (grown by m pixels so
// markers on the edge stay whole), to be put in the document's <defs>.
func (f *frame) clipDef(m float64) string {
	return `<clipPath id="` + idToken + `-clip"><rect x="` + num(f.left-m) + `" y="` + num(f.top-m) +
		`" width="` + num(f.right-f.left+2*m) + `" height="` + num(f.bottom-f.top+2*m) + `"/></clipPath>`
}

// clipAttr is the attribute that applies clipDef.
const clipAttr = ` clip-path="url(#` + idToken + `-clip)"`

// axisDesc describes an axis for the text alternative:
// "x: step, 0 to 1000".
func axisDesc(name string, a axisSpec, lo, hi float64) string {
	var b strings.Builder
	b.WriteString(name)
	if a.title != "" {
		b.WriteString(" (" + a.title + ")")
	}
	b.WriteString(" from " + FormatValue(lo, a.unit) + " to " + FormatValue(hi, a.unit))
	if a.log {
		b.WriteString(", log scale")
	}
	return b.String()
}
