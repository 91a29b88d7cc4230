//go:build js && wasm

package page

import (
	"hash/fnv"
	"strconv"
	"syscall/js"
	"time"

	"honnef.co/go/js/dom/v2"
)

// saver keeps the student's edits in IndexedDB (through storage.js): the
// code of every cell, saved a moment after each change, restored on the
// next visit. It also notes the published code the edits were based on, so
// that a new published version can be pointed out.
//
// An edit is never lost to timing: when the page is hidden or left, or its
// document is replaced by a file or a link, pending edits are written at
// once (stashed: see storage.js), since the delayed save might never run
// or would read the cells of the other document.
type saver struct {
	nb      *notebook
	key     string
	enabled bool
	dirty   bool // edits made since the last record was taken
	timer   *time.Timer
}

// saveDelay groups the keystrokes of a burst of typing into one save.
const saveDelay = 300 * time.Millisecond

func newSaver(nb *notebook) *saver {
	s := &saver{nb: nb, key: "notebook:" + nb.slug, enabled: true}
	// A page that is hidden or left may never run its timers again.
	nb.doc.AddEventListener("visibilitychange", false, func(dom.Event) {
		if nb.doc.Underlying().Get("visibilityState").String() == "hidden" {
			s.flush()
		}
	})
	js.Global().Call("addEventListener", "pagehide", js.FuncOf(func(js.Value, []js.Value) any { s.flush(); return nil }))
	return s
}

// record is what is stored for one notebook.
func (s *saver) record() map[string]any {
	var code []any
	for _, c := range s.nb.cells {
		code = append(code, c.code())
	}
	return map[string]any{"cells": code, "published": s.nb.publishedHash(), "savedAt": js.Global().Get("Date").Call("now")}
}

// schedule saves after saveDelay, restarting the delay on each change.
func (s *saver) schedule() {
	if !s.enabled {
		return
	}
	s.dirty = true
	if s.timer != nil {
		s.timer.Stop()
	}
	s.timer = time.AfterFunc(saveDelay, s.save)
}

// save writes the record now; it runs on a goroutine, never in a callback.
// A flush since the timer fired has already written the edits.
func (s *saver) save() {
	if !s.enabled || !s.dirty {
		return
	}
	s.dirty = false
	_, err := awaitPromise(storage().Call("save", s.key, js.ValueOf(s.record())))
	if err != nil {
		s.dirty = true // so that leaving the page tries again
		s.nb.setStatus("Your edits could not be saved: " + err.Error())
		return
	}
	s.nb.doc.DocumentElement().SetAttribute("data-saved", "true")
}

// flush writes pending edits synchronously, from an event handler: the
// page is being hidden or left, or its document replaced.
func (s *saver) flush() {
	if s.timer != nil {
		s.timer.Stop()
	}
	if !s.enabled || !s.dirty {
		return
	}
	s.dirty = false
	storage().Call("stash", s.key, js.ValueOf(s.record()))
}

// detach stops saving for good, after writing what is pending: the
// page's document is about to be replaced, and its cells with it.
func (s *saver) detach() {
	s.flush()
	s.enabled = false
}

// restore puts back saved edits and, when the published notebook changed
// since they were made, offers to reset to it.
func (s *saver) restore() {
	rec, err := awaitPromise(storage().Call("load", s.key))
	if err != nil || rec.Type() != js.TypeObject {
		return
	}
	cells := rec.Get("cells")
	changed := false
	for i, c := range s.nb.cells {
		if i < cells.Length() && cells.Index(i).String() != c.code() {
			c.setCode(cells.Index(i).String())
			changed = true
		}
	}
	if changed {
		s.nb.announce("Your saved edits were restored")
	}
	if changed && rec.Get("published").String() != s.nb.publishedHash() {
		s.nb.showBanner("The published version of this notebook has changed since you edited it.", "Reset to the published version", s.nb.resetAll)
	}
}

// resetAll puts back the published code of every cell.
func (nb *notebook) resetAll() {
	for _, c := range nb.cells {
		c.setCode(c.published)
	}
	nb.saved.schedule()
	nb.announce("Every cell was reset to the published code")
}

// publishedHash identifies the published code of the notebook.
func (nb *notebook) publishedHash() string {
	h := fnv.New64a() // a checksum, not security: small and fast
	for _, c := range nb.cells {
		h.Write([]byte(c.published))
		h.Write([]byte{0})
	}
	return strconv.FormatUint(h.Sum64(), 16)
}

// showBanner shows a message above the notebook with an action and a
// dismiss button.
func (nb *notebook) showBanner(text, action string, fn func()) {
	banner := nb.el("div", "banner", "")
	banner.SetAttribute("role", "status")
	banner.AppendChild(nb.el("span", "", text))
	if action != "" && fn != nil {
		banner.AppendChild(nb.button(action, "", func() { fn(); banner.Remove() }))
	}
	dismiss := nb.button("Dismiss", "", func() { banner.Remove() })
	dismiss.Class().Add("quiet")
	banner.AppendChild(dismiss)
	article := nb.doc.QuerySelector("article.notebook")
	article.ParentNode().InsertBefore(banner, article)
}

// storage is the IndexedDB helper of storage.js.
func storage() js.Value { return js.Global().Get("tinytorch").Get("storage") }

// awaitPromise waits for a JavaScript promise. It must run on a goroutine:
// waiting inside a synchronous callback would deadlock the Go program.
func awaitPromise(p js.Value) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	ch := make(chan result, 1)
	ok := js.FuncOf(func(_ js.Value, args []js.Value) any { ch <- result{v: args[0]}; return nil })
	fail := js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- result{err: js.Error{Value: args[0]}}
		return nil
	})
	defer ok.Release()
	defer fail.Release()
	p.Call("then", ok, fail)
	r := <-ch
	return r.v, r.err
}
