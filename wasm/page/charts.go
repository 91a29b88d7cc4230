//go:build js && wasm

package page

import (
	"math"
	"sort"
	"strconv"
	"strings"
	"syscall/js"

	"honnef.co/go/js/dom/v2"
)

// Interactive charts. engine/plot draws every chart as an <svg
// class="tt-chart"> whose marks carry data-* attributes (data-series on
// series, bars, spans and points; data-x and data-y lists on a line
// series; the plot area's scales in data-plot-rect, data-x-scale and
// data-x-domain) and a <title> with a readable description. The page adds:
//
//   - a tooltip that follows the pointer: the description of the bar,
//     span or point under it, or, on a line chart, the value of every
//     visible series at the nearest x;
//   - legend entries that hide and show their series when clicked, or when
//     focused (Tab) and pressed with Enter or Space.
//
// The listeners are installed once, on the document, and find the chart
// from the event's target, so a chart re-rendered by a display update
// (a live loss curve) needs nothing new and leaks nothing. Which series
// are hidden is remembered per cell and chart title, so an update keeps
// them hidden.

// hiddenSeries maps a chart's key (cell and title) to its hidden series.
var hiddenSeries = map[string]map[string]bool{}

// chartTip is the one tooltip element, made on first use.
var chartTip dom.Element

// chartsWired records that the document listeners are installed.
var chartsWired bool

// enhanceCharts prepares the charts inside el, a freshly rendered SVG
// display of cell c, before it is added to the document.
func enhanceCharts(c *cell, el dom.Element) {
	if c.nb.embed != nil {
		// The tooltip and the legend's listeners live on the document; an
		// embedded cell leaves the host's document alone, so its charts
		// keep the SVG's own <title> tooltips.
		return
	}
	wireCharts(c.nb)
	for _, svg := range el.QuerySelectorAll("svg.tt-chart") {
		// The element is not in the document yet: the key comes from the cell.
		title := ""
		if t := svg.QuerySelector("title"); t != nil {
			title = t.TextContent()
		}
		key := strconv.Itoa(c.uid) + "\x00" + title
		svg.SetAttribute("data-chart-key", key)
		// The marks' <title> tooltips move into data-tip, read by our
		// tooltip, and aria-label, read by screen readers; otherwise the
		// browser would show its own tooltip on top of ours.
		for _, t := range svg.QuerySelectorAll("title") {
			parent := t.ParentElement()
			if parent == nil || parent.TagName() == "svg" {
				continue
			}
			parent.SetAttribute("data-tip", t.TextContent())
			parent.SetAttribute("aria-label", t.TextContent())
			t.Remove()
		}
		for _, item := range svg.QuerySelectorAll(".tt-legend-item") {
			name := item.GetAttribute("data-series")
			item.SetAttribute("tabindex", "0")
			item.SetAttribute("role", "button")
			item.SetAttribute("aria-pressed", "true")
			item.SetAttribute("aria-label", "show or hide the series "+name)
			if hiddenSeries[key][name] {
				setSeriesHidden(svg, name, true)
			}
		}
	}
}

// wireCharts installs the document's pointer, click and key listeners once.
func wireCharts(nb *notebook) {
	if chartsWired {
		return
	}
	chartsWired = true
	chartTip = nb.el("div", "tt-tooltip", "")
	chartTip.SetAttribute("aria-hidden", "true") // the same text is in each mark's aria-label
	setHidden(chartTip, true)
	nb.doc.QuerySelector("body").AppendChild(chartTip)
	nb.doc.AddEventListener("pointermove", false, func(e dom.Event) { chartHover(e.(*dom.PointerEvent)) })
	// The tooltip is placed in the window: a scroll would leave it behind.
	nb.doc.AddEventListener("scroll", true, func(dom.Event) { setHidden(chartTip, true) })
	nb.doc.AddEventListener("click", false, func(e dom.Event) {
		if item := legendItem(e.Target()); item != nil {
			toggleSeries(item)
		}
	})
	nb.doc.AddEventListener("keydown", false, func(e dom.Event) {
		k := e.(*dom.KeyboardEvent).Key()
		if k != "Enter" && k != " " {
			return
		}
		if item := legendItem(e.Target()); item != nil {
			e.PreventDefault()
			toggleSeries(item)
		}
	})
}

// legendItem returns the legend entry of a chart that target is in, or nil.
func legendItem(target dom.Element) dom.Element {
	if target == nil {
		return nil
	}
	item := target.Closest(".tt-legend-item")
	if item == nil || item.Closest("svg.tt-chart") == nil {
		return nil
	}
	return item
}

// toggleSeries hides or shows the series of a legend entry.
func toggleSeries(item dom.Element) {
	svg := item.Closest("svg.tt-chart")
	name := item.GetAttribute("data-series")
	hide := item.GetAttribute("aria-pressed") != "false"
	setSeriesHidden(svg, name, hide)
	key := svg.GetAttribute("data-chart-key")
	if hiddenSeries[key] == nil {
		hiddenSeries[key] = map[string]bool{}
	}
	hiddenSeries[key][name] = hide
	chartTip.SetTextContent("")
	setHidden(chartTip, true)
}

