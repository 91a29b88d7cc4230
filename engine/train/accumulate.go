package train

import (
	"tinytorch/engine/tensor"
)

// accumulator sums the loss and the metrics over an epoch's batches,
// weighting each batch by its number of samples.
type accumulator struct {
	metrics []Metric
	samples int
	loss    float64
	sums    []float64
	counts  []int
}

func newAccumulator(metrics []Metric) *accumulator {
	return &accumulator{metrics: metrics, sums: make([]float64, len(metrics)), counts: make([]int, len(metrics))}
}

// add records one batch: its mean loss and its metrics.
func (a *accumulator) add(lossValue float64, out, target *tensor.Tensor) error {
	n := 1
	if s := out.Shape(); len(s) > 0 {
		n = s[0]
	}
	a.samples += n
	a.loss += lossValue * float64(n)
	for i, m := range a.metrics {
		if !builtIn(m, trainPackage) {
			out.MarkHeld() // a metric written elsewhere may keep it
		}
		sum, count, err := m.Batch(out.Detach(), target)
		if err != nil {
			return err
		}
		a.sums[i] += sum
		a.counts[i] += count
	}
	return nil
}

// means returns the averages so far, keyed by prefix + name.
func (a *accumulator) means(prefix string) map[string]float64 {
	m := map[string]float64{}
	if a.samples > 0 {
		m[prefix+"loss"] = a.loss / float64(a.samples)
	}
	for i, met := range a.metrics {
		if a.counts[i] > 0 {
			m[prefix+met.Name()] = a.sums[i] / float64(a.counts[i])
		}
	}
	return m
}
