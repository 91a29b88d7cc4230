package tensor

import (
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
)

// TestDirectConvIsCalledForPlainWindows installs a forward pass that
// records its calls and fills the output with 7s, and checks when Conv2d
// hands it the convolution: with stride 1 and no dilation (with padding
// or without), with or without gradients; never otherwise. When it declines, Conv2d
// computes the output itself.
func TestDirectConvIsCalledForPlainWindows(t *testing.T) {
	var calls []ConvShape
	accept := true
	InstallDirectConv(func(s ConvShape, x, filters, out []float32) bool {
		calls = append(calls, s)
		if len(x) != s.N*s.C*s.H*s.W || len(filters) != s.O*(s.C*s.KH*s.KW+boolInt(s.Bias)) || len(out) != s.N*s.O*(s.H+2*s.PH-s.KH+1)*(s.W+2*s.PW-s.KW+1) {
			t.Errorf("%+v: lengths x %d, filters %d, out %d", s, len(x), len(filters), len(out))
		}
		if accept {
			for i := range out {
				out[i] = 7
			}
		}
		return accept
	}, nil)
	t.Cleanup(func() { InstallDirectConv(nil, nil) })

	x := must(Randn(2, 3, 10, 12))
	w, b := must(Randn(4, 3, 3, 5)), must(Randn(4))
	noErr(t, w.SetRequiresGrad(true))
	noErr(t, b.SetRequiresGrad(true))
	shape := ConvShape{N: 2, C: 3, H: 10, W: 12, O: 4, KH: 3, KW: 5, Bias: true}
	noBias, padded := shape, shape
	noBias.Bias = false
	padded.PW = 1
	cases := []struct {
		name    string
		window  Window
		noGrad  bool
		bias    bool
		want    []ConvShape
		decline bool
	}{
		{"gradients", Window{}, false, true, []ConvShape{shape}, false},
		{"NoGrad", Window{}, true, true, []ConvShape{shape}, false},
		{"no bias", Window{}, false, false, []ConvShape{noBias}, false},
		{"declined", Window{}, false, true, []ConvShape{shape}, true},
		{"stride 2", Window{Stride: [2]int{2, 1}}, false, true, nil, false},
		{"padding", Window{Padding: [2]int{0, 1}}, false, true, []ConvShape{padded}, false},
		{"dilation", Window{Dilation: [2]int{1, 2}}, false, true, nil, false},
	}
	for _, c := range cases {
		calls, accept = nil, !c.decline
		bias := b
		if !c.bias {
			bias = nil
		}
		var y *Tensor
		conv := func() { y = must(x.Conv2d(w, bias, c.window)) }
		if c.noGrad {
			NoGrad(conv)
		} else {
			conv()
		}
		if !slices.Equal(calls, c.want) {
			t.Errorf("%s: calls %+v, want %+v", c.name, calls, c.want)
		}
		sevens := !slices.ContainsFunc(y.Data(), func(v float32) bool { return v != 7 })
		if want := len(c.want) > 0 && !c.decline; sevens != want {
			t.Errorf("%s: the output is the installed pass's: %v, want %v", c.name, sevens, want)
		}
	}
}

