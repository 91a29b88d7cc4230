package page

import (
	"fmt"
	"testing"
)

// layoutText writes a layout compactly: P0 for prose slot 0, C1 for
// published cell 1, +code and +md for added cells, with =text when a
// cell's text differs from its published code.
func layoutText(l []entry, published []string) string {
	s := ""
	for _, e := range l {
		switch {
		case e.Kind == kindProse:
			s += fmt.Sprintf("P%d ", e.Pub)
		case e.Pub < 0:
			s += fmt.Sprintf("+%s=%s ", e.Kind, e.Text)
		default:
			s += fmt.Sprintf("C%d", e.Pub)
			if e.Kind == kindMarkdown {
				s += "md"
			}
			if e.Pub >= len(published) || e.Text != published[e.Pub] {
				s += "=" + e.Text
			}
			s += " "
		}
	}
	return s
}

func TestArrange(t *testing.T) {
	pub3 := []string{"a", "b", "c"}
	cell := func(k string, p int, s string) entry { return entry{Kind: k, Pub: p, Text: s} }
	prose := func(p int) entry { return entry{Kind: kindProse, Pub: p} }
	tests := []struct {
		name       string
		saved      []entry
		savedCells int
		published  []string
		want       string
	}{
		{"unchanged", publishedLayout(pub3), 3, pub3, "P0 C0 P1 C1 P2 C2 P3 "},
		{"edited, added, moved and deleted, same version",
			[]entry{prose(0), cell(kindCode, 1, "B"), prose(1), cell(kindMarkdown, -1, "# note"), prose(2), cell(kindCode, 2, "c"), prose(3)}, 3, pub3,
			"P0 C1=B P1 +md=# note P2 C2 P3 "},
		{"a published cell turned into Markdown", []entry{prose(0), cell(kindMarkdown, 0, "a"), prose(1), cell(kindCode, 1, "b"), prose(2), cell(kindCode, 2, "c"), prose(3)}, 3, pub3,
			"P0 C0md P1 C1 P2 C2 P3 "},
		{"a cell added to the published notebook since goes after the block before it",
			[]entry{prose(0), cell(kindCode, 0, "A"), prose(1), cell(kindCode, -1, "mine"), cell(kindCode, 1, "b"), prose(2)}, 2, pub3,
			"P0 C0=A P1 +code=mine C1 P2 C2 P3 "},
		{"a deleted cell stays deleted when the notebook grew",
			[]entry{prose(0), prose(1), cell(kindCode, 1, "b"), prose(2)}, 2, pub3,
			"P0 P1 C1 P2 C2 P3 "},
		{"a saved cell whose published cell is gone keeps its text",
			[]entry{prose(0), cell(kindCode, 0, "a"), prose(1), cell(kindCode, 1, "b"), prose(2), cell(kindCode, 2, "edited c"), prose(3)}, 3, []string{"a", "b"},
			"P0 C0 P1 C1 P2 +code=edited c "},
		{"duplicates and unknown kinds keep the first place",
			[]entry{prose(0), prose(0), cell(kindCode, 0, "x"), cell(kindCode, 0, "y"), {Kind: "raw", Pub: 1}, prose(1)}, 1, []string{"a"},
			"P0 C0=x +code=y P1 "},
		{"an empty record is the published notebook", nil, 0, pub3, "P0 C0 P1 C1 P2 C2 P3 "},
		{"slots that no longer exist are dropped", []entry{prose(0), prose(5), cell(kindCode, 0, "a"), prose(1)}, 1, []string{"a"}, "P0 C0 P1 "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := layoutText(arrange(tt.saved, tt.savedCells, publishedLayout(tt.published)), tt.published)
			if got != tt.want {
				t.Errorf("arrange:\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestFromCellsAndCompare(t *testing.T) {
	pub := publishedLayout([]string{"a", "b"})
	got := fromCells([]string{"A"}, pub)
	if s := layoutText(got, []string{"a", "b"}); s != "P0 C0=A P1 C1 P2 " {
		t.Errorf("fromCells: %s", s)
	}
	if sameLayout(got, pub) || !sameStructure(got, pub) {
		t.Errorf("an edit changes the layout but not its structure")
	}
	if !sameLayout(fromCells([]string{"a", "b", "extra"}, pub), pub) {
		t.Errorf("fromCells with the published code should give the published layout")
	}
	moved := []entry{pub[0], pub[3], pub[1], pub[2], pub[4]}
	if sameStructure(moved, pub) {
		t.Errorf("a moved cell changes the structure")
	}
}
