package plot

import (
	"math"
	"strconv"
	"strings"
)

// BarSeries is one named set of values of a Bar chart, one per category.
type BarSeries struct {
	// Name labels the series in the legend, e.g. "forward".
	Name string
	// Values holds one value per category, in the order of Bar.Categories.
	Values []float64
}

// Bar is a bar chart: one bar per category and series, side by side
// (grouped) or on top of each other (Stacked), such as the time per op
// split into forward and backward.
type Bar struct {
	// Title is drawn above the chart and is its accessible name.
	Title string
	// Categories name the bars, e.g. op or layer names.
	Categories []string
	// Series hold the values; several series are grouped or stacked.
	Series []BarSeries
	// Stacked stacks the series of a category into one bar; its values
	// must then be ≥ 0.
	Stacked bool
	// Horizontal draws bars from left to right with the categories down the
	// left side, which suits long names such as "features.0 (Conv2d)".
	// Vertical bars whose names do not fit under them get slanted names.
	Horizontal bool
	// ValueLabel and ValueUnit title and label the value axis, e.g. "time"
	// and "s" (tick labels then read 10 ms, 20 ms).
	ValueLabel, ValueUnit string
	// CategoryLabel titles the category axis; usually empty.
	CategoryLabel string
	// ShowValues writes each bar's value (each stack's total) at its end.
	ShowValues bool
	// Width and Height are the size in pixels. The default is 640×400, but
	// horizontal bars default to a height that gives every category room.
	Width, Height int
}

// maxCategoryWidth is the widest a category label may be, as a fraction of
// the chart width, before it is shortened with an ellipsis.
const maxCategoryWidth = 0.3

