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
	unit            string // what is counted, for the rate ("batches" gives "12.5 batches/s")
	total, done     float64
	start, lastPost time.Time
}

// newProgress starts a progress bar in the current cell that counts
// units ("batches", "MB"; "it", iterations, as tqdm says, when unknown).
func newProgress(label, unit string, total float64) *progressBar {
	displayCount++
	p := &progressBar{cell: current, displayID: displayCount, label: label, unit: unit, total: total, start: time.Now()}
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
	out := output{"kind": "progress", "displayId": p.displayID, "label": p.label, "unit": p.unit,
		"done": p.done, "total": p.total, "rate": rate, "left": left, "elapsed": elapsed}
	if p.done > 0 || force {
		out["update"] = true
	}
	streams.flush()
	post(map[string]any{"type": "output", "id": p.cell, "output": map[string]any(out)})
}

// progressFunc is tt.progress(total, {label, unit}): a progress bar that
// the cell moves with update(done) or tick(n = 1); unit names what is
// counted, for the rate (default "it", iterations).
func progressFunc(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.progress", args)
	if typeOf(r.Value(0)) != js.TypeNumber || r.Value(0).Float() <= 0 {
		return nil, fmt.Errorf("tt.progress: expected a positive total, such as tt.progress(100)")
	}
	o := r.Options(1)
	label, unit := o.String("label", ""), o.String("unit", "it")
	if err := r.Err(); err != nil {
		return nil, err
	}
	p := newProgress(label, unit, r.Value(0).Float())
	return object(map[string]binding{
		"update": func(_ js.Value, a []js.Value) (any, error) {
			r := readArgs("progress.update", a)
			done := r.Float(0, "the number done so far", 0)
			if !r.Has(0) && r.ok() {
				r.failf("expected the number done so far")
			}
			if err := r.Err(); err != nil {
				return nil, err
			}
			p.set(done)
			return nil, nil
		},
		"tick": func(_ js.Value, a []js.Value) (any, error) {
			r := readArgs("progress.tick", a)
			n := r.Float(0, "n", 1)
			if err := r.Err(); err != nil {
				return nil, err
			}
			p.set(p.done + n)
			return nil, nil
		},
	}), nil
}
