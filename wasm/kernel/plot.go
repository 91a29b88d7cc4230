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
	lineCharts = newLineCharts()
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
var lineCharts *goObjects[*plot.Line]

func newLineCharts() *goObjects[*plot.Line] {
	return newGoObjects("LineChart", map[string]func(l *plot.Line, this js.Value, args []js.Value) (any, error){
		// append(name, x, y) adds a point to the series name and redraws.
		"append": func(l *plot.Line, this js.Value, args []js.Value) (any, error) {
			const name = "chart.append"
			if len(args) != 3 || typeOf(args[0]) != js.TypeString {
				return nil, fmt.Errorf("%s: expected (series name, x, y), such as chart.append('train', step, loss)", name)
			}
			x, err := floatArg(name, args, 1, "x", 0)
			if err != nil {
				return nil, err
			}
			y, err := floatArg(name, args, 2, "y", 0)
			if err != nil {
				return nil, err
			}
			l.Append(args[0].String(), x, y)
			return this, setSVGBundle(this, l.SVG)
		},
		// svg() returns the chart's SVG markup.
		"svg": func(l *plot.Line, _ js.Value, _ []js.Value) (any, error) { return l.SVG() },
	})
}

// plotLine is tt.plot.line(data, options): data is an array of y values,
// a 1-D tensor, an object {name: values} or an array of {name, x, y}.
func plotLine(_ js.Value, args []js.Value) (any, error) {
	const name = "tt.plot.line"
	series, err := lineSeries(name, arg(args, 0))
	if err != nil {
		return nil, err
	}
	o := plotOptions{name: name, v: arg(args, 1)}
	l := &plot.Line{
		Title: o.str("title"), XLabel: o.str("xLabel"), YLabel: o.str("yLabel"), XUnit: o.str("xUnit"), YUnit: o.str("yUnit"),
		LogX: o.flag("logX"), LogY: o.flag("logY"), Markers: o.flag("markers"),
		XRange: o.pair("xRange"), YRange: o.pair("yRange"), Width: o.int("width"), Height: o.int("height"),
		Series: series,
	}
	if o.err != nil {
		return nil, o.err
	}
	obj := lineCharts.wrap(l)
	if len(series) == 0 {
		// An empty chart to append to: it shows once it has a point.
		obj.Set("__ttBundle", map[string]any{"text/plain": "[empty line chart: call append(name, x, y)]"})
		return obj, nil
	}
	return obj, setSVGBundle(obj, l.SVG)
}

// lineSeries reads the data of tt.plot.line.
func lineSeries(name string, v js.Value) ([]plot.Series, error) {
	switch {
	case v.IsUndefined() || v.IsNull():
		return nil, nil
	case isArray(v) && v.Length() > 0 && typeOf(v.Index(0)) == js.TypeObject && !isArray(v.Index(0)) && !isTensor(v.Index(0)):
		out := make([]plot.Series, v.Length())
		for i := range out {
			s := v.Index(i)
			y, err := floats(fmt.Sprintf("%s: series %d y", name, i), getProp(s, "y"))
			if err != nil {
				return nil, err
			}
			out[i] = plot.Series{Name: optString(getProp(s, "name")), Y: y}
			if x := getProp(s, "x"); !x.IsUndefined() {
				if out[i].X, err = floats(fmt.Sprintf("%s: series %d x", name, i), x); err != nil {
					return nil, err
				}
			}
		}
		return out, nil
	case typeOf(v) == js.TypeObject && !isArray(v) && !isTensor(v) && !isTypedArray(v):
		keys := js.Global().Get("Object").Call("keys", v)
		out := make([]plot.Series, keys.Length())
		for i := range out {
			k := keys.Index(i).String()
			y, err := floats(fmt.Sprintf("%s: series %q", name, k), getProp(v, k))
			if err != nil {
				return nil, err
			}
			out[i] = plot.Series{Name: k, Y: y}
		}
		return out, nil
	}
	y, err := floats(name+": data", v)
	if err != nil {
		return nil, err
	}
	return []plot.Series{{Y: y}}, nil
}

