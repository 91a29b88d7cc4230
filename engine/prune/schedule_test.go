package prune

import (
	"math"
	"strings"
	"testing"

	"tinytorch/engine/optim"
)

func TestScheduleSparsity(t *testing.T) {
	s := Schedule{Initial: 0.1, Final: 0.9, Begin: 10, End: 20}
	for _, c := range []struct {
		step int
		want float64
	}{{0, 0.1}, {10, 0.1}, {15, 0.9 - 0.8*0.125}, {20, 0.9}, {30, 0.9}} {
		if got := s.Sparsity(c.step); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("step %d: %v, want %v", c.step, got, c.want)
		}
	}
	lin := Schedule{Final: 0.5, End: 4, Power: 1}
	if got := lin.Sparsity(1); got != 0.125 {
		t.Errorf("linear, step 1 of 4: %v, want 0.125", got)
	}
}

func TestScheduleErrors(t *testing.T) {
	for _, c := range []struct {
		s    Schedule
		want string
	}{
		{Schedule{Final: 1.2, End: 5}, "amount 1.2 is outside [0, 1]"},
		{Schedule{Initial: 0.5, Final: 0.2, End: 5}, "initial sparsity 0.5 is above the final 0.2"},
		{Schedule{Final: 0.5, Begin: 5, End: 5}, "begin=5, end=5"},
		{Schedule{Final: 0.5, End: 5, Every: -1}, "every=-1"},
		{Schedule{Final: 0.5, End: 5, Names: []string{"nope"}}, `no parameter "nope"`},
	} {
		if err := New(mlp(t)).Follow(c.s); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.s, err, c.want)
		}
	}
}

// TestScheduleDuringTraining prunes every 2 steps from 0 to 80% over 10
// steps of Adam: the sparsity follows the schedule, and ends at 80%.
func TestScheduleDuringTraining(t *testing.T) {
	model := mlp(t)
	p := New(model)
	s := Schedule{Final: 0.8, Begin: 0, End: 10, Every: 2}
	if err := p.Follow(s); err != nil {
		t.Fatal(err)
	}
	opt := p.Wrap(must(optim.NewAdam(model.ParamTensors(), optim.AdamOptions{LR: 0.01})))
	total := float64(128 + 192 + 36)
	for step := 1; step <= 12; step++ {
		trainSteps(t, model, opt, 8, 3, 1)
		want := s.Sparsity(step - step%2)
		if got := p.Sparsity(); math.Abs(got-math.RoundToEven(want*total)/total) > 1e-12 {
			t.Errorf("after step %d: sparsity %v, want %v", step, got, want)
		}
		if r := NewReport(model); r.Zeros < int(math.RoundToEven(want*total)) {
			t.Errorf("after step %d: %d zeros in the model, fewer than the masks' %v", step, r.Zeros, want*total)
		}
	}
	if p.Steps() != 12 {
		t.Errorf("Steps %d, want 12", p.Steps())
	}
}
