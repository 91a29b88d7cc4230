//go:build js && wasm

package kernel

import (
	"fmt"
	"html"
	"strings"
	"syscall/js"

	"tinytorch/engine/plot"
)

// Bindings of engine/plot: tt.plot.line, bar, histogram, images,
// roofline and timeline draw the same SVG charts as the CLI. Each returns a displayable object (its
// __ttBundle holds the SVG); the page makes them interactive (hover
// read-outs, legend toggles). A line chart can grow: chart.append(name,
// x, y) adds a point, and display(chart)'s handle.update(chart) redraws
// it in place, for a live loss curve.

// newPlot builds tt.plot.
func newPlot() js.Value {
	lineCharts.build(map[string]binding{
		// append(name, x, y) adds a point to the series name and redraws.
		"append": kindMethod(lineCharts, "chart.append", func(l *plot.Line, this js.Value, r *argReader) (any, error) {
			if r.Len() != 3 || kindOf(r.Value(0)) != kindString {
				r.failf("expected (series name, x, y), such as chart.append('train', step, loss)")
			}
			x, y := r.Float(1, "x", 0), r.Float(2, "y", 0)
			if err := r.Err(); err != nil {
				return nil, err
			}
			l.Append(r.Value(0).String(), x, y)
			return this, setSVGBundle(this, l.SVG)
		}),
		// svg() returns the chart's SVG markup.
		"svg": kindMethod(lineCharts, "chart.svg", func(l *plot.Line, _ js.Value, _ *argReader) (any, error) { return l.SVG() }),
	}, nil)
	return object(map[string]binding{
		"line":      plotLine,
		"bar":       plotBar,
		"histogram": plotHistogram,
		"images":    plotImages,
		"roofline":  plotRoofline,
		"timeline":  plotTimeline,
	})
}

// lineCharts are the JavaScript line chart objects, made by newPlot (the
// page role, which shares this binary, has no tt).
var lineCharts = newKind("LineChart")

