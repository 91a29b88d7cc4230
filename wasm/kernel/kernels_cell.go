//go:build js && wasm

package kernel

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"syscall/js"
	"unsafe"

	"tinytorch/engine/kernels"
)

// Kernels written in a notebook cell. tt.kernels.register(name, fn)
// makes a JavaScript function a matmul kernel of the engine:
//
//	tt.kernels.register("myBlocked", (m, n, k, a, b, c) => {
//	  c.fill(0);                       // c holds NaN on entry
//	  for (let i = 0; i < m; i++)
//	    for (let p = 0; p < k; p++)
//	      for (let j = 0; j < n; j++) c[i * n + j] += a[i * k + p] * b[p * n + j];
//	});
//	tt.kernels.use("myBlocked");       // every matmul of the engine runs it
//
// The signature is the Go kernel contract's simple form,
// kernels.MatmulFunc: C = A·B for row-major matrices without gaps, A m×k
// in the Float32Array a (m·k elements), B k×n in b (k·n) and C m×n in c
// (m·n). The kernel writes every element of c (which starts as NaN, the
// contract's garbage), returns nothing (or c), and does not change a or
// b. PyTorch has no such hook; kernels.Plain turns the simple form into
// the whole contract (transposes, strides, alpha and beta), so the kernel
// runs behind every product: Linear, matmul, the convolution's lowered
// product and their backward passes.
//
// Each call copies A and B out of Go's memory into new Float32Arrays and
// the result back, so the kernel can neither see nor damage anything
// else, and Go's memory may grow while it runs (a view of it would then
// be detached).
//
// Before accepting a kernel, register runs kernels.Verify on it (the
// engine's float64 reference on edge and random shapes, through
// kernels.RegisterMatmul) with every array behind a bounds-checking Proxy,
// and refuses it with the first thing that went wrong: the element that
// differs (row, column, expected, got), a throw (with the kernel's
// message and line), an index outside an array (which a plain typed array
// would silently ignore), a write into a or b, or a wrong return value.
// Running the cell again replaces the kernel of that name, also behind
// every matmul if it is in use; a refused replacement leaves the old one.

// cellKernel is one kernel a cell registered.
type cellKernel struct {
	name string
	fn   js.Value // (m, n, k, a, b, c) => undefined
	// checking is set while Verify runs the kernel: its arrays are then
	// wrapped by guardArrays, and a failure is kept in failure.
	checking bool
	failure  error
}

// cellKernels holds the kernels cells registered, by name, to tell them
// from the built-in ones (a cell may replace its own, not those).
var cellKernels = map[string]*cellKernel{}

// kernelParams is the number of parameters a cell's kernel declares.
const kernelParams = 6

// errKernelFailed stops Verify at a failure of a cell's kernel, which
// cellKernel.failure describes.
var errKernelFailed = errors.New("the cell's kernel failed")

