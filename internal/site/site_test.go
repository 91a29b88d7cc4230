package site

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tinytorch/internal/repo"
	"tinytorch/internal/static"
)

// A malformed notebook stops the build before anything is written, with
// the file, the line and the reason, and leaves the previous site intact.
func TestBuildRejectsMalformedNotebook(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "dist")
	write(t, filepath.Join(root, "notebooks", "01-ok.md"), "---\ntitle: A\nchapter: \"1\"\nsummary: s\n---\ntext\n")
	write(t, filepath.Join(root, "notebooks", "02-bad.md"), "---\ntitle: B\nchapter: \"2\"\nsummary: s\n---\n\n```js\n1 + 1\n")
	write(t, filepath.Join(out, "index.html"), "previous build")
	write(t, filepath.Join(out, static.SiteFile), "{}") // a build's folder

	_, err := Build(Options{Root: root, Out: out})
	if err == nil {
		t.Fatal("Build succeeded with an unclosed code block")
	}
	want := filepath.Join(root, "notebooks", "02-bad.md") + ":7: code block opened with ``` is never closed"
	if !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error = %q, want %q", err, want)
	}
	if got, _ := os.ReadFile(filepath.Join(out, "index.html")); string(got) != "previous build" {
		t.Errorf("the previous site was changed: index.html = %q", got)
	}
}

func TestBuildNeedsNotebooks(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "notebooks"), 0o755)
	_, err := Build(Options{Root: root, Out: filepath.Join(root, "dist")})
	if err == nil || !strings.Contains(err.Error(), "no notebooks found") {
		t.Errorf("error = %v", err)
	}
}

func TestCompressShrinks(t *testing.T) {
	data := []byte(strings.Repeat("tinytorch ", 500))
	gz, err := gzipBytes(data)
	if err != nil || len(gz) >= len(data) {
		t.Fatalf("gzip: %d bytes, %v", len(gz), err)
	}
	br, err := brotliBytes(context.Background(), data, 5)
	if err != nil || len(br) >= len(data) {
		t.Fatalf("brotli: %d bytes, %v", len(br), err)
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestChapterLabel(t *testing.T) {
	for in, want := range map[string]string{"3": "Ch. 3", "1–2": "Ch. 1–2", "Milestone 1986": "Milestone 1986", "": ""} {
		if got := chapterLabel(in); got != want {
			t.Errorf("chapterLabel(%q) = %q, want %q", in, got, want)
		}
	}
}

// The notebook page's boot script starts the kernel worker above the
// stylesheet and the notebook's source: a script waits for the
// stylesheets above it, and the worker's download should not wait for
// the CSS.
func TestKernelBootComesFirst(t *testing.T) {
	root, err := repo.Root()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, "web", "templates", "notebook.html"))
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	boot := strings.Index(page, "new Worker(")
	if boot < 0 {
		t.Fatal("notebook.html has no boot script that starts the kernel worker")
	}
	for _, later := range []string{`rel="stylesheet"`, `id="tt-source"`, `rel="modulepreload"`, `rel="preload"`} {
		if i := strings.Index(page, later); i < 0 || i < boot {
			t.Errorf("%s comes before the boot script (at %d, boot at %d)", later, i, boot)
		}
	}
}
