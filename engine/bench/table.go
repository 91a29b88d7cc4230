package bench

import (
	"fmt"
	"html"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Table is a printable table: a header row, rows of cells, and notes
// printed below it.
type Table struct {
	Title  string
	Header []string
	Rows   [][]string
	Notes  []string
}

// Add appends a row; values are formatted with %v, floats with 3
// significant digits (see Cell).
func (t *Table) Add(values ...any) {
	row := make([]string, len(values))
	for i, v := range values {
		row[i] = Cell(v)
	}
	t.Rows = append(t.Rows, row)
}

// Cell formats a value for a table: floats with 3 significant digits (no
// exponent below a million), durations rounded to 3 digits, "" for a zero
// float (a figure that was not measured).
func Cell(v any) string {
	switch x := v.(type) {
	case float64:
		switch {
		case x == 0:
			return ""
		case x >= 1e6 || x < 1e-3 && x > -1e-3:
			return fmt.Sprintf("%.3g", x)
		case x >= 100:
			return fmt.Sprintf("%.0f", x)
		case x >= 10:
			return fmt.Sprintf("%.1f", x)
		default:
			return fmt.Sprintf("%.2f", x)
		}
	case time.Duration:
		return round(x).String()
	default:
		return fmt.Sprint(v)
	}
}

// Fprint writes the table with aligned columns: text left-aligned, numbers
// right-aligned.
func (t *Table) Fprint(w io.Writer) {
	widths := t.widths()
	if t.Title != "" {
		fmt.Fprintln(w, t.Title)
	}
	line := func(cells []string) {
		var sb strings.Builder
		for i, c := range cells {
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c))
			if i > 0 {
				sb.WriteString("  ")
			}
			if numeric(c) {
				sb.WriteString(pad + c)
			} else {
				sb.WriteString(c + pad)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(sb.String(), " "))
	}
	line(t.Header)
	rule := make([]string, len(widths))
	for i, n := range widths {
		rule[i] = strings.Repeat("-", n)
	}
	line(rule)
	for _, r := range t.Rows {
		line(r)
	}
	for _, n := range t.Notes {
		fmt.Fprintln(w, "  "+n)
	}
}

// Markdown writes the table as GitHub-flavoured Markdown.
func (t *Table) Markdown(w io.Writer) {
	if t.Title != "" {
		fmt.Fprintf(w, "**%s**\n\n", t.Title)
	}
	row := func(cells []string) {
		fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
	}
	row(t.Header)
	align := make([]string, len(t.Header))
	for i := range align {
		align[i] = "---"
		if len(t.Rows) > 0 && i < len(t.Rows[0]) && numeric(t.Rows[0][i]) {
			align[i] = "---:"
		}
	}
	row(align)
	for _, r := range t.Rows {
		row(r)
	}
	for _, n := range t.Notes {
		fmt.Fprintf(w, "\n%s\n", n)
	}
}

