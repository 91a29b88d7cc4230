package tensor

import (
	"slices"
	"testing"
)

// TestZeroGradGivesGradientBack checks when ZeroGrad gives a weight's
// gradient back to the buffer pool: only a gradient that backward made for
// the weight alone, that nobody was handed through Grad, outside an
// Observer. The next backward then takes the same buffer again, with the
// same values as the first time; a gradient handed out keeps its values.
func TestZeroGradGivesGradientBack(t *testing.T) {
	cases := []struct {
		name      string
		handed    bool // the caller takes the gradient with Grad
		twice     bool // two backward passes add up before ZeroGrad
		observed  bool // under an Observer (the profiler)
		givenBack bool
	}{
		{name: "peeked by an optimizer", givenBack: true},
		{name: "handed out by Grad", handed: true},
		{name: "accumulated over two backward passes", twice: true},
		{name: "under an Observer", observed: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ManualSeed(3)
			w := param(t, must(Randn(64, 96)).Data(), 64, 96) // 6144 floats: pooled
			x := must(Randn(32, 64))
			backward := func() {
				if err := must(x.Matmul(w)).SumAll().Backward(); err != nil {
					t.Fatal(err)
				}
			}
			if c.observed {
				defer SetObserver(SetObserver(&opLog{}))
			}
			backward()
			if c.twice {
				backward()
			}
			g := w.PeekGrad()
			if c.handed {
				g = w.Grad()
			}
			first := slices.Clone(g.st.data)
			buf := &g.st.data[0]
			w.ZeroGrad()
			if w.PeekGrad() != nil {
				t.Fatal("ZeroGrad left a gradient")
			}
			if given := g.st.data == nil; given != c.givenBack {
				t.Fatalf("given back %v, want %v", given, c.givenBack)
			}
			backward()
			again := w.PeekGrad()
			if c.twice {
				backward()
				again = w.PeekGrad()
			}
			if !slices.Equal(again.st.data, first) {
				t.Fatal("the gradient of the second pass differs from the first")
			}
			if c.givenBack && &again.st.data[0] != buf {
				t.Error("the second pass did not reuse the buffer given back")
			}
			if !c.givenBack && !slices.Equal(g.st.data, first) {
				t.Error("a gradient not given back changed its values")
			}
		})
	}
}
