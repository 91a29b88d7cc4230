package notebook

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// Sources that made goldmark work for seconds and hundreds of megabytes
// are refused at once, naming the line and the limit; sources just
// within the limits still parse.
func TestParseBudgets(t *testing.T) {
	var refs strings.Builder
	for i := range MaxReferences + 1 {
		fmt.Fprintf(&refs, "[r%d]: /u%d\n\n", i, i)
	}
	row := func(cols int) string { return strings.Repeat("|a", cols) + "|\n" + strings.Repeat("|-", cols) + "|\n" }
	tests := []struct {
		name, body, want string
	}{
		{"too big", strings.Repeat("a\n", MaxSourceSize/2), fmt.Sprintf("nb.md: %d bytes of Markdown, more than the 128 KB a notebook may hold", len(front)+MaxSourceSize)},
		{"wide table", row(1000) + strings.Repeat("|\n", 1000), "nb.md:27: the table that starts on line 6 has 1000 columns and more than 20 rows, more than the 20000 cells a notebook may hold"},
		{"unclosed links", strings.Repeat("[a](", 10000), `nb.md:6: more than 500 "[" (links and images) in one paragraph`},
		{"nested quotes", strings.Repeat(">", 32000) + " a\n", "nb.md:6: quotes and lists nested more than 32 deep, more than a notebook may hold"},
		{"nested lists", strings.Repeat("- ", 16000) + "a\n", "nb.md:6: quotes and lists nested more than 32 deep"},
		{"references", refs.String(), "nb.md:2006: more than 1000 link reference definitions"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			_, err := Parse("nb.md", []byte(front+tc.body))
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("error = %v, want prefix %q", err, tc.want)
			}
			// A refusal is a linear scan (milliseconds); the bound only
			// catches a quadratic walk, which takes minutes, and is wide so
			// that a busy machine cannot fail it.
			if d := time.Since(start); d > 20*time.Second {
				t.Errorf("refusing took %v", d)
			}
		})
	}
	within := []string{
		row(100) + strings.Repeat("|b\n", 198),
		strings.Repeat("[a](b) ", MaxBrackets),
		strings.Repeat("> ", MaxNesting) + "a\n",
		strings.Repeat("a [b] c\n\n", 2000),
		"```js\nconst data = " + strings.Repeat("[[1, 2], [3, 4]], ", 2000) + "\n```\n",
	}
	for _, body := range within {
		if _, err := Parse("nb.md", []byte(front+body)); err != nil {
			t.Errorf("%.40q…: %v", body, err)
		}
	}
}
