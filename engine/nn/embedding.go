package nn

import (
	"fmt"

	"tinytorch/engine/tensor"
)

// Embedding is a lookup table: row i of Weight is the learned vector of
// token (or category) i. Input holds indices, whole numbers stored as
// floats, of any shape; the output adds a last dimension of size Dim.
// Only the rows that were looked up receive gradient.
type Embedding struct {
	ModuleBase
	Num, Dim int
	Weight   *tensor.Tensor // [Num, Dim], from N(0, 1) as in PyTorch
}

// NewEmbedding makes an Embedding of num vectors of size dim.
func NewEmbedding(num, dim int) (*Embedding, error) {
	if num < 0 || dim < 0 {
		return nil, fmt.Errorf("nn.Embedding: num_embeddings=%d, embedding_dim=%d, expected both ≥ 0", num, dim)
	}
	m := &Embedding{Num: num, Dim: dim}
	m.Init(m, "Embedding")
	w := must(tensor.Zeros(num, dim))
	must(0, InitNormal(w, 0, 1))
	m.Weight = m.AddParam("weight", w)
	return m, nil
}

// Forward looks up the rows named by idx.
func (m *Embedding) Forward(idx *tensor.Tensor) (*tensor.Tensor, error) {
	for i, v := range idx.Data() {
		if v != float32(int(v)) || v < 0 || int(v) >= m.Num {
			return nil, m.Errorf("index %v at position %d of input %s is not a whole number in [0, %d)", v, i, ShapeString(idx.Shape()), m.Num)
		}
	}
	flat, err := idx.Reshape(-1)
	if err != nil {
		return nil, err
	}
	rows, err := m.Weight.IndexSelect(0, flat)
	if err != nil {
		return nil, err
	}
	return rows.Reshape(append(idx.Shape(), m.Dim)...)
}

// ExtraRepr shows the sizes.
func (m *Embedding) ExtraRepr() string { return fmt.Sprintf("%d, %d", m.Num, m.Dim) }
