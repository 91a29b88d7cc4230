//go:build js && wasm

package kernel

import (
	"slices"
	"syscall/js"
	"testing"
	"time"
)

// TestHandleTableScopes checks the tidy scopes: what a scope made is
// dropped when it ends, except what it keeps, which the enclosing scope
// then owns; a value made outside every scope stays.
func TestHandleTableScopes(t *testing.T) {
	dropped := []string{}
	h := newHandleTable[string]("_h", func(s string) { dropped = append(dropped, s) })
	proto := js.Global().Get("Object").New()
	outside := h.wrap(proto, "outside")
	h.openScope()
	h.openScope()
	kept := h.wrap(proto, "kept")
	lost := h.wrap(proto, "lost")
	h.closeScope(map[int]bool{h.handle(kept): true})
	if _, ok := h.get(lost); ok {
		t.Errorf("a value made in a scope outlived it")
	}
	if v, ok := h.get(kept); !ok || v != "kept" {
		t.Errorf("the kept value was dropped")
	}
	h.closeScope(nil)
	if _, ok := h.get(kept); ok {
		t.Errorf("a kept value outlived the enclosing scope, which owns it")
	}
	if v, ok := h.get(outside); !ok || v != "outside" {
		t.Errorf("a value made outside every scope was dropped")
	}
	if len(dropped) != 2 || dropped[0] != "lost" || dropped[1] != "kept" {
		t.Errorf("onDrop saw %v, want [lost kept]", dropped)
	}
	if _, ok := h.getOf(js.Global().Get("Object").New(), outside); ok {
		t.Errorf("getOf found a value through the wrong prototype")
	}
	outside.Set("_h", "not a handle")
	if _, ok := h.get(outside); ok {
		t.Errorf("an overwritten handle field still found a value")
	}
	h.openScope()
	h.wrap(proto, "async")
	h.leaveScope()
	if n := len(h.values()); n != 2 {
		t.Errorf("%d live values after leaveScope, want 2 (outside and async)", n)
	}
}

// TestHandleTableCollectedInBatches checks the path of objects JavaScript
// collects: the registry's callback queues their handles, and one task
// later the table drops them all in one call into Go, the large handles
// included (they cross as float64s).
func TestHandleTableCollectedInBatches(t *testing.T) {
	dropped := make(chan string, 4)
	h := newHandleTable[string]("_h", func(s string) { dropped <- s })
	proto := js.Global().Get("Object").New()
	a, b := h.wrap(proto, "a"), h.wrap(proto, "b")
	h.next = 1<<40 - 1 // a handle beyond int32
	c := h.wrap(proto, "c")
	for _, obj := range []js.Value{a, c, b} {
		h.enqueue.Invoke(h.handle(obj)) // as the registry does for a collected object
	}
	if len(dropped) != 0 {
		t.Fatalf("%d values dropped at once; the registry's handles should wait for a batch", len(dropped))
	}
	var got []string
	for len(got) < 3 {
		select {
		case s := <-dropped:
			got = append(got, s)
		case <-time.After(5 * time.Second):
			t.Fatalf("dropped %v after 5 s, want [a c b]", got)
		}
	}
	if !slices.Equal(got, []string{"a", "c", "b"}) || len(h.values()) != 0 {
		t.Errorf("dropped %v, %d values left; want [a c b], none", got, len(h.values()))
	}
}
