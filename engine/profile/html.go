package profile

import (
	"html"
	"strings"
)

// HTML renders the report for a notebook or a run folder: a summary of
// the phases and memory, the table of ops (at most limit rows when limit
// > 0) and the table of modules, as plain HTML tables of class
// "tt-profile-table" inside a <div class="tt-profile">.
func (r *Report) HTML(limit int) string {
	var b strings.Builder
	b.WriteString(`<div class="tt-profile">` + "\n")
	for _, line := range strings.Split(strings.TrimSpace(r.footer()), "\n") {
		b.WriteString(`<p class="tt-profile-summary">` + html.EscapeString(line) + "</p>\n")
	}
	r.opTable(limit).html(&b, "Ops, by total time")
	if len(r.Modules) > 0 {
		r.moduleTable().html(&b, "Modules, each with its children: time, FLOPs and memory")
	}
	b.WriteString("</div>")
	return b.String()
}

// html writes the table with a caption; numbers are right-aligned.
func (t *textTable) html(b *strings.Builder, caption string) {
	b.WriteString(`<table class="tt-profile-table"><caption>` + html.EscapeString(caption) + "</caption>\n<thead><tr>")
	for i, h := range t.head {
		class := ""
		if i > 0 {
			class = ` class="num"`
		}
		b.WriteString(`<th scope="col"` + class + ">" + html.EscapeString(h) + "</th>")
	}
	b.WriteString("</tr></thead>\n<tbody>\n")
	for _, r := range t.rows {
		b.WriteString("<tr>")
		for i, c := range r {
			if i == 0 {
				b.WriteString(`<th scope="row">` + html.EscapeString(strings.TrimLeft(c, " ")) + "</th>")
				continue
			}
			b.WriteString(`<td class="num">` + html.EscapeString(c) + "</td>")
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</tbody></table>\n")
}
