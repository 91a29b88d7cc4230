package plot

import (
	"math"
	"strconv"
	"strings"
)

// Series is one named curve of a Line chart.
type Series struct {
	// Name labels the series in the legend and in data-series attributes.
	Name string
	// X holds the x values. When X is nil the points are numbered 0, 1, 2 ….
	X []float64
	// Y holds the y values, one per point.
	Y []float64
	// Markers draws a dot at every point of this series, such as the
	// validation loss measured once per epoch beside a training loss
	// measured every few steps.
	Markers bool
	// Points draws the series as a scatter: a dot at every point and no
	// line between them, such as a cloud of samples beside a fitted line.
	Points bool
}

// Line is a line chart of one or more series, such as loss and accuracy
// curves. NaN and ±Inf points are skipped (the line breaks there) and
// counted in the text alternative.
type Line struct {
	// Title is drawn above the chart and is its accessible name.
	Title string
	// XLabel and YLabel are the axis titles, e.g. "step" and "loss".
	XLabel, YLabel string
	// XUnit and YUnit, e.g. "s" or "B", are appended to tick labels with a
	// metric prefix (10 ms, 2 kB). Leave them empty for plain numbers.
	XUnit, YUnit string
	// LogX and LogY use a logarithmic axis; all values must then be > 0.
	LogX, LogY bool
	// Markers draws a dot at every point.
	Markers bool
	// XRange and YRange fix an axis to [min, max] when min < max, e.g.
	// [0, 1] for accuracy; points outside are clipped. By default the axes
	// cover the data, extended to round numbers.
	XRange, YRange [2]float64
	// Width and Height are the size in pixels (default 640×400).
	Width, Height int
	// Series are the curves, drawn in order with palette colours 0, 1, 2 ….
	Series []Series
}

// Append adds the point (x, y) to the series called name, adding the
// series if there is none, so that a live chart grows while training runs.
// A series declared with no points, say to give it Markers, grows too; a
// chart redrawn after every Append draws what a chart built with all the
// points at once draws. Fix XRange (e.g. [0, epochs]) to keep the axes
// still while the curve grows into them.
// Redrawing with SVG costs time proportional to the number of points, and
// long series are thinned to a few points per pixel column, so the SVG
// stays small however long the run.
func (l *Line) Append(name string, x, y float64) {
	for i := range l.Series {
		s := &l.Series[i]
		if s.Name != name {
			continue
		}
		if s.X == nil {
			s.X = make([]float64, len(s.Y), cap(s.Y))
			for j := range s.X {
				s.X[j] = float64(j)
			}
		}
		s.X = append(s.X, x)
		s.Y = append(s.Y, y)
		return
	}
	l.Series = append(l.Series, Series{Name: name, X: []float64{x}, Y: []float64{y}})
}

// xAt returns the x value of point i.
func (s *Series) xAt(i int) float64 {
	if s.X == nil {
		return float64(i)
	}
	return s.X[i]
}

// SVG draws the chart. It returns an error when there is no series, a
// series has no points or different numbers of x and y values, or a value
// on a log axis is not positive.
func (l Line) SVG() (string, error) {
	name := chartName("Line", l.Title)
	if len(l.Series) == 0 {
		return "", errorf(name, "no series to draw")
	}
	xlo, xhi := math.Inf(1), math.Inf(-1)
	ylo, yhi := math.Inf(1), math.Inf(-1)
	skipped := 0
	for si := range l.Series {
		s := &l.Series[si]
		if len(s.Y) == 0 {
			return "", errorf(name, "series %q has no points", s.Name)
		}
		if s.X != nil && len(s.X) != len(s.Y) {
			return "", errorf(name, "series %q has %d x values but %d y values", s.Name, len(s.X), len(s.Y))
		}
		for i := range s.Y {
			x, y := s.xAt(i), s.Y[i]
			if !finite(x) || !finite(y) {
				skipped++
				continue
			}
			if l.LogX && x <= 0 {
				return "", errorf(name, "series %q: X[%d] = %v is not positive, but LogX shows only values > 0", s.Name, i, x)
			}
			if l.LogY && y <= 0 {
				return "", errorf(name, "series %q: Y[%d] = %v is not positive, but LogY shows only values > 0", s.Name, i, y)
			}
			xlo, xhi = math.Min(xlo, x), math.Max(xhi, x)
			ylo, yhi = math.Min(ylo, y), math.Max(yhi, y)
		}
	}
	if xlo > xhi {
		return "", errorf(name, "no finite points to draw (all %d are NaN or ±Inf)", skipped)
	}
	xs := axisSpec{title: l.XLabel, unit: l.XUnit, log: l.LogX, lo: xlo, hi: xhi, extend: true, grid: true}
	ys := axisSpec{title: l.YLabel, unit: l.YUnit, log: l.LogY, lo: ylo, hi: yhi, extend: true, grid: true}
	for _, a := range []struct {
		spec *axisSpec
		r    [2]float64
		axis string
	}{{&xs, l.XRange, "XRange"}, {&ys, l.YRange, "YRange"}} {
		if !fixedRange(a.r) {
			continue
		}
		if a.spec.log && a.r[0] <= 0 {
			return "", errorf(name, "%s starts at %v, but a log axis shows only values > 0", a.axis, a.r[0])
		}
		a.spec.lo, a.spec.hi, a.spec.extend = a.r[0], a.r[1], false
	}

	w, h := size(l.Width, l.Height, DefaultHeight)
	legend := make([]legendItem, len(l.Series))
	for i, s := range l.Series {
		legend[i] = legendItem{name: s.Name, color: i, line: true}
	}
	f := newFrame(w, h, l.Title, legend, xs, ys, nil, 0)

	d := &document{kind: "line", w: w, h: h, title: accessibleTitle(l.Title, "Line chart")}
	d.defs = f.clipDef(4)
	c := &d.body
	f.drawGrid(c)
	f.drawXAxis(c)
	f.drawYAxis(c)
	c.raw(`<g class="tt-plot"`, f.plotAttrs(), clipAttr, ">\n")
	for si := range l.Series {
		drawSeries(c, f, &l.Series[si], si, l.Markers || l.Series[si].Markers)
	}
	c.raw("</g>\n")
	f.drawTitle(c)

	var desc strings.Builder
	desc.WriteString("Line chart")
	if l.Title != "" {
		desc.WriteString(": " + l.Title)
	}
	desc.WriteString(". " + axisDesc("x", xs, f.x.lo, f.x.hi) + "; " + axisDesc("y", ys, f.y.lo, f.y.hi) + ". ")
	desc.WriteString(plural(len(l.Series), "series") + ".")
	for _, s := range l.Series {
		desc.WriteString(" " + seriesDesc(&s, l.XUnit, l.YUnit))
	}
	if skipped > 0 {
		desc.WriteString(" " + plural(skipped, "NaN or infinite value") + " not drawn.")
	}
	d.desc = desc.String()
	return d.String(), nil
}

