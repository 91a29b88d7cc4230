package nn

import (
	"fmt"

	"tinytorch/engine/tensor"
)

// NormOptions configures BatchNorm1d and BatchNorm2d. Zero values are
// PyTorch's defaults: Eps 1e-5, Momentum 0.1, with a learned scale and
// shift (affine) and running statistics.
type NormOptions struct {
	Eps      float64
	Momentum float64 // weight of the new batch in the running averages
	NoAffine bool    // no learned weight and bias
	// NoRunningStats always normalises with the batch's own statistics,
	// also in evaluation mode (PyTorch's track_running_stats=False).
	NoRunningStats bool
}

// BatchNorm normalises each channel over the batch (and, for images, over
// the pixels): y = (x - mean) / √(var + eps) · weight + bias. In training
// mode it uses the batch's mean and (biased) variance and updates running
// averages of them; in evaluation mode it uses the running averages, so
// that a sample's output does not depend on the rest of its batch.
//
// BatchNorm1d takes [N, C] or [N, C, L]; BatchNorm2d takes [N, C, H, W].
type BatchNorm struct {
	ModuleBase
	Features int
	Opts     NormOptions
	Weight   *tensor.Tensor // [C], ones at first; nil with NoAffine
	Bias     *tensor.Tensor // [C], zeros at first; nil with NoAffine
	// RunningMean and RunningVar are buffers: saved in the state dict,
	// not trained. NumBatchesTracked counts training batches (PyTorch
	// keeps it as an integer; here it is a float scalar).
	RunningMean, RunningVar, NumBatchesTracked *tensor.Tensor

	ranks []int // accepted input ranks: [2, 3] or [4]
}

// NewBatchNorm1d makes a BatchNorm for [N, C] or [N, C, L] inputs.
func NewBatchNorm1d(features int, o NormOptions) (*BatchNorm, error) {
	return newBatchNorm("BatchNorm1d", features, o, []int{2, 3})
}

// NewBatchNorm2d makes a BatchNorm for [N, C, H, W] inputs.
func NewBatchNorm2d(features int, o NormOptions) (*BatchNorm, error) {
	return newBatchNorm("BatchNorm2d", features, o, []int{4})
}

func newBatchNorm(name string, features int, o NormOptions, ranks []int) (*BatchNorm, error) {
	if features <= 0 {
		return nil, fmt.Errorf("nn.%s: num_features=%d, expected > 0", name, features)
	}
	if o.Eps == 0 {
		o.Eps = 1e-5
	}
	if o.Momentum == 0 {
		o.Momentum = 0.1
	}
	if o.Eps < 0 || o.Momentum < 0 || o.Momentum > 1 {
		return nil, fmt.Errorf("nn.%s: eps=%g, momentum=%g, expected eps > 0 and momentum in (0, 1]", name, o.Eps, o.Momentum)
	}
	m := &BatchNorm{Features: features, Opts: o, ranks: ranks}
	m.Init(m, name)
	if !o.NoAffine {
		m.Weight = m.AddParam("weight", must(tensor.Ones(features)))
		m.Bias = m.AddParam("bias", must(tensor.Zeros(features)))
	}
	if !o.NoRunningStats {
		m.RunningMean = m.AddBuffer("running_mean", must(tensor.Zeros(features)))
		m.RunningVar = m.AddBuffer("running_var", must(tensor.Ones(features)))
		m.NumBatchesTracked = m.AddBuffer("num_batches_tracked", tensor.Scalar(0))
	}
	return m, nil
}

// Forward normalises x.
func (m *BatchNorm) Forward(x *tensor.Tensor) (*tensor.Tensor, error) {
	s := x.Shape()
	if !m.acceptsRank(len(s)) || s[1] != m.Features {
		want := fmt.Sprintf("[N, %d] or [N, %d, L]", m.Features, m.Features)
		if m.ranks[0] == 4 {
			want = fmt.Sprintf("[N, %d, H, W]", m.Features)
		}
		return nil, m.Errorf("expected input %s, got %s", want, ShapeString(s))
	}
	// Statistics over every dimension but the channels (1); per-channel
	// tensors are shaped [C, 1, …] so that they broadcast against x.
	dims := []int{0}
	for d := 2; d < len(s); d++ {
		dims = append(dims, d)
	}
	chShape := append([]int{m.Features}, make([]int, len(s)-2)...)
	for i := 1; i < len(chShape); i++ {
		chShape[i] = 1
	}
	mean, variance, err := m.statistics(x, dims, chShape)
	if err != nil {
		return nil, err
	}
	return m.normalize(x, mean, variance, chShape)
}

