package data

import (
	"errors"
	"slices"
	"testing"

	"tinytorch/engine/tensor"
)

var _ Loader = (*DataLoader)(nil)

// epochLabels runs one epoch and returns the y values of each batch.
func epochLabels(t *testing.T, l *DataLoader, epoch int) [][]float32 {
	t.Helper()
	var out [][]float32
	for b, err := range l.Batches(epoch) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b.Y.Data())
	}
	return out
}

func TestDataLoaderBatching(t *testing.T) {
	ds := must(NewTensorDataset(arange(10, 3), arange(10)))
	tests := []struct {
		batch    int
		dropLast bool
		sizes    []int
	}{
		{4, false, []int{4, 4, 2}},
		{4, true, []int{4, 4}},
		{5, true, []int{5, 5}},
		{10, false, []int{10}},
		{32, false, []int{10}},
		{32, true, nil},
		{0, false, []int{1, 1, 1, 1, 1, 1, 1, 1, 1, 1}}, // PyTorch's default batch size 1
	}
	for _, tc := range tests {
		l := &DataLoader{Dataset: ds, BatchSize: tc.batch, DropLast: tc.dropLast}
		var sizes []int
		next := float32(0)
		for b, err := range l.Batches(0) {
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(b.X.Shape()[1:], []int{3}) {
				t.Errorf("batch x shape %v", b.X.Shape())
			}
			sizes = append(sizes, b.X.Shape()[0])
			for _, y := range b.Y.Data() { // without Shuffle, in order
				if y != next {
					t.Errorf("batch %d dropLast %v: label %v, want %v", tc.batch, tc.dropLast, y, next)
				}
				next++
			}
		}
		if !slices.Equal(sizes, tc.sizes) || l.Len() != len(tc.sizes) {
			t.Errorf("batch %d dropLast %v: sizes %v and Len %d, want %v", tc.batch, tc.dropLast, sizes, l.Len(), tc.sizes)
		}
	}
}

func TestDataLoaderShuffle(t *testing.T) {
	ds := must(NewTensorDataset(arange(20, 1), arange(20)))
	l := &DataLoader{Dataset: ds, BatchSize: 8, Shuffle: true, Seed: 7}
	e0, e1 := epochLabels(t, l, 0), epochLabels(t, l, 1)
	rerun := epochLabels(t, &DataLoader{Dataset: ds, BatchSize: 8, Shuffle: true, Seed: 7}, 0)
	if !slices.EqualFunc(e0, rerun, slices.Equal) {
		t.Errorf("a rerun of epoch 0 with the same seed differs: %v vs %v", e0, rerun)
	}
	if slices.EqualFunc(e0, e1, slices.Equal) {
		t.Errorf("epochs 0 and 1 have the same order %v", e0)
	}
	other := epochLabels(t, &DataLoader{Dataset: ds, BatchSize: 8, Shuffle: true, Seed: 8}, 0)
	if slices.EqualFunc(e0, other, slices.Equal) {
		t.Errorf("seeds 7 and 8 give the same order")
	}
	for _, e := range [][][]float32{e0, e1} {
		all := slices.Concat(e...)
		slices.Sort(all)
		if !slices.Equal(all, arange(20).Data()) {
			t.Errorf("an epoch does not visit every item once: %v", all)
		}
	}
	if o := l.Order(0); !slices.Equal(o[:4], []int{int(e0[0][0]), int(e0[0][1]), int(e0[0][2]), int(e0[0][3])}) {
		t.Errorf("Order(0) = %v does not match the batches %v", o, e0[0])
	}
}

// A loop may stop early, and an item's error is reported with its batch.
func TestDataLoaderStopAndErrors(t *testing.T) {
	ds := must(NewTensorDataset(arange(10, 1), arange(10)))
	l := &DataLoader{Dataset: ds, BatchSize: 3}
	n := 0
	for range l.Batches(0) {
		n++
		break
	}
	if n != 1 {
		t.Errorf("break after the first batch ran %d", n)
	}

	bad := failing{Dataset: ds, at: 4}
	var got error
	for _, err := range (&DataLoader{Dataset: bad, BatchSize: 3}).Batches(2) {
		got = err
	}
	errContains(t, got, "DataLoader: batch 1 of epoch 2: item 4: broken item")

	mixed := shapes{}
	for _, err := range (&DataLoader{Dataset: mixed, BatchSize: 2}).Batches(0) {
		got = err
	}
	errContains(t, got, "collate: sample 1 has x of shape [3], sample 0 has [2]; samples in a batch must have one shape")
}

type failing struct {
	Dataset
	at int
}

func (f failing) Item(i int) (Sample, error) {
	if i == f.at {
		return Sample{}, errors.New("broken item")
	}
	return f.Dataset.Item(i)
}

