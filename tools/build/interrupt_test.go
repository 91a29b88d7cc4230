package main

import (
	"bufio"
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Ctrl+C during a build removes its temporary folder (20–155 MB once
// left behind) and leaves no site. The test builds the command, starts a
// real build with an empty data cache and brotli 11, so that the data
// step runs for many seconds, and interrupts it there.
func TestInterruptRemovesTemporaryFolder(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the site (-short)")
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "build")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	gocache, err := exec.Command("go", "env", "GOCACHE").Output()
	if err != nil {
		t.Fatal(err)
	}
	outDir := filepath.Join(tmp, "out")
	cmd := exec.Command(bin, "-out", filepath.Join(outDir, "dist"), "-brotli", "11")
	cmd.Dir = "../.."
	cmd.Env = append(os.Environ(),
		"XDG_CACHE_HOME="+filepath.Join(tmp, "cache"), // no cached compressed data
		"GOCACHE="+strings.TrimSpace(string(gocache)), // but Go's own cache as usual
		"FASHION_MNIST_DIR="+filepath.Join(tmp, "none"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stdout)
	for lines.Scan() { // the step before the data step has finished
		if strings.HasPrefix(lines.Text(), "  images") {
			break
		}
	}
	time.Sleep(2 * time.Second)
	size, count := treeSize(t, outDir, ".build-")
	if count == 0 {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("no temporary folder while the build runs; it wrote to stderr: %s", stderr.String())
	}
	t.Logf("the temporary folder held %.1f MB when interrupted", float64(size)/1e6)
	sent := time.Now()
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	for lines.Scan() {
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the build still runs 60 s after Ctrl+C")
	}
	t.Logf("the build stopped %v after Ctrl+C", time.Since(sent).Round(time.Millisecond))
	if code := cmd.ProcessState.ExitCode(); code != 130 || !strings.Contains(stderr.String(), "build: interrupted") {
		t.Errorf("exit status %d (%v), stderr %q; want 130 and a message", code, err, stderr.String())
	}
	entries, _ := os.ReadDir(outDir)
	for _, e := range entries {
		t.Errorf("left behind after Ctrl+C: %s", e.Name())
	}
}

// treeSize adds up the bytes of the folders under dir whose names start
// with prefix, and counts those folders.
func treeSize(t *testing.T, dir, prefix string) (size int64, count int) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), prefix) {
			continue
		}
		count++
		filepath.WalkDir(filepath.Join(dir, e.Name()), func(_ string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				if info, err := d.Info(); err == nil {
					size += info.Size()
				}
			}
			return nil
		})
	}
	return size, count
}