func (m *BatchNorm) acceptsRank(r int) bool {
	for _, a := range m.ranks {
		if a == r {
			return true
		}
	}
	return false
}

// statistics returns the mean and biased variance to normalise with: the
// batch's in training mode (updating the running averages), the running
// averages in evaluation mode.
func (m *BatchNorm) statistics(x *tensor.Tensor, dims, chShape []int) (mean, variance *tensor.Tensor, err error) {
	if !m.Training() && m.RunningMean != nil {
		mean, err = m.RunningMean.Reshape(chShape...)
		if err == nil {
			variance, err = m.RunningVar.Reshape(chShape...)
		}
		return mean, variance, err
	}
	n := x.Numel() / m.Features
	if n <= 1 {
		return nil, nil, m.Errorf("expected more than 1 value per channel in training mode, got input %s", ShapeString(x.Shape()))
	}
	if mean, err = x.Mean(dims, true); err != nil {
		return nil, nil, err
	}
	if variance, err = x.Var(dims, 0, true); err != nil {
		return nil, nil, err
	}
	if m.RunningMean != nil {
		m.updateRunning(mean, variance, n)
	}
	if mean, err = mean.Reshape(chShape...); err == nil {
		variance, err = variance.Reshape(chShape...)
	}
	return mean, variance, err
}

// updateRunning blends the batch statistics into the running averages:
// r ← (1-momentum)·r + momentum·batch. The running variance uses the
// unbiased estimate (·n/(n-1)), as PyTorch's does.
func (m *BatchNorm) updateRunning(mean, variance *tensor.Tensor, n int) {
	mom := float32(m.Opts.Momentum)
	tensor.NoGrad(func() {
		bm := must(mean.Reshape(m.Features))
		bv := must(variance.Reshape(m.Features)).MulScalar(float32(n) / float32(n-1))
		must(m.RunningMean.CopyInPlace(must(m.RunningMean.MulScalar(1 - mom).Add(bm.MulScalar(mom)))))
		must(m.RunningVar.CopyInPlace(must(m.RunningVar.MulScalar(1 - mom).Add(bv.MulScalar(mom)))))
		must(m.NumBatchesTracked.AddScalarInPlace(1))
	})
}

// normalize computes (x - mean)/√(var + eps)·weight + bias.
func (m *BatchNorm) normalize(x, mean, variance *tensor.Tensor, chShape []int) (*tensor.Tensor, error) {
	centered, err := x.Sub(mean)
	if err != nil {
		return nil, err
	}
	y, err := centered.Div(variance.AddScalar(float32(m.Opts.Eps)).Sqrt())
	if err != nil || m.Weight == nil {
		return y, err
	}
	if y, err = y.Mul(must(m.Weight.Reshape(chShape...))); err != nil {
		return nil, err
	}
	return y.Add(must(m.Bias.Reshape(chShape...)))
}

// ExtraRepr shows the settings as PyTorch does.
func (m *BatchNorm) ExtraRepr() string {
	return fmt.Sprintf("%d, eps=%g, momentum=%g, affine=%s, track_running_stats=%s",
		m.Features, m.Opts.Eps, m.Opts.Momentum, pyBool(!m.Opts.NoAffine), pyBool(!m.Opts.NoRunningStats))
}

// must unwraps the result of an op whose arguments the layer has already
// validated; an error here is a bug in this package.
func must[T any](v T, err error) T {
	if size, tooLarge := err.(*tensor.SizeError); tooLarge {
		panic(size) // not a bug: the layer is over the memory budget (tensor/budget.go)
	}
	if err != nil {
		panic("nn: internal error: " + err.Error())
	}
	return v
}
