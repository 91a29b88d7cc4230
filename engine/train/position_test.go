package train

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
)

// where records (epoch, batch, step) after each batch.
type where struct{ epoch, batch, step int }

func recordWhere(tr *Trainer) *[]where {
	var w []where
	tr.Callbacks = []Callback{CallbackFuncs{BatchEnd: func(p *Progress) error {
		w = append(w, where{p.Epoch, p.Batch, p.Step})
		return nil
	}}}
	return &w
}

// TestPositionAndResumeAt stops a run mid-epoch, checks its Position and
// continues it with ResumeAt: the batches, steps, losses and epoch means
// are those of the run never stopped. data.Batches cannot skip batches
// itself, so this also covers reading the epoch from its start.
func TestPositionAndResumeAt(t *testing.T) {
	ctx := context.Background()
	whole, batches := regression(0.1)
	wantWhere := recordWhere(whole)
	want := must(whole.Fit(ctx, batches, nil, 3))
	if p := whole.Position(); p.Epoch != 3 || p.Batch != 0 || p.Step != 6 || p.Partial.Samples != 0 {
		t.Errorf("after the run: position %+v, want epoch 3, batch 0, step 6", p)
	}

	tr, batches := regression(0.1)
	tr.ShouldStop = func() bool { return tr.Position().Step == 3 }
	first, err := tr.Fit(ctx, batches, nil, 3)
	if !errors.Is(err, ErrStopped) {
		t.Fatalf("error %v, want a stop", err)
	}
	p := tr.Position()
	if p.Epoch != 1 || p.Batch != 1 || p.Step != 3 || p.Partial.Samples != 4 || p.Partial.Loss != 4*first.StepLoss[2] {
		t.Fatalf("stopped: position %+v, want epoch 1, batch 1, step 3 and the batch's loss sum", p)
	}
	tr.ShouldStop = nil
	if err := tr.ResumeAt(p); err != nil {
		t.Fatal(err)
	}
	got := recordWhere(tr)
	rest := must(tr.Fit(ctx, batches, nil, 3))
	if !slices.Equal(*got, (*wantWhere)[3:]) {
		t.Errorf("resumed batches %v, want %v", *got, (*wantWhere)[3:])
	}
	losses := append(first.StepLoss, rest.StepLoss...)
	for i := range losses {
		if math.Float64bits(losses[i]) != math.Float64bits(want.StepLoss[i]) {
			t.Errorf("step %d: loss %v, want %v", i+1, losses[i], want.StepLoss[i])
		}
	}
	if l, w := rest.Epochs["loss"], want.Epochs["loss"][1:]; !slices.Equal(l, w) {
		t.Errorf("epoch losses %v, want %v (the resumed epoch's mean includes its first batch)", l, w)
	}

	// Without ResumeAt, the next Fit starts at epoch 0 again.
	again := recordWhere(tr)
	must(tr.Fit(ctx, batches, nil, 1))
	if (*again)[0].epoch != 1 || (*again)[0].batch != 1 || (*again)[0].step != 7 {
		t.Errorf("a new Fit starts at %+v, want epoch 1, batch 1, step 7", (*again)[0])
	}
}

// TestResumeAtErrors: an impossible position is refused by ResumeAt, one
// past the run's end or with sums for other metrics by Fit.
func TestResumeAtErrors(t *testing.T) {
	tr, batches := regression(0.1)
	for _, tc := range []struct {
		p    Position
		want string
	}{
		{Position{Epoch: -1}, "expected all ≥ 0"},
		{Position{Step: -2}, "expected all ≥ 0"},
		{Position{Partial: EpochSums{Sums: []float64{1}}}, "1 metric sums and 0 counts"},
	} {
		if err := tr.ResumeAt(tc.p); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want %q", tc.p, err, tc.want)
		}
	}
	must(0, tr.ResumeAt(Position{Epoch: 3, Step: 6}))
	if _, err := tr.Fit(context.Background(), batches, nil, 3); err == nil || !strings.Contains(err.Error(), "nothing is left to train") {
		t.Errorf("resuming a finished run: %v", err)
	}
	must(0, tr.ResumeAt(Position{Epoch: 1, Batch: 1, Step: 3, Partial: EpochSums{Samples: 4, Sums: []float64{3}, Counts: []int{4}}}))
	if _, err := tr.Fit(context.Background(), batches, nil, 3); err == nil || !strings.Contains(err.Error(), "sums for 1 metrics, the trainer computes 0") {
		t.Errorf("sums for another metric: %v", err)
	}
}
