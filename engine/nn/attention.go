package nn

import (
	"fmt"
	"math"

	"tinytorch/engine/tensor"
)

// Scaled dot-product attention (Vaswani et al. 2017, "Attention Is All
// You Need", equation 1):
//
//	Attention(Q, K, V) = softmax(Q·Kᵀ/√d + M)·V
//
// Each query row asks every key row how well they match (a dot product,
// scaled by √d so that the softmax does not saturate as the head size d
// grows); the softmax turns a row of scores into weights that sum to 1,
// and the output is that weighted mix of the value rows. M is an additive
// mask: -Inf where a query may not look (a future token, a padding key),
// so its weight comes out exactly 0.
//
// Everything here is composed of differentiable tensor ops (batched
// Matmul on the engine's matmul kernels, MulScalar, Add, MaskedFill,
// Softmax), so autograd gives the backward pass for free.

// AttentionOptions are the masks of ScaledDotProductAttention and of
// MultiheadAttention's ForwardAttention.
type AttentionOptions struct {
	// AttnMask is added to the scores [.., L, S] before the softmax
	// (PyTorch's float attn_mask): 0 where a query may attend, -Inf where
	// it may not. It broadcasts: [L, S] serves every batch and head.
	AttnMask *tensor.Tensor
	// Causal masks the future: query i sees keys 0…i only, as
	// CausalMask(L) does (is_causal in PyTorch 2).
	Causal bool
	// KeyPaddingMask [N, S] marks with a nonzero value each key a query
	// must ignore (PyTorch's boolean key_padding_mask): padding at the end
	// of a shorter sequence.
	KeyPaddingMask *tensor.Tensor
}

// CausalMask returns the [n, n] additive mask that lets position i attend
// to positions 0…i only: 0 on and below the diagonal, -Inf above it, as
// PyTorch's nn.Transformer.generate_square_subsequent_mask.
func CausalMask(n int) (*tensor.Tensor, error) {
	if n < 0 {
		return nil, fmt.Errorf("causalMask: size %d, expected ≥ 0", n)
	}
	m := make([]float32, n*n)
	for i := range n {
		for j := i + 1; j < n; j++ {
			m[i*n+j] = float32(math.Inf(-1))
		}
	}
	return tensor.New(m, n, n)
}

// ScaledDotProductAttention computes softmax(q·kᵀ/√d + mask)·v for q
// [.., L, d], k [.., S, d] and v [.., S, dv] (leading batch dimensions
// broadcast, as in Matmul) and returns the output [.., L, dv] and the
// attention weights [.., L, S]. A KeyPaddingMask [N, S] needs q of
// shape [N, H, L, d] or [N, L, d].
func ScaledDotProductAttention(q, k, v *tensor.Tensor, opt AttentionOptions) (out, weights *tensor.Tensor, err error) {
	qs, ks, vs := q.Shape(), k.Shape(), v.Shape()
	if len(qs) < 2 || len(ks) < 2 || len(vs) < 2 || qs[len(qs)-1] != ks[len(ks)-1] || ks[len(ks)-2] != vs[len(vs)-2] {
		return nil, nil, fmt.Errorf("scaledDotProductAttention: query %s, key %s, value %s; expected [.., L, d], [.., S, d], [.., S, dv]",
			ShapeString(qs), ShapeString(ks), ShapeString(vs))
	}
	kt, err := k.Transpose(-2, -1)
	if err != nil {
		return nil, nil, err
	}
	// The query is scaled before the product, as PyTorch does, so the
	// rounding is PyTorch's.
	scaled := q.DivScalar(float32(math.Sqrt(float64(qs[len(qs)-1]))))
	scores, err := scaled.Matmul(kt)
	if err != nil {
		return nil, nil, fmt.Errorf("scaledDotProductAttention: %w", err)
	}
	if scores, err = applyMasks(scores, opt); err != nil {
		return nil, nil, err
	}
	if weights, err = scores.Softmax(-1); err != nil {
		return nil, nil, err
	}
	if out, err = weights.Matmul(v); err != nil {
		return nil, nil, fmt.Errorf("scaledDotProductAttention: %w", err)
	}
	return out, weights, nil
}

// applyMasks adds the attention mask, the causal mask and the key padding
// mask to scores [.., L, S].
func applyMasks(scores *tensor.Tensor, opt AttentionOptions) (*tensor.Tensor, error) {
	s := scores.Shape()
	l, n := s[len(s)-2], s[len(s)-1]
	var err error
	if opt.AttnMask != nil {
		ms := opt.AttnMask.Shape()
		if len(ms) < 2 || ms[len(ms)-2] != l || ms[len(ms)-1] != n {
			return nil, fmt.Errorf("scaledDotProductAttention: attention mask %s for scores %s, expected [.., %d, %d]", ShapeString(ms), ShapeString(s), l, n)
		}
		if scores, err = scores.Add(opt.AttnMask); err != nil {
			return nil, fmt.Errorf("scaledDotProductAttention: attention mask: %w", err)
		}
	}
	if opt.Causal {
		if l != n {
			return nil, fmt.Errorf("scaledDotProductAttention: a causal mask needs as many queries as keys, got %d queries and %d keys", l, n)
		}
		if scores, err = scores.Add(must(CausalMask(l))); err != nil {
			return nil, err
		}
	}
	if opt.KeyPaddingMask != nil {
		if scores, err = padKeys(scores, opt.KeyPaddingMask); err != nil {
			return nil, err
		}
	}
	return scores, nil
}

// padKeys sets to -Inf the scores [N, (H,) L, S] of the keys that pad [N,
// S] marks with a nonzero value.
func padKeys(scores, pad *tensor.Tensor) (*tensor.Tensor, error) {
	s, ps := scores.Shape(), pad.Shape()
	if len(ps) != 2 || len(s) < 3 || ps[0] != s[0] || ps[1] != s[len(s)-1] {
		return nil, fmt.Errorf("scaledDotProductAttention: key padding mask %s for scores %s, expected [N, S] = [%d, %d]",
			ShapeString(ps), ShapeString(s), s[0], s[len(s)-1])
	}
	shape := make([]int, len(s))
	for i := range shape {
		shape[i] = 1
	}
	shape[0], shape[len(s)-1] = ps[0], ps[1]
	mask, err := must(pad.Ne(tensor.Scalar(0))).Reshape(shape...)
	if err != nil {
		return nil, err
	}
	return scores.MaskedFill(mask, float32(math.Inf(-1)))
}
