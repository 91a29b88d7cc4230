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

// make's Debian packages: as root the missing ones are installed with
// apt-get (a stand-in apt-get on PATH records the call, so nothing is
// installed machine-wide); otherwise make prints the exact command and
// goes on. Installed packages are left alone.
func TestMakefileDebianPackages(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed")
	}
	if _, err := exec.LookPath("dpkg-query"); err != nil {
		t.Skip("not a Debian system")
	}
	bin := t.TempDir()
	calls := filepath.Join(bin, "calls")
	fake := "#!/bin/sh\necho \"apt-get $*\" >> " + calls + "\n"
	if err := os.WriteFile(filepath.Join(bin, "apt-get"), []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	debs := func(asRoot string) string {
		t.Helper()
		cmd := exec.Command("make", "-s", "-C", "../..", "test-debs", "AS_ROOT="+asRoot, "TEST_DEBS=tinytorch-no-such-package dpkg")
		cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("make test-debs AS_ROOT=%s: %v\n%s", asRoot, err, out)
		}
		return string(out)
	}
	out := debs("")
	if want := "install them with: sudo apt-get install -y tinytorch-no-such-package\n"; !strings.Contains(out, want) || strings.Contains(out, " dpkg") {
		t.Errorf("as a user, make printed %q; want the command for the missing package only: %q", out, want)
	}
	if _, err := os.Stat(calls); err == nil {
		t.Errorf("as a user, make ran apt-get")
	}
	out = debs("yes")
	got, _ := os.ReadFile(calls)
	if want := "apt-get update -qq\napt-get install -y -qq tinytorch-no-such-package\n"; string(got) != want || !strings.Contains(out, "installing Debian packages: tinytorch-no-such-package") {
		t.Errorf("as root, make printed %q and ran %q; want %q", out, got, want)
	}
}

// With FASHION_MNIST_DIR pointing elsewhere (here an empty folder, as on a
// machine without the package), make asks for no dataset-fashion-mnist
// and says the site is built without it.
func TestMakefileWithoutFashionMNIST(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed")
	}
	plan := func(dir string) string {
		out, err := exec.Command("make", "-n", "-C", "../..", "data", "FASHION_MNIST_DIR="+dir).CombinedOutput()
		if err != nil {
			t.Fatalf("make -n data: %v\n%s", err, out)
		}
		return string(out)
	}
	if out := plan("/usr/share/datasets/fashion-mnist"); !strings.Contains(out, "for p in dataset-fashion-mnist;") {
		t.Errorf("with Debian's folder, make data does not check the package:\n%s", out)
	}
	if out := plan(t.TempDir()); strings.Contains(out, "for p in dataset-fashion-mnist;") {
		t.Errorf("with another folder, make data still asks for the package:\n%s", out)
	}
}
