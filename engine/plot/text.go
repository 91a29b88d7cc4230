package plot

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// textWidth estimates the width in pixels of s set in a system-ui font of
// the given size. There is no font measurement in Go without fonts, so the
// estimate uses a few classes of glyph widths and errs on the wide side.
func textWidth(s string, size float64) float64 {
	w := 0.0
	for _, r := range s {
		switch {
		case strings.ContainsRune("il.,:;|!'`·", r):
			w += 0.28
		case strings.ContainsRune("fjtrI()[]{}/\\ -", r):
			w += 0.36
		case r >= '0' && r <= '9':
			w += 0.58
		case strings.ContainsRune("mwMW@%", r):
			w += 0.88
		case unicode.IsUpper(r):
			w += 0.68
		case r > 0x2E80: // CJK and other wide scripts
			w += 1.0
		default:
			w += 0.56
		}
	}
	return w * size
}

// truncate shortens s with an ellipsis so that it fits in maxW pixels.
func truncate(s string, size, maxW float64) string {
	if textWidth(s, size) <= maxW {
		return s
	}
	for s != "" {
		_, n := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-n]
		if textWidth(s+"…", size) <= maxW {
			return strings.TrimRight(s, " ") + "…"
		}
	}
	return "…"
}
