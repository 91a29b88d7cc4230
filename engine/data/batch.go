package data

import (
	"iter"

	"tinytorch/engine/tensor"
)

// Batch is one minibatch: inputs X (batch dimension first) and targets Y
// (class indices, or values of the output's shape, as the loss expects).
type Batch struct {
	X, Y *tensor.Tensor
}

// Loader is the source of batches: all that a training loop needs to know
// about data. The DataLoader implements it (with shuffling and
// transforms), and engine/train's Trainer consumes it.
type Loader interface {
	// Batches returns the batches of one epoch in order. epoch counts from
	// 0, so a shuffling loader can derive its permutation from its seed
	// and the epoch and give the same order on a rerun. A non-nil error
	// ends the epoch and the run.
	Batches(epoch int) iter.Seq2[Batch, error]
	// Len returns the number of batches per epoch, for progress display;
	// 0 if unknown.
	Len() int
}

// Batches is a Loader over a fixed list of batches, the same every epoch:
// enough for small problems (XOR, a full batch of spirals) and tests.
type Batches []Batch

// Batches yields the batches in order.
func (b Batches) Batches(epoch int) iter.Seq2[Batch, error] {
	return func(yield func(Batch, error) bool) {
		for _, x := range b {
			if !yield(x, nil) {
				return
			}
		}
	}
}

// Len returns the number of batches.
func (b Batches) Len() int { return len(b) }
