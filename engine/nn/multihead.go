package nn

import (
	"errors"
	"fmt"

	"tinytorch/engine/tensor"
)

// MultiheadAttention is PyTorch's nn.MultiheadAttention: the query, key
// and value are each projected to EmbedDim features, split into NumHeads
// heads of EmbedDim/NumHeads features, each head attends on its own
// (ScaledDotProductAttention), and the heads' outputs, put side by side
// again, go through the output projection OutProj. Several small heads
// can each learn a different kind of relation between positions for the
// price of one big one.
//
// The parameters are stored as PyTorch stores them, so state dicts map
// one to one: when the key and value have EmbedDim features, the three
// input projections are one packed matrix in_proj_weight [3E, E] (rows
// 0…E-1 project the query, then the key, then the value), otherwise
// q_proj_weight [E, E], k_proj_weight [E, KDim] and v_proj_weight [E,
// VDim]; in_proj_bias [3E]; out_proj.weight [E, E] and out_proj.bias [E].
//
// Inputs are [L, N, E] (sequence first, PyTorch's default) or, with
// BatchFirst, [N, L, E]; an unbatched [L, E] works too. Dropout on the
// attention weights is not implemented (PyTorch's default, dropout=0).
type MultiheadAttention struct {
	ModuleBase
	EmbedDim, NumHeads int
	KDim, VDim         int  // features of the key and value inputs
	BatchFirst         bool // inputs and outputs are [N, L, E]

	InProjWeight *tensor.Tensor // [3E, E], nil when KDim or VDim differs from E
	QProjWeight  *tensor.Tensor // [E, E], only when KDim or VDim differs from E
	KProjWeight  *tensor.Tensor // [E, KDim], idem
	VProjWeight  *tensor.Tensor // [E, VDim], idem
	InProjBias   *tensor.Tensor // [3E], nil without bias
	OutProj      *Linear        // E → E
}

// MultiheadOptions are MultiheadAttention's optional settings; the zero
// value is PyTorch's default.
type MultiheadOptions struct {
	NoBias     bool // bias=False: no in_proj_bias and no out_proj.bias
	BatchFirst bool // batch_first=True
	KDim, VDim int  // kdim, vdim; 0 means EmbedDim
}

// NewMultiheadAttention makes a MultiheadAttention of embedDim features
// and numHeads heads (numHeads must divide embedDim), initialised as in
// PyTorch: the input projections Xavier-uniform, the output projection a
// Linear's default weight, both biases zero.
func NewMultiheadAttention(embedDim, numHeads int, opt MultiheadOptions) (*MultiheadAttention, error) {
	if embedDim <= 0 || numHeads <= 0 || embedDim%numHeads != 0 || opt.KDim < 0 || opt.VDim < 0 {
		return nil, fmt.Errorf("nn.MultiheadAttention: embed_dim=%d, num_heads=%d, kdim=%d, vdim=%d; expected positive sizes with num_heads dividing embed_dim",
			embedDim, numHeads, opt.KDim, opt.VDim)
	}
	m := &MultiheadAttention{EmbedDim: embedDim, NumHeads: numHeads, KDim: opt.KDim, VDim: opt.VDim, BatchFirst: opt.BatchFirst}
	if m.KDim == 0 {
		m.KDim = embedDim
	}
	if m.VDim == 0 {
		m.VDim = embedDim
	}
	m.Init(m, "MultiheadAttention")
	e := embedDim
	out := must(NewLinear(e, e, !opt.NoBias))
	if m.packed() {
		m.InProjWeight = m.AddParam("in_proj_weight", xavier(3*e, e))
	} else {
		m.QProjWeight = m.AddParam("q_proj_weight", xavier(e, e))
		m.KProjWeight = m.AddParam("k_proj_weight", xavier(e, m.KDim))
		m.VProjWeight = m.AddParam("v_proj_weight", xavier(e, m.VDim))
	}
	if !opt.NoBias {
		m.InProjBias = m.AddParam("in_proj_bias", must(tensor.Zeros(3*e)))
		must(0, InitZeros(out.Bias))
	}
	m.OutProj = out
	m.AddChild("out_proj", out)
	return m, nil
}

// packed says whether the input projections are one [3E, E] matrix.
func (m *MultiheadAttention) packed() bool { return m.KDim == m.EmbedDim && m.VDim == m.EmbedDim }

// xavier makes a [rows, cols] tensor drawn with InitXavierUniform.
func xavier(rows, cols int) *tensor.Tensor {
	w := must(tensor.Zeros(rows, cols))
	must(0, InitXavierUniform(w, 1))
	return w
}

// Forward is self-attention without masks: x attends to itself (query,
// key and value are all x), and only the output is returned.
func (m *MultiheadAttention) Forward(x *tensor.Tensor) (*tensor.Tensor, error) {
	out, _, err := m.ForwardAttention(x, x, x, AttentionOptions{})
	return out, err
}

