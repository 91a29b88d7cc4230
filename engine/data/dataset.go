package data

import (
	"fmt"
	"slices"

	"tinytorch/engine/tensor"
)

// Sample is one item of a dataset: an input and its target. Y may be nil
// for unlabelled data.
type Sample struct {
	X, Y *tensor.Tensor
}

// Dataset is an indexed collection of samples, PyTorch's map-style
// Dataset: Item(i) for 0 ≤ i < Len().
type Dataset interface {
	Len() int
	Item(i int) (Sample, error)
}

// BatchDataset is a Dataset that can also fetch many items at once,
// already collated (X and Y with a new first dimension), faster than one
// by one; PyTorch's __getitems__. The DataLoader uses it when it has no
// custom Collate.
type BatchDataset interface {
	Dataset
	Items(idx []int) (Sample, error)
}

// EpochSetter is a Dataset whose items depend on the epoch, such as one
// with random transforms; the DataLoader calls SetEpoch before each epoch.
type EpochSetter interface {
	SetEpoch(epoch int)
}

// setEpoch passes the epoch to ds if it wants it.
func setEpoch(ds Dataset, epoch int) {
	if s, ok := ds.(EpochSetter); ok {
		s.SetEpoch(epoch)
	}
}

// checkIndex returns an error for an index out of range.
func checkIndex(op string, i, n int) error {
	if i < 0 || i >= n {
		return fmt.Errorf("%s: index %d is out of range for a dataset of %d items", op, i, n)
	}
	return nil
}

// TensorDataset holds inputs and targets as two tensors whose first
// dimension counts the samples, PyTorch's TensorDataset(x, y).
type TensorDataset struct {
	X, Y *tensor.Tensor // Y may be nil
}

// NewTensorDataset checks that x and y have the same number of samples.
// The tensors are detached: a dataset is data, not part of a graph.
func NewTensorDataset(x, y *tensor.Tensor) (*TensorDataset, error) {
	if x == nil || x.Dim() == 0 {
		return nil, fmt.Errorf("TensorDataset: x must have a first dimension that counts samples")
	}
	if y != nil {
		if y.Dim() == 0 {
			return nil, fmt.Errorf("TensorDataset: y must have a first dimension that counts samples, got a scalar")
		}
		if x.Shape()[0] != y.Shape()[0] {
			return nil, fmt.Errorf("TensorDataset: x of shape %s and y of shape %s have different numbers of samples (%d and %d)",
				tensor.FormatShape(x.Shape()), tensor.FormatShape(y.Shape()), x.Shape()[0], y.Shape()[0])
		}
		y = y.Detach()
	}
	return &TensorDataset{X: x.Detach(), Y: y}, nil
}

// Len returns the number of samples.
func (d *TensorDataset) Len() int { return d.X.Shape()[0] }

// Item returns sample i as views of the tensors.
func (d *TensorDataset) Item(i int) (Sample, error) {
	if err := checkIndex("TensorDataset", i, d.Len()); err != nil {
		return Sample{}, err
	}
	x, err := d.X.Select(0, i)
	if err != nil {
		return Sample{}, err
	}
	s := Sample{X: x}
	if d.Y != nil {
		if s.Y, err = d.Y.Select(0, i); err != nil {
			return Sample{}, err
		}
	}
	return s, nil
}

// Items gathers the rows idx of both tensors into new tensors.
func (d *TensorDataset) Items(idx []int) (Sample, error) {
	n := d.Len()
	for _, i := range idx {
		if err := checkIndex("TensorDataset", i, n); err != nil {
			return Sample{}, err
		}
	}
	var s Sample
	var err error
	if s.X, err = gatherRows(d.X, idx); err != nil {
		return Sample{}, err
	}
	if d.Y != nil {
		if s.Y, err = gatherRows(d.Y, idx); err != nil {
			return Sample{}, err
		}
	}
	return s, nil
}

// gatherRows copies rows idx of t (along dimension 0) into a new tensor:
// straight from t's storage when t is contiguous (a dataset's tensors
// are), else through a view of each row.
func gatherRows(t *tensor.Tensor, idx []int) (*tensor.Tensor, error) {
	shape := t.Shape()
	row := t.Numel() / max(shape[0], 1)
	out := make([]float32, len(idx)*row)
	if t.IsContiguous() {
		all := t.Values() // t's storage: read only
		for j, i := range idx {
			copy(out[j*row:(j+1)*row], all[i*row:(i+1)*row])
		}
	} else {
		for j, i := range idx {
			r, err := t.Select(0, i)
			if err != nil {
				return nil, err
			}
			copy(out[j*row:(j+1)*row], r.Values())
		}
	}
	shape[0] = len(idx)
	return tensor.New(out, shape...)
}

// Subset is the items Indices of another dataset, in that order.
type Subset struct {
	Dataset Dataset
	Indices []int
}

