package tensor

import "fmt"

// errorf is fmt.Errorf; a short name for the many error sites.
var errorf = fmt.Errorf

// Ones returns a tensor of the given shape filled with ones.
func Ones(shape ...int) (*Tensor, error) { return Full(1, shape...) }

// Full returns a tensor of the given shape filled with value.
func Full(value float32, shape ...int) (*Tensor, error) {
	return fill("full", shape, func() float32 { return value })
}

// ZerosLike returns zeros shaped like t.
func ZerosLike(t *Tensor) *Tensor { return must(Zeros(t.shape...)) }

// OnesLike returns ones shaped like t.
func OnesLike(t *Tensor) *Tensor { return must(Ones(t.shape...)) }

// FullLike returns value repeated in t's shape.
func FullLike(t *Tensor, value float32) *Tensor { return must(Full(value, t.shape...)) }

// Arange returns the 1-D tensor start, start+step, … up to but excluding
// end, like torch.arange. Each value is start + i·step computed in
// float64, so long ranges do not drift.
func Arange(start, end, step float64) (*Tensor, error) {
	if step == 0 || (end-start)*step < 0 {
		return nil, errorf("arange: cannot go from %g to %g in steps of %g", start, end, step)
	}
	n := int((end - start + step) / step)
	for n > 0 && (start+float64(n-1)*step-end)*step >= 0 {
		n-- // guard against rounding in the division
	}
	if _, err := checkedNumel("arange", []int{n}); err != nil {
		return nil, err
	}
	data := make([]float32, n)
	for i := range data {
		data[i] = float32(start + float64(i)*step)
	}
	return fromData(data, []int{n}), nil
}

// Linspace returns steps evenly spaced values from start to end, both
// included. Like PyTorch, the first half counts up from start and the
// second half down from end, so both ends are exact.
func Linspace(start, end float64, steps int) (*Tensor, error) {
	if steps < 0 {
		return nil, errorf("linspace: steps %d must be ≥ 0", steps)
	}
	if _, err := checkedNumel("linspace", []int{steps}); err != nil {
		return nil, err
	}
	data := make([]float32, steps)
	step := 0.0
	if steps > 1 {
		step = (end - start) / float64(steps-1)
	}
	for i := range data {
		if i < steps/2 {
			data[i] = float32(start + step*float64(i))
		} else {
			data[i] = float32(end - step*float64(steps-1-i))
		}
	}
	return fromData(data, []int{steps}), nil
}

// Eye returns the rows×cols matrix with ones on the diagonal.
func Eye(rows, cols int) (*Tensor, error) {
	if rows < 0 || cols < 0 {
		return nil, errorf("eye: sizes %d×%d must be ≥ 0", rows, cols)
	}
	if _, err := checkedNumel("eye", []int{rows, cols}); err != nil {
		return nil, err
	}
	t := empty([]int{rows, cols})
	for i := range min(rows, cols) {
		t.st.data[i*cols+i] = 1
	}
	return t, nil
}
