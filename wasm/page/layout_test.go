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

// FuzzArrange: whatever a saved record holds, arrange keeps every text
// the student wrote, shows every published prose slot exactly once and
// no published cell twice.
func FuzzArrange(f *testing.F) {
	f.Add([]byte{0, 0, 1, 0, 2, 1, 0, 1}, uint8(2), uint8(3))
	f.Add([]byte{1, 9, 2, 255, 0, 7}, uint8(0), uint8(1))
	f.Add([]byte{}, uint8(5), uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, savedCells, cells uint8) {
		published := make([]string, cells%8)
		for i := range published {
			published[i] = fmt.Sprint("p", i)
		}
		var saved []entry
		for i := 0; i+1 < len(data); i += 2 {
			kind := []string{kindProse, kindCode, kindMarkdown, "other"}[data[i]%4]
			saved = append(saved, entry{Kind: kind, Pub: int(int8(data[i+1])) % 10, Text: fmt.Sprint("t", i)})
		}
		pub := publishedLayout(published)
		got := arrange(saved, int(savedCells%10), pub)
		prose, cellSeen, texts := map[int]int{}, map[int]int{}, map[string]bool{}
		for _, e := range got {
			switch e.Kind {
			case kindProse:
				prose[e.Pub]++
			case kindCode, kindMarkdown:
				texts[e.Text] = true
				if e.Pub >= 0 {
					if e.Pub >= len(published) {
						t.Fatalf("cell for published cell %d of %d", e.Pub, len(published))
					}
					cellSeen[e.Pub]++
				}
			default:
				t.Fatalf("entry of kind %q", e.Kind)
			}
		}
		for k := 0; k <= len(published); k++ {
			if prose[k] != 1 {
				t.Fatalf("prose slot %d shown %d times in %v", k, prose[k], got)
			}
		}
		for p, n := range cellSeen {
			if n > 1 {
				t.Fatalf("published cell %d shown %d times", p, n)
			}
		}
		for _, e := range saved {
			if (e.Kind == kindCode || e.Kind == kindMarkdown) && !texts[e.Text] {
				t.Fatalf("the saved text %q was lost: %v", e.Text, got)
			}
		}
		if len(saved) == 0 && !sameLayout(got, pub) && int(savedCells%10) == 0 {
			t.Fatalf("an empty record gave %v", got)
		}
	})
}
