package nn

import (
	"fmt"

	"tinytorch/engine/tensor"
)

// PoolOptions are the settings of MaxPool2d and AvgPool2d besides the
// kernel size: zero Stride means the kernel size (non-overlapping
// windows, PyTorch's default); Dilation (MaxPool2d only) 0 means 1.
type PoolOptions struct {
	Stride, Padding, Dilation int
}

// pool is what the two pooling layers share: a square window, applied to
// each channel separately.
type pool struct {
	ModuleBase
	Kernel int
	Opts   PoolOptions
}

func (p *pool) init(self Module, name string, kernel int, o PoolOptions) error {
	if kernel <= 0 || o.Stride < 0 || o.Padding < 0 || o.Dilation < 0 {
		return fmt.Errorf("nn.%s: kernel_size=%d, stride=%d, padding=%d, dilation=%d, expected a kernel > 0 and the rest ≥ 0", name, kernel, o.Stride, o.Padding, o.Dilation)
	}
	if 2*o.Padding > kernel {
		return fmt.Errorf("nn.%s: padding %d is more than half the kernel size %d", name, o.Padding, kernel)
	}
	if o.Stride == 0 {
		o.Stride = kernel
	}
	o.Dilation = max(o.Dilation, 1)
	p.Kernel, p.Opts = kernel, o
	p.Init(self, name)
	return nil
}

// window is the pooling window, padding included.
func (p *pool) window() tensor.Window {
	return tensor.Window{Kernel: [2]int{p.Kernel, p.Kernel}, Stride: [2]int{p.Opts.Stride, p.Opts.Stride},
		Padding: [2]int{p.Opts.Padding, p.Opts.Padding}, Dilation: [2]int{p.Opts.Dilation, p.Opts.Dilation}}
}

// columns unfolds every channel of x [N, C, H, W] on its own: the result
// is [N·C, k·k, Ho·Wo], one column per window position, plus the output
// size. Padding is filled with pad (AvgPool2d's 0, which the average
// counts, as PyTorch's default count_include_pad does; MaxPool2d has its
// own primitive, Tensor.MaxPool2d).
func (p *pool) columns(x *tensor.Tensor, pad float32) (cols *tensor.Tensor, ho, wo int, err error) {
	if err := checkImage(&p.ModuleBase, x, 0); err != nil {
		return nil, 0, 0, err
	}
	s := x.Shape()
	w := p.window()
	pd := p.Opts.Padding
	w.Padding = [2]int{}
	ho, wo = w.OutputSize(0, s[2]+2*pd), w.OutputSize(1, s[3]+2*pd)
	if ho <= 0 || wo <= 0 {
		return nil, 0, 0, p.Errorf("input %s is too small for a %dx%d window", ShapeString(s), p.Kernel, p.Kernel)
	}
	planes, err := x.Reshape(s[0]*s[1], 1, s[2], s[3])
	if err == nil && pd > 0 {
		planes, err = planes.Pad([]int{pd, pd, pd, pd}, pad)
	}
	if err == nil {
		cols, err = planes.Unfold(w)
	}
	return cols, ho, wo, err
}

// MaxPool2d keeps the largest value of each window: it shrinks feature
// maps while keeping the strongest responses. The gradient goes to the
// position of the maximum only (the first one on ties, as in PyTorch).
type MaxPool2d struct{ pool }

// NewMaxPool2d makes a MaxPool2d with a kernel×kernel window.
func NewMaxPool2d(kernel int, o PoolOptions) (*MaxPool2d, error) {
	m := &MaxPool2d{}
	return m, m.init(m, "MaxPool2d", kernel, o)
}

// Forward pools x [N, C, H, W] into [N, C, Ho, Wo], with the dedicated
// tensor primitive (one pass, no unfolded columns); the gradient reaches
// one position per window even when several hold the maximum.
func (m *MaxPool2d) Forward(x *tensor.Tensor) (*tensor.Tensor, error) {
	if err := checkImage(&m.ModuleBase, x, 0); err != nil {
		return nil, err
	}
	s := x.Shape()
	w := m.window()
	if w.OutputSize(0, s[2]) <= 0 || w.OutputSize(1, s[3]) <= 0 {
		return nil, m.Errorf("input %s is too small for a %dx%d window", ShapeString(s), m.Kernel, m.Kernel)
	}
	return x.MaxPool2d(w)
}

// ExtraRepr shows the settings as PyTorch does.
func (m *MaxPool2d) ExtraRepr() string {
	return fmt.Sprintf("kernel_size=%d, stride=%d, padding=%d, dilation=%d, ceil_mode=False", m.Kernel, m.Opts.Stride, m.Opts.Padding, m.Opts.Dilation)
}

// AvgPool2d averages each window. Windows over the padding count the
// padded zeros (PyTorch's default, count_include_pad=True).
type AvgPool2d struct{ pool }

// NewAvgPool2d makes an AvgPool2d with a kernel×kernel window.
func NewAvgPool2d(kernel int, o PoolOptions) (*AvgPool2d, error) {
	if o.Dilation > 1 {
		return nil, fmt.Errorf("nn.AvgPool2d: dilation %d, but average pooling has no dilation", o.Dilation)
	}
	m := &AvgPool2d{}
	return m, m.init(m, "AvgPool2d", kernel, o)
}

// Forward pools x [N, C, H, W] into [N, C, Ho, Wo].
func (m *AvgPool2d) Forward(x *tensor.Tensor) (*tensor.Tensor, error) {
	cols, ho, wo, err := m.columns(x, 0)
	if err != nil {
		return nil, err
	}
	y, err := cols.Mean([]int{1}, false)
	if err != nil {
		return nil, err
	}
	s := x.Shape()
	return y.Reshape(s[0], s[1], ho, wo)
}

// ExtraRepr shows the settings as PyTorch does.
func (m *AvgPool2d) ExtraRepr() string {
	return fmt.Sprintf("kernel_size=%d, stride=%d, padding=%d", m.Kernel, m.Opts.Stride, m.Opts.Padding)
}
