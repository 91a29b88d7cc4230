package profile

import (
	"strings"

	"tinytorch/engine/tensor"
)

// The cost model: analytic FLOPs and bytes per op, counted from shapes,
// never measured. Each float32 is 4 bytes.
//
//	matmul            2·B·n·k·m for [B, n, k] × [B, k, m]; reads both, writes the product
//	conv2d            2·N·Cout·(Cin·kh·kw)·(Ho·Wo), plus N·Cout·Ho·Wo for the bias: the
//	                  FLOPs of its definition, unfold + matmul + add
//	elementwise       1 FLOP per output element (exp and tanh count 1 too)
//	sum, max, argmax  1 FLOP per input element (maxPool2d, cumsum, prod and norm
//	                  count the same)
//	views             0 FLOPs, 0 bytes: reshape, permute, expand, slice … share storage
//	data movement     0 FLOPs, bytes read and written: clone, cat, pad, unfold, gather …
//	in-place (add_)   the copy back into the tensor; the arithmetic is the
//	                  out-of-place op reported just before it
//
// Backward nodes:
//
//	matmul      2·B·n·k·m per input that needs a gradient (dA = dC·Bᵀ, dB = Aᵀ·dC)
//	elementwise 2 FLOPs per element and gradient (the derivative, then the product with g)
//	max, min    4 FLOPs per input element (mask, count, divide, multiply)
//	unfold      1 FLOP per column entry (col2im adds each entry back)
//	conv2d      2·N·Cout·(Cin·kh·kw)·(Ho·Wo) each for the input and the weight
//	            gradients (two products), N·Cout·Ho·Wo for the bias's (a sum)
//	others      0 FLOPs; they read g and write the input gradients
//
// A convolution (nn.Conv2d) is one conv2d op, counted as its lowering to
// unfold + matmul (+ add for the bias) would be: 2·N·Cout·(Cin·k·k)·(Ho·Wo)
// + N·Cout·Ho·Wo.

const bytesPerElem = 4

// elementwise ops cost one FLOP per output element.
var elementwise = map[string]bool{
	"neg": true, "exp": true, "log": true, "sqrt": true, "abs": true, "sin": true, "cos": true,
	"tanh": true, "sigmoid": true, "relu": true, "gelu": true, "leakyRelu": true, "clamp": true,
	"add": true, "sub": true, "mul": true, "div": true, "pow": true, "maximum": true, "minimum": true,
	"eq": true, "ne": true, "lt": true, "le": true, "gt": true, "ge": true,
	"log1p": true, "sign": true, "floor": true, "round": true, "erf": true, "softplus": true, "elu": true, "silu": true, "bceWithLogits": true,
}

// reductions cost one FLOP per input element.
var reductions = map[string]bool{"sum": true, "max": true, "min": true, "argmax": true, "argmin": true, "maxPool2d": true,
	"cumsum": true, "prod": true, "norm": true}

// forwardCost returns the FLOPs and bytes read and written of a forward op.
func forwardCost(name string, inputs []*tensor.Tensor, out *tensor.Tensor) (flops, read, write int64) {
	if strings.HasSuffix(name, "_") || name == "accumulateGrad" {
		n := int64(out.Numel()) * bytesPerElem
		return 0, n, n
	}
	if isView(name, inputs, out) {
		return 0, 0, 0
	}
	for _, in := range inputs {
		read += int64(in.Numel()) * bytesPerElem
	}
	write = int64(out.Numel()) * bytesPerElem
	switch {
	case name == "matmul" && len(inputs) == 2:
		a, b := inputs[0].Shape(), inputs[1].Shape()
		if len(a) == 3 && len(b) == 3 {
			flops = 2 * int64(a[0]) * int64(a[1]) * int64(a[2]) * int64(b[2])
		}
	case name == "conv2d" && len(inputs) >= 2:
		flops = convFlops(inputs[1].Shape(), int64(out.Numel()))
		if len(inputs) > 2 {
			flops += int64(out.Numel())
		}
	case name == "quantizedLinear" || name == "quantizedConv2d":
		flops, read = quantizedCost(name, inputs, out)
	case elementwise[name]:
		flops = int64(out.Numel())
	case reductions[name] && len(inputs) > 0:
		flops = int64(inputs[0].Numel())
	}
	return flops, read, write
}