func (t *Table) widths() []int {
	n := len(t.Header)
	for _, r := range t.Rows {
		n = max(n, len(r))
	}
	widths := make([]int, n)
	grow := func(cells []string) {
		for i, c := range cells {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	grow(t.Header)
	for _, r := range t.Rows {
		grow(r)
	}
	// Short rows are padded so every line has every column.
	for i, r := range t.Rows {
		for len(r) < n {
			r = append(r, "")
		}
		t.Rows[i] = r
	}
	for len(t.Header) < n {
		t.Header = append(t.Header, "")
	}
	return widths
}

// numeric reports whether a cell reads as a number (possibly with a unit
// suffix such as × or µs), for right alignment.
func numeric(s string) bool {
	if s == "" {
		return false
	}
	c := s[0]
	return c >= '0' && c <= '9' || (c == '-' || c == '+' || c == '.') && len(s) > 1
}

// ResultsTable makes the standard table of results: latency percentiles,
// mean ± CI, and whichever derived figures the options define.
func ResultsTable(title string, results ...Result) *Table {
	t := &Table{Title: title, Header: []string{"benchmark", "p50", "p90", "p99", "mean ± 95% CI", "sd"}}
	var items, flops, bytes bool
	for _, r := range results {
		items = items || r.Options.Items > 0
		flops = flops || r.Options.FLOPs > 0
		bytes = bytes || r.Options.Bytes > 0
	}
	if items {
		t.Header = append(t.Header, "items/s")
	}
	if flops {
		t.Header = append(t.Header, "GFLOP/s")
	}
	if bytes {
		t.Header = append(t.Header, "GB/s")
	}
	t.Header = append(t.Header, "energy (time model)", "energy (op model)")
	for _, r := range results {
		row := []string{r.Name, round(r.P50).String(), round(r.P90).String(), round(r.P99).String(),
			round(r.Mean).String() + " ± " + round(r.CI95).String(), round(r.Stddev).String()}
		if items {
			row = append(row, Cell(r.Throughput()))
		}
		if flops {
			row = append(row, Cell(r.GFLOPS()))
		}
		if bytes {
			row = append(row, Cell(r.GBPS()))
		}
		e := r.Energy()
		row = append(row, joules(e.TimeJ), joules(e.OpsJ))
		t.Rows = append(t.Rows, row)
	}
	if len(results) > 0 {
		t.Notes = append(t.Notes, "energy per call, estimated ("+results[0].Options.Energy.Source+"); see engine/bench/energy.go")
	}
	return t
}

// joules formats an energy with an SI prefix.
func joules(j float64) string {
	switch {
	case j == 0:
		return ""
	case j >= 1:
		return fmt.Sprintf("%.3g J", j)
	case j >= 1e-3:
		return fmt.Sprintf("%.3g mJ", j*1e3)
	case j >= 1e-6:
		return fmt.Sprintf("%.3g µJ", j*1e6)
	default:
		return fmt.Sprintf("%.3g nJ", j*1e9)
	}
}

// Print writes ResultsTable of the results to w.
func Print(w io.Writer, results ...Result) {
	ResultsTable("", results...).Fprint(w)
}

// HTML writes the table as an HTML table (for a notebook's rich display):
// the title as its caption, numbers right-aligned, notes in a footer.
func (t *Table) HTML(w io.Writer) {
	widths := t.widths() // pads short rows
	esc := html.EscapeString
	io.WriteString(w, `<table class="tt-bench" style="font-size:0.9em;white-space:nowrap">`)
	if t.Title != "" {
		fmt.Fprintf(w, `<caption style="text-align:left;font-weight:600">%s</caption>`, esc(strings.TrimSpace(t.Title)))
	}
	io.WriteString(w, "<thead><tr>")
	for _, h := range t.Header {
		fmt.Fprintf(w, `<th scope="col">%s</th>`, esc(h))
	}
	io.WriteString(w, "</tr></thead><tbody>")
	for _, r := range t.Rows {
		io.WriteString(w, "<tr>")
		for i, c := range r {
			switch {
			case i == 0:
				fmt.Fprintf(w, `<th scope="row" style="text-align:left">%s</th>`, esc(c))
			case numeric(c):
				fmt.Fprintf(w, `<td style="text-align:right;font-variant-numeric:tabular-nums">%s</td>`, esc(c))
			default:
				fmt.Fprintf(w, "<td>%s</td>", esc(c))
			}
		}
		io.WriteString(w, "</tr>")
	}
	io.WriteString(w, "</tbody>")
	if len(t.Notes) > 0 {
		fmt.Fprintf(w, `<tfoot><tr><td colspan="%d" style="font-size:0.85em;opacity:0.8;white-space:normal">`, len(widths))
		for i, n := range t.Notes {
			if i > 0 {
				io.WriteString(w, "<br>")
			}
			io.WriteString(w, esc(strings.TrimSpace(n)))
		}
		io.WriteString(w, "</td></tr></tfoot>")
	}
	io.WriteString(w, "</table>")
}

// CompareTable is ResultsTable for a comparison, with a column that gives
// each candidate's speed relative to the baseline (the first): the median
// of the per-round ratios and their p10–p90 spread.
func CompareTable(title string, cmp Comparison) *Table {
	t := ResultsTable(title, cmp.Results...)
	if len(cmp.Ratios) == 0 {
		return t
	}
	col := "speed vs " + cmp.Ratios[0].Name
	t.Header = slices.Insert(t.Header, 1, col)
	for i, r := range cmp.Ratios {
		cell := ""
		switch {
		case i == 0:
			cell = "1.00× (baseline)"
		case r.Rounds > 0:
			cell = fmt.Sprintf("%.2f× (%.2f–%.2f)", r.Median, r.P10, r.P90)
		}
		t.Rows[i] = slices.Insert(t.Rows[i], 1, cell)
	}
	t.Notes = append(t.Notes, "speed: baseline time ÷ candidate time, median of per-round ratios (p10–p90 in brackets); candidates ran interleaved on the same inputs")
	return t
}
