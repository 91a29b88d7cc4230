package wasmsimd

import (
	"fmt"
	"strings"
)

// block's variants (blockB, unpacked.go; conv, conv.go) are made from
// its text when the module is assembled: the same instructions but the
// few that read B or address C, so that the register tile, the order of
// the multiply-adds and the update of C cannot drift apart, and every
// variant gives block's bits.

// edit is one change from block's text to a variant's: from must occur
// exactly times times, and each occurrence becomes to.
type edit struct {
	from, to string
	times    int
}

// withDerived returns the module text src (matmul.wat) with the variant
// of block that edits make added after block; name is the variant's, for
// the errors.
func withDerived(src, name string, edits []edit) (string, error) {
	start := strings.Index(src, `  (func (export "block")`)
	end := strings.LastIndex(src, ")")
	if start < 0 || end < start {
		return "", fmt.Errorf("wasmsimd: matmul.wat has no block function to derive %s from", name)
	}
	// block is the module's first function: its text runs to the next
	// function or to the module's closing parenthesis.
	if next := strings.Index(src[start+1:], "\n  (func "); next >= 0 {
		end = start + 1 + next + 1
	}
	fn := src[start:end]
	for _, e := range edits {
		if n := strings.Count(fn, e.from); n != e.times {
			return "", fmt.Errorf("wasmsimd: deriving %s: %q occurs %d times in block, want %d", name, e.from, n, e.times)
		}
		fn = strings.ReplaceAll(fn, e.from, e.to)
	}
	last := strings.LastIndex(src, ")")
	return src[:last] + fn + src[last:], nil
}
