package plot

import (
	"math"
	"strings"
)

// Span is one interval of a Timeline: something that ran on a row from
// Start for Duration.
type Span struct {
	// Row is the lane the span is drawn on, e.g. "forward" or "matmul".
	// Rows appear top to bottom in the order they first occur.
	Row string
	// Label is written inside the span when it fits, and in its tooltip.
	Label string
	// Kind groups spans by colour and names them in the legend, e.g.
	// "forward", "backward", "optimizer". When no span has a Kind, each
	// row has its own colour and there is no legend.
	Kind string
	// Start and Duration are in the unit of Timeline.TimeUnit.
	Start, Duration float64
}

// Timeline is a Gantt-like chart of one training step: rows of spans
// against time.
type Timeline struct {
	// Title is drawn above the chart and is its accessible name.
	Title string
	// TimeLabel titles the time axis; the default is "time".
	TimeLabel string
	// TimeUnit is the unit of Start and Duration, e.g. "s"; tick labels
	// then read 10 ms, 20 ms.
	TimeUnit string
	// Spans are the intervals, in any order.
	Spans []Span
	// Width and Height are the size in pixels; the default height gives
	// every row room.
	Width, Height int
}

// SVG draws the timeline. It returns an error when there are no spans, or
// a start or duration is NaN or infinite, or a duration is negative.
func (t Timeline) SVG() (string, error) {
	name := chartName("Timeline", t.Title)
	if len(t.Spans) == 0 {
		return "", errorf(name, "no spans to draw")
	}
	var rows, kinds []string
	rowIdx, kindIdx := map[string]int{}, map[string]int{}
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, s := range t.Spans {
		if !finite(s.Start) || !finite(s.Duration) {
			return "", errorf(name, "span %d (%q on row %q) has start %v and duration %v; both must be finite", i, s.Label, s.Row, s.Start, s.Duration)
		}
		if s.Duration < 0 {
			return "", errorf(name, "span %d (%q on row %q) has a negative duration %v", i, s.Label, s.Row, s.Duration)
		}
		if _, ok := rowIdx[s.Row]; !ok {
			rowIdx[s.Row] = len(rows)
			rows = append(rows, s.Row)
		}
		if _, ok := kindIdx[s.Kind]; !ok && s.Kind != "" {
			kindIdx[s.Kind] = len(kinds)
			kinds = append(kinds, s.Kind)
		}
		lo, hi = math.Min(lo, s.Start), math.Max(hi, s.Start+s.Duration)
	}
	var legend []legendItem
	for i, k := range kinds {
		legend = append(legend, legendItem{name: k, color: i})
	}
	timeLabel := t.TimeLabel
	if timeLabel == "" {
		timeLabel = "time"
	}
	w, h := size(t.Width, t.Height, math.Max(160, 100+28*float64(len(rows))))
	labels := make([]string, len(rows))
	for i, r := range rows {
		labels[i] = truncate(r, fontSize, maxCategoryWidth*w)
	}
	f := newFrame(w, h, t.Title, legend,
		axisSpec{title: timeLabel, unit: t.TimeUnit, lo: lo, hi: hi, grid: true},
		axisSpec{band: true}, labels, 0)

	d := &document{kind: "timeline", w: w, h: h, title: accessibleTitle(t.Title, "Timeline")}
	c := &d.body
	f.drawGrid(c)
	f.drawXAxis(c)
	band := (f.bottom - f.top) / float64(len(rows))
	c.raw(`<g class="tt-y-axis">`, "\n")
	for i, l := range labels {
		c.raw(`<text x="`, num(f.left-tickLen-3), `" y="`, num(f.top+(float64(i)+0.5)*band+4), `" text-anchor="end"`)
		c.classFill("tt-mu")
		c.raw(">", esc(l))
		if l != rows[i] {
			c.raw("<title>", esc(rows[i]), "</title>")
		}
		c.raw("</text>\n")
	}
	c.line(f.left, f.top, f.left, f.bottom, "tt-axis", "")
	c.raw("</g>\n")

	c.raw(`<g class="tt-plot"`, f.plotAttrs(), ">\n")
	barH := math.Min(band*0.7, 26)
	for _, s := range t.Spans {
		ri := rowIdx[s.Row]
		color := ri
		if len(kinds) > 0 {
			color = kindIdx[s.Kind]
			if s.Kind == "" { // the colour after the kinds, without a legend entry
				color = len(kinds)
			}
		}
		x0, x1 := f.x.pos(s.Start), f.x.pos(s.Start+s.Duration)
		y := f.top + (float64(ri)+0.5)*band - barH/2
		// A 1-pixel gap separates neighbours; a zero-length span stays visible.
		wd := math.Max(x1-x0-1, 1)
		tip := s.Row
		if s.Label != "" {
			tip += " · " + s.Label
		}
		tip += ": " + FormatValue(s.Duration, t.TimeUnit) + " from " + FormatValue(s.Start, t.TimeUnit) +
			" to " + FormatValue(s.Start+s.Duration, t.TimeUnit)
		var attrs strings.Builder
		attrs.WriteString(` data-series="` + esc(s.Kind) + `" data-row="` + esc(s.Row) + `" data-label="` + esc(s.Label) +
			`" data-start="` + dataNum(s.Start) + `" data-duration="` + dataNum(s.Duration) + `"`)
		c.raw(`<g class="tt-span"`, attrs.String(), ">\n")
		c.rect(x0, y, wd, barH, seriesClass("f", color), ` rx="2"`, tip)
		if s.Label != "" && textWidth(s.Label, fontSize)+8 <= wd {
			c.text(x0+wd/2, y+barH/2+4, "middle", "tt-on", s.Label, ` pointer-events="none"`)
		}
		c.raw("</g>\n")
	}
	c.raw("</g>\n")
	f.drawTitle(c)

	var desc strings.Builder
	desc.WriteString("Timeline")
	if t.Title != "" {
		desc.WriteString(": " + t.Title)
	}
	desc.WriteString(". " + plural(len(rows), "row") + ", " + plural(len(t.Spans), "span") + ", " +
		axisDesc("time", axisSpec{unit: t.TimeUnit}, lo, hi) + ".")
	for _, r := range rows {
		n, busy := 0, 0.0
		var parts []string
		for _, s := range t.Spans {
			if s.Row == r {
				n++
				busy += s.Duration
				if len(parts) < 20 {
					p := FormatValue(s.Duration, t.TimeUnit)
					if s.Label != "" {
						p = s.Label + " " + p
					}
					parts = append(parts, p)
				}
			}
		}
		desc.WriteString(" " + r + ": " + plural(n, "span") + ", " + FormatValue(busy, t.TimeUnit) + " in total (" + strings.Join(parts, ", "))
		if n > len(parts) {
			desc.WriteString(", …")
		}
		desc.WriteString(").")
	}
	d.desc = desc.String()
	return d.String(), nil
}
