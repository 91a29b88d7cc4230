package plot

import (
	"cmp"
	"math"
	"strconv"
	"strings"
)

// RooflinePoint is one measured op or kernel on a Roofline chart.
type RooflinePoint struct {
	// Name labels the point, e.g. "matmul (blocked)".
	Name string
	// Intensity is the arithmetic intensity: FLOPs per byte moved.
	Intensity float64
	// GFLOPS is the achieved performance in GFLOP/s.
	GFLOPS float64
}

// Roofline is a log-log chart of achieved GFLOP/s against arithmetic
// intensity under the machine's two ceilings: the memory-bandwidth line
// (GFLOP/s = bandwidth × intensity) and the compute line (the peak). They
// meet at the ridge point; ops to its left are memory-bound, ops to its
// right compute-bound.
type Roofline struct {
	// Title is drawn above the chart and is its accessible name.
	Title string
	// PeakGFLOPS is the compute ceiling in GFLOP/s.
	PeakGFLOPS float64
	// PeakLabel names the compute ceiling on the chart ("avx512 FMA
	// peak", say, for a measured one); "peak" if empty.
	PeakLabel string
	// BandwidthGBs is the memory bandwidth in GB/s.
	BandwidthGBs float64
	// Points are the ops, each labelled with its name.
	Points []RooflinePoint
	// Width and Height are the size in pixels (default 640×400).
	Width, Height int
}