// ForwardAttention is PyTorch's forward(query, key, value,
// key_padding_mask, need_weights=True, attn_mask, is_causal): it returns
// the output, shaped as the query, and the attention weights averaged
// over the heads, [N, L, S] ([L, S] for unbatched inputs). An AttnMask
// is [L, S] or [N·NumHeads, L, S].
func (m *MultiheadAttention) ForwardAttention(query, key, value *tensor.Tensor, opt AttentionOptions) (out, weights *tensor.Tensor, err error) {
	q, k, v, unbatched, err := m.batchFirst(query, key, value)
	if err != nil {
		return nil, nil, err
	}
	n, l, s := q.Shape()[0], q.Shape()[1], k.Shape()[1]
	if v.Shape()[1] != s || k.Shape()[0] != n || v.Shape()[0] != n {
		return nil, nil, m.Errorf("key %s and value %s must have the query's batch size and the same length", ShapeString(key.Shape()), ShapeString(value.Shape()))
	}
	e := m.EmbedDim
	if q, err = m.heads(m.project(q, 0, m.QProjWeight), n, l); err != nil {
		return nil, nil, err
	}
	if k, err = m.heads(m.project(k, e, m.KProjWeight), n, s); err != nil {
		return nil, nil, err
	}
	if v, err = m.heads(m.project(v, 2*e, m.VProjWeight), n, s); err != nil {
		return nil, nil, err
	}
	if opt.AttnMask != nil && opt.AttnMask.Dim() == 3 {
		if opt.AttnMask, err = m.headMask(opt.AttnMask, n, l, s); err != nil {
			return nil, nil, err
		}
	}
	att, w, err := ScaledDotProductAttention(q, k, v, opt) // [N, H, L, hd], [N, H, L, S]
	if err != nil {
		return nil, nil, m.Errorf("%w", err)
	}
	joined := must(must(att.Permute(0, 2, 1, 3)).Reshape(n, l, e))
	if out, err = Call(m.OutProj, joined); err != nil {
		return nil, nil, err
	}
	weights = must(w.Mean([]int{1}, false))
	return m.restore(out, weights, unbatched)
}

// batchFirst checks the inputs and returns them as [N, L, features].
func (m *MultiheadAttention) batchFirst(query, key, value *tensor.Tensor) (q, k, v *tensor.Tensor, unbatched bool, err error) {
	d := query.Dim()
	feats := []int{m.EmbedDim, m.KDim, m.VDim}
	for i, x := range []*tensor.Tensor{query, key, value} {
		s := x.Shape()
		if (d != 2 && d != 3) || x.Dim() != d || s[d-1] != feats[i] {
			layout := "[L, N, E]"
			if m.BatchFirst {
				layout = "[N, L, E]"
			}
			return nil, nil, nil, false, m.Errorf("query %s, key %s, value %s; expected %s (or unbatched [L, E]) with %d, %d and %d features",
				ShapeString(query.Shape()), ShapeString(key.Shape()), ShapeString(value.Shape()), layout, m.EmbedDim, m.KDim, m.VDim)
		}
	}
	out := make([]*tensor.Tensor, 3)
	for i, x := range []*tensor.Tensor{query, key, value} {
		switch {
		case d == 2:
			out[i] = must(x.Unsqueeze(0))
		case m.BatchFirst:
			out[i] = x
		default:
			out[i] = must(x.Transpose(0, 1))
		}
	}
	return out[0], out[1], out[2], d == 2, nil
}

// project applies input projection number off/E: rows off…off+E-1 of the
// packed matrix, or the separate matrix w, and the bias's same rows.
func (m *MultiheadAttention) project(x *tensor.Tensor, off int, w *tensor.Tensor) *tensor.Tensor {
	if m.InProjWeight != nil {
		w = must(m.InProjWeight.Narrow(0, off, m.EmbedDim))
	}
	y := must(x.Matmul(must(w.Transpose(0, 1))))
	if m.InProjBias == nil {
		return y
	}
	return must(y.Add(must(m.InProjBias.Narrow(0, off, m.EmbedDim))))
}

// heads splits [N, L, E] into [N, H, L, E/H].
func (m *MultiheadAttention) heads(x *tensor.Tensor, n, l int) (*tensor.Tensor, error) {
	x, err := x.Reshape(n, l, m.NumHeads, m.EmbedDim/m.NumHeads)
	if err != nil {
		return nil, err
	}
	return x.Permute(0, 2, 1, 3)
}

// headMask turns a [N·H, L, S] attention mask into [N, H, L, S].
func (m *MultiheadAttention) headMask(mask *tensor.Tensor, n, l, s int) (*tensor.Tensor, error) {
	if sh := mask.Shape(); sh[0] != n*m.NumHeads || sh[1] != l || sh[2] != s {
		return nil, m.Errorf("attention mask %s, expected [L, S] = [%d, %d] or [N·num_heads, L, S] = [%d, %d, %d]", ShapeString(sh), l, s, n*m.NumHeads, l, s)
	}
	return mask.Reshape(n, m.NumHeads, l, s)
}

// restore puts the output back in the caller's layout.
func (m *MultiheadAttention) restore(out, weights *tensor.Tensor, unbatched bool) (*tensor.Tensor, *tensor.Tensor, error) {
	switch {
	case unbatched:
		return must(out.Squeeze(0)), must(weights.Squeeze(0)), nil
	case m.BatchFirst:
		return out, weights, nil
	}
	return must(out.Transpose(0, 1)), weights, nil
}

// ExtraRepr is empty, as in PyTorch, which shows only out_proj.
func (m *MultiheadAttention) ExtraRepr() string { return "" }

// CallAttention runs m.ForwardAttention the way Call runs Forward: the
// profiler learns that m is running, an error names m's path, and
// Summary sees the output.
func CallAttention(m *MultiheadAttention, query, key, value *tensor.Tensor, opt AttentionOptions) (out, weights *tensor.Tensor, err error) {
	if callObserver != nil {
		callObserver.Enter(m)
		defer callObserver.Exit(m)
	}
	out, weights, err = m.ForwardAttention(query, key, value, opt)
	if err != nil {
		var le *LayerError
		if !errors.As(err, &le) {
			err = &LayerError{Path: m.Path(), Type: m.typeName, Err: err}
		}
		return nil, nil, err
	}
	if observer != nil {
		observer(m, out)
	}
	return out, weights, nil
}
