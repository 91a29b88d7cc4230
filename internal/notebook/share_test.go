package notebook

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/binary"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestShareRoundTrip(t *testing.T) {
	src, err := os.ReadFile("../../notebooks/01-system.md")
	if err != nil {
		t.Fatal(err)
	}
	nb, err := Parse("notebooks/01-system.md", src)
	if err != nil {
		t.Fatal(err)
	}
	nb.Blocks[len(nb.Blocks)-1].Source = "// edited\n1 + 1\n"
	s, err := EncodeShare(nb)
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(s, "+/=#&?") {
		t.Errorf("share data is not URL-safe: %q", s)
	}
	t.Logf("01-system.md: %d bytes of Markdown, %d characters of share data", len(src), len(s))
	for _, link := range []string{s, "#nb=" + s, "nb=" + s} {
		got, err := DecodeShare(link)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(kindsAndSources(got.Blocks), kindsAndSources(nb.Blocks)) || got.Title != nb.Title {
			t.Errorf("DecodeShare(EncodeShare(nb)) differs: %+v", got)
		}
		if got.Slug != "shared" {
			t.Errorf("slug = %q", got.Slug)
		}
	}
}

func TestDecodeShareRejects(t *testing.T) {
	link := func(compressed []byte) string { // a well-formed link around compressed
		sum := binary.BigEndian.AppendUint32(slices.Clone(compressed), shareChecksum(compressed))
		return ShareVersion + "." + base64.RawURLEncoding.EncodeToString(sum)
	}
	good := mustShare(t)
	tests := []struct {
		name, data, want string
	}{
		{"not base64", "2.abc*def", "share link: data: expected unpadded base64url"},
		{"padding bits", good[:len(good)-1] + string(good[len(good)-1]+1), "share link: "},
		{"no version", base64.RawURLEncoding.EncodeToString(deflate(t, []byte(front))), "share link: version: expected 2. at the start: this link has no version and checksum"},
		{"other version", "3." + good[2:], `share link: version: expected 2, the link says "3"`},
		{"bad checksum", good[:len(good)-2] + "AA", "share link: checksum: expected "},
		{"too short", "2.AAA", "share link: data: cut short, too short to hold a checksum"},
		{"not deflate", link([]byte("hello, world")), "share link: data: expected a compressed notebook"},
		{"cut short", link(deflate(t, []byte(good))[:5]), "share link: data: the compressed notebook is cut short"},
		{"not a notebook", link(deflate(t, []byte("just text"))), "share link: shared.md:1: expected front matter"},
		{"zip bomb", link(deflate(t, bytes.Repeat([]byte("a"), 8<<20))), "share link: data: the notebook is larger than the 128 KB a notebook may hold"},
		{"huge link", "2." + strings.Repeat("A", 2*MaxShareSize), "share link: 262146 characters, more than the 262144"},
		{"empty", "#nb=", "share link: no notebook data"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeShare(tc.data)
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("error = %v, want prefix %q", err, tc.want)
			}
		})
	}
}

// A notebook too large for Parse to read back is refused when the link
// is made, not when it is opened.
func TestEncodeShareRefusesLargeNotebooks(t *testing.T) {
	nb := &Notebook{Title: "t", Chapter: "1", Summary: "s", Blocks: []Block{code(strings.Repeat("1;\n", MaxShareSize/3+1))}}
	_, err := EncodeShare(nb)
	if want := "share link: the notebook's 128 KB of Markdown are more than the 128 KB a link may carry"; err == nil || err.Error() != want {
		t.Errorf("error = %v, want %q", err, want)
	}
}

// Every one-character substitution or deletion anywhere in a link is
// refused, never opened as another notebook (the unversioned links let a
// third of them through).
func TestDecodeShareRefusesEveryCorruption(t *testing.T) {
	nb, err := Parse("nb.md", []byte(front+"Hi $x$.\n\n```js\n1 + 1\n```\n"))
	if err != nil {
		t.Fatal(err)
	}
	good, err := EncodeShare(nb)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := DecodeShare(good); err != nil {
		t.Fatal(err)
	}
	alphabet := "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ %#~\n"
	tried := 0
	for i := range good {
		variants := []string{good[:i] + good[i+1:]}
		for _, c := range alphabet {
			if byte(c) != good[i] {
				variants = append(variants, good[:i]+string(c)+good[i+1:])
			}
		}
		for _, v := range variants {
			tried++
			if got, err := DecodeShare(v); err == nil {
				t.Fatalf("corrupted link %q (position %d) opened a notebook: %q", v, i, got.Markdown())
			}
		}
	}
	t.Logf("%d-character link: all %d corruptions refused", len(good), tried)
}

func mustShare(t *testing.T) string {
	nb, err := Parse("nb.md", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	s, err := EncodeShare(nb)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func deflate(t *testing.T, data []byte) []byte {
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, flate.BestCompression)
	w.Write(data)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
