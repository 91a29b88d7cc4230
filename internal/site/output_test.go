package site

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tinytorch/internal/static"
)

// The build replaces its output folder as a whole, so it refuses any
// folder it did not write, before doing any work, and leaves it as it was:
// `-out .` once deleted the repository and `-out notes.txt` the file.
func TestBuildRefusesForeignOutput(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "notebooks", "01-ok.md"), "---\ntitle: A\nchapter: \"1\"\nsummary: s\n---\ntext\n")
	write(t, filepath.Join(root, "go.mod"), "module x\n")
	write(t, filepath.Join(root, "notes.txt"), "my notes")
	write(t, filepath.Join(root, "mine", "essay.md"), "my essay")
	if err := os.Symlink(filepath.Join(root, "mine"), filepath.Join(root, "link")); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		out, want string
	}{
		{root, "it holds the repository"},
		{filepath.Dir(root), "it holds the repository"},
		{filepath.Join(root, "notes.txt"), "it is a file, not a folder"},
		{filepath.Join(root, "mine"), "it holds files that no build wrote (essay.md, …) and no .tinytorch-site.json marker"},
		{filepath.Join(root, "link"), "it is a symbolic link"},
	} {
		_, err := Build(Options{Root: root, Out: tc.out})
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "output folder "+tc.out+": ") {
			t.Errorf("-out %s: error %v, want one containing %q", tc.out, err, tc.want)
		}
	}
	for file, want := range map[string]string{"notes.txt": "my notes", "mine/essay.md": "my essay", "notebooks/01-ok.md": "---\ntitle: A\nchapter: \"1\"\nsummary: s\n---\ntext\n"} {
		if got, err := os.ReadFile(filepath.Join(root, file)); err != nil || string(got) != want {
			t.Errorf("%s after the refused builds: %q, %v", file, got, err)
		}
	}
	if entries, _ := os.ReadDir(root); len(entries) != 5 {
		t.Errorf("the root holds %d entries after the refused builds, want the 5 it had", len(entries))
	}
}

// What the build may replace: nothing yet, an empty folder, or its own.
func TestCheckOutAccepts(t *testing.T) {
	root := t.TempDir()
	empty := filepath.Join(root, "empty")
	own := filepath.Join(root, "dist")
	write(t, filepath.Join(own, "index.html"), "old site")
	if err := writeSiteFile(own, nil); err != nil {
		t.Fatal(err)
	}
	os.Mkdir(empty, 0o755)
	for _, out := range []string{filepath.Join(root, "new"), filepath.Join(root, "a", "b"), empty, own} {
		if err := checkOut(filepath.Join(root, "repo"), out); err != nil {
			t.Errorf("checkOut(%s) = %v", out, err)
		}
	}
}

// Swapping the new site in deletes the old site and nothing else: the
// old code moved it to <out>.old after deleting whatever had that name.
func TestReplaceDirKeepsNeighbours(t *testing.T) {
	dir := t.TempDir()
	out, next := filepath.Join(dir, "dist"), filepath.Join(dir, ".build-1")
	write(t, filepath.Join(out, "index.html"), "old")
	write(t, filepath.Join(out+".old", "keep.txt"), "someone's file")
	write(t, filepath.Join(next, "index.html"), "new")
	if err := replaceDir(next, out); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(out, "index.html")); string(got) != "new" {
		t.Errorf("index.html = %q, want new", got)
	}
	if got, err := os.ReadFile(filepath.Join(out+".old", "keep.txt")); err != nil || string(got) != "someone's file" {
		t.Errorf("dist.old/keep.txt: %q, %v", got, err)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "dist dist.old" {
		t.Errorf("the folder holds %v, want [dist dist.old]", names)
	}
}

// The site file marks the folder and carries the inline scripts' hashes.
func TestSiteFileHashesInlineScripts(t *testing.T) {
	dir := t.TempDir()
	// sha256 of "x()" and of "y()" in base64, as `printf 'x()' | openssl dgst -sha256 -binary | base64` gives.
	write(t, filepath.Join(dir, "a.html"), `<script type="application/json">{"a":1}</script><script>x()</script><script src="/m.js"></script>`)
	write(t, filepath.Join(dir, "b.html"), `<SCRIPT type=module>x()</SCRIPT><script type="text/javascript">y()</script>`)
	hashes, err := scriptHashes(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := "'sha256-D6IGS8VMvCoyaR/l0h9tERrBTATY01CoPS7l6xDv0kI=' 'sha256-nwG+cZ8J4yZ7RZ4RWxVDwCwkMn9GJelY2VgKXNi2Uvk='"
	if got := strings.Join(hashes, " "); got != want {
		t.Errorf("hashes %s, want %s", got, want)
	}
	if err := writeSiteFile(dir, hashes); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, static.SiteFile))
	if !strings.Contains(string(b), hashes[0]) {
		t.Errorf("site file: %s", b)
	}
}
