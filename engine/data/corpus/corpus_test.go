package corpus

import (
	"strings"
	"testing"
)

// The text is the one the milestone's recipe and its stated targets were
// measured on: its size, alphabet and ends.
func TestShakespeare(t *testing.T) {
	if n := len(Shakespeare); n != 59804 {
		t.Errorf("%d bytes, want 59,804", n)
	}
	seen := map[rune]bool{}
	for _, r := range Shakespeare {
		if r > 127 {
			t.Fatalf("character %q is not ASCII", r)
		}
		seen[r] = true
	}
	if len(seen) != 59 {
		t.Errorf("%d distinct characters, want 59", len(seen))
	}
	if !strings.HasPrefix(Shakespeare, "First Citizen:\nBefore we proceed any further, hear me speak.") || !strings.HasSuffix(Shakespeare, "heartily!\n") {
		t.Errorf("the text does not start and end as tiny Shakespeare's first 59,804 characters")
	}
}
