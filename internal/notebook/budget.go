package notebook

import (
	"bytes"
	"fmt"
	"unicode/utf8"
)

// A notebook can come from anywhere (an opened file, a share link), and
// goldmark's work grows faster than its input for a few constructs: every
// row of a table is padded to the header's columns, an unclosed "[a](" is
// rescanned for each one before it in its paragraph, and each level of
// nested quotes or lists re-examines the line below it. Measured on
// goldmark 1.8.7 before these limits, a 6 KB table of 1,000 columns and
// 1,000 rows took 8 s and 756 MB; 10,000 "[a](" (40 KB) took 11 s; 32,000
// nested ">" took 12 s; plain text takes about 1 s per 100 KB. So Parse
// and ParseIPynb check these budgets with one linear scan of the source
// before handing it to goldmark, and refuse what exceeds them with an
// error that names the line, the construct and the limit. Real notebooks
// stay far below them (the largest chapter is 18 KB, its widest table 4
// columns); at the limits, the slowest source found (128 KB of short
// lines) parses in about a second.
const (
	// MaxSourceSize is the largest notebook Markdown, in bytes.
	MaxSourceSize = 128 << 10
	// MaxNesting is how deeply block quotes and list items may nest on
	// one line ("> > - a" is 3 deep).
	MaxNesting = 32
	// MaxBrackets is how many "[" (links, images, references) one
	// paragraph may hold.
	MaxBrackets = 500
	// MaxTableCells is the most cells (columns × rows) of one table.
	MaxTableCells = 20000
	// MaxReferences is the most link reference definitions ("[x]: url").
	MaxReferences = 1000
)

// checkBudget checks that the Markdown in src is valid UTF-8 and within
// the budgets above. firstLine is src's first line number in file.
// Fenced code (the cells) is skipped, except for its size.
func checkBudget(file string, src []byte, firstLine int) error {
	if len(src) > MaxSourceSize {
		return &Error{file, 0, fmt.Sprintf("%d bytes of Markdown, more than the %d KB a notebook may hold", len(src), MaxSourceSize>>10)}
	}
	if err := checkUTF8(file, src, firstLine); err != nil {
		return err
	}
	s := budgetScan{file: file}
	for i, line := range bytes.SplitAfter(src, []byte("\n")) {
		s.line = firstLine + i
		if err := s.scan(line); err != nil {
			return err
		}
	}
	return nil
}

// checkUTF8 refuses text that is not UTF-8, naming the first bad line.
func checkUTF8(file string, src []byte, firstLine int) error {
	if utf8.Valid(src) {
		return nil
	}
	for i, line := range bytes.SplitAfter(src, []byte("\n")) {
		if !utf8.Valid(line) {
			at := 0
			for utf8.FullRune(line[at:]) {
				r, n := utf8.DecodeRune(line[at:])
				if r == utf8.RuneError && n == 1 {
					break
				}
				at += n
			}
			return &Error{file, firstLine + i, fmt.Sprintf("not UTF-8 text: byte 0x%02x at column %d (save the file as UTF-8)", line[at], at+1)}
		}
	}
	return nil
}

// budgetScan is the state of checkBudget's scan, line by line.
type budgetScan struct {
	file      string
	line      int    // the current line's number
	fence     []byte // the fence of the code block the scan is in, or nil
	brackets  int    // "[" in the current paragraph
	table     int    // columns of the table the scan is in, or 0
	tableLine int    // where that table starts
	rows      int    // its rows so far
	refs      int    // reference definitions so far
	prev      []byte // the previous line, without its containers
}

func (s *budgetScan) fail(format string, args ...any) error {
	return &Error{s.file, s.line, fmt.Sprintf(format, args...)}
}

