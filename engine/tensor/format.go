package tensor

import (
	"math"
	"strconv"
	"strings"
)

// summarizeAbove is the element count above which String elides the middle
// of long dimensions, as PyTorch does.
const summarizeAbove = 1000

// edgeItems is how many leading and trailing entries an elided dimension keeps.
const edgeItems = 3

// String formats the tensor the way PyTorch prints it, for example
//
//	tensor([[19., 22.],
//	        [43., 50.]])
//
// Values are aligned in columns; whole numbers print with a trailing dot,
// others with four decimals, or in scientific notation when their
// magnitudes span a wide range. Tensors with more than 1000 elements show
// only the first and last three entries of each dimension.
func (t *Tensor) String() string {
	data := t.values()
	f := newNumberFormat(data)
	var sb strings.Builder
	sb.WriteString("tensor(")
	switch {
	case len(t.shape) == 0:
		sb.WriteString(strings.TrimSpace(f.format(data[0])))
	case len(data) == 0 && len(t.shape) > 1:
		// Like PyTorch: tensor([], size=(1000000000, 0)), not a billion
		// empty rows.
		sb.WriteString("[], size=(" + joinSizes(t.shape) + ")")
	default:
		t.writeDim(&sb, data, f, 0, 0, len(data) > summarizeAbove)
	}
	// Like PyTorch, say how the tensor takes part in autograd.
	switch {
	case t.node != nil:
		sb.WriteString(", grad_fn=<" + strings.ToUpper(t.node.op[:1]) + t.node.op[1:] + "Backward>")
	case t.requiresGrad:
		sb.WriteString(", requires_grad=True")
	}
	sb.WriteString(")")
	return sb.String()
}

// joinSizes writes a shape as PyTorch's size tuple does: "3, 0", or "3,"
// for one dimension.
func joinSizes(shape []int) string {
	parts := make([]string, len(shape))
	for i, s := range shape {
		parts[i] = strconv.Itoa(s)
	}
	return strings.Join(parts, ", ")
}

// writeDim writes dimension dim of the block of row-major data starting at
// offset off.
func (t *Tensor) writeDim(sb *strings.Builder, data []float32, f numberFormat, dim, off int, summarize bool) {
	sb.WriteString("[")
	size := t.shape[dim]
	stride := product(t.shape[dim+1:])
	last := dim == len(t.shape)-1
	// Elements after the first start on a new line indented past "tensor([",
	// with one blank line per extra dimension between blocks.
	sep := ", "
	if !last {
		sep = "," + strings.Repeat("\n", len(t.shape)-dim-1) + strings.Repeat(" ", len("tensor(")+dim+1)
	}
	for i := 0; i < size; i++ {
		if summarize && size > 2*edgeItems && i == edgeItems {
			if last {
				sb.WriteString(" ") // PyTorch's column of dots is one wider
			}
			sb.WriteString("...")
			sb.WriteString(sep)
			i = size - edgeItems
		}
		if last {
			sb.WriteString(f.format(data[off+i]))
		} else {
			t.writeDim(sb, data, f, dim+1, off+i*stride, summarize)
		}
		if i < size-1 {
			sb.WriteString(sep)
		}
	}
	sb.WriteString("]")
}

// numberFormat is the style shared by every value of one printed tensor.
type numberFormat struct {
	style byte // 'i' whole numbers, 'f' fixed four decimals, 'e' scientific
	width int
}

func newNumberFormat(data []float32) numberFormat {
	whole := true
	minAbs, maxAbs := math.Inf(1), 0.0
	for _, v := range data {
		x := float64(v)
		if math.IsNaN(x) || math.IsInf(x, 0) {
			continue
		}
		if x != math.Trunc(x) {
			whole = false
		}
		if a := math.Abs(x); a != 0 {
			minAbs, maxAbs = math.Min(minAbs, a), math.Max(maxAbs, a)
		}
	}
	f := numberFormat{style: 'f'}
	switch {
	case whole && maxAbs < 1e8:
		f.style = 'i'
	case maxAbs > 0 && (maxAbs/minAbs > 1000 || maxAbs > 1e8 || minAbs < 1e-4):
		f.style = 'e'
	}
	for _, v := range data {
		f.width = max(f.width, len(f.plain(v)))
	}
	return f
}

// plain formats one value without padding.
func (f numberFormat) plain(v float32) string {
	x := float64(v)
	switch {
	case math.IsNaN(x):
		return "nan"
	case math.IsInf(x, 1):
		return "inf"
	case math.IsInf(x, -1):
		return "-inf"
	case f.style == 'i':
		return strconv.FormatFloat(x, 'f', 0, 64) + "."
	case f.style == 'e':
		return strconv.FormatFloat(x, 'e', 4, 64)
	}
	return strconv.FormatFloat(x, 'f', 4, 64)
}

// format formats one value right-aligned to the shared column width.
func (f numberFormat) format(v float32) string {
	s := f.plain(v)
	return strings.Repeat(" ", f.width-len(s)) + s
}
