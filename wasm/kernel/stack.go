//go:build js && wasm

package kernel

import (
	"strconv"
	"strings"
	"syscall/js"
)

// cellLocation finds "cell-N.js:L:C" in a stack line, such as
// "at f (cell-3.js:2:9)", and returns where it starts and ends and the
// cell and line numbers as written.
func cellLocation(line string) (start, end int, cell, row string, ok bool) {
	for from := 0; ; {
		i := strings.Index(line[from:], "cell-")
		if i < 0 {
			return 0, 0, "", "", false
		}
		start = from + i
		rest := line[start+len("cell-"):]
		cell, rest = leadingDigits(rest)
		if cell != "" && strings.HasPrefix(rest, ".js:") {
			rest = rest[len(".js:"):]
			row, rest = leadingDigits(rest)
			if row != "" && strings.HasPrefix(rest, ":") {
				col, tail := leadingDigits(rest[1:])
				if col != "" {
					return start, len(line) - len(tail), cell, row, true
				}
			}
		}
		from = start + len("cell-")
	}
}

// leadingDigits splits s after its leading decimal digits.
func leadingDigits(s string) (digits, rest string) {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return s[:n], s[n:]
}

// cellFrames keeps the stack lines that point into a cell, rewritten to
// read "cell 3, line 2". The kernel's own frames are dropped: the stack
// shows the user's code.
func cellFrames(stack js.Value) []string {
	if typeOf(stack) != js.TypeString {
		return nil
	}
	var keep []string
	for _, line := range strings.Split(stack.String(), "\n") {
		start, end, cell, row, ok := cellLocation(line)
		if !ok {
			continue
		}
		where := "cell " + cell + ", line " + row
		frame := strings.TrimSpace(line[:start] + where + line[end:])
		frame = strings.Replace(frame, "(eval at ", "(", 1)
		if len(keep) > 0 && keep[len(keep)-1] == frame {
			continue
		}
		keep = append(keep, frame)
	}
	return keep
}

// topLevel reports whether a frame is the cell's own top level ("at eval
// (cell 2, line 1)"), which the error's line note already shows.
func topLevel(frame string) bool {
	return strings.HasPrefix(frame, "at eval (") || strings.HasPrefix(frame, "at async eval (") || strings.HasPrefix(frame, "at cell ")
}

// frameLine returns the line number of a frame kept by cellFrames.
func frameLine(frame string) int {
	i := strings.Index(frame, ", line ")
	if i < 0 {
		return 0
	}
	digits := frame[i+len(", line "):]
	end := strings.IndexFunc(digits, func(r rune) bool { return r < '0' || r > '9' })
	if end >= 0 {
		digits = digits[:end]
	}
	n, _ := strconv.Atoi(digits)
	return n
}
