//go:build js && wasm

package kernel

import (
	"strings"
	"syscall/js"
	"time"
)

// streamBuffer gathers console output so that a loop printing thousands of
// lines sends a few messages, not thousands: text goes out at once when
// nothing was sent in the last 100 ms, and otherwise waits for the next
// write or tt call after that, for any other output, or for the cell's end.
type streamBuffer struct {
	name      string // "stdout" or "stderr"
	text      strings.Builder
	lastFlush time.Time
}

// flushEvery is the longest time console text waits in the buffer while
// the cell keeps writing or calling tt.
const flushEvery = 100 * time.Millisecond

// streams is the kernel's console buffer.
var streams = &streamBuffer{}

// write adds text to the named stream.
func (s *streamBuffer) write(name, text string) {
	if s.text.Len() > 0 && s.name != name {
		s.flush()
	}
	s.name = name
	s.text.WriteString(text)
	s.flushIfDue()
}

// flushIfDue flushes when the last flush is older than flushEvery.
func (s *streamBuffer) flushIfDue() {
	if s.text.Len() > 0 && time.Since(s.lastFlush) >= flushEvery {
		s.flush()
	}
}

// flush posts the buffered text.
func (s *streamBuffer) flush() {
	if s.text.Len() == 0 {
		return
	}
	out := output{"kind": "stream", "name": s.name, "text": s.text.String()}
	s.text.Reset()
	s.lastFlush = time.Now()
	postOutput(out)
}

// installConsole sends console.log and friends to the current cell's
// output as well as to the real console.
func installConsole(console js.Value) {
	for _, name := range []string{"log", "info", "debug", "warn", "error"} {
		stream := "stdout"
		if name == "warn" || name == "error" {
			stream = "stderr"
		}
		original := console.Get(name)
		console.Set(name, js.FuncOf(func(this js.Value, args []js.Value) any {
			parts := make([]string, len(args))
			for i, a := range args {
				parts[i] = plainText(a)
			}
			streams.write(stream, strings.Join(parts, " ")+"\n")
			original.Call("apply", console, js.ValueOf(toAnySlice(args)))
			return js.Undefined() // as console.log does; nil would be null
		}))
	}
}

// toAnySlice converts arguments for js.ValueOf.
func toAnySlice(args []js.Value) []any {
	out := make([]any, len(args))
	for i, a := range args {
		out[i] = a
	}
	return out
}
