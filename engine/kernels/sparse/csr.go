// Package sparse holds a sparse matrix kernel for pruned layers: a
// Linear's weight in compressed sparse row form (CSR) multiplied by a
// batch of dense inputs, y = x·Wᵀ, visiting only the nonzero weights.
//
// A dense kernel does 2·rows·cols FLOPs whatever the values; this one does
// 2·nnz, but each of them loads an index and jumps around the input, so
// it only wins below some density. Crossover measures where
// (make bench prints it, natively and in Chromium).
package sparse

import (
	"fmt"
)

// CSR is a rows×cols matrix in compressed sparse row form: the nonzeros
// of row r are Values[RowPtr[r]:RowPtr[r+1]], in columns
// ColIdx[RowPtr[r]:RowPtr[r+1]] (ascending).
type CSR struct {
	Rows, Cols int
	RowPtr     []int32 // Rows+1 offsets into ColIdx and Values
	ColIdx     []int32
	Values     []float32
}

// FromDense compresses the row-major rows×cols matrix w, keeping the
// elements that are not exactly zero.
func FromDense(w []float32, rows, cols int) (*CSR, error) {
	if rows < 0 || cols < 0 || len(w) != rows*cols {
		return nil, fmt.Errorf("sparse.FromDense: %d values for a %d×%d matrix, expected %d", len(w), rows, cols, max(rows*cols, 0))
	}
	m := &CSR{Rows: rows, Cols: cols, RowPtr: make([]int32, rows+1)}
	for r := range rows {
		for c, v := range w[r*cols : (r+1)*cols] {
			if v != 0 {
				m.ColIdx = append(m.ColIdx, int32(c))
				m.Values = append(m.Values, v)
			}
		}
		m.RowPtr[r+1] = int32(len(m.Values))
	}
	return m, nil
}

// NNZ is the number of stored nonzeros.
func (m *CSR) NNZ() int { return len(m.Values) }

// Density is the fraction of elements stored.
func (m *CSR) Density() float64 {
	if m.Rows*m.Cols == 0 {
		return 0
	}
	return float64(m.NNZ()) / float64(m.Rows*m.Cols)
}

// Bytes is the memory the matrix takes: 4 bytes per value and per column
// index, 4 per row offset.
func (m *CSR) Bytes() int { return 4 * (2*m.NNZ() + len(m.RowPtr)) }

// Dense expands the matrix back to row-major values.
func (m *CSR) Dense() []float32 {
	w := make([]float32, m.Rows*m.Cols)
	for r := range m.Rows {
		for k := m.RowPtr[r]; k < m.RowPtr[r+1]; k++ {
			w[r*m.Cols+int(m.ColIdx[k])] = m.Values[k]
		}
	}
	return w
}

// MulT computes y = x·Mᵀ for x of n rows of Cols values, writing n rows
// of Rows values into y: a Linear's forward pass without its bias. Each
// output is a dot product over its row's nonzeros, gathering the inputs
// they need. Four input rows are done together, so that each nonzero's
// value and column index, loaded once, serve four products.
func (m *CSR) MulT(y, x []float32, n int) error {
	if n < 0 || len(x) != n*m.Cols || len(y) != n*m.Rows {
		return fmt.Errorf("sparse.MulT: x has %d values and y %d for %d rows of a %d×%d matrix, expected %d and %d", len(x), len(y), n, m.Rows, m.Cols, n*m.Cols, n*m.Rows)
	}
	i := 0
	for ; i+4 <= n; i += 4 {
		m.gather4(y[i*m.Rows:(i+4)*m.Rows], x[i*m.Cols:(i+4)*m.Cols])
	}
	for ; i < n; i++ {
		m.gather(y[i*m.Rows:(i+1)*m.Rows], x[i*m.Cols:(i+1)*m.Cols])
	}
	return nil
}

// gather computes one output row y = x·Mᵀ for one input row x.
func (m *CSR) gather(y, x []float32) {
	for r := range m.Rows {
		var s float32
		lo, hi := m.RowPtr[r], m.RowPtr[r+1]
		cols, vals := m.ColIdx[lo:hi], m.Values[lo:hi]
		for k, c := range cols {
			s += vals[k] * x[c]
		}
		y[r] = s
	}
}

// gather4 is gather for four input rows at once (x holds 4·Cols values,
// y 4·Rows).
func (m *CSR) gather4(y, x []float32) {
	x0, x1, x2, x3 := x[:m.Cols], x[m.Cols:2*m.Cols], x[2*m.Cols:3*m.Cols], x[3*m.Cols:4*m.Cols]
	for r := range m.Rows {
		var s0, s1, s2, s3 float32
		lo, hi := m.RowPtr[r], m.RowPtr[r+1]
		cols, vals := m.ColIdx[lo:hi], m.Values[lo:hi]
		for k, c := range cols {
			v := vals[k]
			s0 += v * x0[c]
			s1 += v * x1[c]
			s2 += v * x2[c]
			s3 += v * x3[c]
		}
		y[r], y[m.Rows+r], y[2*m.Rows+r], y[3*m.Rows+r] = s0, s1, s2, s3
	}
}
