package plot

import (
	"encoding/xml"
	"io"
	"math"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestLinearTicks(t *testing.T) {
	tests := []struct {
		lo, hi float64
		target int
		extend bool
		unit   string
		vals   []float64
		labels []string
	}{
		{0, 0.93, 5, true, "", []float64{0, 0.2, 0.4, 0.6, 0.8, 1}, []string{"0", "0.2", "0.4", "0.6", "0.8", "1.0"}},
		{0.31, 2.35, 5, true, "", []float64{0, 0.5, 1, 1.5, 2, 2.5}, []string{"0", "0.5", "1.0", "1.5", "2.0", "2.5"}},
		{0, 937, 5, true, "", []float64{0, 200, 400, 600, 800, 1000}, []string{"0", "200", "400", "600", "800", "1000"}},
		{0, 48000, 5, true, "", []float64{0, 10000, 20000, 30000, 40000, 50000}, []string{"0", "10k", "20k", "30k", "40k", "50k"}},
		{0, 2.4e6, 5, true, "", []float64{0, 0.5e6, 1e6, 1.5e6, 2e6, 2.5e6}, []string{"0", "0.5M", "1.0M", "1.5M", "2.0M", "2.5M"}},
		{-3.2, 7.9, 3, true, "", []float64{-5, 0, 5, 10}, []string{"-5", "0", "5", "10"}},
		{0, 0.0093, 5, true, "s", []float64{0, 0.002, 0.004, 0.006, 0.008, 0.01}, []string{"0", "2 ms", "4 ms", "6 ms", "8 ms", "10 ms"}},
		{0, 0.0075, 4, true, "", []float64{0, 0.002, 0.004, 0.006, 0.008}, []string{"0", "2e-3", "4e-3", "6e-3", "8e-3"}},
		{0, 1500, 3, true, "B", []float64{0, 500, 1000, 1500}, []string{"0", "0.5 kB", "1.0 kB", "1.5 kB"}},
		{0.05, 0.95, 4, false, "", []float64{0.2, 0.4, 0.6, 0.8}, []string{"0.2", "0.4", "0.6", "0.8"}},
	}
	for _, tc := range tests {
		got := linearTicks(tc.lo, tc.hi, tc.target, tc.extend, tc.unit)
		if !reflect.DeepEqual(got.vals, tc.vals) || !reflect.DeepEqual(got.labels, tc.labels) {
			t.Errorf("linearTicks(%v, %v, %d, %v, %q) = %v %q, want %v %q", tc.lo, tc.hi, tc.target, tc.extend, tc.unit,
				got.vals, got.labels, tc.vals, tc.labels)
		}
	}
}

func TestLogTicks(t *testing.T) {
	tests := []struct {
		lo, hi float64
		unit   string
		labels []string
		dlo    float64
		dhi    float64
	}{
		{1e-3, 2, "", []string{"1e-3", "0.01", "0.1", "1", "10"}, 1e-3, 10},
		{0.3, 2.3, "", []string{"0.2", "0.5", "1", "2", "5"}, 0.2, 5},
		{0.1, 1, "", []string{"0.1", "0.2", "0.5", "1"}, 0.1, 1},
		{0.05, 0.08, "", []string{"0.05", "0.06", "0.07", "0.08"}, 0.05, 0.08},
		{1, 60, "", []string{"1", "2", "5", "10", "20", "50", "100"}, 1, 100},
		{1e-12, 1e6, "", []string{"1e-12", "1e-9", "1e-6", "1e-3", "1", "1000", "1M"}, 1e-12, 1e6},
		{1e-6, 1, "s", []string{"1 µs", "10 µs", "100 µs", "1 ms", "10 ms", "100 ms", "1 s"}, 1e-6, 1},
	}
	for _, tc := range tests {
		got := logTicks(tc.lo, tc.hi, true, tc.unit)
		if !reflect.DeepEqual(got.labels, tc.labels) || got.lo != tc.dlo || got.hi != tc.dhi {
			t.Errorf("logTicks(%v, %v) = %q over [%v, %v], want %q over [%v, %v]", tc.lo, tc.hi, got.labels, got.lo, got.hi, tc.labels, tc.dlo, tc.dhi)
		}
	}
}

func TestFormatValue(t *testing.T) {
	tests := []struct {
		v    float64
		unit string
		want string
	}{
		{0, "", "0"}, {0.25, "", "0.25"}, {3, "", "3"}, {-42, "", "-42"}, {1234, "", "1234"},
		{12345, "", "12.35k"}, {1234567, "", "1.235M"}, {2.5e9, "", "2.5G"}, {1e20, "", "1e20"},
		{0.0123, "", "0.0123"}, {0.000123, "", "1.23e-4"}, {1e-3, "", "0.001"},
		{0.0123, "s", "12.3 ms"}, {0.000123, "s", "123 µs"}, {2.5e-9, "s", "2.5 ns"}, {0.99996, "s", "1 s"},
		{999.96, "s", "1 ks"}, {1536, "B", "1.536 kB"}, {12, "%", "12%"},
		{math.NaN(), "", "NaN"}, {math.Inf(-1), "", "-Inf"},
		// Units given with a prefix are rescaled, never prefixed twice.
		{0.1, "ms", "100 µs"}, {21.06, "ms", "21.06 ms"}, {1500, "ms", "1.5 s"}, {27.96, "GFLOP/s", "27.96 GFLOP/s"},
		{0.5, "GB/s", "500 MB/s"}, {3, "us", "3 µs"}, {5, "mm", "5 mm"},
	}
	for _, tc := range tests {
		if got := FormatValue(tc.v, tc.unit); got != tc.want {
			t.Errorf("FormatValue(%v, %q) = %q, want %q", tc.v, tc.unit, got, tc.want)
		}
	}
}

func TestTickLabelsOfPrefixedUnits(t *testing.T) {
	if got := strings.Join(tickLabels([]float64{0, 0.2, 0.4}, -1, "ms"), ", "); got != "0, 200 µs, 400 µs" {
		t.Errorf("linear ticks in ms: %s", got)
	}
	if got := strings.Join(logTickLabels([]float64{0.1, 1, 10, 100}, "ms"), ", "); got != "100 µs, 1 ms, 10 ms, 100 ms" {
		t.Errorf("log ticks in ms: %s", got)
	}
}

func TestLog10(t *testing.T) {
	for e := -300; e <= 300; e++ {
		if got := log10(math.Pow10(e)); got != float64(e) {
			t.Fatalf("log10(1e%d) = %v", e, got)
		}
	}
	// math.Log10 of a subnormal is wrong on amd64 (its assembly Log does
	// not handle them), so 5e-324 is checked against a known value below.
	if got := log10(5e-324); math.Abs(got+323.3062153431158) > 1e-12 {
		t.Errorf("log10(5e-324) = %v, want -323.3062153431158", got)
	}
	for _, x := range []float64{2, 3, 0.3, 7.77e-5, 123456.789, math.MaxFloat64} {
		if got, want := log10(x), math.Log10(x); math.Abs(got-want) > 1e-14*math.Max(1, math.Abs(want)) {
			t.Errorf("log10(%v) = %v, want %v", x, got, want)
		}
	}
	for _, x := range []float64{1, 9.99, 10, 999.9, 1000, 0.001, 0.00099} {
		if got, want := decade(x), int(math.Floor(math.Log10(x))); got != want {
			t.Errorf("decade(%v) = %d, want %d", x, got, want)
		}
	}
}

func TestErrors(t *testing.T) {
	ok := []float64{1, 2}
	tests := []struct {
		name  string
		chart func() (string, error)
		want  string
	}{
		{"line no series", Line{Title: "Loss"}.SVG, `plot.Line "Loss": no series to draw`},
		{"line empty series", Line{Series: []Series{{Name: "train"}}}.SVG, `plot.Line: series "train" has no points`},
		{"line lengths", Line{Series: []Series{{Name: "a", X: []float64{1}, Y: ok}}}.SVG, `series "a" has 1 x values but 2 y values`},
		{"line log y", Line{Title: "Loss", LogY: true, Series: []Series{{Name: "train", Y: []float64{1, 0.5, 0}}}}.SVG,
			`plot.Line "Loss": series "train": Y[2] = 0 is not positive, but LogY shows only values > 0`},
		{"line log x", Line{LogX: true, Series: []Series{{Name: "t", X: []float64{-1, 1}, Y: ok}}}.SVG, `X[0] = -1 is not positive`},
		{"line all NaN", Line{Series: []Series{{Name: "t", Y: []float64{math.NaN()}}}}.SVG, `no finite points to draw (all 1 are NaN or ±Inf)`},
		{"line log range", Line{LogY: true, YRange: [2]float64{0, 1}, Series: []Series{{Y: ok}}}.SVG, `YRange starts at 0`},
		{"bar no categories", Bar{Title: "t"}.SVG, `plot.Bar "t": no categories to draw`},
		{"bar lengths", Bar{Categories: []string{"a"}, Series: []BarSeries{{Name: "s", Values: ok}}}.SVG, `series "s" has 2 values for 1 categories`},
		{"bar NaN", Bar{Categories: []string{"a", "b"}, Series: []BarSeries{{Name: "s", Values: []float64{1, math.NaN()}}}}.SVG, `series "s": value 1 (category "b") is NaN`},
		{"bar stacked negative", Bar{Stacked: true, Categories: []string{"a"}, Series: []BarSeries{{Name: "s", Values: []float64{-1}}}}.SVG, `Stacked bars need values ≥ 0`},
		{"timeline empty", Timeline{}.SVG, `plot.Timeline: no spans to draw`},
		{"timeline negative", Timeline{Spans: []Span{{Row: "fwd", Label: "mm", Duration: -1}}}.SVG, `span 0 ("mm" on row "fwd") has a negative duration -1`},
		{"roofline peak", Roofline{BandwidthGBs: 1}.SVG, `PeakGFLOPS is 0`},
		{"roofline point", Roofline{PeakGFLOPS: 10, BandwidthGBs: 1, Points: []RooflinePoint{{"mm", 0, 1}}}.SVG, `point 0 ("mm") has intensity 0`},
		{"histogram empty", Histogram{}.SVG, `plot.Histogram: no values to count`},
		{"histogram NaN", Histogram{Values: []float32{float32(math.NaN())}}.SVG, `all 1 are NaN`},
		{"histogram bins", Histogram{Values: []float32{1}, Bins: -1}.SVG, `Bins is -1`},
		{"images empty", ImageGrid{}.SVG, `plot.ImageGrid: no images to draw`},
		{"images size", ImageGrid{Images: []Image{{Pixels: make([]float32, 3), Width: 2, Height: 2}}}.SVG, `image 0 has 3 pixels, but 2×2 needs 4`},
		{"images channels", ImageGrid{Images: []Image{{Pixels: make([]float32, 8), Width: 2, Height: 2, Channels: 2}}}.SVG, `image 0 has 2 channels; want 1 (grayscale) or 3 (colour)`},
		{"images colour size", ImageGrid{Images: []Image{{Pixels: make([]float32, 4), Width: 2, Height: 2, Channels: 3}}}.SVG, `image 0 has 4 values, but 3 channels of 2×2 need 12`},
		{"images colour NaN", ImageGrid{Images: []Image{{Pixels: []float32{0, 0, 0, 0, 0, float32(math.NaN())}, Width: 2, Height: 1, Channels: 3}}}.SVG, `pixel 5 (row 0, column 1) is NaN`},
		{"images range", ImageGrid{Min: 1, Max: 1, Images: []Image{{Pixels: []float32{0}, Width: 1, Height: 1}}}.SVG, `Min 1 must be less than Max 1`},
	}
	for _, tc := range tests {
		_, err := tc.chart()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}

// wellFormed parses svg as XML and fails the test if it is not.
func wellFormed(t *testing.T, name, svg string) {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(svg))
	for {
		_, err := dec.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("%s: not well-formed XML: %v", name, err)
		}
	}
}

