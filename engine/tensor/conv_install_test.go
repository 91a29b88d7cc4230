package tensor

import (
	"slices"
	"testing"
)

// TestDirectConvIsCalledWhereNoColumnsAreNeeded installs a forward pass
// that records its calls and fills the output with 7s, and checks when
// Conv2d hands it the convolution: with stride 1, no padding and no
// dilation, when no gradient needs the columns (under NoGrad, or with
// frozen filters and bias); never otherwise. When it declines, Conv2d
// computes the output itself, and the input's gradient is right either
// way.
func TestDirectConvIsCalledWhereNoColumnsAreNeeded(t *testing.T) {
	var calls []ConvShape
	accept := true
	InstallDirectConv(func(s ConvShape, x, filters, out []float32) bool {
		calls = append(calls, s)
		if len(x) != s.N*s.C*s.H*s.W || len(filters) != s.O*(s.C*s.KH*s.KW+boolInt(s.Bias)) || len(out) != s.N*s.O*(s.H-s.KH+1)*(s.W-s.KW+1) {
			t.Errorf("%+v: lengths x %d, filters %d, out %d", s, len(x), len(filters), len(out))
		}
		if accept {
			for i := range out {
				out[i] = 7
			}
		}
		return accept
	})
	t.Cleanup(func() { InstallDirectConv(nil) })

	x := must(Randn(2, 3, 10, 12))
	w, b := must(Randn(4, 3, 3, 5)), must(Randn(4))
	lenet := ConvShape{N: 2, C: 3, H: 10, W: 12, O: 4, KH: 3, KW: 5, Bias: true}
	cases := []struct {
		name    string
		window  Window
		noGrad  bool
		bias    bool
		grads   bool // the filters and bias require gradients
		want    []ConvShape
		sevens  bool
		decline bool
	}{
		{"NoGrad", Window{}, true, true, true, []ConvShape{lenet}, true, false},
		{"NoGrad, no bias", Window{}, true, false, true, []ConvShape{{N: 2, C: 3, H: 10, W: 12, O: 4, KH: 3, KW: 5}}, true, false},
		{"frozen filters", Window{}, false, true, false, []ConvShape{lenet}, true, false},
		{"declined", Window{}, true, true, true, []ConvShape{lenet}, false, true},
		{"filters need their gradient", Window{}, false, true, true, nil, false, false},
		{"stride 2", Window{Stride: [2]int{2, 1}}, true, true, true, nil, false, false},
		{"padding", Window{Padding: [2]int{0, 1}}, true, true, true, nil, false, false},
		{"dilation", Window{Dilation: [2]int{1, 2}}, true, true, true, nil, false, false},
	}
	for _, c := range cases {
		calls, accept = nil, !c.decline
		noErr(t, w.SetRequiresGrad(c.grads))
		noErr(t, b.SetRequiresGrad(c.grads))
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
		if sevens != c.sevens {
			t.Errorf("%s: the output is the installed pass's: %v, want %v", c.name, sevens, c.sevens)
		}
	}
}

// TestDirectConvKeepsTheInputGradient: with frozen filters the installed
// forward pass computes the output, and the input's gradient (which needs
// the filters only, not the columns) is the one the columns' path gives.
func TestDirectConvKeepsTheInputGradient(t *testing.T) {
	x := must(Randn(2, 2, 9, 11))
	w, b := must(Randn(3, 2, 2, 4)), must(Randn(3))
	inputGrad := func() []float32 {
		xg := x.Detach()
		noErr(t, xg.SetRequiresGrad(true))
		y := must(xg.Conv2d(w, b, Window{}))
		noErr(t, must(y.Sum(nil, false)).Backward())
		return xg.Grad().Data()
	}
	want := inputGrad()
	called := 0
	InstallDirectConv(func(s ConvShape, x, filters, out []float32) bool {
		called++
		return true // the output (zeros) is not the convolution's: its gradient does not depend on it
	})
	t.Cleanup(func() { InstallDirectConv(nil) })
	if got := inputGrad(); called != 1 || !slices.Equal(got, want) {
		t.Errorf("called %d times (want 1); the input's gradient %v, want %v", called, got, want)
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
