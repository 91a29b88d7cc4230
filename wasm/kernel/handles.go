//go:build js && wasm

package kernel

import (
	"encoding/binary"
	"math"
	"slices"
	"syscall/js"
)

// handleTable gives Go values a JavaScript face. A JavaScript object made
// by wrap has a prototype that holds the methods of its kind and a field
// (field, such as "_h") holding a handle, an integer key into the table.
// The Go value leaves the table when the cell disposes it (drop), when the
// tidy scope that made it ends, or, as a safety net, when JavaScript
// garbage-collects the object (a FinalizationRegistry, whose handles reach
// Go in batches: queueingRegistry). Once out of the
// table, the Go garbage collector frees it.
//
// The kernel has two tables: tensors (tensor.go), whose scopes implement
// tt.tidy, and objects (objects.go) for everything else — modules,
// optimizers, datasets, loaders, charts, reports.
type handleTable[T any] struct {
	field string
	key   js.Value // field as a JavaScript string, made once
	table map[int]T
	next  int // the last handle given; 0 is never one
	// register is register of the table's FinalizationRegistry, bound to
	// it.
	register js.Value
	// enqueue is the registry's callback (queueingRegistry), kept for
	// tests.
	enqueue js.Value
	// scopes holds the handles made inside each open tidy scope,
	// innermost last.
	scopes [][]int
	// onDrop, when set, runs on each value leaving the table (a data
	// iterator stops its goroutine).
	onDrop func(T)
}

func newHandleTable[T any](field string, onDrop func(T)) *handleTable[T] {
	h := &handleTable[T]{field: field, key: js.ValueOf(field), table: map[int]T{}, onDrop: onDrop}
	queue := queueingRegistry.Invoke(js.FuncOf(func(_ js.Value, args []js.Value) any {
		h.dropQueued(args[0])
		return nil
	}))
	registry := queue.Get("registry")
	h.register, h.enqueue = registry.Get("register").Call("bind", registry), queue.Get("enqueue")
	return h
}

// dropQueued drops the handles of collected objects that the registry
// queued: bytes is a Uint8Array over their float64s (handles are
// integers below 2⁵³).
func (h *handleTable[T]) dropQueued(bytes js.Value) {
	b := make([]byte, bytes.Length())
	js.CopyBytesToGo(b, bytes)
	for i := 0; i+8 <= len(b); i += 8 {
		h.drop(int(math.Float64frombits(binary.LittleEndian.Uint64(b[i:]))))
	}
}

// wrap gives v a new JavaScript object whose prototype is proto. Inside
// a tidy scope, the handle is recorded in it.
func (h *handleTable[T]) wrap(proto js.Value, v T) js.Value {
	return h.object(proto, h.record(v))
}

// record puts v in the table, and in the innermost tidy scope, and returns
// its new handle, whose object is still to be made (object, or in
// JavaScript: madeInJS).
func (h *handleTable[T]) record(v T) int {
	h.next++
	h.table[h.next] = v
	if n := len(h.scopes); n > 0 {
		h.scopes[n-1] = append(h.scopes[n-1], h.next)
	}
	return h.next
}

// object makes the JavaScript object of a handle from record.
func (h *handleTable[T]) object(proto js.Value, id int) js.Value {
	// The js.Value Go gets back keeps the object alive until Go's own
	// collector finalizes the js.Value, so an object made here outlives
	// its last use in JavaScript by a Go collection. How long that is
	// depends on how much Go allocates: with fewer allocations per call
	// (Object and create looked up once), a loop of untidied tensors kept
	// 65,933 of 100,000 alive (TestMemoryStaysBounded). A binding's
	// result tensor is therefore made by JavaScript (madeInJS, bind.go),
	// which Go never holds; this path serves the other objects.
	obj := js.Global().Get("Object").Call("create", proto)
	obj.Set(h.field, id)
	h.register.Invoke(obj, id) // bound once: no lookup by name
	return obj
}

