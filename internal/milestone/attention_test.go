package milestone

import (
	"os"
	"strings"
	"testing"

	"tinytorch/engine/data/corpus"
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

// The vocabulary numbers the text's 59 characters in byte order, as the
// notebook's [...new Set(text)].sort() does, and decoding inverts it.
func TestVocab(t *testing.T) {
	v := NewVocab(corpus.Shakespeare)
	if len(v.Chars) != 59 || v.Chars[0] != '\n' || v.Chars[58] != 'z' {
		t.Fatalf("vocabulary %q, want 59 characters from \\n to z", v.Chars)
	}
	if got := v.Decode(v.Encode("Speak, speak.")); got != "Speak, speak." {
		t.Errorf("round trip gave %q", got)
	}
}

// The model's state dict has the names PyTorch would give the notebook's
// modules, and its size is the notebook's.
func TestCharTransformerState(t *testing.T) {
	m := must(NewCharTransformer(59, AttentionContext, AttentionDim, AttentionHeads, AttentionLayers))
	var names []string
	for _, p := range m.Parameters() {
		names = append(names, p.Name)
	}
	want := "tok.weight pos.weight blocks.0.ln1.weight blocks.0.ln1.bias blocks.0.attn.in_proj_weight blocks.0.attn.in_proj_bias " +
		"blocks.0.attn.out_proj.weight blocks.0.attn.out_proj.bias blocks.0.ln2.weight"
	if got := strings.Join(names, " "); !strings.HasPrefix(got, want) || !strings.HasSuffix(got, "norm.weight norm.bias head.weight head.bias") {
		t.Errorf("parameters %s", got)
	}
	if n := m.NumParams(); n != 63899 {
		t.Errorf("%d parameters, want 63,899", n)
	}
}
