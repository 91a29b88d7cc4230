package quant

import (
	"fmt"
	"math"
	"slices"

	"tinytorch/engine/tensor"
)

// Observer watches the values a tensor takes over calibration batches and
// chooses its quantization parameters from them, as
// torch.ao.quantization's observers do.
type Observer interface {
	// Observe records x's values.
	Observe(x *tensor.Tensor) error
	// Params chooses the parameters from everything observed. It is an
	// error before any value was observed.
	Params() (Params, error)
	// Scheme returns the observer's quantization scheme.
	Scheme() Scheme
}

// MinMax is torch.ao.quantization.MinMaxObserver (and, per channel,
// PerChannelMinMaxObserver): it keeps the smallest and largest value seen,
// per tensor or per channel, and maps that range onto int8.
type MinMax struct {
	scheme Scheme
	lo, hi []float32 // one per channel; nil before the first Observe
}

// NewMinMax returns a MinMax observer for the scheme.
func NewMinMax(s Scheme) *MinMax { return &MinMax{scheme: s} }

// Scheme returns the observer's scheme.
func (o *MinMax) Scheme() Scheme { return o.scheme }

// Observe widens the recorded range to include x's values (NaNs are
// skipped). A per-channel axis that x does not have is an error, as is a
// channel count that changed since the last call.
func (o *MinMax) Observe(x *tensor.Tensor) error {
	shape := x.Shape()
	if err := o.scheme.checkAxis("quant.MinMax.Observe", shape); err != nil {
		return err
	}
	channels, ch := 1, func(int) int { return 0 }
	if o.scheme.PerChannel {
		channels = shape[o.scheme.Axis]
		ch = Params{Axis: o.scheme.Axis}.channelOf(shape)
	}
	if o.lo == nil {
		o.lo, o.hi = make([]float32, channels), make([]float32, channels)
		for c := range channels {
			o.lo[c], o.hi[c] = float32(math.Inf(1)), float32(math.Inf(-1))
		}
	} else if len(o.lo) != channels {
		return fmt.Errorf("quant.MinMax.Observe: a tensor of shape %s has %d channels along axis %d; expected %d, as before",
			shapeString(shape), channels, o.scheme.Axis, len(o.lo))
	}
	for i, v := range x.Data() {
		c := ch(i)
		if v < o.lo[c] {
			o.lo[c] = v
		}
		if v > o.hi[c] {
			o.hi[c] = v
		}
	}
	return nil
}

// Range returns the smallest and largest values seen, per channel.
func (o *MinMax) Range() (lo, hi []float32) { return slices.Clone(o.lo), slices.Clone(o.hi) }

// Params maps the observed range onto int8 (ChooseParams). A channel that
// saw only NaNs (or no values: an empty tensor) gets the range [0, 0].
func (o *MinMax) Params() (Params, error) {
	if o.lo == nil {
		return Params{}, fmt.Errorf("quant.MinMax: no calibration data observed; expected at least one batch before choosing %s parameters", o.scheme)
	}
	return paramsFromRange(o.scheme, o.lo, o.hi), nil
}

// paramsFromRange builds Params from per-channel ranges.
func paramsFromRange(s Scheme, lo, hi []float32) Params {
	p := Params{Scale: make([]float32, len(lo)), ZeroPoint: make([]int32, len(lo)), Axis: -1, Bits: s.Bits}
	if s.PerChannel {
		p.Axis = s.Axis
	}
	for c := range lo {
		l, h := lo[c], hi[c]
		if l > h { // nothing finite observed
			l, h = 0, 0
		}
		p.Scale[c], p.ZeroPoint[c] = ChooseParams(l, h, s)
	}
	return p
}

// WeightParams returns the parameters a MinMax observer with scheme s
// would choose for w alone: how weights, which are known, are quantized.
func WeightParams(w *tensor.Tensor, s Scheme) (Params, error) {
	o := NewMinMax(s)
	if err := o.Observe(w); err != nil {
		return Params{}, err
	}
	return o.Params()
}