func TestEscaping(t *testing.T) {
	nasty := `<b>&"it's"</b>` + "\x00\x01"
	charts := map[string]func() (string, error){
		"line":      Line{Title: nasty, XLabel: nasty, YLabel: nasty, Series: []Series{{Name: nasty, Y: []float64{1, 2}}, {Name: "b", Y: []float64{2, 1}}}}.SVG,
		"bar":       Bar{Title: nasty, Categories: []string{nasty}, Series: []BarSeries{{Name: nasty, Values: []float64{1}}}}.SVG,
		"timeline":  Timeline{Title: nasty, Spans: []Span{{Row: nasty, Label: nasty, Kind: nasty, Duration: 1}}}.SVG,
		"roofline":  Roofline{Title: nasty, PeakGFLOPS: 10, BandwidthGBs: 1, Points: []RooflinePoint{{nasty, 1, 1}}}.SVG,
		"histogram": Histogram{Title: nasty, XLabel: nasty, Values: []float32{1, 2}}.SVG,
		"images":    ImageGrid{Title: nasty, Images: []Image{{Pixels: []float32{0}, Width: 1, Height: 1, Label: nasty}}}.SVG,
	}
	for name, chart := range charts {
		svg, err := chart()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		wellFormed(t, name, svg)
		if strings.Contains(svg, "<b>") || strings.Contains(svg, "\x00") {
			t.Errorf("%s: user text not escaped", name)
		}
		if !strings.Contains(svg, "&lt;b&gt;&amp;&quot;it&#39;s&quot;&lt;/b&gt;") {
			t.Errorf("%s: escaped name missing", name)
		}
	}
}