// backwardCost returns the FLOPs and bytes of the backward node of op name,
// whose forward inputs had the given shapes (nil if unknown), producing
// the input gradients grads from the output gradient g.
func backwardCost(name string, shapes [][]int, out, g *tensor.Tensor, grads []*tensor.Tensor) (flops, read, write int64) {
	numel := int64(out.Numel())
	read = numel * bytesPerElem // g
	needed := int64(0)
	for _, gi := range grads {
		if gi == nil {
			continue
		}
		needed++
		if g == nil || !gi.SharesStorage(g) {
			write += int64(gi.Numel()) * bytesPerElem
		}
	}
	size := func(i int) int64 {
		if i >= len(shapes) {
			return 0
		}
		n := int64(1)
		for _, d := range shapes[i] {
			n *= int64(d)
		}
		return n
	}
	switch {
	case name == "matmul" && len(shapes) == 2 && len(shapes[0]) == 3 && len(shapes[1]) == 3:
		a, b := shapes[0], shapes[1]
		flops = needed * 2 * int64(a[0]) * int64(a[1]) * int64(a[2]) * int64(b[2])
		for i, gi := range grads {
			if gi != nil && i < 2 {
				read += size(1-i) * bytesPerElem // the other operand
			}
		}
	case name == "conv2d" && len(shapes) >= 2:
		for i, gi := range grads {
			switch {
			case gi == nil:
			case i < 2:
				flops += convFlops(shapes[1], numel)
				read += size(1-i) * bytesPerElem // the other operand
			default:
				flops += numel
			}
		}
	case elementwise[name]:
		flops = 2 * numel * needed
		read += numel * bytesPerElem * int64(len(shapes)) // the saved operands
	case (name == "max" || name == "min") && len(shapes) > 0:
		flops = 4 * size(0)
		read += size(0) * bytesPerElem
	case name == "unfold":
		flops = numel
	}
	return flops, read, write
}

// convFlops returns the FLOPs of a convolution's product: two per
// multiply-add, Cin·kh·kw of them (the weight [Cout, Cin, kh, kw] without
// its first dimension) per output element.
func convFlops(weight []int, outputs int64) int64 {
	window := int64(1)
	for _, d := range weight[1:] {
		window *= int64(d)
	}
	return 2 * window * outputs
}

// quantizedCost returns the operations and bytes read of a quantized
// layer of engine/quant: its input (a Linear's [*, k], a convolution's
// columns [N, k, L]) holds k values per output position, each output
// value sums k int8 products (2k operations, counted as FLOPs), and the
// int8 weight, k bytes per output channel, is read besides the float
// input.
func quantizedCost(name string, inputs []*tensor.Tensor, out *tensor.Tensor) (ops, read int64) {
	if len(inputs) != 1 || inputs[0].Dim() < 2 || out.Dim() < 2 {
		return 0, 0
	}
	in, outShape := inputs[0].Shape(), out.Shape()
	k, channels := in[len(in)-1], outShape[len(outShape)-1]
	if name == "quantizedConv2d" {
		k, channels = in[1], outShape[1]
	}
	read = int64(inputs[0].Numel())*bytesPerElem + int64(k)*int64(channels)
	return 2 * int64(k) * int64(out.Numel()), read
}

// isView reports whether an op made a view of its input, sharing its
// storage, rather than new values.
func isView(name string, inputs []*tensor.Tensor, out *tensor.Tensor) bool {
	return len(inputs) > 0 && out.SharesStorage(inputs[0]) && !strings.HasSuffix(name, "_") && name != "accumulateGrad"
}
