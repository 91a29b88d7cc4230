package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The Makefile installs staticcheck under a name that carries its version,
// so changing STATICCHECK_VERSION installs the new one even when an older
// staticcheck is already in .bin/.
func TestMakefileReinstallsStaticcheckOnNewVersion(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed")
	}
	bin := t.TempDir()
	plan := func(version string) string {
		t.Helper()
		cmd := exec.Command("make", "-n", "-C", "../..", "lint", "BIN="+bin, "STATICCHECK_VERSION="+version)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("make -n lint: %v\n%s", err, out)
		}
		return string(out)
	}
	// An earlier install, of another version, under each possible name.
	for _, name := range []string{"staticcheck", "staticcheck-v0.8.2"} {
		if err := os.WriteFile(filepath.Join(bin, name), []byte("old"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if out := plan("v0.8.1"); !strings.Contains(out, "staticcheck@v0.8.1") || !strings.Contains(out, filepath.Join(bin, "staticcheck-v0.8.1")+" ./...") {
		t.Errorf("with a new STATICCHECK_VERSION, make lint does not install and run it:\n%s", out)
	}
	if out := plan("v0.8.2"); strings.Contains(out, "go install") {
		t.Errorf("with staticcheck-v0.8.2 installed, make lint installs it again:\n%s", out)
	}
}
