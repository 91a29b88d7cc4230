package config

import (
	"os"
	"testing"
)

// FuzzParse: any bytes give a Config or an error, never a panic, and a
// Config that parses writes out (Marshal) to a file that parses back to
// the same Config.
func FuzzParse(f *testing.F) {
	if src, err := os.ReadFile(defaultFile); err == nil {
		f.Add(src)
	}
	for _, s := range []string{"", "epochs: 2\n", "optim: {lr: 1e-5, name: sgd}\n", "seed: &a 3\nthreads: *a\n",
		"data:\n  transforms:\n    normalize_mean: [0.5]\n    normalize_std: [2]\n", "- x\n", "a: [\n", "epochs: 1\n---\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		cfg, err := Parse("fuzz.yaml", src)
		if err != nil {
			return
		}
		back, err := Parse("resolved.yaml", cfg.Marshal())
		if err != nil {
			t.Fatalf("Marshal wrote a file Parse refuses: %v\n%s", err, cfg.Marshal())
		}
		assertSame(t, back, cfg)
	})
}