// plotBar is tt.plot.bar(categories, values, options): values is an array
// (one series) or an object {name: values} (grouped, or stacked with
// {stacked: true}).
func plotBar(_ js.Value, args []js.Value) (any, error) {
	const name = "tt.plot.bar"
	cats := arg(args, 0)
	if !isArray(cats) {
		return nil, fmt.Errorf("%s: expected (categories, values, options), such as tt.plot.bar(['a', 'b'], [1, 2]); got %s first", name, describeJS(cats))
	}
	b := plot.Bar{}
	for i := 0; i < cats.Length(); i++ {
		c, err := textOf(fmt.Sprintf("%s: category %d", name, i), cats.Index(i))
		if err != nil {
			return nil, err
		}
		b.Categories = append(b.Categories, c)
	}
	vals := arg(args, 1)
	if typeOf(vals) == js.TypeObject && !isArray(vals) && !isTensor(vals) && !isTypedArray(vals) {
		keys := js.Global().Get("Object").Call("keys", vals)
		for i := 0; i < keys.Length(); i++ {
			k := keys.Index(i).String()
			y, err := floats(fmt.Sprintf("%s: series %q", name, k), getProp(vals, k))
			if err != nil {
				return nil, err
			}
			b.Series = append(b.Series, plot.BarSeries{Name: k, Values: y})
		}
	} else {
		y, err := floats(name+": values", vals)
		if err != nil {
			return nil, err
		}
		b.Series = []plot.BarSeries{{Values: y}}
	}
	o := plotOptions{name: name, v: arg(args, 2)}
	b.Title, b.Stacked, b.Horizontal, b.ShowValues = o.str("title"), o.flag("stacked"), o.flag("horizontal"), o.flag("showValues")
	b.ValueLabel, b.ValueUnit, b.CategoryLabel = o.str("valueLabel"), o.str("valueUnit"), o.str("categoryLabel")
	b.Width, b.Height = o.int("width"), o.int("height")
	if o.err != nil {
		return nil, o.err
	}
	return svgValue(b.SVG())
}

// plotHistogram is tt.plot.histogram(x, options): the values of a tensor
// or an array in equal bins.
func plotHistogram(_ js.Value, args []js.Value) (any, error) {
	const name = "tt.plot.histogram"
	v, err := floats(name, arg(args, 0))
	if err != nil {
		return nil, err
	}
	vals := make([]float32, len(v))
	for i, x := range v {
		vals[i] = float32(x)
	}
	o := plotOptions{name: name, v: arg(args, 1)}
	h := plot.Histogram{Title: o.str("title"), XLabel: o.str("xLabel"), XUnit: o.str("xUnit"), Values: vals,
		Bins: o.int("bins"), LogCount: o.flag("logCount"), Width: o.int("width"), Height: o.int("height")}
	if o.err != nil {
		return nil, o.err
	}
	return svgValue(h.SVG())
}

// plotImages is tt.plot.images(x, options): a grid of the grayscale
// images of a tensor [N, H, W] or [N, 1, H, W] (or one [H, W]), with
// options labels (an array or a tensor), columns, scale, invert, title.
func plotImages(_ js.Value, args []js.Value) (any, error) {
	const name = "tt.plot.images"
	t, err := tensors.operand(name, arg(args, 0))
	if err != nil {
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
		return nil, fmt.Errorf("%s: tensor of shape %v, expected [N, H, W], [N, 1, H, W] or [H, W]", name, t.Shape())
	}
	o := plotOptions{name: name, v: arg(args, 1)}
	var labels []string
	if l := option(args, 1, "labels"); !l.IsUndefined() && !l.IsNull() {
		if lt, ok := tensors.unwrap(l); ok {
			for _, x := range lt.Data() {
				labels = append(labels, fmt.Sprint(x))
			}
		} else if isArray(l) {
			for i := 0; i < l.Length(); i++ {
				label, err := textOf(fmt.Sprintf("%s: label %d", name, i), l.Index(i))
				if err != nil {
					return nil, err
				}
				labels = append(labels, label)
			}
		} else {
			return nil, fmt.Errorf("%s: labels must be an array or a tensor, got %s", name, describeJS(l))
		}
	}
	data := t.Data()
	n, h, w := s[0], s[1], s[2]
	g := plot.ImageGrid{Title: o.str("title"), Columns: o.int("columns"), Scale: o.int("scale"), Invert: o.flag("invert")}
	for i := range n {
		im := plot.Image{Pixels: data[i*h*w : (i+1)*h*w], Width: w, Height: h}
		if i < len(labels) {
			im.Label = labels[i]
		}
		g.Images = append(g.Images, im)
	}
	if o.err != nil {
		return nil, o.err
	}
	return svgValue(g.SVG())
}

