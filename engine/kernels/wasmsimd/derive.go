package wasmsimd

import (
	"fmt"
	"strings"
)

// The variants of block (blockB, unpacked.go; conv, conv.go) and of
// dots (dotsConv, conv_grad.go) are made from their text when the module
// is assembled: the same instructions but the few that read B or address
// C, so that the register tile, the order of the multiply-adds and the
// update of C cannot drift apart, and every variant gives its original's
// bits.

// edit is one change from a function's text to its variant's: from must occur
// exactly times times, and each occurrence becomes to.
type edit struct {
	from, to string
	times    int
}

// withDerived returns the module text src with the variant of its
// function base that edits make added at the end; name is the variant's,
// for the errors.
func withDerived(src, base, name string, edits []edit) (string, error) {
	start := strings.Index(src, `  (func (export "`+base+`")`)
	if start < 0 {
		return "", fmt.Errorf("wasmsimd: the module has no %s function to derive %s from", base, name)
	}
	// The function's text runs to the next function or to the module's
	// closing parenthesis, before which the variant goes.
	last := strings.LastIndex(src, ")")
	end := last
	if next := strings.Index(src[start+1:], "\n  (func "); next >= 0 {
		end = start + 1 + next + 1
	}
	fn := src[start:end]
	for _, e := range edits {
		if n := strings.Count(fn, e.from); n != e.times {
			return "", fmt.Errorf("wasmsimd: deriving %s: %q occurs %d times in %s, want %d", name, e.from, n, base, e.times)
		}
		fn = strings.ReplaceAll(fn, e.from, e.to)
	}
	return src[:last] + fn + src[last:], nil
}
