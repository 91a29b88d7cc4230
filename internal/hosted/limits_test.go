package hosted

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckAssets(t *testing.T) {
	sized := func(t *testing.T, sizes map[string]int64) string {
		dir := t.TempDir()
		for name, size := range sizes {
			p := filepath.Join(dir, filepath.FromSlash(name))
			os.MkdirAll(filepath.Dir(p), 0o755)
			f, err := os.Create(p)
			if err != nil {
				t.Fatal(err)
			}
			// A sparse file: the size without writing the bytes.
			if err := f.Truncate(size); err != nil {
				t.Fatal(err)
			}
			f.Close()
		}
		return dir
	}
	many := map[string]int64{}
	for i := range 6 {
		many[fmt.Sprintf("f%d.txt", i)] = 1
	}
	tests := []struct {
		name     string
		sizes    map[string]int64
		maxFiles int
		files    int
		largest  string
		err      string
	}{
		{"within the limits", map[string]int64{"index.html": 10, "assets/k.wasm": MaxAssetSize}, 5, 2, "assets/k.wasm", ""},
		{"a file over 25 MiB", map[string]int64{"index.html": 10, "data/big.bin": MaxAssetSize + 1, "data/huge.bin": 30 << 20}, 5, 3, "data/huge.bin",
			"static assets: 2 file(s) in DIR exceed the 25 MiB that Workers static assets allow a file: data/big.bin (25.0 MiB), data/huge.bin (30.0 MiB)"},
		{"too many files", many, 5, 6, "f0.txt", "static assets: DIR holds 6 files, more than the 5 that Workers static assets allow"},
		{"exactly the count", many, 6, 6, "f0.txt", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := sized(t, tc.sizes)
			sum, err := CheckAssets(dir, tc.maxFiles)
			if sum.Files != tc.files || (tc.largest != "f0.txt" && sum.Largest != tc.largest) {
				t.Errorf("summary %+v", sum)
			}
			want := strings.ReplaceAll(tc.err, "DIR", dir)
			switch {
			case want == "" && err != nil:
				t.Fatalf("error %v", err)
			case want != "" && (err == nil || !strings.HasPrefix(err.Error(), want)):
				t.Fatalf("error %v, want %q", err, want)
			}
		})
	}
	if _, err := CheckAssets(filepath.Join(t.TempDir(), "missing"), 5); err == nil || !strings.Contains(err.Error(), "run make build first") {
		t.Errorf("missing folder: %v", err)
	}
}
