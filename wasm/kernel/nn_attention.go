//go:build js && wasm

package kernel

import (
	"syscall/js"

	"tinytorch/engine/nn"
)

// Bindings of attention (engine/nn attention.go and multihead.go):
//
//	tt.nn.MultiheadAttention(embedDim, numHeads, {bias, batchFirst, kdim, vdim, dropout})
//	mha.call(query, key?, value?, {attnMask, keyPaddingMask, isCausal, needWeights}) → [output, weights]
//	tt.nn.functional.scaledDotProductAttention(q, k, v, {attnMask, isCausal}) → output
//	tt.nn.causalMask(n)   PyTorch's nn.Transformer.generate_square_subsequent_mask(n)
//
// As in PyTorch, calling a MultiheadAttention returns the pair (output,
// head-averaged weights), the weights null with needWeights: false; key
// and value default to the query (self-attention). Masks are float
// tensors: attnMask is added to the scores (-Infinity blocks), and
// keyPaddingMask marks with 1 (true in PyTorch) the keys to ignore.

// addAttention adds the attention classes and functions to tt.nn.
func addAttention(nnNS js.Value) {
	nnNS.Set("MultiheadAttention", function("tt.nn.MultiheadAttention", layerBinding("tt.nn.MultiheadAttention", multiheadLayer)))
	nnNS.Set("causalMask", function("tt.nn.causalMask", func(_ js.Value, args []js.Value) (any, error) {
		r := readArgs("tt.nn.causalMask", args)
		n := r.NeedInt(0, "size")
		if err := r.Err(); err != nil {
			return nil, err
		}
		return tensors.wrapResult(nn.CausalMask(n))
	}))
	nnNS.Get("functional").Set("scaledDotProductAttention", function("tt.nn.functional.scaledDotProductAttention", sdpaFunc))
}

// multiheadLayer reads tt.nn.MultiheadAttention's arguments. Dropout on
// the attention weights is not implemented: only 0, PyTorch's default.
func multiheadLayer(r *argReader) (nn.Module, error) {
	e, h := r.NeedInt(0, "embedDim"), r.NeedInt(1, "numHeads")
	o := r.Options(2)
	opt := nn.MultiheadOptions{NoBias: !o.Bool("bias", true), BatchFirst: o.Bool("batchFirst", false),
		KDim: o.Int("kdim", 0), VDim: o.Int("vdim", 0)}
	if p := o.Float("dropout", 0); r.ok() && p != 0 {
		r.failf("dropout = %g is not supported; the attention weights are not dropped (dropout 0, PyTorch's default)", p)
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	return asModule(nn.NewMultiheadAttention(e, h, opt))
}

// attentionCall is mha.call(query, key?, value?, {attnMask,
// keyPaddingMask, isCausal, needWeights}).
func attentionCall(m *nn.MultiheadAttention, this js.Value, r *argReader) (any, error) {
	q := r.Tensor(0, "query")
	k, v := q, q
	if r.Has(1) && !isOptionsObject(r.Value(1)) {
		k = r.Tensor(1, "key")
		v = k
		if r.Has(2) && !isOptionsObject(r.Value(2)) {
			v = r.Tensor(2, "value")
		}
	}
	o := r.LastOptions()
	opt := nn.AttentionOptions{AttnMask: o.Tensor("attnMask"), KeyPaddingMask: o.Tensor("keyPaddingMask"), Causal: o.Bool("isCausal", false)}
	need := o.Bool("needWeights", true)
	if err := r.Err(); err != nil {
		return nil, err
	}
	setInputShape(this, q.Shape())
	out, weights, err := nn.CallAttention(m, q, k, v, opt)
	if err != nil {
		return nil, err
	}
	w := js.Null()
	if need {
		w = tensors.wrap(weights)
	}
	return []any{tensors.wrap(out), w}, nil
}

// sdpaFunc is tt.nn.functional.scaledDotProductAttention(query, key,
// value, {attnMask, isCausal}), PyTorch 2's F.scaled_dot_product_attention
// without dropout: the output only.
func sdpaFunc(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.nn.functional.scaledDotProductAttention", args)
	q, k, v := r.Tensor(0, "query"), r.Tensor(1, "key"), r.Tensor(2, "value")
	o := r.Options(3)
	opt := nn.AttentionOptions{AttnMask: o.Tensor("attnMask"), Causal: o.Bool("isCausal", false)}
	if err := r.Err(); err != nil {
		return nil, err
	}
	out, _, err := nn.ScaledDotProductAttention(q, k, v, opt)
	if err != nil {
		return nil, err
	}
	return tensors.wrap(out), nil
}
