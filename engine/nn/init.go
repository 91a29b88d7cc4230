package nn

import (
	"fmt"
	"math"

	"tinytorch/engine/tensor"
)

// The initialisation schemes of torch.nn.init. Each overwrites a tensor in
// place (outside the graph) with numbers from the tensor package's seeded
// generator, so tensor.ManualSeed makes a model reproducible. The
// distributions and bounds are PyTorch's; the numbers themselves differ,
// because PyTorch's generator is another algorithm.

// FanMode chooses which fan Kaiming initialisation preserves: FanIn keeps
// the variance of activations in the forward pass (PyTorch's default),
// FanOut that of gradients in the backward pass.
type FanMode int

const (
	FanIn FanMode = iota
	FanOut
)

// InitUniform fills t with numbers drawn uniformly from [a, b).
func InitUniform(t *tensor.Tensor, a, b float64) error {
	if !(a <= b) {
		return fmt.Errorf("init.uniform: bounds a=%g, b=%g, expected a ≤ b", a, b)
	}
	g := tensor.DefaultGenerator()
	return fill(t, func() float64 { return a + (b-a)*float64(g.Float32()) })
}

// InitNormal fills t with numbers drawn from N(mean, std²).
func InitNormal(t *tensor.Tensor, mean, std float64) error {
	if !(std >= 0) {
		return fmt.Errorf("init.normal: std=%g, expected std ≥ 0", std)
	}
	g := tensor.DefaultGenerator()
	return fill(t, func() float64 { return mean + std*g.Normal() })
}

// InitConstant fills t with v.
func InitConstant(t *tensor.Tensor, v float64) error {
	return fill(t, func() float64 { return v })
}

// InitZeros fills t with 0.
func InitZeros(t *tensor.Tensor) error { return InitConstant(t, 0) }

// InitOnes fills t with 1.
func InitOnes(t *tensor.Tensor) error { return InitConstant(t, 1) }

// InitXavierUniform is Glorot's scheme: U(-a, a) with
// a = gain·√(6 / (fanIn + fanOut)), which keeps the variance of both
// activations and gradients about constant across layers.
func InitXavierUniform(t *tensor.Tensor, gain float64) error {
	fanIn, fanOut, err := Fans(t.Shape())
	if err != nil {
		return err
	}
	a := gain * math.Sqrt(6/float64(fanIn+fanOut))
	return InitUniform(t, -a, a)
}

// InitXavierNormal is Glorot's scheme with N(0, std²),
// std = gain·√(2 / (fanIn + fanOut)).
func InitXavierNormal(t *tensor.Tensor, gain float64) error {
	fanIn, fanOut, err := Fans(t.Shape())
	if err != nil {
		return err
	}
	return InitNormal(t, 0, gain*math.Sqrt(2/float64(fanIn+fanOut)))
}

// InitKaimingUniform is He's scheme: U(-b, b) with b = gain·√(3 / fan),
// gain from CalculateGain(nonlinearity, a). PyTorch initialises Linear and
// Conv2d weights with a = √5 and "leaky_relu", which gives b = 1/√fanIn.
func InitKaimingUniform(t *tensor.Tensor, a float64, mode FanMode, nonlinearity string) error {
	std, err := kaimingStd(t, a, mode, nonlinearity)
	if err != nil {
		return err
	}
	b := math.Sqrt(3) * std // a uniform on [-b, b] has standard deviation b/√3
	return InitUniform(t, -b, b)
}

// InitKaimingNormal is He's scheme with N(0, std²), std = gain / √fan.
func InitKaimingNormal(t *tensor.Tensor, a float64, mode FanMode, nonlinearity string) error {
	std, err := kaimingStd(t, a, mode, nonlinearity)
	if err != nil {
		return err
	}
	return InitNormal(t, 0, std)
}

// kaimingStd is gain / √fan, the standard deviation He et al. derive.
func kaimingStd(t *tensor.Tensor, a float64, mode FanMode, nonlinearity string) (float64, error) {
	fanIn, fanOut, err := Fans(t.Shape())
	if err != nil {
		return 0, err
	}
	gain, err := CalculateGain(nonlinearity, a)
	if err != nil {
		return 0, err
	}
	fan := fanIn
	if mode == FanOut {
		fan = fanOut
	}
	return gain / math.Sqrt(float64(fan)), nil
}

// CalculateGain returns PyTorch's recommended gain for a nonlinearity:
// 1 for "linear", "conv2d" and "sigmoid", 5/3 for "tanh", √2 for "relu",
// √(2 / (1 + slope²)) for "leaky_relu" (param is the slope, default 0.01
// when 0), 3/4 for "selu".
func CalculateGain(nonlinearity string, param float64) (float64, error) {
	switch nonlinearity {
	case "linear", "conv1d", "conv2d", "conv3d", "sigmoid":
		return 1, nil
	case "tanh":
		return 5.0 / 3, nil
	case "relu":
		return math.Sqrt2, nil
	case "leaky_relu":
		if param == 0 {
			param = 0.01
		}
		return math.Sqrt(2 / (1 + param*param)), nil
	case "selu":
		return 0.75, nil
	}
	return 0, fmt.Errorf("init.calculateGain: unknown nonlinearity %q, expected linear, conv2d, sigmoid, tanh, relu, leaky_relu or selu", nonlinearity)
}

// Fans returns the number of inputs and outputs feeding each element of a
// weight of the given shape: for a Linear weight [out, in] they are in and
// out; for a Conv2d weight [out, in, kh, kw] each is multiplied by the
// kernel area kh·kw.
func Fans(shape []int) (fanIn, fanOut int, err error) {
	if len(shape) < 2 {
		return 0, 0, fmt.Errorf("init: fan in and fan out need a weight with at least 2 dimensions, got shape %s", ShapeString(shape))
	}
	field := 1
	for _, d := range shape[2:] {
		field *= d
	}
	return shape[1] * field, shape[0] * field, nil
}

// fill overwrites t's elements in row-major order with next(), outside
// the graph (t is usually a parameter, which requires grad).
func fill(t *tensor.Tensor, next func() float64) error {
	data := make([]float32, t.Numel())
	for i := range data {
		data[i] = float32(next())
	}
	src, err := tensor.New(data, t.Shape()...)
	if err != nil {
		return err
	}
	tensor.NoGrad(func() { _, err = t.CopyInPlace(src) })
	return err
}

// uniformTensor makes a tensor of the given shape drawn from U(-bound, bound),
// PyTorch's default for Linear and Conv2d biases (bound = 1/√fanIn).
func uniformTensor(bound float64, shape ...int) *tensor.Tensor {
	t, err := tensor.Zeros(shape...)
	if err != nil {
		panic(fmt.Errorf("nn: %w", err)) // shapes are validated by the constructors; %w keeps a tensor.SizeError
	}
	if err := InitUniform(t, -bound, bound); err != nil {
		panic(fmt.Errorf("nn: %w", err))
	}
	return t
}