// TestDirectConvKeepsTheGradients: when the installed forward pass
// computes the output and the installed filters' gradient declines, the
// backward pass unfolds the columns again, and
// the gradients of the input, the filters and the bias are the bits the
// columns' path gives, for a first and a second backward pass (the loss
// is the output times fixed weights, so its gradients do not depend on the
// output's values: the installed pass writes none). Also with a batch
// larger than one chunk of columns, and with padding.
func TestDirectConvKeepsTheGradients(t *testing.T) {
	for _, c := range []struct {
		shape  [2][]int
		window Window
	}{
		{[2][]int{{2, 2, 9, 11}, {3, 2, 2, 4}}, Window{}},
		{[2][]int{{9, 2, 34, 34}, {3, 2, 3, 3}}, Window{}},
		{[2][]int{{9, 2, 34, 34}, {3, 2, 3, 3}}, Window{Padding: [2]int{1, 2}}},
	} {
		shape := c.shape
		x := must(Randn(shape[0]...))
		w, b := must(Randn(shape[1]...)), must(Randn(shape[1][0]))
		var seen *Tensor
		grads := func() [][]float32 {
			var out [][]float32
			xs, ws, bs := x.Detach(), w.Detach(), b.Detach()
			for _, p := range []*Tensor{xs, ws, bs} {
				noErr(t, p.SetRequiresGrad(true))
			}
			y := must(xs.Conv2d(ws, bs, c.window))
			if seen == nil {
				seen = must(Randn(y.shape...))
			}
			loss := must(must(y.Mul(seen)).Sum(nil, false))
			noErr(t, loss.BackwardWith(BackwardOptions{RetainGraph: true}))
			for _, p := range []*Tensor{xs, ws, bs} {
				out = append(out, slices.Clone(p.Grad().Data()))
			}
			noErr(t, loss.Backward()) // the second pass adds the same gradients again
			for _, p := range []*Tensor{xs, ws, bs} {
				out = append(out, slices.Clone(p.Grad().Data()))
			}
			return out
		}
		want := grads()
		called := 0
		var declined atomic.Int32 // the chunks run on several goroutines
		InstallDirectConv(func(s ConvShape, x, filters, out []float32) bool {
			called++
			return true
		}, func(s ConvShape, x, dy, out []float32) bool {
			declined.Add(1)
			return false
		})
		got := grads()
		InstallDirectConv(nil, nil)
		names := []string{"input", "filters", "bias", "input (2nd)", "filters (2nd)", "bias (2nd)"}
		if called != 1 || declined.Load() == 0 {
			t.Errorf("%v %+v: the installed forward pass was called %d times (want 1), the filters' gradient %d (want at least 1)", shape, c.window, called, declined.Load())
		}
		for i := range want {
			if !slices.Equal(got[i], want[i]) {
				t.Errorf("%v %+v: the %s gradient differs from the columns' path", shape, c.window, names[i])
			}
		}
	}
}

