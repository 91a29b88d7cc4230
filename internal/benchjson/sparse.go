package benchjson

// SparsePoint is one density of the sparse Linear kernel against the
// dense one (tt.prune.crossover).
type SparsePoint struct {
	Density  float64 `json:"density"`
	Speedup  float64 `json:"speedup"` // dense time / sparse time
	DenseNs  float64 `json:"denseNs"`
	SparseNs float64 `json:"sparseNs"`
}

// SparseCrossover is one weight shape and batch: the points and the
// highest density at which the sparse kernel won (0: none).
type SparseCrossover struct {
	Rows      int           `json:"rows"`
	Cols      int           `json:"cols"`
	Batch     int           `json:"batch"`
	Kernel    string        `json:"kernel"`
	Crossover float64       `json:"crossover"`
	Points    []SparsePoint `json:"points"`
}

// Sparse is TestBenchSparse's file, sparse.json: the crossover in
// Chromium at batch 1 and 64 on the milestone MLP's first layer.
type Sparse struct {
	Runs []SparseCrossover `json:"runs"`
}