// SVG draws the chart. It returns an error when a ceiling, an intensity or
// a performance is not a positive finite number.
func (r Roofline) SVG() (string, error) {
	name := chartName("Roofline", r.Title)
	if !(r.PeakGFLOPS > 0) || !finite(r.PeakGFLOPS) {
		return "", errorf(name, "PeakGFLOPS is %v; the compute ceiling must be a positive number", r.PeakGFLOPS)
	}
	if !(r.BandwidthGBs > 0) || !finite(r.BandwidthGBs) {
		return "", errorf(name, "BandwidthGBs is %v; the memory ceiling must be a positive number", r.BandwidthGBs)
	}
	ridge := r.PeakGFLOPS / r.BandwidthGBs
	xlo, xhi := ridge/10, ridge*10
	ylo, yhi := r.PeakGFLOPS/100, r.PeakGFLOPS*1.8
	for i, p := range r.Points {
		if !(p.Intensity > 0) || !finite(p.Intensity) {
			return "", errorf(name, "point %d (%q) has intensity %v; a log axis needs a positive number", i, p.Name, p.Intensity)
		}
		if !(p.GFLOPS > 0) || !finite(p.GFLOPS) {
			return "", errorf(name, "point %d (%q) has %v GFLOP/s; a log axis needs a positive number", i, p.Name, p.GFLOPS)
		}
		xlo, xhi = math.Min(xlo, p.Intensity/2), math.Max(xhi, p.Intensity*2)
		ylo, yhi = math.Min(ylo, p.GFLOPS/2), math.Max(yhi, p.GFLOPS*1.8)
	}
	ylo = math.Min(ylo, r.BandwidthGBs*xlo)

	w, h := size(r.Width, r.Height, DefaultHeight)
	xs := axisSpec{title: "arithmetic intensity (FLOP/byte)", log: true, lo: xlo, hi: xhi, grid: true}
	ys := axisSpec{title: "performance (GFLOP/s)", log: true, lo: ylo, hi: yhi, grid: true}
	f := newFrame(w, h, r.Title, nil, xs, ys, nil, 0)

	d := &document{kind: "roofline", w: w, h: h, title: accessibleTitle(r.Title, "Roofline chart")}
	d.defs = f.clipDef(0)
	c := &d.body
	f.drawGrid(c)
	f.drawXAxis(c)
	f.drawYAxis(c)
	c.raw(`<g class="tt-plot"`, f.plotAttrs(), ">\n")

	// The roof: the bandwidth diagonal up to the ridge, then the peak.
	x0 := f.x.lo
	if r.BandwidthGBs*x0 < f.y.lo {
		x0 = f.y.lo / r.BandwidthGBs
	}
	ax, ay := f.x.pos(x0), f.y.pos(r.BandwidthGBs*x0)
	rx, ry := f.x.pos(ridge), f.y.pos(r.PeakGFLOPS)
	c.raw(`<g class="tt-roof"`, clipAttr, `><path d="M`, num(ax), ",", num(ay), "L", num(rx), ",", num(ry), " ", num(f.right), ",", num(ry),
		`" fill="none" stroke-width="2.5"`)
	c.classStroke("tt-ln")
	c.raw("/>\n")
	c.line(rx, ry, rx, f.bottom, "tt-lm", ` stroke-dasharray="4 4"`)
	c.raw("</g>\n")
	peakLabel := cmp.Or(r.PeakLabel, "peak") + " " + FormatValue(r.PeakGFLOPS, "") + " GFLOP/s"
	c.text(f.right-4, ry-6, "end", "tt-fg", peakLabel, "")

	// Points, labelled beside them where the label overlaps nothing else.
	overlaps := func(a box, bs []box) bool { return overlapArea(a, bs) > 0 }
	var taken []box
	pos := make([][2]float64, len(r.Points))
	for i, p := range r.Points {
		px, py := f.x.pos(p.Intensity), f.y.pos(p.GFLOPS)
		pos[i] = [2]float64{px, py}
		taken = append(taken, box{px - 5, py - 5, px + 5, py + 5})
	}
	// The ceiling labels are taken too.
	taken = append(taken, box{f.right - 4 - textWidth(peakLabel, fontSize), ry - 18, f.right, ry - 2})
	ridgeLabel := "ridge " + FormatValue(ridge, "") + " FLOP/byte"
	taken = append(taken, box{rx + 4, f.bottom - 18, rx + 4 + textWidth(ridgeLabel, fontSize), f.bottom - 2})
	// The bandwidth label sits on the diagonal, where it covers no point.
	bwLabel := FormatValue(r.BandwidthGBs, "") + " GB/s"
	angle := math.Atan2(ry-ay, rx-ax)
	bwW := textWidth(bwLabel, fontSize)
	var lx, ly float64
	for _, t := range []float64{0.3, 0.5, 0.15, 0.7, 0.85} {
		lx, ly = ax+(rx-ax)*t, ay+(ry-ay)*t
		// The label's box, rotated onto the line, bounded axis-aligned.
		cx, cy := lx+6*math.Sin(angle), ly-6*math.Cos(angle)
		hw := math.Abs(bwW/2*math.Cos(angle)) + 6
		hh := math.Abs(bwW/2*math.Sin(angle)) + 6
		b := box{cx - hw, cy - hh, cx + hw, cy + hh}
		if !overlaps(b, taken) || t == 0.85 {
			taken = append(taken, b)
			break
		}
	}
	c.text(lx, ly-6, "middle", "tt-fg", bwLabel,
		` transform="rotate(`+num(angle*180/math.Pi)+" "+num(lx)+" "+num(ly)+`)"`)
	c.text(rx+4, f.bottom-6, "start", "tt-mu", ridgeLabel, "")
	inside := func(b box) bool { return b.x0 >= f.left && b.x1 <= f.right && b.y0 >= f.top && b.y1 <= f.bottom }
	for i, p := range r.Points {
		px, py := pos[i][0], pos[i][1]
		best := placeLabel(i, p.Name, pos, taken, inside)
		taken = append(taken, best.b)
		roof := math.Min(r.PeakGFLOPS, r.BandwidthGBs*p.Intensity)
		bound := "memory-bound"
		if p.Intensity >= ridge {
			bound = "compute-bound"
		}
		tip := p.Name + ": " + FormatValue(p.Intensity, "") + " FLOP/byte, " + FormatValue(p.GFLOPS, "") +
			" GFLOP/s, " + FormatValue(100*p.GFLOPS/roof, "") + "% of the roof (" + bound + ")"
		c.raw(`<g class="tt-point"`)
		c.attr("data-series", p.Name)
		c.raw(` data-index="`, strconv.Itoa(i), `" data-x="`, dataNum(p.Intensity), `" data-y="`, dataNum(p.GFLOPS), `">`)
		c.raw(`<circle cx="`, num(px), `" cy="`, num(py), `" r="4.5"`)
		c.classFill(seriesClass("f", i))
		c.raw("><title>", esc(tip), "</title></circle>\n")
		if best.leader {
			// A line from the dot's edge to the label's nearest point, so
			// that a label set apart still says whose it is.
			lx, ly := nearestPoint(best.b, px, py)
			if d := math.Hypot(lx-px, ly-py); d > 5.5 { // else it touches the dot
				c.line(px+(lx-px)*5.5/d, py+(ly-py)*5.5/d, lx, ly, "tt-lm", ` data-leader="true"`)
			}
		}
		c.text(best.x, best.y, best.anchor, "tt-fg", p.Name, "")
		c.raw("</g>\n")
	}
	c.raw("</g>\n")
	f.drawTitle(c)

	var desc strings.Builder
	desc.WriteString("Roofline chart")
	if r.Title != "" {
		desc.WriteString(": " + r.Title)
	}
	desc.WriteString(". Log-log axes: arithmetic intensity in FLOP/byte against performance in GFLOP/s. Compute ceiling " +
		FormatValue(r.PeakGFLOPS, "") + " GFLOP/s" + parenthesized(r.PeakLabel) + ", memory bandwidth " + FormatValue(r.BandwidthGBs, "") +
		" GB/s, ridge point at " + FormatValue(ridge, "") + " FLOP/byte. " + plural(len(r.Points), "point") + ".")
	for _, p := range r.Points {
		roof := math.Min(r.PeakGFLOPS, r.BandwidthGBs*p.Intensity)
		bound := "memory-bound"
		if p.Intensity >= ridge {
			bound = "compute-bound"
		}
		desc.WriteString(" " + p.Name + ": " + FormatValue(p.Intensity, "") + " FLOP/byte, " + FormatValue(p.GFLOPS, "") +
			" GFLOP/s, " + FormatValue(100*p.GFLOPS/roof, "") + "% of the roof, " + bound + ".")
	}
	d.desc = desc.String()
	return d.String(), nil
}