func TestGoldensAccessible(t *testing.T) {
	for _, g := range goldens {
		svg, err := g.chart()
		if err != nil {
			t.Fatal(err)
		}
		wellFormed(t, g.name, svg)
		for _, want := range []string{`role="img"`, `aria-labelledby="`, "<title id=", "<desc id=", "prefers-color-scheme:dark", "var(--tt-fg,"} {
			if !strings.Contains(svg, want) {
				t.Errorf("%s: no %s", g.name, want)
			}
		}
		body := svg[strings.Index(svg, "</desc>"):]
		if strings.Contains(body, "NaN") || strings.Contains(body, "Inf") {
			t.Errorf("%s: NaN or Inf in the output", g.name)
		}
	}
}

func TestLineAppend(t *testing.T) {
	l := Line{Series: []Series{{Name: "train", Y: []float64{3, 2}}}}
	l.Append("train", 5, 1)
	l.Append("val", 5, 1.5)
	want := []Series{{Name: "train", X: []float64{0, 1, 5}, Y: []float64{3, 2, 1}}, {Name: "val", X: []float64{5}, Y: []float64{1.5}}}
	if !reflect.DeepEqual(l.Series, want) {
		t.Fatalf("after Append: %+v, want %+v", l.Series, want)
	}
	if _, err := l.SVG(); err != nil {
		t.Fatal(err)
	}
}

