//go:build js && wasm

package kernel

import (
	"fmt"
	"syscall/js"
	"time"
)

// progressBar is a live progress display in a cell. Updates reach the
// page at most ten times a second, plus the final one.
type progressBar struct {
	cell, displayID int
	label           string
	total, done     float64
	start, lastPost time.Time
}

// newProgress starts a progress bar in the current cell.
func newProgress(label string, total float64) *progressBar {
	displayCount++
	p := &progressBar{cell: current, displayID: displayCount, label: label, total: total, start: time.Now()}
	p.post(true)
	return p
}

// set records how much is done and posts it when due.
func (p *progressBar) set(done float64) {
	p.done = done
	p.post(done >= p.total)
}

// post sends the bar's state: done, total, rate per second and seconds left.
func (p *progressBar) post(force bool) {
	now := time.Now()
	if !force && now.Sub(p.lastPost) < 100*time.Millisecond {
		return
	}
	p.lastPost = now
	elapsed := now.Sub(p.start).Seconds()
	rate, left := 0.0, -1.0
	if elapsed > 0 && p.done > 0 {
		rate = p.done / elapsed
		left = (p.total - p.done) / rate
	}
	out := output{"kind": "progress", "displayId": p.displayID, "label": p.label,
		"done": p.done, "total": p.total, "rate": rate, "left": left, "elapsed": elapsed}
	if p.done > 0 || force {
		out["update"] = true
	}
	streams.flush()
	post(map[string]any{"type": "output", "id": p.cell, "output": map[string]any(out)})
}

// progressFunc is tt.progress(total, {label}): a progress bar that the
// cell moves with update(done) or tick(n = 1).
func progressFunc(_ js.Value, args []js.Value) (any, error) {
	if len(args) < 1 || args[0].Type() != js.TypeNumber || args[0].Float() <= 0 {
		return nil, fmt.Errorf("tt.progress: expected a positive total, such as tt.progress(100)")
	}
	label := ""
	if opts := arg(args, 1); opts.Type() == js.TypeObject && opts.Get("label").Type() == js.TypeString {
		label = opts.Get("label").String()
	}
	p := newProgress(label, args[0].Float())
	return object(map[string]binding{
		"update": func(_ js.Value, a []js.Value) (any, error) {
			if len(a) < 1 || a[0].Type() != js.TypeNumber {
				return nil, fmt.Errorf("progress.update: expected the number done so far")
			}
			p.set(a[0].Float())
			return nil, nil
		},
		"tick": func(_ js.Value, a []js.Value) (any, error) {
			n := 1.0
			if len(a) > 0 && a[0].Type() == js.TypeNumber {
				n = a[0].Float()
			}
			p.set(p.done + n)
			return nil, nil
		},
	}), nil
}
