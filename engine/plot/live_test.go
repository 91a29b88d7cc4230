package plot

import (
	"math"
	"regexp"
	"strings"
	"testing"
)

// A live chart is a Line that grows by Append and is redrawn while it
// grows, as the notebook's training chart is: these tests check that
// growing it point by point draws what building it at once draws, that a
// fixed x range keeps the frame still, and that per-series markers mark
// only their series.

// liveLoss grows a loss chart as a training run of three epochs of 40
// steps would: the train loss every 5 steps, the validation loss, marked,
// at each epoch's end. It calls draw after every point.
func liveLoss(t *testing.T, draw func(l *Line)) *Line {
	l := &Line{Title: "loss", XLabel: "epoch", XRange: [2]float64{0, 3}, Width: 380, Height: 230}
	for step := 5; step <= 120; step += 5 {
		x := float64(step) / 40
		l.Append("train", x, 2/(1+x))
		draw(l)
		if step%40 == 0 {
			if len(l.Series) == 1 {
				l.Series = append(l.Series, Series{Name: "val", Markers: true})
			}
			l.Append("val", x, 2.2/(1+x))
			draw(l)
		}
	}
	return l
}

func TestLineGrowsLikeItsWhole(t *testing.T) {
	l := liveLoss(t, func(*Line) {})
	got, err := l.SVG()
	if err != nil {
		t.Fatal(err)
	}
	var tx, ty, vx, vy []float64
	for step := 5; step <= 120; step += 5 {
		x := float64(step) / 40
		tx, ty = append(tx, x), append(ty, 2/(1+x))
		if step%40 == 0 {
			vx, vy = append(vx, x), append(vy, 2.2/(1+x))
		}
	}
	want, err := Line{Title: "loss", XLabel: "epoch", XRange: [2]float64{0, 3}, Width: 380, Height: 230,
		Series: []Series{{Name: "train", X: tx, Y: ty}, {Name: "val", X: vx, Y: vy, Markers: true}}}.SVG()
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("the chart grown point by point differs from the chart built at once:\n%s\nwant\n%s", got, want)
	}
}

func TestLiveLineKeepsItsFrame(t *testing.T) {
	xTicks := regexp.MustCompile(`data-x-domain="([^"]*)"`)
	var domains []string
	redraws := 0
	liveLoss(t, func(l *Line) {
		svg, err := l.SVG()
		if err != nil {
			t.Fatalf("redraw %d: %v", redraws, err)
		}
		redraws++
		m := xTicks.FindStringSubmatch(svg)
		if m == nil {
			t.Fatalf("redraw %d: no data-x-domain", redraws)
		}
		domains = append(domains, m[1])
	})
	if redraws != 27 {
		t.Errorf("%d redraws, want 24 train points and 3 validation points", redraws)
	}
	for i, d := range domains {
		if d != "0 3" {
			t.Fatalf("redraw %d: x domain %q, want the fixed range \"0 3\" from the first point on", i, d)
		}
	}
}

func TestSeriesMarkers(t *testing.T) {
	l := liveLoss(t, func(*Line) {})
	svg, err := l.SVG()
	if err != nil {
		t.Fatal(err)
	}
	markers := func(series string) int {
		i := strings.Index(svg, `data-series="`+series+`"`)
		if i < 0 {
			t.Fatalf("no series %q", series)
		}
		g := svg[i : i+strings.Index(svg[i:], "</g>")]
		return strings.Count(g, "<circle")
	}
	if n := markers("train"); n != 0 {
		t.Errorf("train has %d markers, want none", n)
	}
	if n := markers("val"); n != 3 {
		t.Errorf("val has %d markers, want one per epoch, 3", n)
	}
	// Line.Markers still marks every series.
	l.Markers = true
	if svg, err = l.SVG(); err != nil {
		t.Fatal(err)
	}
	if n := markers("train"); n != 24 {
		t.Errorf("with Line.Markers, train has %d markers, want 24", n)
	}
}

// BenchmarkLiveTrainChart redraws the notebook's live loss chart at its
// largest (about 200 train points and 20 validation points), as it does at
// most five times a second.
func BenchmarkLiveTrainChart(b *testing.B) {
	l := &Line{Title: "loss", XLabel: "epoch", XRange: [2]float64{0, 20}, Width: 380, Height: 230}
	for i := 1; i <= 200; i++ {
		x := float64(i) / 10
		l.Append("train", x, 2/(1+x)+0.05*math.Sin(float64(i)))
	}
	l.Series = append(l.Series, Series{Name: "val", Markers: true})
	for e := 1; e <= 20; e++ {
		l.Append("val", float64(e), 2.2/(1+float64(e)))
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := l.SVG(); err != nil {
			b.Fatal(err)
		}
	}
}

// A series with Points is a scatter: a dot per point and no path, while
// the line beside it keeps its path and has no dots.
func TestSeriesPoints(t *testing.T) {
	l := Line{Series: []Series{
		{Name: "cloud", X: []float64{0, 1, 2, 3}, Y: []float64{3, 1, 2, 0}, Points: true},
		{Name: "fit", X: []float64{0, 3}, Y: []float64{3, 0}},
	}}
	svg, err := l.SVG()
	if err != nil {
		t.Fatal(err)
	}
	group := func(series string) string {
		i := strings.Index(svg, `data-series="`+series+`"`)
		if i < 0 {
			t.Fatalf("no series %q", series)
		}
		return svg[i : i+strings.Index(svg[i:], "</g>")]
	}
	if g := group("cloud"); strings.Count(g, "<circle") != 4 || strings.Contains(g, "<path") {
		t.Errorf("the scatter has %d dots and a path: %v; want 4 dots and no path", strings.Count(g, "<circle"), strings.Contains(g, "<path"))
	}
	if g := group("fit"); strings.Count(g, "<circle") != 0 || !strings.Contains(g, "<path") {
		t.Errorf("the line has %d dots and a path: %v; want a path and no dots", strings.Count(g, "<circle"), strings.Contains(g, "<path"))
	}
}
