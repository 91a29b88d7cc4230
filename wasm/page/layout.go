package page

// This file is the page's plan of a notebook as a list of entries: the
// published prose between cells, the published code cells and the cells
// the student added, in the order the page shows them. It holds no
// JavaScript, so its rules are tested natively (layout_test.go).
//
// A published notebook is laid out as
//
//	prose 0, code 0, prose 1, code 1, …, code n-1, prose n
//
// where prose k is everything between published code cells k-1 and k
// (it may render to nothing). The student can add cells, delete and move
// cells and turn a cell into Markdown, but not edit or delete the
// published prose, so each prose slot appears exactly once.

// Entry kinds.
const (
	kindCode     = "code"  // a runnable cell
	kindMarkdown = "md"    // a Markdown cell the student writes
	kindProse    = "prose" // a published prose slot
)

// entry is one block of the page in order. Pub is, for prose, its slot
// and, for a cell, the index of the published code cell it was (whatever
// its kind is now), or -1 for a cell the student added. Text is a cell's
// current source.
type entry struct {
	Kind string `json:"t"`
	Pub  int    `json:"p"`
	Text string `json:"s,omitempty"`
}

// publishedLayout is the layout of a published notebook with these code
// cells.
func publishedLayout(code []string) []entry {
	out := []entry{{Kind: kindProse, Pub: 0}}
	for i, c := range code {
		out = append(out, entry{Kind: kindCode, Pub: i, Text: c}, entry{Kind: kindProse, Pub: i + 1})
	}
	return out
}

// sameLayout reports whether two layouts are equal entry by entry.
func sameLayout(a, b []entry) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// sameStructure reports whether two layouts have the same blocks in the
// same order, whatever the cells' text.
func sameStructure(a, b []entry) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Kind != b[i].Kind || a[i].Pub != b[i].Pub {
			return false
		}
	}
	return true
}

// arrange fits a saved layout onto the published notebook shown now,
// whose layout is published. savedCells is how many published code cells
// the notebook had when the layout was saved.
//
// When the notebook has not changed since, the result is the saved layout.
// When it has, no text the student wrote is lost and nothing published
// is dropped silently:
//   - a saved cell whose published cell no longer exists is kept as an
//     added cell, with its text;
//   - a published block the saved layout does not know (a new cell, or a
//     new prose slot) is placed after the published block before it;
//   - a published cell the student deleted stays deleted;
//   - a saved prose slot that no longer exists is dropped (it held no text
//     of the student's);
//   - a block listed twice, or of an unknown kind, keeps its first place.
func arrange(saved []entry, savedCells int, published []entry) []entry {
	cells, slots := 0, 0
	for _, e := range published {
		if e.Kind == kindProse {
			slots++
		} else {
			cells++
		}
	}
	usedProse, usedCell := map[int]bool{}, map[int]bool{}
	var out []entry
	for _, e := range saved {
		switch e.Kind {
		case kindProse:
			if e.Pub >= 0 && e.Pub < slots && !usedProse[e.Pub] {
				usedProse[e.Pub] = true
				out = append(out, entry{Kind: kindProse, Pub: e.Pub})
			}
		case kindCode, kindMarkdown:
			if e.Pub >= 0 && e.Pub < cells && !usedCell[e.Pub] {
				usedCell[e.Pub] = true
			} else {
				e.Pub = -1 // its published cell is gone: the text stays, as an added cell
			}
			out = append(out, e)
		}
	}
	// Put in the published blocks the saved layout does not hold.
	last := -1 // where the last published block placed so far is
	for _, p := range published {
		if at := indexOfPublished(out, p); at >= 0 {
			last = at
			continue
		}
		if p.Kind != kindProse && p.Pub < savedCells {
			continue // deleted by the student
		}
		out = append(out[:last+1], append([]entry{p}, out[last+1:]...)...)
		last++
	}
	return out
}

// indexOfPublished is where the published block p is in layout, or -1.
func indexOfPublished(layout []entry, p entry) int {
	prose := p.Kind == kindProse
	for i, e := range layout {
		if (e.Kind == kindProse) == prose && e.Pub == p.Pub && e.Pub >= 0 {
			return i
		}
	}
	return -1
}

// fromCells is the layout of a record saved before cells could be added
// (version 1): the published layout with each cell's saved code.
func fromCells(code []string, published []entry) []entry {
	out := append([]entry(nil), published...)
	for i := range out {
		if out[i].Kind == kindCode && out[i].Pub < len(code) {
			out[i].Text = code[out[i].Pub]
		}
	}
	return out
}