// adopt gives obj, an object made elsewhere (the instance a cell's class
// constructor makes through super()), a handle to v. Unlike wrap it
// records the handle in no tidy scope, and the handle field is not
// enumerable, so the instance's keys are the cell's own. collect says
// whether v leaves the table when JavaScript collects obj (an optimizer);
// without it v stays for the kernel's life (a module written in a cell,
// whose Go value holds obj).
func (h *handleTable[T]) adopt(obj js.Value, v T, collect bool) {
	h.next++
	h.table[h.next] = v
	js.Global().Get("Object").Call("defineProperty", obj, h.field, map[string]any{"value": h.next, "writable": true, "configurable": true})
	if collect {
		h.register.Invoke(obj, h.next)
	}
}

// handle reads an object's handle field, or 0, which no table uses, when
// it is not an object or a cell overwrote the field with something that
// is not an integer.
func (h *handleTable[T]) handle(v js.Value) int {
	if h == nil || typeOf(v) != js.TypeObject {
		return 0
	}
	return handleOf(v, h.key)
}

// get returns the Go value behind a JavaScript object made by wrap, of
// any prototype.
func (h *handleTable[T]) get(v js.Value) (T, bool) {
	if h == nil {
		var zero T
		return zero, false
	}
	x, ok := h.table[h.handle(v)]
	return x, ok
}

// getOf is get for an object whose prototype is proto (or inherits it).
// It asks JavaScript once (handleIfInstance, crossing.go): every method
// call reads its receiver, and most their arguments, this way.
func (h *handleTable[T]) getOf(proto, v js.Value) (T, bool) {
	if h == nil || typeOf(v) != js.TypeObject {
		var zero T
		return zero, false
	}
	x, ok := h.table[handleIfInstance.Invoke(proto, h.key, v).Int()] // -1 and 0 are no handle
	return x, ok
}

// drop removes a handle from the table; the object's methods then fail.
func (h *handleTable[T]) drop(id int) {
	v, ok := h.table[id]
	if !ok {
		return
	}
	delete(h.table, id)
	if h.onDrop != nil {
		h.onDrop(v)
	}
}

// values lists the live values, in no order.
func (h *handleTable[T]) values() []T {
	out := make([]T, 0, len(h.table))
	for _, v := range h.table {
		out = append(out, v)
	}
	return out
}

// openScope starts a tidy scope: handles made from now on are recorded.
func (h *handleTable[T]) openScope() { h.scopes = append(h.scopes, nil) }

// closeScope ends the innermost scope. It drops the handles made in it
// except those in keep, which move to the enclosing scope, if any, so an
// outer tidy frees them in its turn.
func (h *handleTable[T]) closeScope(keep map[int]bool) {
	made := h.scopes[len(h.scopes)-1]
	h.scopes = h.scopes[:len(h.scopes)-1]
	for _, id := range made {
		if !keep[id] {
			h.drop(id)
		}
	}
	if n := len(h.scopes); n > 0 {
		for id := range keep {
			h.scopes[n-1] = append(h.scopes[n-1], id)
		}
	}
}

// keep takes a handle out of every open tidy scope, so no tidy frees it
// (tt.keep, and the tensors a cell optimizer keeps in its state).
func (h *handleTable[T]) keep(id int) {
	for i, made := range h.scopes {
		h.scopes[i] = slices.DeleteFunc(made, func(x int) bool { return x == id })
	}
}

// leaveScope ends the innermost scope and drops nothing.
func (h *handleTable[T]) leaveScope() { h.scopes = h.scopes[:len(h.scopes)-1] }

// handleOf reads an object's handle field, or 0, which no table uses,
// when a cell overwrote it with something that is not an integer.
func handleOf(v js.Value, field js.Value) int {
	h := reflectGet.Invoke(v, field) // v is an object: getProp without its check
	if t, _ := jsType(h); t != js.TypeNumber || h.Float() != float64(h.Int()) {
		return 0
	}
	return h.Int()
}