func TestLineSkipsNaN(t *testing.T) {
	svg, err := Line{Series: []Series{{Name: "loss", Y: []float64{2, 1, math.NaN(), 0.5, math.Inf(1), 0.3, 0.2}}}}.SVG()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(svg, "2 NaN or infinite values not drawn") {
		t.Error("desc does not mention the skipped values")
	}
	// Three pieces: [2 1], [0.5] (a lone point, drawn as a marker), [0.3 0.2].
	if n := strings.Count(svg, `d="M`); n != 1 {
		t.Errorf("%d paths, want 1", n)
	}
	i := strings.Index(svg, `d="M`)
	if path := svg[i : i+strings.Index(svg[i:], `" `)]; strings.Count(path, "M") != 3 {
		t.Errorf("path %s has %d pieces, want 3", path, strings.Count(path, "M"))
	}
	if n := strings.Count(svg, "<circle"); n != 1 {
		t.Errorf("%d markers, want 1 for the lone point", n)
	}
}

func TestLineThinsLongSeries(t *testing.T) {
	var l Line
	r := rng(3)
	for i := 0; i < 100000; i++ {
		l.Append("train", float64(i), 1+r.next())
	}
	l.Series[0].Y[54321] = 5 // a spike must survive the thinning
	svg, err := l.SVG()
	if err != nil {
		t.Fatal(err)
	}
	if len(svg) > 150000 {
		t.Errorf("SVG of 100k points is %d bytes, want it bounded by the width", len(svg))
	}
	if !strings.Contains(svg, " 5 ") && !strings.Contains(svg, ` 5"`) {
		t.Error("the spike of 5 was thinned away")
	}
	if !strings.Contains(svg, "100000 points") {
		t.Error("desc does not count every point")
	}
}

func BenchmarkLineLive(b *testing.B) {
	var l Line
	l.Title, l.LogY = "Loss", true
	xs, ys := lossCurve(10000, 2.3, 0.05, 0.3, 1)
	for i := range xs {
		l.Append("train", xs[i], ys[i])
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := l.SVG(); err != nil {
			b.Fatal(err)
		}
	}
}