// plotLine is tt.plot.line(data, options): data is an array of y values,
// a 1-D tensor, an object {name: values} or an array of {name, x, y},
// where {points: true} draws a series as a scatter (dots, no line).
func plotLine(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.plot.line", args)
	series, o := lineSeries(r, r.Value(0)), r.Options(1)
	l := &plot.Line{
		Title: o.String("title", ""), XLabel: o.String("xLabel", ""), YLabel: o.String("yLabel", ""),
		XUnit: o.String("xUnit", ""), YUnit: o.String("yUnit", ""),
		LogX: o.Bool("logX", false), LogY: o.Bool("logY", false), Markers: o.Bool("markers", false),
		XRange: o.Range("xRange"), YRange: o.Range("yRange"), Width: o.Int("width", 0), Height: o.Int("height", 0),
		Series: series,
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	obj := lineCharts.wrap(l)
	if len(series) == 0 {
		// An empty chart to append to: it shows once it has a point.
		obj.Set("__ttBundle", map[string]any{"text/plain": "[empty line chart: call append(name, x, y)]"})
		return obj, nil
	}
	return obj, setSVGBundle(obj, l.SVG)
}

// lineSeries reads the data of tt.plot.line, nil when it is missing.
func lineSeries(r *argReader, v js.Value) []plot.Series {
	list, _ := elements(v)
	switch {
	case missing(v):
		return nil
	case kindOf(v) == kindArray && len(list) > 0 && kindOf(list[0]) == kindObject:
		out := make([]plot.Series, len(list))
		for i, s := range list {
			out[i] = plot.Series{Name: optString(getProp(s, "name")),
				Y:      readValue(r, getProp(s, "y"), fmt.Sprintf("series %d y", i), floats),
				X:      read(r, getProp(s, "x"), fmt.Sprintf("series %d x", i), nil, floats),
				Points: getProp(s, "points").Truthy()}
		}
		return out
	case kindOf(v) == kindObject:
		return namedSeries(r, v, func(name string, y []float64) plot.Series { return plot.Series{Name: name, Y: y} })
	}
	return []plot.Series{{Y: readValue(r, v, "data", floats)}}
}

// namedSeries reads an object {name: values} into one series per key,
// made by series.
func namedSeries[S any](r *argReader, v js.Value, series func(name string, values []float64) S) []S {
	keys := optionKeys(v)
	out := make([]S, len(keys))
	for i, k := range keys {
		out[i] = series(k, readValue(r, getProp(v, k), fmt.Sprintf("series %q", k), floats))
	}
	return out
}

// plotBar is tt.plot.bar(categories, values, options): values is an array
// (one series) or an object {name: values} (grouped, or stacked with
// {stacked: true}).
func plotBar(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.plot.bar", args)
	b := plot.Bar{}
	for i, c := range r.Array(0, "(categories, values, options), such as tt.plot.bar(['a', 'b'], [1, 2]), with an array of categories first") {
		b.Categories = append(b.Categories, readValue(r, c, fmt.Sprintf("category %d", i), textOf))
	}
	b.Series = barSeries(r, r.Value(1))
	o := r.Options(2)
	b.Title, b.Stacked, b.Horizontal, b.ShowValues = o.String("title", ""), o.Bool("stacked", false), o.Bool("horizontal", false), o.Bool("showValues", false)
	b.ValueLabel, b.ValueUnit, b.CategoryLabel = o.String("valueLabel", ""), o.String("valueUnit", ""), o.String("categoryLabel", "")
	b.Width, b.Height = o.Int("width", 0), o.Int("height", 0)
	return r.Done(svgValue(b.SVG()))
}

// barSeries reads the values of tt.plot.bar: numbers, or {name: values}.
func barSeries(r *argReader, v js.Value) []plot.BarSeries {
	if kindOf(v) == kindObject {
		return namedSeries(r, v, func(name string, y []float64) plot.BarSeries { return plot.BarSeries{Name: name, Values: y} })
	}
	return []plot.BarSeries{{Values: readValue(r, v, "values", floats)}}
}

// plotHistogram is tt.plot.histogram(x, options): the values of a tensor
// or an array in equal bins.
func plotHistogram(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.plot.histogram", args)
	v, o := readValue(r, r.Value(0), "values", floats), r.Options(1)
	h := plot.Histogram{Title: o.String("title", ""), XLabel: o.String("xLabel", ""), XUnit: o.String("xUnit", ""),
		Values: float32s(v), Bins: o.Int("bins", 0), LogCount: o.Bool("logCount", false), Width: o.Int("width", 0), Height: o.Int("height", 0)}
	return r.Done(svgValue(h.SVG()))
}

// plotImages is tt.plot.images(x, options): a grid of the grayscale
// images of a tensor [N, H, W] or [N, 1, H, W] (or one [H, W]), with
// options labels (an array or a tensor), columns, scale, invert, title.
func plotImages(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.plot.images", args)
	t, o := r.Tensor(0, "images"), r.Options(1)
	labels := read(r, o.Value("labels"), "labels", nil, toLabels)
	g := plot.ImageGrid{Title: o.String("title", ""), Columns: o.Int("columns", 0), Scale: o.Int("scale", 0), Invert: o.Bool("invert", false)}
	if err := r.Err(); err != nil {
		return nil, err
	}
	s := t.Shape()
	switch {
	case len(s) == 2:
		s = []int{1, s[0], s[1]}
	case len(s) == 4 && s[1] == 1:
		s = []int{s[0], s[2], s[3]}
	case len(s) == 3:
	default:
		return nil, fmt.Errorf("%s: tensor of shape %v, expected [N, H, W], [N, 1, H, W] or [H, W]", r.name, t.Shape())
	}
	data := t.Data()
	n, h, w := s[0], s[1], s[2]
	for i := range n {
		im := plot.Image{Pixels: data[i*h*w : (i+1)*h*w], Width: w, Height: h}
		if i < len(labels) {
			im.Label = labels[i]
		}
		g.Images = append(g.Images, im)
	}
	return svgValue(g.SVG())
}

// toLabels reads the labels of tt.plot.images: a tensor or an array.
func toLabels(what string, v js.Value) ([]string, error) {
	if lt, ok := tensors.unwrap(v); ok {
		var labels []string
		for _, x := range lt.Data() {
			labels = append(labels, fmt.Sprint(x))
		}
		return labels, nil
	}
	list, _ := elements(v)
	if kindOf(v) != kindArray {
		return nil, fmt.Errorf("%s must be an array or a tensor, got %s", what, describeJS(v))
	}
	labels := make([]string, len(list))
	for i, l := range list {
		label, err := textOf(fmt.Sprintf("label %d", i), l)
		if err != nil {
			return nil, err
		}
		labels[i] = label
	}
	return labels, nil
}

// plotRoofline is tt.plot.roofline(points, {peak, bandwidth, title,
// width, height}): a log-log roofline under the compute ceiling peak
// (GFLOP/s) and the memory ceiling bandwidth (GB/s). Each point is
// {name, intensity, gflops} (intensity in FLOP/byte), [name, intensity,
// gflops], or a tt.bench result that declared flops and bytes (its
// intensity is then gflops / gbps; a name option overrides its own).
func plotRoofline(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.plot.roofline", args)
	pts, o := r.Array(0, "(points, {peak, bandwidth}), such as tt.plot.roofline([{name: 'matmul', intensity: 21, gflops: 9}], {peak: 20, bandwidth: 8}), with an array of points first"), r.Options(1)
	rf := plot.Roofline{Title: o.String("title", ""), Width: o.Int("width", 0), Height: o.Int("height", 0),
		PeakGFLOPS: read(r, o.Value("peak"), "option peak", 0, toFloat), BandwidthGBs: read(r, o.Value("bandwidth"), "option bandwidth", 0, toFloat)}
	for i, p := range pts {
		rf.Points = append(rf.Points, readValue(r, p, fmt.Sprintf("point %d", i), rooflinePoint))
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	if rf.PeakGFLOPS == 0 || rf.BandwidthGBs == 0 {
		return nil, fmt.Errorf("%s: options peak (GFLOP/s) and bandwidth (GB/s) are required, such as {peak: 20, bandwidth: 8}", r.name)
	}
	return svgValue(rf.SVG())
}

// plotTimeline is tt.plot.timeline(spans, {title, timeLabel, timeUnit,
// width, height}): a Gantt-like chart of spans against time, one row per
// distinct row name, in the order the rows first occur. Each span is
// {row, start, duration, label, kind} or [row, start, duration, label,
// kind]; label (written inside the span when it fits) and kind (spans of
// one kind share a colour and a legend entry, such as 'forward' and
// 'backward') may be left out. start and duration are in timeUnit, such
// as 'ms' or 's'.
func plotTimeline(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.plot.timeline", args)
	spans, o := r.Array(0, "(spans, options), such as tt.plot.timeline([{row: 'forward', start: 0, duration: 2}, {row: 'backward', start: 2, duration: 3}], {timeUnit: 'ms'}), with an array of spans first"), r.Options(1)
	t := plot.Timeline{Title: o.String("title", ""), TimeLabel: o.String("timeLabel", ""), TimeUnit: o.String("timeUnit", ""),
		Width: o.Int("width", 0), Height: o.Int("height", 0)}
	for i, sp := range spans {
		t.Spans = append(t.Spans, readValue(r, sp, fmt.Sprintf("span %d", i), timelineSpan))
	}
	return r.Done(svgValue(t.SVG()))
}

// timelineSpan reads one span of tt.plot.timeline.
func timelineSpan(what string, v js.Value) (plot.Span, error) {
	var row, start, dur, label, kind js.Value
	list, _ := elements(v)
	switch {
	case kindOf(v) == kindArray && len(list) >= 3 && len(list) <= 5:
		list = append(list, js.Undefined(), js.Undefined())
		row, start, dur, label, kind = list[0], list[1], list[2], list[3], list[4]
	case kindOf(v) == kindObject:
		row, start, dur, label, kind = getProp(v, "row"), getProp(v, "start"), getProp(v, "duration"), getProp(v, "label"), getProp(v, "kind")
	default:
		return plot.Span{}, fmt.Errorf("%s must be {row, start, duration, label, kind} or [row, start, duration, label, kind], got %s", what, describeJS(v))
	}
	if kindOf(row) != kindString || kindOf(start) != kindNumber || kindOf(dur) != kindNumber {
		return plot.Span{}, fmt.Errorf("%s needs a row name (string), a start and a duration (numbers), got row %s, start %s, duration %s",
			what, describeJS(row), describeJS(start), describeJS(dur))
	}
	return plot.Span{Row: row.String(), Start: start.Float(), Duration: dur.Float(), Label: optString(label), Kind: optString(kind)}, nil
}

// rooflinePoint reads one point of tt.plot.roofline.
func rooflinePoint(what string, v js.Value) (plot.RooflinePoint, error) {
	num := func(x js.Value) (float64, bool) {
		if kindOf(x) != kindNumber {
			return 0, false
		}
		return x.Float(), true
	}
	if list, _ := elements(v); kindOf(v) == kindArray {
		if len(list) != 3 {
			return plot.RooflinePoint{}, fmt.Errorf("%s must be [name, intensity, gflops], got %s", what, describeJS(v))
		}
		in, ok1 := num(list[1])
		g, ok2 := num(list[2])
		if !ok1 || !ok2 {
			return plot.RooflinePoint{}, fmt.Errorf("%s must be [name, intensity, gflops], got %s", what, describeJS(v))
		}
		label, err := textOf(what+"'s name", list[0])
		return plot.RooflinePoint{Name: label, Intensity: in, GFLOPS: g}, err
	}
	if kindOf(v) != kindObject {
		return plot.RooflinePoint{}, fmt.Errorf("%s must be {name, intensity, gflops}, [name, intensity, gflops] or a tt.bench result, got %s", what, describeJS(v))
	}
	p := plot.RooflinePoint{Name: optString(getProp(v, "name"))}
	g, ok := num(getProp(v, "gflops"))
	if !ok {
		return p, fmt.Errorf("%s (%q) has no gflops number (a tt.bench result has one when it was given flops)", what, p.Name)
	}
	p.GFLOPS = g
	if in, ok := num(getProp(v, "intensity")); ok {
		p.Intensity = in
	} else if gb, ok := num(getProp(v, "gbps")); ok && gb > 0 {
		p.Intensity = g / gb
	} else {
		return p, fmt.Errorf("%s (%q) has neither an intensity nor a gbps number (a tt.bench result has gbps when it was given bytes)", what, p.Name)
	}
	return p, nil
}

// svgValue wraps a chart's SVG as a displayable object.
func svgValue(svg string, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return richValue(svgBundle(svg)), nil
}

// svgBundle shows an SVG chart, with its text alternative (the <desc>) as
// the plain-text form.
func svgBundle(svg string) bundle {
	text := "[chart]"
	if i := strings.Index(svg, "<desc"); i >= 0 {
		if j := strings.Index(svg[i:], ">"); j >= 0 {
			if k := strings.Index(svg[i+j:], "</desc>"); k >= 0 {
				text = html.UnescapeString(svg[i+j+1 : i+j+k])
			}
		}
	}
	return bundle{"image/svg+xml": svg, "text/plain": text}
}

// setSVGBundle redraws obj's display from draw.
func setSVGBundle(obj js.Value, draw func() (string, error)) error {
	svg, err := draw()
	if err != nil {
		return err
	}
	obj.Set("__ttBundle", map[string]any(svgBundle(svg)))
	return nil
}

// floats reads numbers from a tensor, an array (nested arrays are
// flattened; null is NaN, a gap) or a typed array.
func floats(what string, v js.Value) ([]float64, error) {
	if t, ok := tensors.unwrap(v); ok {
		d := t.Data()
		out := make([]float64, len(d))
		for i, x := range d {
			out[i] = float64(x)
		}
		return out, nil
	}
	if k := kindOf(v); k != kindArray && k != kindTypedArray {
		return nil, fmt.Errorf("%s: expected numbers (an array or a tensor), got %s", what, describeJS(v))
	}
	var out []float64
	var walk func(x any) error
	walk = func(x any) error {
		switch x := x.(type) {
		case float64:
			out = append(out, x)
		case nil:
			out = append(out, nan())
		case []any:
			for _, e := range x {
				if err := walk(e); err != nil {
					return err
				}
			}
		default:
			return fmt.Errorf("%s: expected numbers, found %v", what, x)
		}
		return nil
	}
	return out, walk(toGo(v))
}

func nan() float64 { var z float64; return z / z }

// isTensor reports whether v is a tensor object.
func isTensor(v js.Value) bool { _, ok := tensors.unwrap(v); return ok }

// optString reads a string that may be missing.
func optString(v js.Value) string {
	if typeOf(v) == js.TypeString {
		return v.String()
	}
	return ""
}