// seriesDesc summarises a series: "train: 1000 points, y from 0.05 to 2.3,
// last 0.06 at x = 999."
func seriesDesc(s *Series, xu, yu string) string {
	n, lo, hi := 0, math.Inf(1), math.Inf(-1)
	last := -1
	for i, y := range s.Y {
		if !finite(y) || !finite(s.xAt(i)) {
			continue
		}
		n++
		lo, hi = math.Min(lo, y), math.Max(hi, y)
		last = i
	}
	name := s.Name
	if name == "" {
		name = "unnamed series"
	}
	if n == 0 {
		return name + ": no finite points."
	}
	return name + ": " + plural(n, "point") + ", y from " + FormatValue(lo, yu) + " to " + FormatValue(hi, yu) +
		", last " + FormatValue(s.Y[last], yu) + " at x = " + FormatValue(s.xAt(last), xu) + "."
}

// drawSeries draws one series as a path, with markers when asked. Points
// are in pixel space; a long series whose x values never decrease keeps
// only the first, lowest, highest and last point of each pixel column,
// which draws the same picture.
func drawSeries(c *canvas, f *frame, s *Series, si int, markers bool) {
	type pt struct{ x, y, px, py float64 }
	var segs [][]pt
	var cur []pt
	monotone := true
	prev := math.Inf(-1)
	n := 0
	for i, y := range s.Y {
		x := s.xAt(i)
		if !finite(x) || !finite(y) {
			if len(cur) > 0 {
				segs = append(segs, cur)
				cur = nil
			}
			continue
		}
		if x < prev {
			monotone = false
		}
		prev = x
		cur = append(cur, pt{x, y, f.x.pos(x), f.y.pos(y)})
		n++
	}
	if len(cur) > 0 {
		segs = append(segs, cur)
	}
	if monotone && float64(n) > 4*(f.right-f.left) {
		for k, seg := range segs {
			var out []pt
			for i := 0; i < len(seg); {
				col := math.Floor(seg[i].px)
				j := i
				lo, hi := i, i
				for j < len(seg) && math.Floor(seg[j].px) == col {
					if seg[j].py < seg[lo].py {
						lo = j
					}
					if seg[j].py > seg[hi].py {
						hi = j
					}
					j++
				}
				keep := []int{i, lo, hi, j - 1}
				if lo > hi {
					keep[1], keep[2] = hi, lo
				}
				last := -1
				for _, q := range keep {
					if q != last {
						out = append(out, seg[q])
						last = q
					}
				}
				i = j
			}
			segs[k] = out
		}
	}

	var path, dx, dy strings.Builder
	for _, seg := range segs {
		for i, p := range seg {
			if i == 0 {
				path.WriteString("M")
			} else if i == 1 {
				path.WriteString("L")
			} else {
				path.WriteString(" ")
			}
			path.WriteString(num(p.px) + "," + num(p.py))
			if dx.Len() > 0 {
				dx.WriteByte(' ')
				dy.WriteByte(' ')
			}
			dx.WriteString(dataNum(p.x))
			dy.WriteString(dataNum(p.y))
		}
	}
	c.raw(`<g class="tt-series"`)
	c.attr("data-series", s.Name)
	c.raw(` data-index="`, strconv.Itoa(si), `" data-x="`, dx.String(), `" data-y="`, dy.String(), `">`, "\n")
	if !s.Points {
		c.raw(`<path d="`, path.String(), `" fill="none" stroke-width="2" stroke-linejoin="round" stroke-linecap="round"`)
		c.classStroke(seriesClass("s", si))
		c.raw("/>\n")
	}
	// A lone point between gaps has no line: it always gets a marker.
	for _, seg := range segs {
		if !markers && !s.Points && len(seg) > 1 {
			continue
		}
		for _, p := range seg {
			c.raw(`<circle cx="`, num(p.px), `" cy="`, num(p.py), `" r="3"`)
			c.classFill(seriesClass("f", si))
			c.raw("/>\n")
		}
	}
	c.raw("</g>\n")
}