// TestRooflineLabelsStayInside: two points close together at the right
// edge (two kernels of nearly the same speed) get labels that do not run
// off the plot's right edge, where the roof's flat line ends.
func TestRooflineLabelsStayInside(t *testing.T) {
	svg, err := Roofline{PeakGFLOPS: 0.321, BandwidthGBs: 2.347, Title: "Roofline of this tab", Points: []RooflinePoint{
		{"vector add", 0.0833, 0.196}, {"naive", 21.3, 0.271}, {"blocked", 21.3, 0.708}, {"tiled", 21.3, 4.22},
		{"simd", 21.3, 3.88}, {"wasm-simd", 21.3, 18.4}, {"wasm-simd-fma", 21.3, 20.4},
	}}.SVG()
	if err != nil {
		t.Fatal(err)
	}
	roof := regexp.MustCompile(`<path d="M[0-9.]+,[0-9.]+L[0-9.]+,[0-9.]+ ([0-9.]+),`).FindStringSubmatch(svg)
	if roof == nil {
		t.Fatalf("no roof path in\n%s", svg)
	}
	right, _ := strconv.ParseFloat(roof[1], 64)
	for _, name := range []string{"wasm-simd", "wasm-simd-fma"} {
		label := regexp.MustCompile(`<text x="([0-9.]+)" y="[0-9.]+"( text-anchor="(end|middle)")?[^>]*>` + name + `</text>`).FindStringSubmatch(svg)
		if label == nil {
			t.Fatalf("no label %q in\n%s", name, svg)
		}
		x, _ := strconv.ParseFloat(label[1], 64)
		end := x + textWidth(name, fontSize)
		switch label[3] {
		case "end":
			end = x
		case "middle":
			end = x + textWidth(name, fontSize)/2
		}
		if end > right+0.5 {
			t.Errorf("label %q ends at x=%.1f, beyond the plot's right edge %.1f", name, end, right)
		}
	}
}

// TestRooflineLabelsByTheirDots: in crowded rooflines every label is
// nearer to its own dot than to any other (so a reader pairs them right),
// or is joined to its dot by a leader line that ends on the label.
func TestRooflineLabelsByTheirDots(t *testing.T) {
	crowds := map[string][]RooflinePoint{
		// A LeNet profile's ops: conv2dBackward used to sit by matmul.
		"lenet": {{"conv2d", 21.6, 0.65}, {"conv2dBackward", 31.3, 13.3}, {"maxPool2dBackward", 0.1, 0.1}, {"matmul", 11.1, 7.9},
			{"reluBackward", 0.17, 1.06}, {"maxPool2d", 0.2, 0.64}, {"matmulBackward", 11.5, 26.8}, {"relu", 0.12, 0.92},
			{"subBackward", 0.125, 0.9}, {"add", 0.12, 0.3}, {"sum", 0.24, 0.3}, {"exp", 0.125, 0.02}, {"max", 0.22, 0.026}},
		"cluster": {{"a", 1, 1}, {"bb", 1.1, 1.05}, {"ccc", 0.95, 1.1}, {"dddd", 1.05, 0.9}, {"eeeee", 1, 1.2}, {"ffffff", 0.9, 0.95}},
	}
	point := regexp.MustCompile(`(?s)<g class="tt-point" data-series="[^"]*" data-index="(\d+)"[^>]*><circle cx="([0-9.]+)" cy="([0-9.]+)".*?(<line x1="[0-9.]+" y1="[0-9.]+" x2="([0-9.]+)" y2="([0-9.]+)"[^>]*data-leader[^>]*/>\n)?<text x="([0-9.]+)" y="([0-9.]+)"( text-anchor="(end|middle)")?[^>]*>([^<]*)</text>`)
	for name, pts := range crowds {
		svg, err := Roofline{PeakGFLOPS: 140, BandwidthGBs: 28, Points: pts}.SVG()
		if err != nil {
			t.Fatal(err)
		}
		ms := point.FindAllStringSubmatch(svg, -1)
		if len(ms) != len(pts) {
			t.Fatalf("%s: found %d labelled points, want %d", name, len(ms), len(pts))
		}
		f := func(s string) float64 { v, _ := strconv.ParseFloat(s, 64); return v }
		dots := make([][2]float64, len(ms))
		for i, m := range ms {
			dots[i] = [2]float64{f(m[2]), f(m[3])}
		}
		leaders := 0
		for i, m := range ms {
			x, y, w := f(m[7]), f(m[8]), textWidth(m[11], fontSize)
			switch m[10] {
			case "end":
				x -= w
			case "middle":
				x -= w / 2
			}
			b := box{x, y - 12, x + w, y + 2}
			if m[4] != "" {
				leaders++
				if d := boxDistance(b, f(m[5]), f(m[6])); d > 0.5 {
					t.Errorf("%s: the leader of %q ends %.1f px from its label", name, m[11], d)
				}
				continue
			}
			own := boxDistance(b, dots[i][0], dots[i][1])
			for j, d := range dots {
				if j != i && d != dots[i] && boxDistance(b, d[0], d[1]) < own {
					t.Errorf("%s: label %q is nearer to the dot of %q (%.1f px) than to its own (%.1f px)", name, m[11], ms[j][11], boxDistance(b, d[0], d[1]), own)
				}
			}
		}
		t.Logf("%s: %d leader lines", name, leaders)
	}
}
