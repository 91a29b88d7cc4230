package quant

import "fmt"

// ForwardQ runs the layer from int8 to int8: x [*, In] quantized per
// tensor (an earlier layer's ForwardQ output, or Quantize), the result
// quantized with the per-tensor params out. Nothing is converted to a
// float tensor between the two; ReLU on such an output is
// max(q, zero point), see ReluQ.
func (l *Linear) ForwardQ(x *QTensor, out Params) (*QTensor, error) {
	const op = "quant.Linear.ForwardQ"
	if len(x.Shape) == 0 || x.Shape[len(x.Shape)-1] != l.In {
		return nil, fmt.Errorf("%s: expected input [*, %d], got %s", op, l.In, shapeString(x.Shape))
	}
	if err := checkPerTensor(op+" input", x.Params); err != nil {
		return nil, err
	}
	if err := checkPerTensor(op+" output", out); err != nil {
		return nil, err
	}
	lead := x.Shape[:len(x.Shape)-1]
	q := l.g.requantize(x.Data, rows(lead), x.Params, out)
	return &QTensor{Data: q, Shape: append(append([]int{}, lead...), l.Out), Params: out}, nil
}

// ReluQ is ReLU on a quantized tensor: the real value 0 is the zero
// point, so it raises every integer below the zero point to it.
func ReluQ(x *QTensor) *QTensor {
	out := &QTensor{Data: make([]int8, len(x.Data)), Shape: append([]int{}, x.Shape...), Params: x.Params}
	ch := x.Params.channelOf(x.Shape)
	for i, v := range x.Data {
		out.Data[i] = max(v, int8(x.Params.ZeroPoint[ch(i)]))
	}
	return out
}

// checkPerTensor verifies per-tensor params.
func checkPerTensor(op string, p Params) error {
	if p.Axis >= 0 || p.Channels() != 1 {
		return fmt.Errorf("%s: params with %d scales (axis %d); expected one per-tensor scale", op, p.Channels(), p.Axis)
	}
	return p.check(op, []int{1})
}