// plotRoofline is tt.plot.roofline(points, {peak, bandwidth, title,
// width, height}): a log-log roofline under the compute ceiling peak
// (GFLOP/s) and the memory ceiling bandwidth (GB/s). Each point is
// {name, intensity, gflops} (intensity in FLOP/byte), [name, intensity,
// gflops], or a tt.bench result that declared flops and bytes (its
// intensity is then gflops / gbps; a name option overrides its own).
func plotRoofline(_ js.Value, args []js.Value) (any, error) {
	const name = "tt.plot.roofline"
	pts := arg(args, 0)
	if !isArray(pts) {
		return nil, fmt.Errorf("%s: expected (points, {peak, bandwidth}), such as tt.plot.roofline([{name: 'matmul', intensity: 21, gflops: 9}], {peak: 20, bandwidth: 8}); got %s first", name, describeJS(pts))
	}
	o := plotOptions{name: name, v: arg(args, 1)}
	r := plot.Roofline{Title: o.str("title"), Width: o.int("width"), Height: o.int("height"),
		PeakGFLOPS: o.number("peak"), BandwidthGBs: o.number("bandwidth")}
	if o.err != nil {
		return nil, o.err
	}
	if r.PeakGFLOPS == 0 || r.BandwidthGBs == 0 {
		return nil, fmt.Errorf("%s: options peak (GFLOP/s) and bandwidth (GB/s) are required, such as {peak: 20, bandwidth: 8}", name)
	}
	for i := 0; i < pts.Length(); i++ {
		p, err := rooflinePoint(name, i, pts.Index(i))
		if err != nil {
			return nil, err
		}
		r.Points = append(r.Points, p)
	}
	return svgValue(r.SVG())
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
	const name = "tt.plot.timeline"
	spans := arg(args, 0)
	if !isArray(spans) {
		return nil, fmt.Errorf("%s: expected (spans, options), such as tt.plot.timeline([{row: 'forward', start: 0, duration: 2}, {row: 'backward', start: 2, duration: 3}], {timeUnit: 'ms'}); got %s first", name, describeJS(spans))
	}
	o := plotOptions{name: name, v: arg(args, 1)}
	t := plot.Timeline{Title: o.str("title"), TimeLabel: o.str("timeLabel"), TimeUnit: o.str("timeUnit"),
		Width: o.int("width"), Height: o.int("height")}
	if o.err != nil {
		return nil, o.err
	}
	for i := 0; i < spans.Length(); i++ {
		sp, err := timelineSpan(name, i, spans.Index(i))
		if err != nil {
			return nil, err
		}
		t.Spans = append(t.Spans, sp)
	}
	return svgValue(t.SVG())
}

// timelineSpan reads one span of tt.plot.timeline.
func timelineSpan(name string, i int, v js.Value) (plot.Span, error) {
	var row, start, dur, label, kind js.Value
	switch {
	case isArray(v) && v.Length() >= 3 && v.Length() <= 5:
		row, start, dur, label, kind = v.Index(0), v.Index(1), v.Index(2), v.Index(3), v.Index(4)
	case typeOf(v) == js.TypeObject && !isArray(v):
		row, start, dur, label, kind = getProp(v, "row"), getProp(v, "start"), getProp(v, "duration"), getProp(v, "label"), getProp(v, "kind")
	default:
		return plot.Span{}, fmt.Errorf("%s: span %d must be {row, start, duration, label, kind} or [row, start, duration, label, kind], got %s", name, i, describeJS(v))
	}
	if typeOf(row) != js.TypeString || typeOf(start) != js.TypeNumber || typeOf(dur) != js.TypeNumber {
		return plot.Span{}, fmt.Errorf("%s: span %d needs a row name (string), a start and a duration (numbers), got row %s, start %s, duration %s",
			name, i, describeJS(row), describeJS(start), describeJS(dur))
	}
	return plot.Span{Row: row.String(), Start: start.Float(), Duration: dur.Float(), Label: optString(label), Kind: optString(kind)}, nil
}

