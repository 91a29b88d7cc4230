package milestone

import (
	"os"
	"testing"
)

// The browser suite's short run natively: AttentionShortSteps steps reach
// AttentionShortTarget. The full run, AttentionSteps steps against
// AttentionTarget, runs with TT_FULL_MILESTONES=1 and in `make
// milestones`.
func TestAttentionLearns(t *testing.T) {
	steps, target := AttentionShortSteps, AttentionShortTarget
	if os.Getenv("TT_FULL_MILESTONES") != "" {
		steps, target = AttentionSteps, AttentionTarget
	}
	r, _, err := TrainAttention(steps, Config{Log: testLog{t}})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s", r)
	if r.TestLoss > target {
		t.Errorf("validation loss %.4f after %d steps, want ≤ %.2f", r.TestLoss, steps, target)
	}
}

type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) { l.t.Logf("%s", p); return len(p), nil }
