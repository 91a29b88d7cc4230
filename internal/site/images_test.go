package site

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"tinytorch/internal/static"
)

// The pictures a notebook shows from files beside it are found, code is
// skipped, and what cannot work on the built site is an error with the
// notebook's line.
func TestNotebookImages(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "figures", "parts.svg"), "<svg/>")
	write(t, filepath.Join(dir, "plot.png"), "png")
	os.MkdirAll(filepath.Join(dir, "figures", "folder.png"), 0o755)
	tests := []struct {
		name, src string
		want      []string
		err       string // the error after the file name
	}{
		{"markdown", "text\n![The parts](figures/parts.svg \"title\")\n", []string{"figures/parts.svg"}, ""},
		{"html and dot-slash", "<img alt=\"p\" src=\"./plot.png\">\n", []string{"plot.png"}, ""},
		{"two on a line", "![a](plot.png) and ![b](<figures/parts.svg>)\n", []string{"plot.png", "figures/parts.svg"}, ""},
		{"remote and data are left alone", "![a](https://example.org/x.png) ![b](data:image/png;base64,AA==) ![c](/logo.svg)\n", nil, ""},
		{"in a code cell", "```js\n// ![no](missing.png)\n```\n", nil, ""},
		{"in a longer fence", "````md\n```\n![no](missing.png)\n```\n````\n", nil, ""},
		{"missing", "# T\n\nSee ![the parts](figures/nope.svg).\n", nil, `:3: image "figures/nope.svg" not found: no file ` + filepath.Join(dir, "figures", "nope.svg")},
		{"after a closed fence", "```js\n1\n```\n![x](gone.png)\n", nil, `:4: image "gone.png" not found`},
		{"outside notebooks", "![x](../secret.png)\n", nil, `:1: image "../secret.png" is outside notebooks/`},
		{"not a picture", "![x](notes.txt)\n", nil, `:1: image "notes.txt": ".txt" is not a picture format`},
		{"a folder", "![x](figures/folder.png)\n", nil, `:1: image "figures/folder.png" is a folder, not a file`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := notebookImages(dir, "nb.md", []byte(tc.src))
			if tc.err != "" {
				if err == nil || !strings.HasPrefix(err.Error(), "nb.md"+tc.err) {
					t.Fatalf("error = %v, want prefix %q", err, "nb.md"+tc.err)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("images = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

// The build copies each picture to the same path beside the pages, where
// the rendered <img src="figures/…"> looks for it.
func TestImagesLandInSite(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "notebooks")
	write(t, filepath.Join(dir, "01-a.md"), "---\ntitle: A\nchapter: \"1\"\nsummary: s\n---\n![The parts](figures/parts.svg)\n")
	write(t, filepath.Join(dir, "02-b.md"), "---\ntitle: B\nchapter: \"2\"\nsummary: s\n---\n![Again](figures/parts.svg)\n")
	write(t, filepath.Join(dir, "figures", "parts.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>")
	write(t, filepath.Join(dir, "figures", "unused.svg"), "<svg/>")
	nbs, images, err := readNotebooks(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(nbs[0].HTML, `<img src="figures/parts.svg" alt="The parts">`) {
		t.Errorf("the page's HTML does not point at figures/parts.svg:\n%s", nbs[0].HTML)
	}
	out := filepath.Join(root, "dist")
	if err := copyImages(dir, out, images); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(filepath.Join(out, "figures", "parts.svg")); err != nil || string(got) != "<svg xmlns=\"http://www.w3.org/2000/svg\"/>" {
		t.Errorf("dist/figures/parts.svg = %q, %v", got, err)
	}
	if _, err := os.Stat(filepath.Join(out, "figures", "unused.svg")); !os.IsNotExist(err) {
		t.Errorf("a picture no notebook shows was copied (stat: %v)", err)
	}
}

// A missing picture stops the build before anything is compiled, with the
// notebook's file, line and reason, and the previous site stays.
func TestBuildRejectsMissingImage(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "dist")
	file := filepath.Join(root, "notebooks", "01-a.md")
	write(t, file, "---\ntitle: A\nchapter: \"1\"\nsummary: s\n---\nIntro.\n\n![The parts](figures/parts.svg)\n")
	write(t, filepath.Join(out, "index.html"), "previous build")
	write(t, filepath.Join(out, static.SiteFile), "{}") // a build's folder
	_, err := Build(Options{Root: root, Out: out})
	want := file + `:8: image "figures/parts.svg" not found: no file ` + filepath.Join(root, "notebooks", "figures", "parts.svg")
	if err == nil || err.Error() != want {
		t.Fatalf("error = %v, want %q", err, want)
	}
	if got, _ := os.ReadFile(filepath.Join(out, "index.html")); string(got) != "previous build" {
		t.Errorf("the previous site was changed: index.html = %q", got)
	}
}
