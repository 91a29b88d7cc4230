//go:build js && wasm

package page

import (
	"strings"
	"syscall/js"
)

// This file runs an exercise's check (EXERCISES.md §2): the exercise's
// cell runs first, through the queue like any cell; when it ends without
// error the kernel runs the check code in the same scope ("check"
// message), and its "checked" answer shows as a pass or a failure. An
// exercise whose cell throws fails without running the check. Neither
// stops Run all: an exercise not yet solved is not a broken lesson.

// checkExercise runs the exercise's cell, then its check.
func (nb *notebook) checkExercise(ex *exercise) {
	nb.setCurrent(ex.c)
	if ex.pending {
		nb.announce(ex.name() + " is being checked")
		return
	}
	ex.startCheck()
	nb.enqueue(ex.c) // a cell running already is checked when its run ends
	nb.announce(ex.name() + ": checking…")
}

// afterExerciseRun goes on after the run of an exercise's cell that is
// waiting for its check: the check runs next, or the exercise fails.
func (nb *notebook) afterExerciseRun(c *cell, ok, interrupted bool) {
	switch {
	case ok:
		nb.running = c // until "checked": nothing else runs in between
		c.ex.setState(checkRunning, "checking…")
		nb.kernel.check(c)
		return
	case interrupted:
		c.ex.abort("the check was stopped")
		nb.cancelQueue()
	default:
		c.ex.failed("Your code threw an error before the check could run (see the cell's output):\n"+c.out.lastError, nil)
	}
	nb.pump()
}

// checked shows the end of a check, then starts the next queued cell.
func (nb *notebook) checked(msg js.Value) {
	c := nb.byUID[msg.Get("id").Int()]
	if c == nil || c != nb.running {
		return
	}
	nb.running = nil
	switch {
	case c.ex == nil: // the cell lost its exercise (made Markdown) meanwhile
	case msg.Get("interrupted").Bool():
		c.ex.abort("the check was stopped")
		nb.cancelQueue()
	case msg.Get("ok").Bool():
		c.ex.passed(msg.Get("summary").String())
	default:
		c.ex.failed(failureMessage(msg.Get("error")), stringFields(msg.Get("fields")))
	}
	nb.pump()
}

// failureMessage is a failed check's message as the student reads it:
// the thrown message, named when a JavaScript error (a TypeError) threw,
// and the calls inside the student's cells that led to it.
func failureMessage(e js.Value) string {
	if e.Type() != js.TypeObject {
		return "the check failed"
	}
	msg := e.Get("message").String()
	if name := e.Get("name").String(); name != "Error" && strings.HasSuffix(name, "Error") {
		msg = name + ": " + msg
	}
	if stack := e.Get("stack"); stack.Type() == js.TypeString && stack.String() != "" {
		msg += "\n" + stack.String()
	}
	return msg
}

// stringFields reads an object of strings.
func stringFields(v js.Value) map[string]string {
	out := map[string]string{}
	if v.Type() != js.TypeObject {
		return out
	}
	keys := js.Global().Get("Object").Call("keys", v)
	for i := 0; i < keys.Length(); i++ {
		k := keys.Index(i).String()
		if f := v.Get(k); f.Type() == js.TypeString {
			out[k] = f.String()
		}
	}
	return out
}