// setSeriesHidden hides or shows every mark of series name, and marks its
// legend entry.
func setSeriesHidden(svg dom.Element, name string, hide bool) {
	for _, el := range svg.QuerySelectorAll("[data-series]") {
		if el.GetAttribute("data-series") != name {
			continue
		}
		if el.Class().Contains("tt-legend-item") {
			el.SetAttribute("aria-pressed", strconv.FormatBool(!hide))
			if hide {
				el.Class().Add("tt-off")
			} else {
				el.Class().Remove("tt-off")
			}
			continue
		}
		if hide {
			el.SetAttribute("data-hidden", "true")
			el.SetAttribute("display", "none")
		} else {
			el.RemoveAttribute("data-hidden")
			el.RemoveAttribute("display")
		}
	}
}

// chartHover shows the tooltip for what is under the pointer.
func chartHover(e *dom.PointerEvent) {
	target := e.Target()
	var svg dom.Element
	if target != nil {
		svg = target.Closest("svg.tt-chart")
	}
	text := ""
	switch {
	case svg == nil:
	case target.Closest("[data-tip]") != nil && target.Closest(".tt-legend") == nil:
		text = target.Closest("[data-tip]").GetAttribute("data-tip")
	case svg.GetAttribute("data-chart") == "line":
		text = lineReadout(svg, float64(e.ClientX()), float64(e.ClientY()))
	}
	if text == "" {
		setHidden(chartTip, true)
		return
	}
	chartTip.SetTextContent(text)
	setHidden(chartTip, false)
	st := chartTip.(dom.HTMLElement).Style()
	// Keep the tooltip inside the window: to the left of the pointer near
	// the right edge.
	x, y := float64(e.ClientX())+14, float64(e.ClientY())+14
	if w := js.Global().Get("innerWidth").Float(); x+260 > w {
		x = math.Max(4, float64(e.ClientX())-14-chartTip.(dom.HTMLElement).OffsetWidth())
	}
	st.SetProperty("left", strconv.FormatFloat(x, 'f', 0, 64)+"px", "")
	st.SetProperty("top", strconv.FormatFloat(y, 'f', 0, 64)+"px", "")
}

// lineReadout gives, for a pointer over a line chart's plot area, the
// value of each visible series at the data x nearest the pointer.
func lineReadout(svg dom.Element, clientX, clientY float64) string {
	plot := svg.QuerySelector(".tt-plot")
	if plot == nil {
		return ""
	}
	rect := nums(plot.GetAttribute("data-plot-rect"))
	domain := nums(plot.GetAttribute("data-x-domain"))
	if len(rect) != 4 || len(domain) != 2 || rect[2] <= 0 {
		return ""
	}
	// Pointer → SVG user units, through the inverse of the screen matrix.
	ctm := js.Value(svg.Underlying()).Call("getScreenCTM")
	if ctm.IsNull() {
		return ""
	}
	pt := js.Value(svg.Underlying()).Call("createSVGPoint")
	pt.Set("x", clientX)
	pt.Set("y", clientY)
	p := pt.Call("matrixTransform", ctm.Call("inverse"))
	px, py := p.Get("x").Float(), p.Get("y").Float()
	if px < rect[0] || px > rect[0]+rect[2] || py < rect[1] || py > rect[1]+rect[3] {
		return ""
	}
	frac := (px - rect[0]) / rect[2]
	var x float64
	if plot.GetAttribute("data-x-scale") == "log" {
		x = math.Pow(10, math.Log10(domain[0])+frac*(math.Log10(domain[1])-math.Log10(domain[0])))
	} else {
		x = domain[0] + frac*(domain[1]-domain[0])
	}
	type reading struct {
		name string
		x, y float64
		dist float64
	}
	var rs []reading
	for _, g := range plot.QuerySelectorAll(".tt-series[data-x]") {
		if g.HasAttribute("data-hidden") {
			continue
		}
		xs, ys := nums(g.GetAttribute("data-x")), nums(g.GetAttribute("data-y"))
		best := -1
		for i := range xs {
			if i < len(ys) && (best < 0 || math.Abs(xs[i]-x) < math.Abs(xs[best]-x)) {
				best = i
			}
		}
		if best >= 0 {
			rs = append(rs, reading{g.GetAttribute("data-series"), xs[best], ys[best], math.Abs(xs[best] - x)})
		}
	}
	if len(rs) == 0 {
		return ""
	}
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].dist < rs[j].dist })
	lines := []string{"x = " + short(rs[0].x)}
	for _, r := range rs {
		name := r.name
		if name == "" {
			name = "y"
		}
		line := name + ": " + short(r.y)
		if r.x != rs[0].x {
			line += " (at x = " + short(r.x) + ")"
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

// nums parses a space-separated list of numbers.
func nums(s string) []float64 {
	var out []float64
	for _, f := range strings.Fields(s) {
		v, err := strconv.ParseFloat(f, 64)
		if err != nil {
			return nil
		}
		out = append(out, v)
	}
	return out
}

// short writes a number with at most four significant digits.
func short(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }
