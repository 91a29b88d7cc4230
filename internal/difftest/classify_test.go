package difftest

import (
	"math"
	"testing"
)

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

func TestOneValueGroups(t *testing.T) {
	cases := []struct {
		shape  []int
		groups int
		want   bool
	}{
		{[]int{2, 2, 1}, 2, true}, // one channel a group, one value a channel (seed 8103526)
		{[]int{2, 2}, 2, true},    // no spatial dimensions (seed 8114224)
		{[]int{2, 1, 1}, 1, true},
		{[]int{2, 2}, 1, false},       // two channels a group
		{[]int{1, 1, 3, 2}, 1, false}, // six values a group
		{[]int{2, 4, 1, 1}, 2, false}, // two channels a group
		{[]int{3, 2, 0}, 2, false},    // empty groups: nothing normalized
		{[]int{2, 3}, 2, false},       // channels not divisible: refused anyway
		{[]int{2}, 1, false},          // no channel dimension
		{[]int{2, 2, 1, 1}, 0, false}, // no group count
	}
	for _, c := range cases {
		if got := oneValueGroups(c.shape, c.groups); got != c.want {
			t.Errorf("shape %v, %d groups: %v, want %v", c.shape, c.groups, got, c.want)
		}
	}
}

func TestHasTie(t *testing.T) {
	out := func(v ...float32) *Outcome { return &Outcome{Values: v} }
	cases := []struct {
		name string
		a, b *Outcome
		want bool
	}{
		{"one equal element", out(0.68, 1, 2), out(0.68, -1, 3), true},
		{"zero against minus zero", out(0), out(float32(math.Copysign(0, -1))), true},
		{"no equal element", out(1, 2), out(2, 1), false},
		{"NaN equals nothing", out(float32(math.NaN())), out(float32(math.NaN())), false},
		{"different lengths", out(1), out(1, 1), false},
		{"a missing outcome", nil, out(1), false},
	}
	for _, c := range cases {
		if got := hasTie(c.a, c.b); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
