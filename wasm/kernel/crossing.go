//go:build js && wasm

package kernel

import "syscall/js"

// Every tt call reads its receiver and arguments and wraps its result,
// each a few calls from Go into JavaScript. Such a call is dear when made
// by name: v.Call("isArray", x) or js.Global().Get("Array") copies the
// name out of Go's memory into a new JavaScript string (a TextDecoder)
// each time, and each object Go receives gets a finalizer. The hot paths
// therefore call the JavaScript functions below, looked up once, and each
// does in one call what took several.
var (
	// arrayIsArray is Array.isArray.
	arrayIsArray = js.Global().Get("Array").Get("isArray")
	// arrayBufferIsView is ArrayBuffer.isView: true for typed arrays and
	// DataViews.
	arrayBufferIsView = js.Global().Get("ArrayBuffer").Get("isView")
	// dataViewClass is DataView.
	dataViewClass = js.Global().Get("DataView")
	// isPrototypeOf is proto.isPrototypeOf(v).
	isPrototypeOf = js.Global().Get("Function").New("proto", "v", "return proto.isPrototypeOf(v);")
	// setShape is obj._inputShape = [...dims], the input shape a module
	// was last called with (for its summary).
	setShape = js.Global().Get("Function").New("obj", "...dims", "obj._inputShape = dims;")
	// handleIfInstance reads the handle of v, an object, when proto is in
	// its prototype chain: -1 when it is not, 0 when its field holds no
	// integer (a cell overwrote it), as handleOf reads it.
	// queueingRegistry returns {registry, enqueue}: a
	// FinalizationRegistry whose callback (enqueue) only queues the handle
	// of each collected object, and one task later hands the whole queue,
	// as the bytes of a Float64Array, to drain in a single call into Go.
	// A call from JavaScript into Go costs about 10 µs (syscall/js's event
	// dispatch), which a loop of 100,000 untidied tensors paid once per
	// tensor when the registry called Go itself.
	queueingRegistry = js.Global().Get("Function").New("drain", `
let queue = [], queued = false;
const enqueue = (handle) => {
  queue.push(handle);
  if (queued) return;
  queued = true;
  setTimeout(() => {
    queued = false;
    const batch = new Float64Array(queue);
    queue = [];
    drain(new Uint8Array(batch.buffer));
  }, 0);
};
return {registry: new FinalizationRegistry(enqueue), enqueue};`)
	handleIfInstance = js.Global().Get("Function").New("proto", "field", "v", `
if (!proto.isPrototypeOf(v)) return -1;
const h = Reflect.get(v, field);
return typeof h === "number" && Number.isInteger(h) ? h : 0;`)
)

// hasPrototype reports whether proto is in v's prototype chain (v an
// object).
func hasPrototype(proto, v js.Value) bool { return isPrototypeOf.Invoke(proto, v).Bool() }

// setInputShape records on a module's object the shape of the input it
// was called with, which model.summary() reads: one call into JavaScript
// where building the array from Go took one per dimension.
func setInputShape(module js.Value, shape []int) {
	dims := make([]any, len(shape))
	for i, d := range shape {
		dims[i] = d
	}
	setShape.Invoke(append([]any{module}, dims...)...)
}
