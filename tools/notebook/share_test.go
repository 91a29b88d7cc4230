package notebook

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"os"
	"reflect"
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
	enc := base64.RawURLEncoding.EncodeToString
	tests := []struct {
		name, data, want string
	}{
		{"not base64", "abc*def", "share link: not base64url data"},
		{"not deflate", enc([]byte("hello, world")), "share link: not a compressed notebook"},
		{"cut short", mustShare(t)[:40], "share link: the data is cut short"},
		{"not a notebook", enc(deflate(t, []byte("just text"))), "share link: shared.md:1: expected front matter"},
		{"zip bomb", enc(deflate(t, bytes.Repeat([]byte("a"), MaxShareSize+1))), "share link: the notebook is larger than 2 MB"},
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
