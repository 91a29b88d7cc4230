//go:build js && wasm

package page

import "fmt"

// enqueue adds cells to the run queue, in order, skipping any already
// waiting or running, and starts the first when the kernel is free. A
// cell whose run is over while its exercise's check runs (it is still
// nb.running, check.go) is queued again: its new code runs after the
// check.
func (nb *notebook) enqueue(cells ...*cell) {
	cells = nb.embed.withSetup(nb, cells)
	for _, c := range cells {
		if c == nb.running && c.state == stateRunning || c.state == stateQueued || c.kind != kindCode {
			continue
		}
		c.setState(stateQueued, "queued")
		nb.queue = append(nb.queue, c)
	}
	nb.pump()
}

// runOne runs a cell from its Run button or the run keys, and announces
// whether it started or waits behind others: a screen reader user hears
// that the key press did something. The commands that queue several
// cells announce for themselves.
func (nb *notebook) runOne(c *cell) {
	nb.setCurrent(c)
	if c.md != nil {
		c.md.render()
		nb.announce(c.describe() + " rendered")
		return
	}
	nb.enqueue(c)
	switch {
	case c == nb.running && c.state == stateRunning:
		nb.announce(c.describe() + " running")
	case c.state == stateQueued:
		nb.announce(c.describe() + " queued")
	}
}

// pump starts the next queued cell if the kernel is ready and idle.
func (nb *notebook) pump() {
	if nb.running != nil || !nb.kernel.ready || len(nb.queue) == 0 {
		return
	}
	c := nb.queue[0]
	nb.queue = nb.queue[1:]
	nb.running = c
	nb.execCount++
	nb.doc.DocumentElement().SetAttribute("data-exec-count", fmt.Sprint(nb.execCount))
	c.begin(nb.execCount)
	nb.kernel.run(c)
}

// finished records the end of a run and starts the next cell. As in
// Jupyter, an error or a stop cancels the cells still queued.
func (nb *notebook) finished(id int, ok, interrupted bool, ms float64) {
	c := nb.byUID[id]
	if c == nil || c != nb.running {
		return
	}
	nb.running = nil
	c.finish(ok, interrupted, ms)
	if c.ex != nil && c.ex.pending {
		nb.afterExerciseRun(c, ok, interrupted)
		return
	}
	if !ok {
		nb.cancelQueue()
	}
	nb.pump()
}

// cancelQueue returns every queued cell to idle.
func (nb *notebook) cancelQueue() {
	for _, q := range nb.queue {
		q.setState(stateIdle, "not run")
		if q.ex != nil {
			q.ex.abort("")
		}
	}
	nb.queue = nil
}

// stop cancels the queue and stops the running cell.
func (nb *notebook) stop() {
	nb.cancelQueue()
	if nb.running != nil {
		nb.running.setState(stateRunning, "stopping…")
		nb.kernel.stop()
	}
}

// restart replaces the kernel with a fresh one; why, if given, is written
// into the cell that was running.
func (nb *notebook) restart(why string) {
	nb.kernel.cancelStopTimer()
	nb.cancelQueue()
	if c := nb.running; c != nil {
		nb.running = nil
		if why == "" {
			why = "The kernel was restarted while this cell ran."
		}
		c.out.addNote(why)
		c.finish(false, true, 0)
		if c.ex != nil {
			c.ex.abort("the check did not finish: the kernel restarted")
		}
	}
	nb.execCount = 0
	nb.doc.DocumentElement().SetAttribute("data-exec-count", "0")
	nb.doc.DocumentElement().RemoveAttribute("data-kernel")
	nb.kernel.start(true)
	nb.announce("Kernel restarted")
}

// abandon marks the running and queued cells as failed after the kernel died.
func (nb *notebook) abandon(why string) {
	nb.cancelQueue()
	if c := nb.running; c != nil {
		nb.running = nil
		c.out.addNote(why)
		c.finish(false, false, 0)
		if c.ex != nil {
			c.ex.abort("the check did not finish: the kernel stopped")
		}
	}
}

// runAll queues every code cell, and checks every exercise after its
// cell has run (a failed check does not stop the run: queue.go's
// afterExerciseRun).
func (nb *notebook) runAll() {
	n, checks := 0, 0
	for _, c := range nb.cells {
		if c.kind != kindCode {
			continue
		}
		n++
		if c.ex != nil {
			checks++
			if !c.ex.pending {
				c.ex.startCheck()
			}
		}
	}
	nb.enqueue(nb.cells...)
	msg := fmt.Sprintf("Running all %d cells", n)
	if checks > 0 {
		msg += fmt.Sprintf(" and checking %d exercise", checks)
		if checks != 1 {
			msg += "s"
		}
	}
	nb.announce(msg)
}

// runAbove queues the cells above the current one: the cell last focused
// or run or, before any was, the first cell in view. Pressing the button
// always says what it did, even when there is nothing above.
func (nb *notebook) runAbove() {
	n := nb.cellIndexInView()
	if nb.current != nil {
		n = nb.current.index
	}
	switch {
	case n == 0:
		nb.announce("Run above: there is no cell above cell 1")
	case n == len(nb.cells):
		nb.enqueue(nb.cells...)
		nb.announce(fmt.Sprintf("Running all %d cells, which are above the view", n))
	case n == 1:
		nb.enqueue(nb.cells[0])
		nb.announce("Running cell 1, above cell 2")
	default:
		nb.enqueue(nb.cells[:n]...)
		nb.announce(fmt.Sprintf("Running cells 1 to %d, above cell %d", n, n+1))
	}
}

// cellIndexInView is the index of the first cell not wholly above the
// visible part of the page (below the sticky header), or len(nb.cells)
// when the reader has scrolled past them all.
func (nb *notebook) cellIndexInView() int {
	top := 0.0
	if h := nb.doc.QuerySelector("header.site"); h != nil {
		top = max(0, h.GetBoundingClientRect().Bottom())
	}
	for i, c := range nb.cells {
		if c.root.GetBoundingClientRect().Bottom() > top {
			return i
		}
	}
	return len(nb.cells)
}

// clearOutputs empties every cell's output and state.
func (nb *notebook) clearOutputs() {
	for _, c := range nb.cells {
		if c != nb.running && c.state != stateQueued {
			c.out.clear()
			c.setState(stateIdle, "")
			c.counter.SetTextContent("[ ]")
		}
	}
	nb.announce("Outputs cleared")
}

// describe is a cell's name for announcements.
func (c *cell) describe() string { return fmt.Sprintf("Cell %d", c.index+1) }
