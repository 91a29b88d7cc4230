//go:build js && wasm

package kernel

import (
	"regexp"
	"strconv"
	"strings"
	"syscall/js"
)

// cellFrame matches a stack frame inside a cell, such as
// "at f (cell-3.js:2:9)" or "at cell-3.js:4:1", capturing the cell
// number, line and column.
var cellFrame = regexp.MustCompile(`cell-(\d+)\.js:(\d+):(\d+)`)

// cellFrames keeps the stack lines that point into a cell, rewritten to
// read "cell 3, line 2". The kernel's own frames are dropped: the stack
// shows the user's code.
func cellFrames(stack js.Value) []string {
	if stack.Type() != js.TypeString {
		return nil
	}
	var keep []string
	for _, line := range strings.Split(stack.String(), "\n") {
		m := cellFrame.FindStringSubmatchIndex(line)
		if m == nil {
			continue
		}
		where := "cell " + line[m[2]:m[3]] + ", line " + line[m[4]:m[5]]
		frame := strings.TrimSpace(line[:m[0]] + where + line[m[1]:])
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
