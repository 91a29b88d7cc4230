//go:build js && wasm

package kernel

import (
	"fmt"
	"math"
	"strings"
	"syscall/js"

	"tinytorch/engine/check"
	"tinytorch/engine/kernels"
)

// tt.check.kernel(fn, {name, seed}): a matmul kernel written in a cell,
// (m, n, k, a, b, c) => …, the form tt.kernels.register takes. It first
// runs on a few small products whose sizes all differ (so each common
// mistake gives a result of its own), with its arrays behind the
// bounds-checking Proxies of register, and compares C with the float64
// reference (check.Matmul); a difference is named by check.MatmulMistake
// (the k loop one short, an operand read transposed, C written
// transposed, C left NaN) or by Compare (the last row or column never
// written). It then runs kernels.Verify, the registry's own check (edge
// shapes, random shapes), as tt.kernels.register would, without
// registering it.

// kernelCheckShapes are the products the check runs first, as m, n, k.
var kernelCheckShapes = [][3]int{{2, 4, 3}, {3, 5, 7}, {1, 1, 1}, {4, 1, 2}, {1, 3, 1}, {0, 3, 2}, {2, 3, 0}}

// checkKernel is tt.check.kernel.
func checkKernel(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.check.kernel", args)
	fn := r.Value(0)
	o := r.Options(1)
	name := o.String("name", "")
	seed := uint32(o.Int("seed", 1))
	if err := r.Err(); err != nil {
		return nil, err
	}
	if name == "" {
		name = functionName(fn, "your kernel")
	}
	if kindOf(fn) != kindFunction {
		return nil, notAFunction(name, fn, "a kernel (m, n, k, a, b, c) => { … }")
	}
	if p := getProp(fn, "length"); typeOf(p) != js.TypeNumber || p.Float() != kernelParams {
		return nil, failed(check.Failure{Name: name, Expected: "6 parameters (m, n, k, a, b, c)", Got: stringOf(p) + " parameters",
			Detail: "a kernel writes the m×n product of the m×k matrix a and the k×n matrix b (row-major Float32Arrays) into c"})
	}
	for i, s := range kernelCheckShapes {
		if f := kernelCase(fn, s[0], s[1], s[2], seed+uint32(i)); f != nil {
			f.Name = name
			return nil, failed(*f)
		}
	}
	ck := &cellKernel{name: name, fn: fn, checking: true}
	err := kernels.Verify(name, kernels.Plain(ck.matmul))
	switch {
	case err != nil && ck.failure != nil:
		return nil, failed(check.Failure{Name: name, Case: "the registry's check (kernels.Verify)", Detail: ck.failure.Error()})
	case err != nil:
		return nil, failed(check.Failure{Name: name, Case: "the registry's check (kernels.Verify)", Detail: strings.TrimPrefix(err.Error(), fmt.Sprintf("kernel %q: ", name))})
	}
	return fmt.Sprintf("✓ %s: %d products and the registry's check match the reference", name, len(kernelCheckShapes)), nil
}

// kernelCase runs the kernel on one m×k by k×n product.
func kernelCase(fn js.Value, m, n, k int, seed uint32) *check.Failure {
	c := check.Cases([][]int{{m, k}, {k, n}}, seed)[0]
	a, b := toFloat32s(c.Data[0]), toFloat32s(c.Data[1])
	ja, jb := float32sToJS(a), float32sToJS(b)
	jc := float32Type.New(m * n)
	jc.Call("fill", math.NaN())
	guard := guardArrays().Invoke(m, n, k, ja, jb, jc)
	caseName := fmt.Sprintf("m=%d, n=%d, k=%d", m, n, k)
	input := fmt.Sprintf("a = %s, b = %s", check.Short(check.Value{Shape: []int{m, k}, Data: c.Data[0]}), check.Short(check.Value{Shape: []int{k, n}, Data: c.Data[1]}))
	fail := func(f check.Failure) *check.Failure {
		f.Case, f.Input = caseName, input
		return &f
	}
	res, err := callJSAsIs(fn, m, n, k, guard.Get("a"), guard.Get("b"), guard.Get("c"))
	switch {
	case err != nil:
		return fail(thrownFailure(err))
	case isPromise(res):
		return fail(check.Failure{Detail: "returned a Promise: a kernel must be synchronous (no async)"})
	case !res.IsUndefined() && !res.Equal(guard.Get("c")) && !res.Equal(jc):
		return fail(check.Failure{Detail: fmt.Sprintf("returned %s, expected nothing: the kernel writes the product into c", describeJS(res))})
	}
	if bad := guard.Call("first").String(); bad != "" {
		return fail(check.Failure{Detail: bad, Mistake: "an index outside an array (a loop bound off by one?)"})
	}
	got := make([]float32, m*n)
	float32sFromJS(got, jc)
	gotV := check.Value{Shape: []int{m, n}, Data: toFloat64s(got)}
	want := check.Value{Shape: []int{m, n}, Data: check.Matmul(m, n, k, c.Data[0], c.Data[1])}
	mm := check.Compare(gotV, want, check.Tolerance{Atol: 1e-5, Rtol: 1e-4})
	if mm == nil {
		return nil
	}
	f := check.FromMismatch("", caseName, input, "C", mm)
	if named := check.MatmulMistake(m, n, k, c.Data[0], c.Data[1], gotV.Data, check.Tolerance{Atol: 1e-5, Rtol: 1e-4}); named != "" {
		f.Mistake, f.Hint = named, ""
	}
	return fail(f)
}

// toFloat32s and toFloat64s convert element lists.
func toFloat32s(x []float64) []float32 {
	out := make([]float32, len(x))
	for i, v := range x {
		out[i] = float32(v)
	}
	return out
}

func toFloat64s(x []float32) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = float64(v)
	}
	return out
}
