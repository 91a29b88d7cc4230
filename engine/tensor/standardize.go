package tensor

import (
	"fmt"
	"math"
)

// Standardize returns (x - mean)/√(var + eps) over the last dimension,
// var the biased variance: the normalisation inside group, layer and
// instance norm. It is one op rather than a composition of Mean, Var,
// Sub and Div because its gradient,
//
//	rstd · (g - mean(g) - x̂ · mean(g·x̂)),  x̂ the output, rstd = 1/√(var + eps),
//
// is a small difference of large terms when a row has few values (with
// two, x̂ is ±1 whatever x is, and the exact gradient is nearly 0): the
// composition's float32 roundings left errors of 10⁻³ relative to the
// gradient where PyTorch's fused group_norm backward is within 10⁻⁴
// (difftest seeds 503229, 904292, 903773). Here each row is computed in
// float64 and rounded once. A row of no values gives an empty result; a
// NaN or infinity in a row makes the whole row, and its gradient, NaN.
func (t *Tensor) Standardize(eps float64) (*Tensor, error) {
	if t.Dim() == 0 {
		return nil, fmt.Errorf("standardize: needs at least one dimension, got a 0-d tensor")
	}
	d := t.shape[t.Dim()-1]
	x := t.values()
	y := make([]float32, len(x))
	rows := len(x) / max(d, 1)
	mean, rstd := make([]float64, 0, rows), make([]float64, 0, rows)
	for r := 0; r+d <= len(x) && d > 0; r += d {
		row := x[r : r+d]
		m, s := 0.0, 0.0
		for _, v := range row {
			m += float64(v)
		}
		m /= float64(d)
		for _, v := range row {
			s += (float64(v) - m) * (float64(v) - m)
		}
		k := 1 / math.Sqrt(s/float64(d)+eps)
		mean, rstd = append(mean, m), append(rstd, k)
		for i, v := range row {
			y[r+i] = float32((float64(v) - m) * k)
		}
	}
	out := fromData(y, t.shape)
	// x̂ is recomputed in float64 from x, mean and rstd in backward: the
	// float32 output's rounding alone, times mean(g·x̂), is already an
	// error of 10⁻³ relative to a nearly cancelling gradient.
	record(out, "standardize", []*Tensor{t}, []*Tensor{t}, func(g *Tensor) []*Tensor {
		gv := g.values()
		dx := make([]float32, len(y))
		for r, k := range rstd {
			row, gr := x[r*d:(r+1)*d], gv[r*d:(r+1)*d]
			xh := make([]float64, d)
			mg, mgx := 0.0, 0.0
			for i, v := range row {
				xh[i] = (float64(v) - mean[r]) * k
				mg += float64(gr[i])
				mgx += float64(gr[i]) * xh[i]
			}
			mg /= float64(d)
			mgx /= float64(d)
			for i := range row {
				dx[r*d+i] = float32(k * (float64(gr[i]) - mg - xh[i]*mgx))
			}
		}
		return []*Tensor{fromData(dx, t.shape)}
	})
	return out, nil
}