// labelPlace is where a point's label goes: its text position and
// anchor, the box it covers, and whether it needs a leader line to its dot.
type labelPlace struct {
	x, y   float64
	anchor string
	b      box
	leader bool
}

// labelPlaces lists the places for a label of width tw around a dot at
// (px, py), gap pixels from it, nearest first: right, left, above, below,
// then the four corners.
func labelPlaces(px, py, tw, gap float64) []labelPlace {
	up, down := py-gap-2, py+gap+11 // text baselines above and below
	return []labelPlace{
		{px + gap, py + 4, "start", box{px + gap, py - 8, px + gap + tw, py + 6}, false},
		{px - gap, py + 4, "end", box{px - gap - tw, py - 8, px - gap, py + 6}, false},
		{px, up, "middle", box{px - tw/2, up - 12, px + tw/2, up + 2}, false},
		{px, down, "middle", box{px - tw/2, down - 12, px + tw/2, down + 2}, false},
		{px - gap, up - 1, "end", box{px - gap - tw, up - 13, px - gap, up + 1}, false},
		{px - gap, down, "end", box{px - gap - tw, down - 12, px - gap, down + 2}, false},
		{px + gap, up - 1, "start", box{px + gap, up - 13, px + gap + tw, up + 1}, false},
		{px + gap, down, "start", box{px + gap, down - 12, px + gap + tw, down + 2}, false},
	}
}

// placeLabel chooses the place of point i's label, given the dots' pixel
// positions, the boxes already taken and the plot's bounds:
//
//  1. beside its dot, where it covers nothing and every other dot is
//     clearly farther from it (by 6 px) than its own, so that a reader
//     pairs it with the right dot;
//  2. failing that, farther out (3, 6 and 9 times as far) with a leader
//     line to its dot, where it covers nothing;
//  3. failing that, of all those places the one that covers the least,
//     with a leader line unless it is beside its dot and owned.
//
// A place must lie inside the plot: a label cut off by the edge is worse
// than one that touches another.
func placeLabel(i int, name string, pos [][2]float64, taken []box, inside func(box) bool) labelPlace {
	px, py := pos[i][0], pos[i][1]
	tw := textWidth(name, fontSize)
	owned := func(b box) bool {
		own := boxDistance(b, px, py)
		for j, q := range pos {
			if j != i && q != pos[i] && boxDistance(b, q[0], q[1]) < own+6 {
				return false
			}
		}
		return true
	}
	near := labelPlaces(px, py, tw, 7)
	for _, pl := range near {
		if inside(pl.b) && overlapArea(pl.b, taken) == 0 && owned(pl.b) {
			return pl
		}
	}
	var far []labelPlace
	for _, gap := range []float64{21, 42, 63} {
		for _, pl := range labelPlaces(px, py, tw, gap) {
			pl.leader = true
			if inside(pl.b) && overlapArea(pl.b, taken) == 0 {
				return pl
			}
			far = append(far, pl)
		}
	}
	best, least := near[0], math.Inf(1)
	for _, pl := range append(near, far...) {
		if !inside(pl.b) {
			continue
		}
		if covered := overlapArea(pl.b, taken); covered < least {
			best, least = pl, covered
		}
	}
	best.leader = best.leader || !owned(best.b)
	return best
}

// boxDistance is the distance from (x, y) to the nearest point of b.
func boxDistance(b box, x, y float64) float64 {
	nx, ny := nearestPoint(b, x, y)
	return math.Hypot(nx-x, ny-y)
}

// nearestPoint is the point of b nearest to (x, y).
func nearestPoint(b box, x, y float64) (float64, float64) {
	return math.Max(b.x0, math.Min(x, b.x1)), math.Max(b.y0, math.Min(y, b.y1))
}

// box is the rectangle a label or a point covers, in pixels.
type box struct{ x0, y0, x1, y1 float64 }

// overlapArea is the area of a that the boxes bs cover (counted once per
// box).
func overlapArea(a box, bs []box) float64 {
	area := 0.0
	for _, b := range bs {
		w := math.Min(a.x1, b.x1) - math.Max(a.x0, b.x0)
		h := math.Min(a.y1, b.y1) - math.Max(a.y0, b.y0)
		if w > 0 && h > 0 {
			area += w * h
		}
	}
	return area
}

// parenthesized returns " (s)", or "" for an empty s.
func parenthesized(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}