// rooflinePoint reads one point of tt.plot.roofline.
func rooflinePoint(name string, i int, v js.Value) (plot.RooflinePoint, error) {
	num := func(x js.Value) (float64, bool) {
		if typeOf(x) != js.TypeNumber {
			return 0, false
		}
		return x.Float(), true
	}
	if isArray(v) {
		in, ok1 := num(v.Index(1))
		g, ok2 := num(v.Index(2))
		if v.Length() != 3 || !ok1 || !ok2 {
			return plot.RooflinePoint{}, fmt.Errorf("%s: point %d must be [name, intensity, gflops], got %s", name, i, describeJS(v))
		}
		label, err := textOf(fmt.Sprintf("%s: point %d's name", name, i), v.Index(0))
		return plot.RooflinePoint{Name: label, Intensity: in, GFLOPS: g}, err
	}
	if typeOf(v) != js.TypeObject {
		return plot.RooflinePoint{}, fmt.Errorf("%s: point %d must be {name, intensity, gflops}, [name, intensity, gflops] or a tt.bench result, got %s", name, i, describeJS(v))
	}
	p := plot.RooflinePoint{Name: optString(getProp(v, "name"))}
	g, ok := num(getProp(v, "gflops"))
	if !ok {
		return p, fmt.Errorf("%s: point %d (%q) has no gflops number (a tt.bench result has one when it was given flops)", name, i, p.Name)
	}
	p.GFLOPS = g
	if in, ok := num(getProp(v, "intensity")); ok {
		p.Intensity = in
	} else if gb, ok := num(getProp(v, "gbps")); ok && gb > 0 {
		p.Intensity = g / gb
	} else {
		return p, fmt.Errorf("%s: point %d (%q) has neither an intensity nor a gbps number (a tt.bench result has gbps when it was given bytes)", name, i, p.Name)
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
// flattened) or a typed array.
func floats(name string, v js.Value) ([]float64, error) {
	if t, ok := tensors.unwrap(v); ok {
		d := t.Data()
		out := make([]float64, len(d))
		for i, x := range d {
			out[i] = float64(x)
		}
		return out, nil
	}
	if !isArray(v) && !isTypedArray(v) {
		return nil, fmt.Errorf("%s: expected numbers (an array or a tensor), got %s", name, describeJS(v))
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
			return fmt.Errorf("%s: expected numbers, found %v", name, x)
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

// plotOptions reads a chart's options object, keeping the first error.
type plotOptions struct {
	name string
	v    js.Value
	err  error
}

func (o *plotOptions) get(key string) js.Value {
	if typeOf(o.v) != js.TypeObject || isArray(o.v) {
		return js.Undefined()
	}
	return getProp(o.v, key)
}

func (o *plotOptions) fail(key, want string, v js.Value) {
	if o.err == nil {
		o.err = fmt.Errorf("%s: option %s must be %s, got %s", o.name, key, want, describeJS(v))
	}
}

func (o *plotOptions) str(key string) string {
	v := o.get(key)
	if v.IsUndefined() || v.IsNull() {
		return ""
	}
	if typeOf(v) != js.TypeString {
		o.fail(key, "a string", v)
		return ""
	}
	return v.String()
}

func (o *plotOptions) flag(key string) bool {
	v := o.get(key)
	if v.IsUndefined() || v.IsNull() {
		return false
	}
	if typeOf(v) != js.TypeBoolean {
		o.fail(key, "true or false", v)
		return false
	}
	return v.Bool()
}

func (o *plotOptions) int(key string) int {
	v := o.get(key)
	if v.IsUndefined() || v.IsNull() {
		return 0
	}
	if typeOf(v) != js.TypeNumber || v.Float() != float64(v.Int()) {
		o.fail(key, "an integer", v)
		return 0
	}
	return v.Int()
}

func (o *plotOptions) number(key string) float64 {
	v := o.get(key)
	if v.IsUndefined() || v.IsNull() {
		return 0
	}
	if typeOf(v) != js.TypeNumber {
		o.fail(key, "a number", v)
		return 0
	}
	return v.Float()
}

func (o *plotOptions) pair(key string) [2]float64 {
	v := o.get(key)
	if v.IsUndefined() || v.IsNull() {
		return [2]float64{}
	}
	if !isArray(v) || v.Length() != 2 || typeOf(v.Index(0)) != js.TypeNumber || typeOf(v.Index(1)) != js.TypeNumber {
		o.fail(key, "an array [min, max]", v)
		return [2]float64{}
	}
	return [2]float64{v.Index(0).Float(), v.Index(1).Float()}
}

// goObjects gives Go values of one type T (a chart, a profile report) a
// JavaScript face: objects of one prototype whose Go values are in the
// objects table (objects.go).
type goObjects[T any] struct {
	kind  string
	proto js.Value
}

func newGoObjects[T any](kind string, methods map[string]func(v T, this js.Value, args []js.Value) (any, error)) *goObjects[T] {
	o := &goObjects[T]{kind: kind}
	ms := map[string]binding{}
	for name, m := range methods {
		ms[name] = func(this js.Value, args []js.Value) (any, error) {
			v, ok := o.get(this)
			if !ok {
				return nil, fmt.Errorf("%s: called on something that is not a %s", name, kind)
			}
			return m(v, this, args)
		}
	}
	o.proto = object(ms)
	return o
}

// wrap makes the JavaScript object of v.
func (o *goObjects[T]) wrap(v T) js.Value { return objects.wrap(o.proto, v) }

// get returns the Go value behind a JavaScript object.
func (o *goObjects[T]) get(v js.Value) (T, bool) {
	x, _ := objects.getOf(o.proto, v)
	t, ok := x.(T)
	return t, ok
}
