package tensor

import (
	"fmt"
	"math"
	"strings"
)

// FromNested builds a tensor from nested slices of numbers, the shape a
// JSON or JavaScript array literal decodes to: a number is a scalar,
// []any{1, 2} is a vector, []any{[]any{1, 2}, []any{3, 4}} is a 2×2 matrix.
// Numbers may be float64, float32 or int. A ragged array or a value that is
// not a number is an error naming its position, such as "[1][0]".
func FromNested(v any) (*Tensor, error) {
	var shape []int
	for cur := v; ; {
		list, ok := cur.([]any)
		if !ok {
			break
		}
		shape = append(shape, len(list))
		if len(list) == 0 {
			break
		}
		cur = list[0]
	}
	n, _ := numel("tensor.FromNested", shape)
	b := nestedBuilder{shape: shape, data: make([]float32, 0, n)}
	if err := b.walk(v, 0, nil); err != nil {
		return nil, err
	}
	return fromData(b.data, shape), nil
}

// nestedBuilder flattens a nested array whose shape was read off its first
// elements, checking every other element against that shape.
type nestedBuilder struct {
	shape []int
	data  []float32
}

func (b *nestedBuilder) walk(v any, depth int, pos []int) error {
	if depth == len(b.shape) {
		x, ok := toFloat(v)
		if !ok {
			return fmt.Errorf("tensor: element at %s is %s, expected a number", position(pos), describe(v))
		}
		b.data = append(b.data, x)
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		return fmt.Errorf("tensor: ragged array: element at %s is %s, expected an array of length %d", position(pos), describe(v), b.shape[depth])
	}
	if len(list) != b.shape[depth] {
		return fmt.Errorf("tensor: ragged array: element at %s has length %d, expected %d like its first sibling", position(pos), len(list), b.shape[depth])
	}
	for i, item := range list {
		if err := b.walk(item, depth+1, append(pos, i)); err != nil {
			return err
		}
	}
	return nil
}

// toFloat converts the number types a decoder produces to float32.
func toFloat(v any) (float32, bool) {
	switch x := v.(type) {
	case float64:
		return float32(x), true
	case float32:
		return x, true
	case int:
		return float32(x), true
	}
	return 0, false
}

// position writes an index path the way it is typed: [1][0]. The root is "the top level".
func position(pos []int) string {
	if len(pos) == 0 {
		return "the top level"
	}
	var sb strings.Builder
	for _, p := range pos {
		fmt.Fprintf(&sb, "[%d]", p)
	}
	return sb.String()
}

// describe names a value's kind for an error message.
func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return fmt.Sprintf("the string %q", x)
	case bool:
		return fmt.Sprintf("the boolean %v", x)
	case []any:
		return fmt.Sprintf("an array of length %d", len(x))
	}
	return fmt.Sprintf("a %T", v)
}

// ToNested returns the values as nested []any of float64, the inverse of
// FromNested; a scalar becomes a bare float64.
func (t *Tensor) ToNested() any {
	data := t.values()
	if len(t.shape) == 0 {
		return float64(data[0])
	}
	v, _ := nest(data, t.shape, 0, 0)
	return v
}

// NestedArrays is how many arrays ToNested builds: the outer one and one
// per index of every dimension but the last. It can far exceed the element
// count: shape [1e9, 0] holds no value but nests a billion empty arrays, so
// a caller that hands the result to JavaScript checks it first. The count
// saturates at math.MaxInt instead of overflowing.
func (t *Tensor) NestedArrays() int {
	if len(t.shape) == 0 {
		return 0
	}
	total, level := 1, 1
	for _, size := range t.shape[:len(t.shape)-1] {
		if size != 0 && level > math.MaxInt/size {
			return math.MaxInt
		}
		level *= size
		if total > math.MaxInt-level {
			return math.MaxInt
		}
		total += level
	}
	return total
}

// nest builds dimension dim of row-major data starting at offset off and returns the
// offset after it.
func nest(data []float32, shape []int, dim, off int) (any, int) {
	out := make([]any, shape[dim])
	for i := range out {
		if dim == len(shape)-1 {
			out[i] = float64(data[off])
			off++
			continue
		}
		out[i], off = nest(data, shape, dim+1, off)
	}
	return out, off
}
