package nn

import (
	"fmt"
	"html"
	"strings"
)

// HTML formats the summary as an HTML table (class tt-model-summary), the
// model's repr above it and the note below, styled inline so that it
// needs no style sheet: what a notebook shows for display(model).
func (s *Summary) HTML() string {
	const (
		left  = `text-align:left;padding:2px 12px 2px 0`
		mid   = `padding:2px 12px`
		right = `text-align:right;padding:2px 0 2px 12px`
	)
	var b strings.Builder
	b.WriteString(`<div class="tt-model">`)
	if s.Model != "" {
		b.WriteString(`<pre class="tt-model-repr" style="margin:0 0 .5em">` + html.EscapeString(s.Model) + `</pre>`)
	}
	b.WriteString(`<table class="tt-model-summary" style="border-collapse:collapse;font-variant-numeric:tabular-nums">`)
	fmt.Fprintf(&b, `<thead><tr><th style="%s">Layer (type)</th><th style="text-align:left;%s">Output shape</th><th style="%s">Params</th></tr></thead><tbody>`, left, mid, right)
	for _, r := range s.Rows {
		// Nested modules are indented by their depth.
		fmt.Fprintf(&b, `<tr><td style="padding:1px 12px 1px %.1fem">%s</td><td style="padding:1px 12px"><code>%s</code></td><td style="text-align:right;padding:1px 0 1px 12px">%s</td></tr>`,
			float64(r.Depth-1)*1.2, html.EscapeString(r.label()), s.shape(r.OutputShape), thousands(r.Params))
	}
	fmt.Fprintf(&b, `</tbody><tfoot><tr style="border-top:1px solid currentColor"><th style="%s">Total</th><td style="%s">`, left, mid)
	if s.InputShape != nil {
		fmt.Fprintf(&b, "<code>%s</code> → <code>%s</code>", s.shape(s.InputShape), s.shape(s.OutputShape))
	}
	fmt.Fprintf(&b, `</td><th style="%s">%s</th></tr></tfoot></table>`, right, thousands(s.TotalParams))
	if s.Note != "" {
		fmt.Fprintf(&b, `<p class="tt-model-note" style="margin:.3em 0;opacity:.7">%s</p>`, html.EscapeString(s.Note))
	}
	b.WriteString("</div>")
	return b.String()
}
