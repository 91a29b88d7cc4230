package nn

import (
	"math"
	"strings"
	"testing"

	"tinytorch/engine/tensor"
)

func TestCausalMask(t *testing.T) {
	inf := float32(math.Inf(-1))
	wantClose(t, "CausalMask(3)", must(CausalMask(3)), []int{3, 3}, []float32{0, inf, inf, 0, 0, inf, 0, 0, 0}, 0)
	if _, err := CausalMask(-1); err == nil {
		t.Error("CausalMask(-1) gave no error")
	}
}

// A causal mask makes each output row depend on the rows up to it only:
// changing the last position's input leaves every earlier output as it was.
func TestCausalAttentionIgnoresTheFuture(t *testing.T) {
	tensor.ManualSeed(7)
	m := must(NewMultiheadAttention(8, 2, MultiheadOptions{BatchFirst: true}))
	x := must(tensor.Randn(1, 5, 8))
	y := x.Clone()
	must(0, y.UpdateInPlace(func(v []float32) { v[len(v)-1] += 3 }))
	opt := AttentionOptions{Causal: true}
	a, _ := must2(m.ForwardAttention(x, x, x, opt))
	b, _ := must2(m.ForwardAttention(y, y, y, opt))
	ad, bd := a.Data(), b.Data()
	for i := range 4 * 8 {
		if ad[i] != bd[i] {
			t.Fatalf("output %d changed from %v to %v when only the last position's input changed", i, ad[i], bd[i])
		}
	}
	if ad[len(ad)-1] == bd[len(bd)-1] {
		t.Error("the last position's output did not change with its input")
	}
}

func must2(a, b *tensor.Tensor, err error) (*tensor.Tensor, *tensor.Tensor) {
	if err != nil {
		panic(err)
	}
	return a, b
}

func TestAttentionErrors(t *testing.T) {
	m := must(NewMultiheadAttention(8, 2, MultiheadOptions{}))
	x := must(tensor.Zeros(5, 3, 8))
	cases := []struct {
		name    string
		run     func() error
		message string
	}{
		{"heads do not divide", func() error { _, err := NewMultiheadAttention(6, 4, MultiheadOptions{}); return err }, "num_heads dividing embed_dim"},
		{"wrong features", func() error { _, err := Call(m, must(tensor.Zeros(5, 3, 7))); return err }, "query [5, 3, 7]"},
		{"4-D input", func() error { _, err := Call(m, must(tensor.Zeros(1, 5, 3, 8))); return err }, "expected [L, N, E]"},
		{"key length differs from value", func() error {
			_, _, err := m.ForwardAttention(x, x, must(tensor.Zeros(4, 3, 8)), AttentionOptions{})
			return err
		}, "same length"},
		{"mask of the wrong size", func() error {
			_, _, err := m.ForwardAttention(x, x, x, AttentionOptions{AttnMask: must(tensor.Zeros(4, 5))})
			return err
		}, "attention mask [4, 5]"},
		{"3-D mask of the wrong size", func() error {
			_, _, err := m.ForwardAttention(x, x, x, AttentionOptions{AttnMask: must(tensor.Zeros(3, 5, 5))})
			return err
		}, "[N·num_heads, L, S] = [6, 5, 5]"},
		{"padding mask of the wrong size", func() error {
			_, _, err := m.ForwardAttention(x, x, x, AttentionOptions{KeyPaddingMask: must(tensor.Zeros(3, 4))})
			return err
		}, "key padding mask [3, 4]"},
		{"causal cross-attention of different lengths", func() error {
			k := must(tensor.Zeros(4, 3, 8))
			_, _, err := m.ForwardAttention(x, k, k, AttentionOptions{Causal: true})
			return err
		}, "as many queries as keys"},
		{"sdpa head sizes differ", func() error {
			_, _, err := ScaledDotProductAttention(must(tensor.Zeros(2, 3)), must(tensor.Zeros(4, 2)), must(tensor.Zeros(4, 2)), AttentionOptions{})
			return err
		}, "query [2, 3], key [4, 2]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.run()
			if err == nil || !strings.Contains(err.Error(), c.message) {
				t.Fatalf("error %v, want one containing %q", err, c.message)
			}
		})
	}
}

// The parameters have PyTorch's names, shapes and initial values: the
// biases zero and the projections within their Xavier and Linear bounds.
func TestMultiheadAttentionParameters(t *testing.T) {
	m := must(NewMultiheadAttention(8, 2, MultiheadOptions{}))
	var names []string
	for _, p := range m.Parameters() {
		names = append(names, p.Name+ShapeString(p.Tensor.Shape()))
	}
	if got := strings.Join(names, " "); got != "in_proj_weight[24, 8] in_proj_bias[24] out_proj.weight[8, 8] out_proj.bias[8]" {
		t.Errorf("parameters %s", got)
	}
	bound := float32(math.Sqrt(6.0 / 32))
	for _, v := range m.InProjWeight.Data() {
		if v < -bound || v > bound {
			t.Fatalf("in_proj_weight value %v outside ±%v", v, bound)
		}
	}
	for _, b := range []*tensor.Tensor{m.InProjBias, m.OutProj.Bias} {
		if s := must(b.Abs().SumAll().Item()); s != 0 {
			t.Errorf("a bias is not zero")
		}
	}
	sep := must(NewMultiheadAttention(4, 2, MultiheadOptions{KDim: 6, VDim: 3, NoBias: true}))
	names = names[:0]
	for _, p := range sep.Parameters() {
		names = append(names, p.Name+ShapeString(p.Tensor.Shape()))
	}
	if got := strings.Join(names, " "); got != "q_proj_weight[4, 4] k_proj_weight[4, 6] v_proj_weight[4, 3] out_proj.weight[4, 4]" {
		t.Errorf("parameters with kdim and vdim %s", got)
	}
}