// NewSubset checks the indices against the dataset.
func NewSubset(ds Dataset, indices []int) (*Subset, error) {
	n := ds.Len()
	for _, i := range indices {
		if err := checkIndex("Subset", i, n); err != nil {
			return nil, err
		}
	}
	return &Subset{Dataset: ds, Indices: slices.Clone(indices)}, nil
}

// Len returns the number of indices.
func (s *Subset) Len() int { return len(s.Indices) }

// Item returns the underlying item Indices[i].
func (s *Subset) Item(i int) (Sample, error) {
	if err := checkIndex("Subset", i, len(s.Indices)); err != nil {
		return Sample{}, err
	}
	return s.Dataset.Item(s.Indices[i])
}

// Items uses the underlying dataset's batch fetch when it has one.
func (s *Subset) Items(idx []int) (Sample, error) {
	inner := make([]int, len(idx))
	for k, i := range idx {
		if err := checkIndex("Subset", i, len(s.Indices)); err != nil {
			return Sample{}, err
		}
		inner[k] = s.Indices[i]
	}
	if b, ok := s.Dataset.(BatchDataset); ok {
		return b.Items(inner)
	}
	return fetch(s.Dataset, inner, nil)
}

// SetEpoch passes the epoch on.
func (s *Subset) SetEpoch(epoch int) { setEpoch(s.Dataset, epoch) }

// RandomSplit cuts ds into non-overlapping random subsets of the given
// lengths, which must add up to ds.Len(); PyTorch's random_split with a
// seeded generator. The same seed gives the same split everywhere.
func RandomSplit(ds Dataset, lengths []int, seed uint64) ([]*Subset, error) {
	total := 0
	for _, l := range lengths {
		if l < 0 {
			return nil, fmt.Errorf("randomSplit: negative length in %v", lengths)
		}
		total += l
	}
	if total != ds.Len() {
		return nil, fmt.Errorf("randomSplit: lengths %v add up to %d, but the dataset has %d items", lengths, total, ds.Len())
	}
	perm := tensor.NewGenerator(mix(seed, 0x5eed5)).Perm(total)
	out := make([]*Subset, len(lengths))
	at := 0
	for k, l := range lengths {
		out[k] = &Subset{Dataset: ds, Indices: perm[at : at+l : at+l]}
		at += l
	}
	return out, nil
}

// SplitLengths turns fractions that add up to 1 into lengths that add up
// to n, as PyTorch's random_split does: floor each, then hand the
// remainder out one by one from the first.
func SplitLengths(n int, fractions []float64) ([]int, error) {
	sum := 0.0
	for _, f := range fractions {
		if f < 0 || f > 1 {
			return nil, fmt.Errorf("randomSplit: fraction %g is outside [0, 1]", f)
		}
		sum += f
	}
	if sum < 1-1e-6 || sum > 1+1e-6 {
		return nil, fmt.Errorf("randomSplit: fractions %v add up to %g, not 1", fractions, sum)
	}
	out := make([]int, len(fractions))
	given := 0
	for k, f := range fractions {
		out[k] = int(float64(n) * f)
		given += out[k]
	}
	for k := 0; given < n; k = (k + 1) % len(out) {
		out[k]++
		given++
	}
	return out, nil
}

// ConcatDataset is several datasets one after the other.
type ConcatDataset struct {
	Datasets []Dataset
	ends     []int // cumulative lengths
}

// NewConcatDataset joins datasets.
func NewConcatDataset(ds ...Dataset) (*ConcatDataset, error) {
	if len(ds) == 0 {
		return nil, fmt.Errorf("ConcatDataset: no datasets to join")
	}
	c := &ConcatDataset{Datasets: ds}
	end := 0
	for _, d := range ds {
		end += d.Len()
		c.ends = append(c.ends, end)
	}
	return c, nil
}

// Len returns the total length.
func (c *ConcatDataset) Len() int { return c.ends[len(c.ends)-1] }

// Item finds the dataset that holds item i.
func (c *ConcatDataset) Item(i int) (Sample, error) {
	if err := checkIndex("ConcatDataset", i, c.Len()); err != nil {
		return Sample{}, err
	}
	k, _ := slices.BinarySearch(c.ends, i+1)
	start := 0
	if k > 0 {
		start = c.ends[k-1]
	}
	return c.Datasets[k].Item(i - start)
}

// SetEpoch passes the epoch to every part.
func (c *ConcatDataset) SetEpoch(epoch int) {
	for _, d := range c.Datasets {
		setEpoch(d, epoch)
	}
}

// mix hashes values into one seed (SplitMix64's finaliser after each),
// so that nearby inputs (epoch 1, epoch 2) give unrelated streams.
func mix(vals ...uint64) uint64 {
	h := uint64(0x9E3779B97F4A7C15)
	for _, v := range vals {
		h ^= v
		h += 0x9E3779B97F4A7C15
		h = (h ^ h>>30) * 0xBF58476D1CE4E5B9
		h = (h ^ h>>27) * 0x94D049BB133111EB
		h ^= h >> 31
	}
	return h
}