// scan checks one line (with its newline).
func (s *budgetScan) scan(line []byte) error {
	depth, rest := containers(line)
	if s.fence != nil {
		if closesFence(rest, s.fence) {
			s.fence = nil
		}
		return nil
	}
	if depth > MaxNesting {
		return s.fail("quotes and lists nested more than %d deep, more than a notebook may hold", MaxNesting)
	}
	if f := leadingFence(string(bytes.TrimLeft(rest, " "))); f != "" {
		s.fence, s.brackets, s.table = []byte(f), 0, 0
		return nil
	}
	if len(bytes.TrimSpace(rest)) == 0 { // a blank line ends paragraphs and tables
		s.brackets, s.table, s.prev = 0, 0, nil
		return nil
	}
	if s.brackets += bytes.Count(rest, []byte("[")); s.brackets > MaxBrackets {
		return s.fail("more than %d \"[\" (links and images) in one paragraph", MaxBrackets)
	}
	if isReference(rest) {
		if s.refs++; s.refs > MaxReferences {
			return s.fail("more than %d link reference definitions", MaxReferences)
		}
	}
	return s.scanTable(rest)
}

// scanTable counts the cells of a table: a delimiter row ("|-|:-:|")
// below a header starts one, and every line until a blank line is a row
// that goldmark pads to the header's columns.
func (s *budgetScan) scanTable(rest []byte) error {
	defer func() { s.prev = rest }()
	if s.table > 0 {
		if s.rows++; s.table*s.rows > MaxTableCells {
			return s.fail("the table that starts on line %d has %d columns and more than %d rows, more than the %d cells a notebook may hold",
				s.tableLine, s.table, s.rows-1, MaxTableCells)
		}
		return nil
	}
	if cols := delimiterColumns(rest); cols > 0 && s.prev != nil {
		s.table, s.tableLine, s.rows = cols, s.line-1, 1
		if cols > MaxTableCells {
			return s.fail("a table of %d columns, more than the %d cells a notebook may hold", cols, MaxTableCells)
		}
	}
	return nil
}

// containers counts the block quote markers and list markers that start
// line, and returns what follows them.
func containers(line []byte) (int, []byte) {
	depth := 0
	for {
		rest := bytes.TrimLeft(line, " \t")
		switch n := listMarker(rest); {
		case len(rest) > 0 && rest[0] == '>':
			line = rest[1:]
		case n > 0:
			line = rest[n:]
		default:
			return depth, line
		}
		if depth++; depth > MaxNesting { // enough to refuse: stop counting
			return depth, line
		}
	}
}

// listMarker is the length of the list marker ("-", "*", "+", "1.",
// "1)") that starts s followed by a blank, or 0.
func listMarker(s []byte) int {
	n := 0
	for n < len(s) && n < 9 && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	switch {
	case n > 0 && n < len(s) && (s[n] == '.' || s[n] == ')'):
		n++
	case n == 0 && len(s) > 0 && (s[0] == '-' || s[0] == '*' || s[0] == '+'):
		n = 1
	default:
		return 0
	}
	if n < len(s) && s[n] != ' ' && s[n] != '\t' && s[n] != '\n' {
		return 0
	}
	return n
}

// closesFence reports whether line closes a code block opened by fence.
func closesFence(line, fence []byte) bool {
	f := leadingFence(string(bytes.TrimLeft(line, " ")))
	return len(f) >= len(fence) && f[0] == fence[0] && len(bytes.TrimSpace(bytes.TrimLeft(bytes.TrimLeft(line, " "), f))) == 0
}

// isReference reports whether line looks like the start of a link
// reference definition, "[label]:".
func isReference(line []byte) bool {
	line = bytes.TrimLeft(line, " ")
	if len(line) == 0 || line[0] != '[' {
		return false
	}
	end := bytes.Index(line, []byte("]:"))
	return end > 1
}

// delimiterColumns is the number of columns of a table delimiter row
// ("| --- | :-: |"), or 0 if line is not one.
func delimiterColumns(line []byte) int {
	t := bytes.TrimSpace(line)
	if !bytes.Contains(t, []byte("-")) || len(bytes.Trim(t, "|-: \t")) > 0 {
		return 0
	}
	if !bytes.Contains(t, []byte("|")) {
		return 0 // a thematic break or a setext underline, not a table
	}
	t = bytes.TrimSuffix(bytes.TrimPrefix(t, []byte("|")), []byte("|"))
	return bytes.Count(t, []byte("|")) + 1
}