// kernelsRegister is tt.kernels.register(name, fn): it checks fn and
// adds it as the kernel called name, and returns the name.
func kernelsRegister(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.kernels.register", args)
	name := r.NeedString(0, "the kernel's name")
	fn := r.Func(1, `the kernel, such as (m, n, k, a, b, c) => { … } writing C = A·B into c,`)
	if r.ok() {
		if p := getProp(fn, "length"); typeOf(p) != js.TypeNumber || p.Float() != kernelParams {
			r.failf("the kernel declares %s parameters, expected %d: (m, n, k, a, b, c), writing the m×n product of the m×k matrix a and the k×n matrix b (row-major Float32Arrays) into c", stringOf(p), kernelParams)
		}
	}
	if _, own := cellKernels[name]; r.ok() && !own && slices.Contains(kernels.Names(), name) {
		r.failf("%q is a built-in kernel; choose another name", name)
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	ck := &cellKernel{name: name, fn: fn, checking: true}
	err := kernels.RegisterMatmul(name, ck.matmul)
	ck.checking = false
	switch {
	case err != nil && ck.failure != nil:
		return nil, fmt.Errorf("%s: kernel %q %v; the kernel was not registered", r.name, name, ck.failure)
	case err != nil:
		return nil, fmt.Errorf("%s: %s", r.name, strings.TrimPrefix(err.Error(), "kernels.Register: "))
	}
	cellKernels[name] = ck
	return name, nil
}

// kernelsList is tt.kernels.list(): every kernel, slowest first, as
// {name, source, current}, source "built-in" or "cell".
func kernelsList(js.Value, []js.Value) (any, error) {
	names := kernels.Names()
	out := make([]any, len(names))
	for i, name := range names {
		source := "built-in"
		if _, ok := cellKernels[name]; ok {
			source = "cell"
		}
		out[i] = map[string]any{"name": name, "source": source, "current": name == kernels.Current()}
	}
	return out, nil
}

// matmul is the kernel as a kernels.MatmulFunc: it copies A and B into
// new Float32Arrays, calls the cell's function and copies C back. A
// failure panics: while checking, Verify recovers it; in use, the binding
// that called the engine turns it into the cell's error.
func (ck *cellKernel) matmul(m, n, k int, a, b, c []float32) {
	ja, jb := float32sToJS(a), float32sToJS(b)
	jc := float32Type.New(m * n)
	jc.Call("fill", math.NaN())
	pa, pb, pc, guard := ja, jb, jc, js.Undefined()
	if ck.checking {
		guard = guardArrays().Invoke(m, n, k, ja, jb, jc)
		pa, pb, pc = guard.Get("a"), guard.Get("b"), guard.Get("c")
	}
	res, err := callJSAsIs(ck.fn, m, n, k, pa, pb, pc)
	switch {
	case err != nil:
		ck.fail(m, n, k, "threw "+thrownText(err, ""), err)
	case isPromise(res):
		ck.fail(m, n, k, "returned a Promise: a kernel must be synchronous (no async)", nil)
	case !res.IsUndefined() && !res.Equal(pc) && !res.Equal(jc):
		ck.fail(m, n, k, fmt.Sprintf("returned %s, expected nothing: the kernel writes the product into c", describeJS(res)), nil)
	case ck.checking:
		if bad := guard.Call("first").String(); bad != "" {
			ck.fail(m, n, k, bad, nil)
		}
	}
	float32sFromJS(c, jc)
}

// fail reports a failure on the m×k by k×n product: kept for register's
// message while checking, and otherwise thrown in the cell, as a
// JavaScript Error with the kernel's own stack when it threw.
func (ck *cellKernel) fail(m, n, k int, what string, err error) {
	shape := fmt.Sprintf("m=%d, n=%d, k=%d", m, n, k)
	if ck.checking {
		if ck.failure == nil {
			ck.failure = fmt.Errorf("%s for %s", what, shape)
		}
		panic(errKernelFailed)
	}
	e := js.Global().Get("Error").New(fmt.Sprintf("kernel %q (tt.kernels.use) %s in a matmul with %s", ck.name, what, shape))
	var jsErr js.Error
	if errors.As(err, &jsErr) && typeOf(jsErr.Value) == js.TypeObject {
		e.Set("stack", getProp(jsErr.Value, "stack"))
	}
	panic(js.Error{Value: e})
}

// stringOf is a string as it is, a number as JavaScript writes it, and
// anything else described.
func stringOf(v js.Value) string {
	switch typeOf(v) {
	case js.TypeString:
		return v.String()
	case js.TypeNumber:
		return js.Global().Call("String", v).String()
	}
	return describeJS(v)
}

// guardSource wraps a kernel's three arrays in Proxies that keep the
// first index outside an array, the first write into a or b and the
// first index that is not a whole number; first() returns it, or "".
// The functions the arrays carry (fill, set, subarray) are bound to the
// array itself, which a Proxy is not.
const guardSource = `
let first = "";
const note = (s) => { if (!first) first = s; };
const wrap = (x, name, size) => new Proxy(x, {
  get(t, p) {
    if (typeof p === "string") {
      const c = p.charCodeAt(0);
      if ((c >= 48 && c <= 57) || c === 45) {
        const i = Number(p);
        if (!Number.isInteger(i)) note("read " + name + "[" + p + "]: an index must be a whole number");
        else if (i < 0 || i >= t.length) note("read " + name + "[" + i + "], outside " + name + "'s " + t.length + " elements (" + size + ")");
        return t[p];
      }
    }
    const v = Reflect.get(t, p, t);
    return typeof v === "function" ? v.bind(t) : v;
  },
  set(t, p, v) {
    if (typeof p === "string") {
      const c = p.charCodeAt(0);
      if ((c >= 48 && c <= 57) || c === 45) {
        const i = Number(p);
        if (!Number.isInteger(i)) note("wrote " + name + "[" + p + "]: an index must be a whole number");
        else if (i < 0 || i >= t.length) note("wrote " + name + "[" + i + "], outside " + name + "'s " + t.length + " elements (" + size + ")");
        else if (name !== "c") note("wrote " + name + "[" + i + "]: a and b are the inputs, which a kernel must not change");
        t[p] = v;
        return true;
      }
    }
    return Reflect.set(t, p, v, t);
  },
});
return {a: wrap(a, "a", "m·k = " + m * k), b: wrap(b, "b", "k·n = " + k * n), c: wrap(c, "c", "m·n = " + m * n), first: () => first};
`

// guardFn is guardSource compiled, made on first use.
var guardFn js.Value

// guardArrays returns the function (m, n, k, a, b, c) => {a, b, c,
// first} of guardSource.
func guardArrays() js.Value {
	if guardFn.IsUndefined() {
		guardFn = js.Global().Get("Function").New("m", "n", "k", "a", "b", "c", guardSource)
	}
	return guardFn
}

// The constructors float32sToJS and float32sFromJS use.
var (
	float32Type = js.Global().Get("Float32Array")
	uint8Type   = js.Global().Get("Uint8Array")
)

// float32sToJS copies x into a new Float32Array, as bytes.
func float32sToJS(x []float32) js.Value {
	arr := float32Type.New(len(x))
	if len(x) > 0 {
		js.CopyBytesToJS(uint8Type.New(arr.Get("buffer")), float32Bytes(x))
	}
	return arr
}

// float32sFromJS copies the Float32Array arr, which must hold len(x)
// elements, into x.
func float32sFromJS(x []float32, arr js.Value) {
	if n := arr.Length(); n != len(x) {
		panic(fmt.Sprintf("float32sFromJS: %d elements for %d", n, len(x)))
	}
	if len(x) > 0 {
		js.CopyBytesToGo(float32Bytes(x), uint8Type.New(arr.Get("buffer"), arr.Get("byteOffset"), 4*len(x)))
	}
}

// float32Bytes is x's memory as bytes (little-endian, as WebAssembly and
// typed arrays both are).
func float32Bytes(x []float32) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(x))), 4*len(x))
}
