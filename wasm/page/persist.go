//go:build js && wasm

package page

import (
	"fmt"
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

// record is what is stored for one notebook (version 2): the page's
// layout (layout.go: the prose slots and the cells in order, each cell
// with its text and the published cell it was, if any), how many code
// cells the published notebook had, a checksum of the published code
// and the time, the milestone's mark (milestone.go), and the progress on each exercise (progress.go; older
// records have none, and start every exercise afresh). Version 1
// records, from before cells could be added, held only "cells", each
// published cell's code; restore reads both.
func (s *saver) record() map[string]any {
	var items []any
	for _, e := range s.nb.layout() {
		item := map[string]any{"t": e.Kind, "p": e.Pub}
		if e.Kind != kindProse {
			item["s"] = e.Text
		}
		items = append(items, item)
	}
	published := 0
	for _, e := range s.nb.pubLayout {
		if e.Kind != kindProse {
			published++
		}
	}
	rec := map[string]any{"v": 2, "items": items, "publishedCells": published,
		"published": s.nb.pubHash, "savedAt": js.Global().Get("Date").Call("now"),
		"exercises": s.nb.progressRecord()}
	if m := s.nb.milestoneRecord(); m != nil {
		rec["milestone"] = m
	}
	return rec
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

// restore puts back saved edits and structure and, when the published
// notebook changed since they were made, offers to reset to it. Which
// edits fit where when it changed is arrange's business (layout.go): no
// text of the student's is lost. Cells the student added do not count
// as a change of the published notebook: its checksum covers only the
// published cells.
func (s *saver) restore() {
	rec, err := awaitPromise(storage().Call("load", s.key))
	if err != nil || rec.Type() != js.TypeObject {
		return
	}
	s.nb.restoreProgress(rec) // before the layout: a record may hold only progress
	s.nb.restoreMilestone(rec)
	saved, savedCells := savedLayout(rec, s.nb.pubLayout)
	layout := arrange(saved, savedCells, s.nb.pubLayout)
	if sameLayout(layout, s.nb.pubLayout) {
		return
	}
	s.nb.applyLayout(layout)
	s.nb.announce("Your saved edits were restored")
	if rec.Get("published").String() != s.nb.pubHash {
		s.nb.showBanner("The published version of this notebook has changed since you edited it.", "Reset to the published version", s.nb.resetAll)
	}
}

// savedLayout reads a record's layout and the number of published cells
// it was made for; a version 1 record becomes the published layout with
// its code.
func savedLayout(rec js.Value, published []entry) ([]entry, int) {
	items := rec.Get("items")
	if rec.Get("v").Type() != js.TypeNumber || rec.Get("v").Int() != 2 || items.Type() != js.TypeObject {
		var code []string
		if cells := rec.Get("cells"); cells.Type() == js.TypeObject {
			for i := 0; i < cells.Length(); i++ {
				code = append(code, textOf(cells.Index(i)))
			}
		}
		return fromCells(code, published), len(published) / 2
	}
	var out []entry
	for i := 0; i < items.Length(); i++ {
		it := items.Index(i)
		if it.Type() != js.TypeObject || it.Get("p").Type() != js.TypeNumber {
			continue
		}
		out = append(out, entry{Kind: textOf(it.Get("t")), Pub: it.Get("p").Int(), Text: textOf(it.Get("s"))})
	}
	n := rec.Get("publishedCells")
	if n.Type() != js.TypeNumber {
		return out, 0
	}
	return out, n.Int()
}

// textOf is a JavaScript string's text, or "" for anything else.
func textOf(v js.Value) string {
	if v.Type() != js.TypeString {
		return ""
	}
	return v.String()
}

// applyLayout rebuilds the page to a layout: published cells keep their
// editors (and outputs), cells added by the student are made, published
// cells the layout leaves out are taken off the page. It returns the
// cells the student had added that the layout leaves out.
func (nb *notebook) applyLayout(layout []entry) []*cell {
	pubCells, slots := map[int]*cell{}, map[int]*block{}
	var added []*cell
	for _, b := range nb.blocks {
		switch {
		case b.c == nil:
			slots[b.slot] = b
		case b.c.pub >= 0:
			pubCells[b.c.pub] = b.c
		default:
			added = append(added, b.c)
		}
	}
	kept := nb.deleted[:0]
	for _, d := range nb.deleted { // a deleted published cell can come back
		if d.c.pub >= 0 && pubCells[d.c.pub] == nil {
			pubCells[d.c.pub] = d.c
		} else {
			kept = append(kept, d)
		}
	}
	nb.deleted = kept
	var blocks []*block
	for _, e := range layout {
		switch {
		case e.Kind == kindProse:
			if b := slots[e.Pub]; b != nil {
				blocks = append(blocks, b)
			}
		case e.Pub >= 0 && pubCells[e.Pub] != nil:
			c := pubCells[e.Pub]
			delete(pubCells, e.Pub)
			blocks = append(blocks, &block{c: c})
		default:
			blocks = append(blocks, &block{c: nb.makeCell(kindCode, "", e.Pub, nb.publishedCode(e.Pub))})
		}
		if b := blocks[len(blocks)-1]; b.c != nil {
			b.c = nb.restoreCell(b.c, e)
		}
	}
	for _, c := range pubCells {
		c.root.Remove()
	}
	nb.blocks = blocks
	for _, b := range blocks { // in order: appending moves each node to the end
		for _, n := range b.domNodes() {
			nb.article.AppendChild(n)
		}
	}
	var dropped []*cell
	for _, c := range added {
		if nb.blockIndex(c) < 0 {
			c.root.Remove()
			dropped = append(dropped, c)
		}
	}
	nb.syncCells()
	return dropped
}

// restoreCell gives c an entry's kind and text, replacing it by a cell
// of the other kind when needed.
func (nb *notebook) restoreCell(c *cell, e entry) *cell {
	if c.kind != e.Kind {
		fresh := nb.makeCell(e.Kind, e.Text, c.pub, c.published)
		c.root.Remove()
		c.editor.Call("destroy")
		delete(nb.byUID, c.uid)
		c = fresh
	}
	c.setCode(e.Text)
	if c.md != nil && !c.md.rendered {
		c.md.render()
	}
	return c
}

// publishedCode is the published code of cell i, or "".
func (nb *notebook) publishedCode(i int) string {
	for _, e := range nb.pubLayout {
		if e.Kind == kindCode && e.Pub == i {
			return e.Text
		}
	}
	return ""
}

// resetAll puts back the published notebook: its cells, in its order,
// with its code. Cells the student added are removed, and Undo delete
// brings them back one by one.
func (nb *notebook) resetAll() {
	dropped := nb.applyLayout(nb.pubLayout)
	for _, c := range dropped {
		nb.deleted = append(nb.deleted, deletedCell{c: c, pos: len(nb.blocks)})
	}
	nb.setCurrent(nil)
	nb.syncCells()
	nb.saved.schedule()
	msg := "Every cell was reset to the published code"
	if len(dropped) > 0 {
		msg += fmt.Sprintf("; the %d cells you added were removed (Undo delete brings them back)", len(dropped))
	}
	nb.announce(msg)
}

// publishedHash identifies the published code of a notebook: the code
// of its published cells, in order. (Prose is left out, as it was in
// version 1 records, whose checksums stay valid.)
func publishedHash(layout []entry) string {
	h := fnv.New64a() // a checksum, not security: small and fast
	for _, e := range layout {
		if e.Kind == kindCode {
			h.Write([]byte(e.Text))
			h.Write([]byte{0})
		}
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
