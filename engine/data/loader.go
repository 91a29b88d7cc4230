package data

import (
	"fmt"
	"iter"
	"slices"

	"tinytorch/engine/tensor"
)

// DataLoader yields the batches of a dataset, PyTorch's DataLoader with
// its common options. It implements Loader.
type DataLoader struct {
	Dataset Dataset
	// BatchSize is the number of samples per batch; 0 means 1, as in
	// PyTorch.
	BatchSize int
	// Shuffle draws a new order every epoch from Seed and the epoch
	// number, so reruns repeat it exactly.
	Shuffle bool
	Seed    uint64
	// DropLast skips the last batch when it would be shorter than
	// BatchSize.
	DropLast bool
	// Collate turns the samples of a batch into one batch; nil means
	// DefaultCollate (or the dataset's own Items, which is the same but
	// faster).
	Collate func([]Sample) (Batch, error)
}

// NewDataLoader makes a loader, checking the options.
func NewDataLoader(ds Dataset, batchSize int, shuffle bool, seed uint64) (*DataLoader, error) {
	if ds == nil {
		return nil, fmt.Errorf("DataLoader: no dataset")
	}
	if batchSize < 0 {
		return nil, fmt.Errorf("DataLoader: batch size %d must be positive", batchSize)
	}
	return &DataLoader{Dataset: ds, BatchSize: batchSize, Shuffle: shuffle, Seed: seed}, nil
}

func (l *DataLoader) batchSize() int { return max(l.BatchSize, 1) }

// Len returns the number of batches per epoch.
func (l *DataLoader) Len() int {
	n, b := l.Dataset.Len(), l.batchSize()
	if l.DropLast {
		return n / b
	}
	return (n + b - 1) / b
}

// Order returns the order in which epoch visits the dataset's items:
// 0, 1, … without Shuffle, else a permutation drawn from Seed and epoch.
func (l *DataLoader) Order(epoch int) []int {
	n := l.Dataset.Len()
	if !l.Shuffle {
		order := make([]int, n)
		for i := range order {
			order[i] = i
		}
		return order
	}
	return tensor.NewGenerator(mix(l.Seed, uint64(epoch))).Perm(n)
}

// IndexBatches yields the dataset indices of each batch of one epoch
// (counting from 0), in the epoch's order, after passing the epoch to the
// dataset; with DropLast it skips a short last batch. Batches collates
// them; a caller with its own collate step (a notebook cell's) can too.
func (l *DataLoader) IndexBatches(epoch int) iter.Seq[[]int] {
	return func(yield func([]int) bool) {
		setEpoch(l.Dataset, epoch)
		order := l.Order(epoch)
		b := l.batchSize()
		for start := 0; start < len(order); start += b {
			end := min(start+b, len(order))
			if l.DropLast && end-start < b {
				return
			}
			if !yield(order[start:end:end]) {
				return
			}
		}
	}
}

// Batches yields the batches of one epoch (counting from 0). An error
// (a failing item, samples of different shapes) is yielded once and ends
// the epoch.
func (l *DataLoader) Batches(epoch int) iter.Seq2[Batch, error] { return l.BatchesFrom(epoch, 0) }

// BatchesFrom yields the batches of one epoch from batch number start on
// (both counting from 0), without loading the batches before it: the
// order is drawn as for Batches and the first start batches' indices are
// skipped. A resumed training run (engine/train) continues mid-epoch so.
func (l *DataLoader) BatchesFrom(epoch, start int) iter.Seq2[Batch, error] {
	return func(yield func(Batch, error) bool) {
		if l.Dataset == nil {
			yield(Batch{}, fmt.Errorf("DataLoader: no dataset"))
			return
		}
		k := 0
		for idx := range l.IndexBatches(epoch) {
			if k < start {
				k++
				continue
			}
			batch, err := l.batch(idx)
			if err != nil {
				yield(Batch{}, fmt.Errorf("DataLoader: batch %d of epoch %d: %w", k, epoch, err))
				return
			}
			if !yield(batch, nil) {
				return
			}
			k++
		}
	}
}

// All yields the batches of epoch 0, for a quick look.
func (l *DataLoader) All() iter.Seq2[Batch, error] { return l.Batches(0) }

// batch fetches and collates the items idx. A Sample of stacked items and
// a Batch have the same fields, so one converts to the other.
func (l *DataLoader) batch(idx []int) (Batch, error) {
	if l.Collate == nil {
		if bd, ok := l.Dataset.(BatchDataset); ok {
			s, err := bd.Items(idx)
			return Batch(s), err
		}
	}
	s, err := fetch(l.Dataset, idx, l.Collate)
	return Batch(s), err
}

// fetch gets items one by one and collates them.
func fetch(ds Dataset, idx []int, collate func([]Sample) (Batch, error)) (Sample, error) {
	samples := make([]Sample, len(idx))
	for k, i := range idx {
		s, err := ds.Item(i)
		if err != nil {
			return Sample{}, fmt.Errorf("item %d: %w", i, err)
		}
		samples[k] = s
	}
	if collate == nil {
		collate = DefaultCollate
	}
	b, err := collate(samples)
	return Sample(b), err
}

// DefaultCollate stacks the samples' inputs along a new first dimension,
// and their targets likewise (scalar labels become a vector). All inputs
// must share one shape, and all targets another.
func DefaultCollate(samples []Sample) (Batch, error) {
	if len(samples) == 0 {
		return Batch{}, fmt.Errorf("collate: no samples")
	}
	x, err := stack(samples, func(s Sample) *tensor.Tensor { return s.X }, "x")
	if err != nil {
		return Batch{}, err
	}
	if samples[0].Y == nil {
		return Batch{X: x}, nil
	}
	y, err := stack(samples, func(s Sample) *tensor.Tensor { return s.Y }, "y")
	return Batch{X: x, Y: y}, err
}

// stack copies one field of every sample into a new tensor.
func stack(samples []Sample, field func(Sample) *tensor.Tensor, name string) (*tensor.Tensor, error) {
	first := field(samples[0])
	if first == nil {
		return nil, fmt.Errorf("collate: sample 0 has no %s", name)
	}
	shape := first.Shape()
	n := first.Numel()
	out := make([]float32, 0, n*len(samples))
	for k, s := range samples {
		t := field(s)
		if t == nil {
			return nil, fmt.Errorf("collate: sample %d has no %s, sample 0 has one", k, name)
		}
		if !slices.Equal(t.Shape(), shape) {
			return nil, fmt.Errorf("collate: sample %d has %s of shape %s, sample 0 has %s; samples in a batch must have one shape", k, name, tensor.FormatShape(t.Shape()), tensor.FormatShape(shape))
		}
		out = append(out, t.Data()...)
	}
	return tensor.New(out, append([]int{len(samples)}, shape...)...)
}