// SVG draws the chart. It returns an error when there are no categories
// or series, a series does not have one value per category, a value is NaN
// or infinite, or a stacked value is negative.
func (b Bar) SVG() (string, error) {
	name := chartName("Bar", b.Title)
	if len(b.Categories) == 0 {
		return "", errorf(name, "no categories to draw")
	}
	if len(b.Series) == 0 {
		return "", errorf(name, "no series to draw")
	}
	nc, ns := len(b.Categories), len(b.Series)
	lo, hi := 0.0, 0.0
	for _, s := range b.Series {
		if len(s.Values) != nc {
			return "", errorf(name, "series %q has %d values for %d categories", s.Name, len(s.Values), nc)
		}
		for i, v := range s.Values {
			if !finite(v) {
				return "", errorf(name, "series %q: value %d (category %q) is %v", s.Name, i, b.Categories[i], v)
			}
			if b.Stacked && v < 0 {
				return "", errorf(name, "series %q: value %d (category %q) is %v, but Stacked bars need values ≥ 0", s.Name, i, b.Categories[i], v)
			}
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	totals := make([]float64, nc)
	for i := range totals {
		for _, s := range b.Series {
			totals[i] += s.Values[i]
		}
		if b.Stacked {
			hi = math.Max(hi, totals[i])
		}
	}

	// Band geometry: each category gets a band; bars fill 70% of it.
	perBand := 24.0
	if !b.Stacked && ns > 1 {
		perBand = 8 + 12*float64(ns)
	}
	dh := float64(DefaultHeight)
	if b.Horizontal {
		dh = math.Max(200, 110+float64(nc)*perBand)
	}
	w, h := size(b.Width, b.Height, dh)
	var legend []legendItem
	for i, s := range b.Series {
		legend = append(legend, legendItem{name: s.Name, color: i})
	}
	if b.ShowValues {
		// Room for the labels past the longest bar.
		hi += (hi - lo) * 0.12
	}
	value := axisSpec{title: b.ValueLabel, unit: b.ValueUnit, lo: lo, hi: hi, extend: true, grid: true}
	cat := axisSpec{title: b.CategoryLabel, band: true}
	labels := make([]string, nc)
	rotate := false
	var f *frame
	if b.Horizontal {
		for i, c := range b.Categories {
			labels[i] = truncate(c, fontSize, maxCategoryWidth*w)
		}
		f = newFrame(w, h, b.Title, legend, value, cat, labels, 0)
	} else {
		// Names that do not fit under their bar are slanted at 45°.
		band := (w - 2*pad - 60) / float64(nc)
		maxW := 0.0
		for i, c := range b.Categories {
			labels[i] = c
			maxW = math.Max(maxW, textWidth(c, fontSize))
		}
		extra := 0.0
		if maxW > band-6 {
			rotate = true
			maxW = 0
			for i, c := range b.Categories {
				labels[i] = truncate(c, fontSize, maxCategoryWidth*h)
				maxW = math.Max(maxW, textWidth(labels[i], fontSize))
			}
			extra = maxW*math.Sqrt2/2 - fontSize/2
		}
		f = newFrame(w, h, b.Title, legend, cat, value, nil, extra)
	}

	d := &document{kind: "bar", w: w, h: h, title: accessibleTitle(b.Title, "Bar chart")}
	c := &d.body
	f.drawGrid(c)
	var vs scale // value scale
	var bandLo, bandLen float64
	if b.Horizontal {
		vs, bandLo, bandLen = f.x, f.top, f.bottom-f.top
		f.drawXAxis(c)
		c.raw(`<g class="tt-y-axis">`, "\n")
		f.drawYTitle(c)
	} else {
		vs, bandLo, bandLen = f.y, f.left, f.right-f.left
		f.drawYAxis(c)
		c.raw(`<g class="tt-x-axis">`, "\n")
		if f.xs.title != "" {
			c.text((f.left+f.right)/2, f.h-pad-3, "middle", "tt-fg", f.xs.title, "")
		}
	}
	band := bandLen / float64(nc)
	// Category labels, with the full name as a tooltip when shortened.
	for i, l := range labels {
		mid := bandLo + (float64(i)+0.5)*band
		var x, y float64
		anchor, extra := "middle", ""
		switch {
		case b.Horizontal:
			x, y, anchor = f.left-tickLen-3, mid+4, "end"
		case rotate:
			x, y, anchor = mid+4, f.bottom+tickLen+8, "end"
			extra = ` transform="rotate(-45 ` + num(x) + " " + num(y) + `)"`
		default:
			x, y = mid, f.bottom+tickLen+fontSize+1
		}
		c.raw(`<text x="`, num(x), `" y="`, num(y), `"`)
		if anchor != "start" {
			c.raw(` text-anchor="`, anchor, `"`)
		}
		c.classFill("tt-mu")
		c.raw(extra, ">", esc(l))
		if l != b.Categories[i] {
			c.raw("<title>", esc(b.Categories[i]), "</title>")
		}
		c.raw("</text>\n")
	}
	c.raw("</g>\n")

	c.raw(`<g class="tt-plot"`, f.plotAttrs(), ">\n")
	inner := band * 0.7
	sub := inner
	if !b.Stacked {
		sub = inner / float64(ns)
	}
	base := vs.pos(0)
	for si, s := range b.Series {
		c.raw(`<g class="tt-series"`)
		c.attr("data-series", s.Name)
		c.raw(` data-index="`, strconv.Itoa(si), `">`, "\n")
		for i, v := range s.Values {
			start := bandLo + float64(i)*band + (band-inner)/2
			v0 := 0.0
			if b.Stacked {
				for _, t := range b.Series[:si] {
					v0 += t.Values[i]
				}
			} else {
				start += float64(si) * sub
			}
			p0, p1 := vs.pos(v0), vs.pos(v0+v)
			if p0 > p1 {
				p0, p1 = p1, p0
			}
			tip := b.Categories[i] + " — "
			if s.Name != "" {
				tip += s.Name + ": "
			}
			tip += FormatValue(v, b.ValueUnit)
			attrs := ` data-category="` + esc(b.Categories[i]) + `" data-value="` + dataNum(v) + `"`
			if b.Horizontal {
				c.rect(p0, start, p1-p0, sub, seriesClass("f", si), attrs, tip)
			} else {
				c.rect(start, p0, sub, p1-p0, seriesClass("f", si), attrs, tip)
			}
			if b.ShowValues && !b.Stacked {
				drawValue(c, b.Horizontal, vs, v, start+sub/2, FormatValue(v, b.ValueUnit))
			}
		}
		c.raw("</g>\n")
	}
	if b.ShowValues && b.Stacked {
		for i, t := range totals {
			drawValue(c, b.Horizontal, vs, t, bandLo+(float64(i)+0.5)*band, FormatValue(t, b.ValueUnit))
		}
	}
	// The zero line, over the bars.
	if b.Horizontal {
		c.line(base, f.top, base, f.bottom, "tt-axis", "")
	} else {
		c.line(f.left, base, f.right, base, "tt-axis", "")
	}
	c.raw("</g>\n")
	f.drawTitle(c)

	var desc strings.Builder
	desc.WriteString("Bar chart")
	if b.Title != "" {
		desc.WriteString(": " + b.Title)
	}
	desc.WriteString(". ")
	if ns > 1 {
		if b.Stacked {
			desc.WriteString("Stacked, ")
		} else {
			desc.WriteString("Grouped, ")
		}
	}
	desc.WriteString(plural(nc, "category"))
	if ns > 1 {
		var names []string
		for _, s := range b.Series {
			names = append(names, s.Name)
		}
		desc.WriteString(", " + plural(ns, "series") + " (" + strings.Join(names, ", ") + ")")
	}
	desc.WriteString(".")
	if b.ValueLabel != "" {
		desc.WriteString(" Values: " + b.ValueLabel + ".")
	}
	const maxDesc = 50
	for i, cname := range b.Categories {
		if i == maxDesc {
			desc.WriteString(" And " + plural(nc-maxDesc, "more category") + ".")
			break
		}
		desc.WriteString(" " + cname + ":")
		for si, s := range b.Series {
			if si > 0 {
				desc.WriteString(",")
			}
			if s.Name != "" && ns > 1 {
				desc.WriteString(" " + s.Name)
			}
			desc.WriteString(" " + FormatValue(s.Values[i], b.ValueUnit))
		}
		if b.Stacked && ns > 1 {
			desc.WriteString(", total " + FormatValue(totals[i], b.ValueUnit))
		}
		desc.WriteString(".")
	}
	d.desc = desc.String()
	return d.String(), nil
}

// drawValue writes a value label just past the end of a bar, at mid across
// the bar.
func drawValue(c *canvas, horizontal bool, vs scale, v, mid float64, label string) {
	p := vs.pos(v)
	if horizontal {
		if v >= 0 {
			c.text(p+4, mid+4, "start", "tt-fg", label, "")
		} else {
			c.text(p-4, mid+4, "end", "tt-fg", label, "")
		}
		return
	}
	if v >= 0 {
		c.text(mid, p-4, "middle", "tt-fg", label, "")
	} else {
		c.text(mid, p+fontSize+2, "middle", "tt-fg", label, "")
	}
}
