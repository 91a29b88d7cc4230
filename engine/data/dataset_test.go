package data

import (
	"slices"
	"testing"

	"tinytorch/engine/tensor"
)

func TestTensorDataset(t *testing.T) {
	ds := must(NewTensorDataset(arange(5, 2), arange(5)))
	if ds.Len() != 5 {
		t.Fatalf("Len = %d", ds.Len())
	}
	s := must(ds.Item(3))
	if got := s.X.Data(); !slices.Equal(got, []float32{6, 7}) {
		t.Errorf("item 3 x = %v", got)
	}
	if got := must(s.Y.Item()); got != 3 {
		t.Errorf("item 3 y = %v", got)
	}
	b := must(ds.Items([]int{4, 0}))
	if !slices.Equal(b.X.Shape(), []int{2, 2}) || !slices.Equal(b.X.Data(), []float32{8, 9, 0, 1}) || !slices.Equal(b.Y.Data(), []float32{4, 0}) {
		t.Errorf("items [4 0] = %v %v", b.X, b.Y)
	}
	tests := []struct {
		name string
		err  func() error
		want string
	}{
		{"sizes differ", func() error { _, err := NewTensorDataset(arange(5, 2), arange(4)); return err }, "x of shape [5, 2] and y of shape [4] have different numbers of samples (5 and 4)"},
		{"scalar x", func() error { _, err := NewTensorDataset(tensor.Scalar(1), nil); return err }, "x must have a first dimension"},
		{"scalar y", func() error { _, err := NewTensorDataset(arange(2), tensor.Scalar(1)); return err }, "got a scalar"},
		{"item out of range", func() error { _, err := ds.Item(5); return err }, "TensorDataset: index 5 is out of range for a dataset of 5 items"},
		{"items out of range", func() error { _, err := ds.Items([]int{0, -1}); return err }, "index -1 is out of range"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { errContains(t, tc.err(), tc.want) })
	}
}

func TestTensorDatasetWithoutTargets(t *testing.T) {
	ds := must(NewTensorDataset(arange(3, 2), nil))
	l := &DataLoader{Dataset: ds, BatchSize: 2}
	for b, err := range l.Batches(0) {
		if err != nil || b.Y != nil || b.X.Shape()[1] != 2 {
			t.Fatalf("batch %v, %v, err %v", b.X, b.Y, err)
		}
	}
}

func TestSubsetAndRandomSplit(t *testing.T) {
	ds := must(NewTensorDataset(arange(10, 1), arange(10)))
	parts := must(RandomSplit(ds, []int{7, 3}, 42))
	if parts[0].Len() != 7 || parts[1].Len() != 3 {
		t.Fatalf("lengths %d, %d", parts[0].Len(), parts[1].Len())
	}
	var seen []int
	for _, p := range parts {
		for i := range p.Len() {
			seen = append(seen, int(must(must(p.Item(i)).Y.Item())))
		}
	}
	slices.Sort(seen)
	if !slices.Equal(seen, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}) {
		t.Errorf("the parts do not cover the set exactly once: %v", seen)
	}
	again := must(RandomSplit(ds, []int{7, 3}, 42))
	other := must(RandomSplit(ds, []int{7, 3}, 43))
	if !slices.Equal(again[0].Indices, parts[0].Indices) {
		t.Errorf("the same seed gave %v then %v", parts[0].Indices, again[0].Indices)
	}
	if slices.Equal(other[0].Indices, parts[0].Indices) {
		t.Errorf("seeds 42 and 43 gave the same split %v", parts[0].Indices)
	}
	// Items of a subset go through the parent's batch fetch.
	b := must(parts[1].Items([]int{0, 2}))
	want := []float32{float32(parts[1].Indices[0]), float32(parts[1].Indices[2])}
	if !slices.Equal(b.Y.Data(), want) {
		t.Errorf("subset items y = %v, want %v", b.Y.Data(), want)
	}
	errContains(t, func() error { _, err := RandomSplit(ds, []int{7, 4}, 1); return err }(), "lengths [7 4] add up to 11, but the dataset has 10 items")
	errContains(t, func() error { _, err := NewSubset(ds, []int{10}); return err }(), "Subset: index 10 is out of range")
}

func TestSplitLengths(t *testing.T) {
	tests := []struct {
		n     int
		fracs []float64
		want  []int
		err   string
	}{
		{10, []float64{0.8, 0.2}, []int{8, 2}, ""},
		{10, []float64{1.0 / 3, 1.0 / 3, 1.0 / 3}, []int{4, 3, 3}, ""},
		{5, []float64{0.5, 0.5}, []int{3, 2}, ""},
		{10, []float64{0.5, 0.4}, nil, "add up to 0.9, not 1"},
		{10, []float64{1.5, -0.5}, nil, "outside [0, 1]"},
	}
	for _, tc := range tests {
		got, err := SplitLengths(tc.n, tc.fracs)
		errContains(t, err, tc.err)
		if !slices.Equal(got, tc.want) {
			t.Errorf("SplitLengths(%d, %v) = %v, want %v", tc.n, tc.fracs, got, tc.want)
		}
	}
}

func TestConcatDataset(t *testing.T) {
	a := must(NewTensorDataset(arange(2, 1), arange(2)))
	b := must(NewTensorDataset(arange(3, 1), arange(3)))
	c := must(NewConcatDataset(a, b))
	if c.Len() != 5 {
		t.Fatalf("Len = %d", c.Len())
	}
	want := []float32{0, 1, 0, 1, 2}
	for i, w := range want {
		if got := must(must(c.Item(i)).Y.Item()); got != w {
			t.Errorf("item %d = %v, want %v", i, got, w)
		}
	}
	errContains(t, func() error { _, err := c.Item(5); return err }(), "ConcatDataset: index 5 is out of range for a dataset of 5 items")
	errContains(t, func() error { _, err := NewConcatDataset(); return err }(), "no datasets")
	// The loader collates items from both parts.
	l := &DataLoader{Dataset: c, BatchSize: 5}
	for batch, err := range l.Batches(0) {
		if err != nil || !slices.Equal(batch.Y.Data(), want) {
			t.Errorf("batch y = %v, err %v", batch.Y, err)
		}
	}
}

// TestItemsOfViews gathers rows of tensors that are views: one contiguous
// but starting inside its storage, one strided, one with no rows' worth
// of elements per row. Each must give the rows' values in order.
func TestItemsOfViews(t *testing.T) {
	base := arange(6, 2) // rows [0 1] [2 3] … [10 11]
	tests := []struct {
		name string
		x    *tensor.Tensor
		idx  []int
		want []float32
	}{
		{"contiguous, offset", must(base.Narrow(0, 2, 3)), []int{2, 0}, []float32{8, 9, 4, 5}},
		{"strided", must(base.Transpose(0, 1)), []int{1, 0, 1}, []float32{1, 3, 5, 7, 9, 11, 0, 2, 4, 6, 8, 10, 1, 3, 5, 7, 9, 11}},
		{"empty rows", must(tensor.Zeros(3, 0)), []int{2, 1}, []float32{}},
		{"no indices", base, nil, []float32{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds := must(NewTensorDataset(tt.x, nil))
			b := must(ds.Items(tt.idx))
			wantShape := append([]int{len(tt.idx)}, tt.x.Shape()[1:]...)
			if !slices.Equal(b.X.Shape(), wantShape) || !slices.Equal(b.X.Data(), tt.want) {
				t.Errorf("rows %v: %v of shape %v, want %v of shape %v", tt.idx, b.X.Data(), b.X.Shape(), tt.want, wantShape)
			}
		})
	}
}
