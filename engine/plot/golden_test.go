package plot

import (
	"flag"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// rng is a small deterministic generator (an LCG) for test data. It uses
// only integer arithmetic, so the data is the same on every platform.
type rng uint64

// next returns a value in [0, 1).
func (r *rng) next() float64 {
	*r = *r*6364136223846793005 + 1442695040888963407
	return float64(uint64(*r)>>11) / (1 << 53)
}

// normal returns an approximately normal value (sum of uniforms).
func (r *rng) normal() float64 {
	s := 0.0
	for i := 0; i < 12; i++ {
		s += r.next()
	}
	return s - 6
}

// lossCurve returns a decreasing, noisy loss curve of n steps.
func lossCurve(n int, start, floor, noise float64, seed rng) (xs, ys []float64) {
	r := seed
	for i := 0; i < n; i++ {
		xs = append(xs, float64(i))
		ys = append(ys, floor+(start-floor)/(1+float64(i)/40)*(1+noise*(r.next()-0.5)))
	}
	return xs, ys
}

// goldens lists the charts whose SVG is kept in testdata/<name>.svg.
// golden is one chart whose SVG is kept in testdata/<name>.svg.
type golden struct {
	name  string
	chart func() (string, error)
}

var goldens = []golden{
	{"line_loss", func() (string, error) {
		tx, ty := lossCurve(600, 2.3, 0.05, 0.3, 1)
		vx, vy := []float64{}, []float64{}
		for i := 0; i < 600; i += 50 {
			vx = append(vx, float64(i))
			vy = append(vy, 0.08+2.2/(1+float64(i)/45))
		}
		return Line{Title: "Loss", XLabel: "step", YLabel: "loss", LogY: true,
			Series: []Series{{Name: "train", X: tx, Y: ty}, {Name: "validation", X: vx, Y: vy}}}.SVG()
	}},
	{"line_accuracy", func() (string, error) {
		var l Line
		l.Title, l.XLabel, l.YLabel, l.Markers = "Accuracy", "epoch", "accuracy", true
		l.YRange = [2]float64{0, 1}
		for e := 1; e <= 10; e++ {
			x := float64(e)
			l.Append("train", x, 1-0.9/(1+x))
			l.Append("test", x, 1-0.95/(1+x*0.8))
		}
		return l.SVG()
	}},
}

func TestGolden(t *testing.T) {
	for _, g := range goldens {
		t.Run(g.name, func(t *testing.T) {
			got, err := g.chart()
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", g.name+".svg")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got != string(want) {
				gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
				for i := 0; i < len(gl) && i < len(wl); i++ {
					if gl[i] != wl[i] {
						t.Fatalf("%s differs at line %d:\n got: %s\nwant: %s\n(run go test -update if the change is intended)", path, i+1, gl[i], wl[i])
					}
				}
				t.Fatalf("%s differs in length: got %d lines, want %d", path, len(gl), len(wl))
			}
		})
	}
}

func init() {
	ops := []string{"matmul", "conv2d (im2col)", "relu", "max_pool2d", "cross_entropy", "add"}
	fwd := []float64{0.0123, 0.0342, 0.0011, 0.0024, 0.0008, 0.0004}
	bwd := []float64{0.0251, 0.0618, 0.0013, 0.0031, 0.0012, 0.0004}
	goldens = append(goldens,
		golden{"bar_stacked_horizontal", func() (string, error) {
			return Bar{Title: "Time per op", Categories: ops, Horizontal: true, Stacked: true, ShowValues: true,
				ValueLabel: "time per step", ValueUnit: "s",
				Series: []BarSeries{{Name: "forward", Values: fwd}, {Name: "backward", Values: bwd}}}.SVG()
		}},
		golden{"bar_grouped_vertical", func() (string, error) {
			return Bar{Title: "Parameters and activations per layer", ValueLabel: "memory", ValueUnit: "B",
				Categories: []string{"features.0 (Conv2d)", "features.3 (Conv2d)", "classifier.0 (Linear)", "classifier.2 (Linear)", "classifier.4 (Linear)"},
				Series: []BarSeries{{Name: "parameters", Values: []float64{624, 10064, 193008, 40656, 3400}},
					{Name: "activations", Values: []float64{301056, 102400, 61440, 43008, 2560}}}}.SVG()
		}},
		golden{"bar_simple", func() (string, error) {
			return Bar{Title: "Accuracy by optimizer", ValueLabel: "test accuracy", ShowValues: true,
				Categories: []string{"SGD", "momentum", "Adam"},
				Series:     []BarSeries{{Values: []float64{0.912, 0.951, 0.967}}}}.SVG()
		}},
	)
}

