package tensor

import (
	"strings"
	"testing"
)

// Windows longer than the (padded) input are refused, as in PyTorch:
// the output size is floored, not truncated toward 0 ((15-16)/2+1 would
// be 1). MaxPool2d refuses padding above half the kernel, where a window
// could hold only padding and give -Inf.
func TestWindowLargerThanInputRefused(t *testing.T) {
	img := func(h, w int) *Tensor { return must(Zeros(1, 1, h, w)) }
	k := func(n, stride, pad int) Window {
		return Window{Kernel: [2]int{n, n}, Stride: [2]int{stride, stride}, Padding: [2]int{pad, pad}}
	}
	cases := []struct {
		name string
		f    func() (*Tensor, error)
		want string
	}{
		{"maxPool2d 16 over 15", func() (*Tensor, error) { return img(15, 15).MaxPool2d(k(16, 2, 0)) }, "maxPool2d: input of shape [1, 1, 15, 15] is too small"},
		{"maxPool2d padded, 6 over 3+2", func() (*Tensor, error) { return img(3, 3).MaxPool2d(k(6, 1, 1)) }, "too small"},
		{"maxPool2d padding 2 of kernel 2", func() (*Tensor, error) { return img(4, 4).MaxPool2d(k(2, 2, 2)) }, "maxPool2d: padding [2, 2] is more than half the kernel [2, 2]"},
		{"unfold 5 over 3", func() (*Tensor, error) { return img(3, 3).Unfold(k(5, 1, 0)) }, "unfold: input of shape [1, 1, 3, 3] is too small"},
		{"unfold 4 over 3, stride 2", func() (*Tensor, error) { return img(3, 3).Unfold(k(4, 2, 0)) }, "too small"},
		{"conv2d 5 over 3", func() (*Tensor, error) { return img(3, 3).Conv2d(must(Zeros(1, 1, 5, 5)), nil, k(5, 1, 0)) }, "too small"},
		{"conv2d 6 over 3+2", func() (*Tensor, error) { return img(3, 3).Conv2d(must(Zeros(1, 1, 6, 6)), nil, k(6, 1, 1)) }, "too small"},
	}
	for _, c := range cases {
		out, err := c.f()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			var shape []int
			if out != nil {
				shape = out.Shape()
			}
			t.Errorf("%s: result %v, error %v, want %q", c.name, shape, err, c.want)
		}
	}
}

// Products and layout changes of empty views do not panic: an empty
// view may point past the end of its storage. PyTorch gives zeros 2×5.
func TestEmptyViewsDoNotPanic(t *testing.T) {
	a := must(must(Zeros(2, 0, 2)).Select(-1, -1)) // [2, 0], offset 1 of 0
	wantData(t, "matmul", must(a.Matmul(must(Zeros(0, 5)))), []int{2, 5}, make([]float32, 10))
	p := must(must(Zeros(2, 0, 2)).Permute(2, 0, 1))
	wantData(t, "permute, contiguous", p.Contiguous(), []int{2, 2, 0}, nil)
	wantData(t, "data of an empty view", a, []int{2, 0}, nil)
	wantData(t, "sum of an empty view", must(a.Sum([]int{1}, false)), []int{2}, []float32{0, 0})
	w := param(t, nil, 2, 0, 2)
	v := must(w.Select(-1, -1))
	y := must(v.Matmul(must(Zeros(0, 3))))
	if err := y.SumAll().Backward(); err != nil {
		t.Fatal(err)
	}
	wantData(t, "grad", w.Grad(), []int{2, 0, 2}, nil)
}
