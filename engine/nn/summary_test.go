package nn

import (
	"strings"
	"testing"
)

// TestSummaryTables checks the rows, the text and the HTML of a summary:
// with and without a forward pass, for a container and for a single
// layer, with the batch dimension shown as N.
func TestSummaryTables(t *testing.T) {
	linear := must(NewLinear(4, 3, true))
	nested := lenet()
	cases := []struct {
		name string
		s    func() *Summary
		text []string // lines the text must contain, in order
		rows []string // the HTML rows' cells, "|"-separated
	}{
		{"mlp for any batch", func() *Summary {
			s := must(mlp().Summary(1, 4))
			s.AnyBatch = true
			return s
		}, []string{"0 (Linear)                       [N, 3]                         15",
			"1 (ReLU)                         [N, 3]                          0",
			"2 (Linear)                       [N, 2]                          6",
			"Input shape: [N, 4]   Output shape: [N, 2]", "Total params: 21"},
			[]string{"0 (Linear)|[N, 3]|15", "1 (ReLU)|[N, 3]|0", "2 (Linear)|[N, 2]|6"}},
		{"mlp for a batch of 8", func() *Summary { return must(mlp().Summary(8, 4)) },
			[]string{"1 (ReLU)                         [8, 3]", "Input shape: [8, 4]   Output shape: [8, 2]"},
			[]string{"0 (Linear)|[8, 3]|15", "1 (ReLU)|[8, 3]|0", "2 (Linear)|[8, 2]|6"}},
		{"not run", func() *Summary {
			s := mlp().Layers()
			s.Note = "output shapes appear after the first forward pass"
			return s
		}, []string{"0 (Linear)                       ?                              15", "Total params: 21", "(output shapes appear after the first forward pass)"},
			[]string{"0 (Linear)|?|15", "1 (ReLU)|?|0", "2 (Linear)|?|6"}},
		{"single layer", func() *Summary {
			s := must(linear.Summary(2, 4))
			s.AnyBatch, s.Model = true, linear.String()
			return s
		}, []string{"Linear(in_features=4, out_features=3, bias=True)", "Linear                           [N, 3]                         15"},
			[]string{"Linear|[N, 3]|15"}},
		{"nested, indented", func() *Summary { return must(nested.Summary(1, 1, 28, 28)) },
			[]string{"features (Sequential)", "  features.3 (Conv2d)            [1, 16, 8, 8]               2,416", "Total params: 5,142"},
			nil},
	}
	for _, c := range cases {
		s := c.s()
		text := s.String()
		at := 0
		for _, want := range c.text {
			i := strings.Index(text[at:], want)
			if i < 0 {
				t.Errorf("%s: text lacks %q after byte %d:\n%s", c.name, want, at, text)
				break
			}
			at += i + len(want)
		}
		if c.rows == nil {
			continue
		}
		h := s.HTML()
		body := h[strings.Index(h, "<tbody>")+len("<tbody>") : strings.Index(h, "</tbody>")]
		var rows []string
		for _, tr := range strings.Split(strings.TrimSuffix(body, "</tr>"), "</tr>") {
			var cells []string
			for _, td := range strings.Split(tr, "<td")[1:] {
				cell := td[strings.Index(td, ">")+1 : strings.Index(td, "</td>")]
				cells = append(cells, strings.NewReplacer("<code>", "", "</code>", "").Replace(cell))
			}
			rows = append(rows, strings.Join(cells, "|"))
		}
		if strings.Join(rows, "\n") != strings.Join(c.rows, "\n") {
			t.Errorf("%s: HTML rows\n%s\nwant\n%s", c.name, strings.Join(rows, "\n"), strings.Join(c.rows, "\n"))
		}
	}
}

// TestSummaryHTMLEscapes: the repr and the note are text, not markup.
func TestSummaryHTMLEscapes(t *testing.T) {
	s := mlp().Layers()
	s.Model, s.Note = "Custom(<b>)", "a & b"
	h := s.HTML()
	if !strings.Contains(h, `<pre class="tt-model-repr" style="margin:0 0 .5em">Custom(&lt;b&gt;)</pre>`) || !strings.Contains(h, ">a &amp; b</p>") {
		t.Errorf("HTML does not escape the repr and the note:\n%s", h)
	}
	if !strings.HasSuffix(h, "</table><p class=\"tt-model-note\" style=\"margin:.3em 0;opacity:.7\">a &amp; b</p></div>") {
		t.Errorf("HTML ends %q", h[max(0, len(h)-120):])
	}
}