func init() {
	goldens = append(goldens, golden{"timeline_step", func() (string, error) {
		var spans []Span
		t := 0.0
		// One training step of a small CNN, in seconds.
		for _, op := range []struct {
			row, label, kind string
			d                float64
		}{
			{"data", "load batch", "data", 0.0021},
			{"forward", "conv1", "forward", 0.0042}, {"forward", "relu", "forward", 0.0004},
			{"forward", "pool", "forward", 0.0009}, {"forward", "conv2", "forward", 0.0061},
			{"forward", "fc", "forward", 0.0017}, {"forward", "loss", "forward", 0.0003},
			{"backward", "fc", "backward", 0.0031}, {"backward", "conv2", "backward", 0.0118},
			{"backward", "pool", "backward", 0.0011}, {"backward", "conv1", "backward", 0.0079},
			{"optimizer", "SGD step", "optimizer", 0.0012},
		} {
			spans = append(spans, Span{Row: op.row, Label: op.label, Kind: op.kind, Start: t, Duration: op.d})
			t += op.d
		}
		return Timeline{Title: "One training step", TimeUnit: "s", Spans: spans}.SVG()
	}})
}

func init() {
	goldens = append(goldens, golden{"roofline_matmul", func() (string, error) {
		return Roofline{Title: "Matmul kernels (n = 512)", PeakGFLOPS: 210, BandwidthGBs: 18,
			Points: []RooflinePoint{
				{"naive", 0.25, 0.9}, {"i-k-j", 0.5, 3.5}, {"blocked", 16, 11},
				{"parallel", 16, 21}, {"SIMD", 32, 95}, {"relu", 0.125, 1.6}, {"add", 0.083, 1.2},
			}}.SVG()
	}})
}

func init() {
	weights := func(n int, scale float64, seed rng) []float32 {
		r := seed
		out := make([]float32, n)
		for i := range out {
			out[i] = float32(r.normal() * scale)
		}
		return out
	}
	goldens = append(goldens,
		golden{"histogram_weights", func() (string, error) {
			return Histogram{Title: "fc1.weight", XLabel: "weight", Values: weights(5000, 0.05, 7)}.SVG()
		}},
		golden{"histogram_pruned_log", func() (string, error) {
			v := weights(4000, 0.02, 9)
			for i := range v {
				if v[i] > -0.02 && v[i] < 0.02 {
					v[i] = 0 // magnitude pruning
				}
			}
			v = append(v, float32(math.NaN()))
			return Histogram{Title: "Gradients after pruning", XLabel: "gradient", Values: v, Bins: 40, LogCount: true}.SVG()
		}},
	)
}

// segmentDigit draws digit d as a seven-segment figure on a 28×28 image
// with values in 0..1, like an MNIST digit.
func segmentDigit(d int) []float32 {
	segs := [10]string{"abcdef", "bc", "abged", "abgcd", "fgbc", "afgcd", "afgedc", "abc", "abcdefg", "abcdfg"}
	px := make([]float32, 28*28)
	paint := func(x0, y0, x1, y1 int) {
		for y := y0 - 1; y <= y1+1; y++ {
			for x := x0 - 1; x <= x1+1; x++ {
				v := float32(1)
				if y < y0 || y > y1 || x < x0 || x > x1 {
					v = 0.4 // a soft edge
				}
				if px[y*28+x] < v {
					px[y*28+x] = v
				}
			}
		}
	}
	for _, s := range segs[d] {
		switch s {
		case 'a':
			paint(9, 5, 18, 6)
		case 'b':
			paint(18, 5, 19, 14)
		case 'c':
			paint(18, 14, 19, 23)
		case 'd':
			paint(9, 22, 18, 23)
		case 'e':
			paint(8, 14, 9, 23)
		case 'f':
			paint(8, 5, 9, 14)
		case 'g':
			paint(9, 13, 18, 14)
		}
	}
	return px
}

func init() {
	goldens = append(goldens,
		golden{"images_digits", func() (string, error) {
			var ims []Image
			for i := 0; i < 12; i++ {
				label := strconv.Itoa(i % 10)
				if i == 11 {
					label = "pred 7 / true 1"
				}
				ims = append(ims, Image{Pixels: segmentDigit(i % 10), Width: 28, Height: 28, Label: label})
			}
			return ImageGrid{Title: "Test digits", Images: ims, Columns: 6}.SVG()
		}},
		golden{"images_inverted_255", func() (string, error) {
			var ims []Image
			for i := 0; i < 5; i++ {
				px := segmentDigit(i + 3)
				for j := range px {
					px[j] *= 255
				}
				ims = append(ims, Image{Pixels: px, Width: 28, Height: 28})
			}
			return ImageGrid{Images: ims, Invert: true, Scale: 1}.SVG()
		}},
	)
}
