//go:build js && wasm

package kernel

import (
	"errors"
	"math"
	"slices"
	"strings"
	"syscall/js"
	"testing"

	"tinytorch/engine/kernels"
)

// jsKernel compiles a JavaScript kernel (m, n, k, a, b, c) => { body }.
func jsKernel(body string) js.Value {
	return js.Global().Get("Function").New("m", "n", "k", "a", "b", "c", body)
}

// ijp is the body of a kernel with the three plain loops; loop is the
// innermost one, which adds a[i, p]·b[p, j] into s.
func ijp(loop string) string {
	return `for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) { let s = 0; ` + loop + ` c[i * n + j] = s; }`
}

// TestRegisterCellKernel registers kernels through tt.kernels.register's
// binding: a correct one is accepted, listed and computes C = A·B behind
// kernels.Matmul; each wrong one is refused with what went wrong.
func TestRegisterCellKernel(t *testing.T) {
	good := jsKernel(ijp(`for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];`))
	if _, err := kernelsRegister(js.Undefined(), []js.Value{js.ValueOf("testGood"), good}); err != nil {
		t.Fatalf("a correct kernel was refused: %v", err)
	}
	fn, err := kernels.Lookup("testGood")
	if err != nil {
		t.Fatal(err)
	}
	// [1 2; 3 4]ᵀ · [1 0 2; 0 1 3], through a transposed A.
	a, b, c := []float32{1, 3, 2, 4}, []float32{1, 0, 2, 0, 1, 3}, make([]float32, 6)
	fn(true, false, 2, 3, 2, 1, a, 2, b, 3, 0, c, 3)
	if want := []float32{1, 2, 8, 3, 4, 18}; !slices.Equal(c, want) {
		t.Errorf("C = %v, want %v", c, want)
	}
	list, _ := kernelsList(js.Undefined(), nil)
	last := list.([]any)[len(list.([]any))-1].(map[string]any)
	if last["name"] != "testGood" || last["source"] != "cell" {
		t.Errorf("the last kernel of the list is %v, want testGood from a cell", last)
	}

	for _, tc := range []struct {
		name string
		fn   js.Value
		want string
	}{
		{"testOffByOne", jsKernel(ijp(`for (let p = 0; p <= k; p++) s += a[i * k + p] * b[p * n + j];`)),
			`tt.kernels.register: kernel "testOffByOne" read a[1], outside a's 1 elements (m·k = 1) for m=1, n=1, k=1; the kernel was not registered`},
		{"testLastColumn", jsKernel(`c.fill(0); for (let i = 0; i < m; i++) for (let j = 0; j < n - 1; j++) for (let p = 0; p < k; p++) c[i * n + j] += a[i * k + p] * b[p * n + j];`),
			`tt.kernels.register: kernel "testLastColumn": wrong result at C[0, 0] (row 0, col 0): expected `},
		{"testUnwritten", jsKernel(``),
			`got NaN (C started as NaN`},
		{"testThrows", jsKernel(`throw new TypeError("no")`),
			`tt.kernels.register: kernel "testThrows" threw TypeError: no for m=1, n=1, k=1; the kernel was not registered`},
		{"testThrowsString", jsKernel(`throw "no"`),
			`tt.kernels.register: kernel "testThrowsString" threw the string "no" for m=1, n=1, k=1`},
		{"testThrowsObject", jsKernel(`throw {code: 1}`),
			`tt.kernels.register: kernel "testThrowsObject" threw an object, not an Error for m=1, n=1, k=1`},
		{"testAsync", js.Global().Call("eval", `(async (m, n, k, a, b, c) => {})`),
			`kernel "testAsync" returned a Promise: a kernel must be synchronous (no async) for m=1, n=1, k=1`},
		{"testReturns", jsKernel(ijp(`for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];`) + ` return 1;`),
			`kernel "testReturns" returned the number 1, expected nothing: the kernel writes the product into c for m=1, n=1, k=1`},
		{"testWritesPast", jsKernel(ijp(`for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];`) + ` c[-1] = 0;`),
			`kernel "testWritesPast" wrote c[-1], outside c's 1 elements (m·n = 1) for m=1, n=1, k=1`},
		{"testHalfIndex", jsKernel(ijp(`for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j] + 0 * (a[0.5] || 0);`)),
			`kernel "testHalfIndex" read a[0.5]: an index must be a whole number for m=1, n=1, k=1`},
		{"testWritesB", jsKernel(`b[0] = 1; ` + ijp(`for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];`)),
			`kernel "testWritesB" wrote b[0]: a and b are the inputs, which a kernel must not change for m=1, n=1, k=1`},
		{"testArity", js.Global().Get("Function").New("a", "b", "c", ""),
			`tt.kernels.register: the kernel declares 3 parameters, expected 6: (m, n, k, a, b, c)`},
		{"testNotAFunction", js.ValueOf(42),
			`tt.kernels.register: the kernel, such as (m, n, k, a, b, c) => { … } writing C = A·B into c, must be a function, got the number 42`},
		{"simd", good, `tt.kernels.register: "simd" is a built-in kernel; choose another name`},
		{"", good, `tt.kernels.register: bad name ""; expected a non-empty name without surrounding spaces`},
	} {
		_, err := kernelsRegister(js.Undefined(), []js.Value{js.ValueOf(tc.name), tc.fn})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to contain %q", tc.name, err, tc.want)
		}
		if _, err := kernels.Lookup(tc.name); err == nil && tc.name != "simd" {
			t.Errorf("%s was registered", tc.name)
		}
	}
}

// TestCellKernelThrowsInUse checks that a registered kernel that throws
// on a later shape panics with a JavaScript Error naming the kernel, its
// message and the shape, which the binding that called the engine throws
// in the cell.
func TestCellKernelThrowsInUse(t *testing.T) {
	fn := jsKernel(`if (k === 50) throw new RangeError("k=50"); ` + ijp(`for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];`))
	if _, err := kernelsRegister(js.Undefined(), []js.Value{js.ValueOf("testFragile"), fn}); err != nil {
		t.Fatal(err)
	}
	mm, err := kernels.Lookup("testFragile")
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		var e js.Error
		r := recover()
		err, _ := r.(error)
		if !errors.As(err, &e) || !strings.Contains(getProp(e.Value, "message").String(), `kernel "testFragile" (tt.kernels.use) threw RangeError: k=50 in a matmul with m=1, n=2, k=50`) {
			t.Errorf("recovered %v, want a js.Error naming the kernel, its message and the shape", r)
		}
	}()
	mm(false, false, 1, 2, 50, 1, make([]float32, 50), 50, make([]float32, 100), 2, 0, make([]float32, 2), 2)
	t.Errorf("no panic")
}

// TestFloat32Copies checks the copies between Go and Float32Arrays,
// values with special bits included.
func TestFloat32Copies(t *testing.T) {
	x := []float32{1.5, -0, float32(math.Inf(-1)), math.Float32frombits(0x7fa0beef), 3e-45}
	arr := float32sToJS(x)
	if arr.Length() != len(x) || arr.Index(0).Float() != 1.5 || !math.IsInf(arr.Index(2).Float(), -1) {
		t.Errorf("Float32Array %v", arr)
	}
	y := make([]float32, len(x))
	float32sFromJS(y, arr)
	for i := range x {
		if math.Float32bits(x[i]) != math.Float32bits(y[i]) {
			t.Errorf("element %d: %#x, want %#x", i, math.Float32bits(y[i]), math.Float32bits(x[i]))
		}
	}
	float32sFromJS(nil, float32sToJS(nil)) // empty both ways
}
