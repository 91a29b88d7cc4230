package repo

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRoot(t *testing.T) {
	tmp := t.TempDir()
	fake := filepath.Join(tmp, "checkout")
	deep := filepath.Join(fake, "a", "b")
	for _, dir := range []string{deep, filepath.Join(fake, "notebooks"), filepath.Join(tmp, "only-mod")} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{filepath.Join(fake, "go.mod"), filepath.Join(tmp, "only-mod", "go.mod")} {
		if err := os.WriteFile(f, []byte("module tinytorch\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		wd, want, err string
	}{
		{fake, fake, ""},
		{deep, fake, ""}, // found above
		{filepath.Join(tmp, "only-mod"), "", "not inside the TinyTorch repository"}, // go.mod without notebooks/
		{tmp, "", "not inside the TinyTorch repository"},
	}
	for _, tc := range tests {
		t.Run(filepath.Base(tc.wd), func(t *testing.T) {
			t.Chdir(tc.wd)
			got, err := Root()
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("Root() = %q, %v; want an error saying %q", got, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			// The temporary folder may be reached through a symbolic link.
			if want, _ := filepath.EvalSymlinks(tc.want); got != tc.want && got != want {
				t.Fatalf("Root() = %q, want %q", got, tc.want)
			}
		})
	}
}