// TestDirectConvGradIsCalledPerChunk installs a filters' gradient that
// records its calls and writes 7s: it is called once per chunk of
// samples, with the chunk's shape, input and output gradient, and the
// filters' and bias's gradients are the chunks' sum (7 times the number
// of chunks). Without the forward pass installed, the kept columns are
// used and it is not called.
func TestDirectConvGradIsCalledPerChunk(t *testing.T) {
	x := must(Randn(9, 2, 34, 34)) // more samples than one chunk of columns
	w, b := must(Randn(3, 2, 3, 3)), must(Randn(3))
	noErr(t, w.SetRequiresGrad(true))
	noErr(t, b.SetRequiresGrad(true))
	for _, forward := range []bool{true, false} {
		var calls []ConvShape
		var fwd DirectConvFunc
		if forward {
			fwd = func(ConvShape, []float32, []float32, []float32) bool { return true } // output left at 0
		}
		var mu sync.Mutex // the chunks run on several goroutines
		InstallDirectConv(fwd, func(s ConvShape, xs, dy, out []float32) bool {
			mu.Lock()
			calls = append(calls, s)
			mu.Unlock()
			if len(xs) < s.N*s.C*s.H*s.W || len(dy) != s.O*s.N*32*32 || len(out) < s.O*(s.C*s.KH*s.KW+1) {
				t.Errorf("%+v: lengths x %d, dy %d, out %d", s, len(xs), len(dy), len(out))
			}
			for i := range s.O * (s.C*s.KH*s.KW + 1) {
				out[i] = 7
			}
			return true
		})
		w.ZeroGrad()
		b.ZeroGrad()
		y := must(x.Conv2d(w, b, Window{}))
		noErr(t, must(y.Sum(nil, false)).Backward())
		InstallDirectConv(nil, nil)
		if !forward {
			// No forward pass installed: the columns were kept.
			if len(calls) != 0 {
				t.Errorf("with kept columns: called %d times, want 0", len(calls))
			}
			continue
		}
		samples := 0
		for _, s := range calls {
			samples += s.N
			if s.C != 2 || s.H != 34 || s.W != 34 || s.O != 3 || s.KH != 3 || s.KW != 3 || !s.Bias {
				t.Errorf("a call's shape %+v", s)
			}
		}
		if len(calls) < 2 || samples != 9 {
			t.Fatalf("%d calls for %d samples, want one per chunk (at least 2) for 9", len(calls), samples)
		}
		want := float32(7 * len(calls))
		for _, g := range [][]float32{w.Grad().Data(), b.Grad().Data()} {
			if slices.ContainsFunc(g, func(v float32) bool { return v != want }) {
				t.Errorf("gradient %v, want all %v", g, want)
			}
		}
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func noErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestDirectInputGradIsCalledPerChunk installs an input gradient that
// records its calls and computes twice the gradient from what it is
// handed (the filters, dY with room after it, col2im's blocks), in Go: it
// is called once per chunk of samples with stride 1 along the rows (the
// default window's, and with stride 2 down the columns), and its result
// is the input's gradient, twice the columns' path's within float32
// rounding. Declining leaves the columns' path's bits; with stride 2
// along the rows it is not called.
func TestDirectInputGradIsCalledPerChunk(t *testing.T) {
	x := must(Randn(9, 2, 34, 34)) // more samples than one chunk of columns
	w, b := must(Randn(3, 2, 3, 3)), must(Randn(3))
	noErr(t, x.SetRequiresGrad(true))
	inputGrad := func(win Window) []float32 {
		x.ZeroGrad()
		y := must(x.Conv2d(w, b, win))
		noErr(t, must(must(y.Mul(must(Randn(y.Shape()...)))).Sum(nil, false)).Backward())
		return slices.Clone(x.Grad().Data())
	}
	t.Cleanup(func() { InstallDirectInputGrad(nil) })
	for _, win := range []Window{{}, {Stride: [2]int{2, 1}, Padding: [2]int{1, 2}}, {Stride: [2]int{1, 2}}} {
		ManualSeed(5)
		want := inputGrad(win)
		var mu sync.Mutex // the chunks run on several goroutines
		samples, calls := 0, 0
		accept := true
		InstallDirectInputGrad(func(s ConvShape, filters, dy, img []float32, blocks []int32) bool {
			mu.Lock()
			calls++
			samples += s.N
			mu.Unlock()
			ho, wo := (s.H+2*s.PH-s.KH)/max(1, win.Stride[0])+1, s.W+2*s.PW-s.KW+1
			k, o, width := s.C*s.KH*s.KW+1, s.O, s.N*ho*wo
			if s.C != 2 || s.H != 34 || s.W != 34 || s.O != 3 || s.KH != 3 || !s.Bias || len(img) != s.N*2*34*34 ||
				len(filters) != o*k || len(dy) != o*width || cap(dy)-len(dy) < DirectInputGradSlack || len(blocks)%10 != 0 {
				t.Errorf("%+v: shape %+v, filters %d, dy %d (capacity %d), img %d, blocks %d", win, s, len(filters), len(dy), cap(dy), len(img), len(blocks))
			}
			if !accept {
				return false
			}
			for f := 0; f+10 <= len(blocks); f += 10 {
				bl := blocks[f : f+10]
				r, p := int(bl[0])/width, int(bl[0])%width
				if bl[9] != 1 {
					t.Errorf("%+v: a block with step %d", win, bl[9])
				}
				for n := range int(bl[8]) {
					for run := range int(bl[7]) {
						c, i := p+n*int(bl[2])+run*int(bl[1]), int(bl[3])+n*int(bl[5])+run*int(bl[4])
						for j := range int(bl[6]) {
							var acc float32
							for q := range o {
								acc += filters[q*k+r] * dy[q*width+c+j]
							}
							img[i+j] += 2 * acc // twice: the result shows it was used
						}
					}
				}
			}
			return true
		})
		ManualSeed(5)
		got := inputGrad(win)
		accept = false
		ManualSeed(5)
		declined := inputGrad(win)
		InstallDirectInputGrad(nil)
		if win.Stride[1] == 2 {
			if calls != 0 {
				t.Errorf("%+v: called %d times, want 0", win, calls)
			}
		} else if calls < 2 || samples != 18 {
			t.Errorf("%+v: %d calls for %d samples over two passes, want one per chunk for 9 a pass", win, calls, samples)
		}
		if !slices.Equal(declined, want) {
			t.Errorf("%+v: declined, the input's gradient differs from the columns' path", win)
		}
		factor := float32(2)
		if win.Stride[1] == 2 {
			factor = 1
		}
		for i := range want {
			if d := math.Abs(float64(got[i] - factor*want[i])); d > 1e-5*(1+math.Abs(float64(want[i]))) {
				t.Fatalf("%+v: input gradient %d: %v installed, want %v times the columns' %v", win, i, got[i], factor, want[i])
			}
		}
	}
}