type shapes struct{}

func (shapes) Len() int { return 2 }
func (shapes) Item(i int) (Sample, error) {
	return Sample{X: arange(2 + i), Y: tensor.Scalar(0)}, nil
}

func TestDataLoaderCustomCollate(t *testing.T) {
	ds := must(NewTensorDataset(arange(4, 2), arange(4)))
	sumX := func(s []Sample) (Batch, error) {
		b, err := DefaultCollate(s)
		if err != nil {
			return b, err
		}
		b.X, err = b.X.Sum([]int{1}, false)
		return b, err
	}
	l := &DataLoader{Dataset: ds, BatchSize: 2, Collate: sumX}
	var xs []float32
	for b, err := range l.Batches(0) {
		if err != nil {
			t.Fatal(err)
		}
		xs = append(xs, b.X.Data()...)
	}
	if !slices.Equal(xs, []float32{1, 5, 9, 13}) {
		t.Errorf("custom collate gave %v", xs)
	}
}

// IndexBatches is what Batches collates: the same indices in the same
// batches, dropLast applied, and the epoch passed to the dataset first.
func TestDataLoaderIndexBatches(t *testing.T) {
	tests := []struct {
		batch    int
		shuffle  bool
		dropLast bool
		want     [][]int
	}{
		{4, false, false, [][]int{{0, 1, 2, 3}, {4, 5, 6, 7}, {8, 9}}},
		{4, false, true, [][]int{{0, 1, 2, 3}, {4, 5, 6, 7}}},
		{3, true, true, nil}, // checked against Batches below
	}
	for _, tc := range tests {
		ds := &epochRecorder{TensorDataset: must(NewTensorDataset(arange(10, 1), arange(10)))}
		l := &DataLoader{Dataset: ds, BatchSize: tc.batch, Shuffle: tc.shuffle, Seed: 3, DropLast: tc.dropLast}
		var got [][]int
		for idx := range l.IndexBatches(2) {
			got = append(got, slices.Clone(idx))
		}
		if ds.epoch != 2 {
			t.Errorf("batch %d: the dataset got epoch %d, want 2", tc.batch, ds.epoch)
		}
		if tc.want != nil && !slices.EqualFunc(got, tc.want, slices.Equal) {
			t.Errorf("batch %d dropLast %v: IndexBatches = %v, want %v", tc.batch, tc.dropLast, got, tc.want)
		}
		labels := epochLabels(t, l, 2)
		if len(labels) != len(got) {
			t.Fatalf("batch %d: %d index batches, %d batches", tc.batch, len(got), len(labels))
		}
		for k := range got {
			for j, i := range got[k] {
				if labels[k][j] != float32(i) {
					t.Errorf("batch %d: batch %d holds label %v at %d, IndexBatches says item %d", tc.batch, k, labels[k][j], j, i)
				}
			}
		}
	}
}

// epochRecorder remembers the last epoch the loader gave it.
type epochRecorder struct {
	*TensorDataset
	epoch int
}

func (e *epochRecorder) SetEpoch(epoch int) { e.epoch = epoch }

// TestDataLoaderBatchesFrom: starting an epoch at batch k gives the
// epoch's batches from k on, the same as Batches, without loading the
// ones before (a counting dataset sees only the later items).
func TestDataLoaderBatchesFrom(t *testing.T) {
	x := make([]float32, 23)
	for i := range x {
		x[i] = float32(i)
	}
	ds := &countingDataset{Dataset: must(NewTensorDataset(tensorOf(x, 23, 1), tensorOf(x, 23)))}
	l := must(NewDataLoader(ds, 5, true, 9))
	for epoch := range 2 {
		var all [][]float32
		for b, err := range l.Batches(epoch) {
			must(0, err)
			all = append(all, b.Y.Data())
		}
		for start := range len(all) + 1 {
			ds.items = 0
			k := start
			for b, err := range l.BatchesFrom(epoch, start) {
				must(0, err)
				if !slices.Equal(b.Y.Data(), all[k]) {
					t.Fatalf("epoch %d from batch %d: batch %d is %v, want %v", epoch, start, k, b.Y.Data(), all[k])
				}
				k++
			}
			if k != len(all) {
				t.Errorf("epoch %d from batch %d: ended at batch %d, want %d", epoch, start, k, len(all))
			}
			if want := 23 - min(5*start, 23); ds.items != want {
				t.Errorf("epoch %d from batch %d: loaded %d items, want %d", epoch, start, ds.items, want)
			}
		}
	}
}

// countingDataset counts the items it serves.
type countingDataset struct {
	Dataset
	items int
}

func (c *countingDataset) Item(i int) (Sample, error) {
	c.items++
	return c.Dataset.Item(i)
}
