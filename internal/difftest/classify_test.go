package difftest

import "testing"

// TestHasPaddingWindow checks the "padding window" feature against
// windows worked out by hand: a plane of width 1 pooled with kernel 2,
// padding 1 and dilation 2 has taps at -1 and 1 (both outside), as in
// seed 58596.
func TestHasPaddingWindow(t *testing.T) {
	cases := []struct {
		plane []int
		args  Args
		want  bool
	}{
		{[]int{4, 1}, Args{Kernel: 2, Stride: 2, Padding: 1, Dilation: 2}, true},  // width 1: taps -1, 1
		{[]int{4, 4}, Args{Kernel: 2, Stride: 2, Padding: 1, Dilation: 2}, false}, // windows start at -1 and 1: taps 1, 3 inside
		{[]int{4, 4}, Args{Kernel: 2, Stride: 2, Padding: 1, Dilation: 1}, false}, // taps -1, 0: 0 is inside
		{[]int{3, 3}, Args{Kernel: 3, Stride: 1, Padding: 1, Dilation: 1}, false},
		{[]int{1, 1}, Args{Kernel: 1, Stride: 1, Padding: 1, Dilation: 1}, true}, // a 1-tap window on the padding
		{[]int{5, 5}, Args{Kernel: 2, Stride: 1, Padding: 0, Dilation: 1}, false},
		{[]int{4, 4}, Args{}, false}, // no window given
	}
	for _, c := range cases {
		if got := hasPaddingWindow(c.plane, c.args); got != c.want {
			t.Errorf("plane %v, %+v: %v, want %v", c.plane, c.args, got, c.want)
		}
	}
}
