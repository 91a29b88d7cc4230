package quant

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"tinytorch/engine/tensor"
)

// maxSamples bounds the values a Percentile observer keeps: beyond it, it
// keeps a uniform random sample of them (reservoir sampling, with a fixed
// seed so calibration is reproducible).
const maxSamples = 1 << 20

// Percentile is a calibration observer that ignores outliers: it maps the
// range between the (100-P)-th and the P-th percentile of the observed
// values onto int8, and clamps values outside it. One rare large
// activation then no longer stretches the scale for all the others, at
// the price of clipping that one. It works per tensor (activations);
// TensorRT and torch.ao's HistogramObserver use the same idea.
type Percentile struct {
	scheme  Scheme
	P       float64 // in (50, 100]; 100 is MinMax
	values  []float32
	seen    int
	sampler *rand.Rand
}

// NewPercentile returns a Percentile observer keeping the p-th percentile
// (for example 99.99). The scheme must be per tensor and p in (50, 100].
func NewPercentile(s Scheme, p float64) (*Percentile, error) {
	if s.PerChannel {
		return nil, fmt.Errorf("quant.NewPercentile: scheme %s; expected a per-tensor scheme (the percentile observer calibrates activations)", s)
	}
	if !(p > 50 && p <= 100) {
		return nil, fmt.Errorf("quant.NewPercentile: percentile %g; expected 50 < p ≤ 100", p)
	}
	return &Percentile{scheme: s, P: p, sampler: rand.New(rand.NewPCG(1, 2))}, nil
}

// Scheme returns the observer's scheme.
func (o *Percentile) Scheme() Scheme { return o.scheme }

// Observe records x's values (NaNs are skipped).
func (o *Percentile) Observe(x *tensor.Tensor) error {
	for _, v := range x.Data() {
		if v != v {
			continue
		}
		o.seen++
		if len(o.values) < maxSamples {
			o.values = append(o.values, v)
		} else if j := o.sampler.IntN(o.seen); j < maxSamples {
			o.values[j] = v
		}
	}
	return nil
}

// Params maps [percentile(100-P), percentile(P)] onto int8.
func (o *Percentile) Params() (Params, error) {
	if o.seen == 0 {
		return Params{}, fmt.Errorf("quant.Percentile: no calibration data observed; expected at least one batch before choosing %s parameters", o.scheme)
	}
	v := slices.Clone(o.values)
	slices.Sort(v)
	lo, hi := quantile(v, (100-o.P)/100), quantile(v, o.P/100)
	return paramsFromRange(o.scheme, []float32{lo}, []float32{hi}), nil
}

// quantile returns the q-quantile of sorted values, interpolating
// linearly between neighbours as numpy.percentile does.
func quantile(sorted []float32, q float64) float32 {
	pos := q * float64(len(sorted)-1)
	i := int(math.Floor(pos))
	if i >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	f := float32(pos - float64(i))
	return sorted[i] + f*(sorted[i+1]-sorted[i])
}
