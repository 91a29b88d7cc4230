package runs

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"tinytorch/engine/config"
	"tinytorch/engine/data"
	"tinytorch/internal/repo"
)

// TrainInMemory, the browser's way, gives the files Train writes to disk,
// byte for byte where they hold no timings: the two share the recipe
// (Assemble) and the runner.
func TestTrainInMemoryMatchesTrain(t *testing.T) {
	root, err := repo.Root()
	if err != nil {
		t.Skip("not in the repository:", err)
	}
	cfg, err := config.Parse("tiny.yaml", []byte("epochs: 2\ndata:\n  train_images: 256\n  test_images: 100\n  batch_size: 32\n"))
	if err != nil {
		t.Fatal(err)
	}
	logs := t.TempDir()
	dir, rec, err := Train(context.Background(), Options{Config: cfg, Logs: logs, Root: root, Out: &bytes.Buffer{}})
	if err != nil {
		t.Fatal(err)
	}
	trainSet, testSet, err := data.LoadMNISTDigits(filepath.Join(root, data.MNISTPackageDir))
	if err != nil {
		t.Fatal(err)
	}
	s, err := Assemble(cfg, trainSet, testSet)
	if err != nil {
		t.Fatal(err)
	}
	mem, mrec, err := TrainInMemory(context.Background(), s, MemoryOptions{Name: "run_test"})
	if err != nil {
		t.Fatal(err)
	}
	if mrec.Status != Finished || mrec.Steps != rec.Steps || mrec.Metrics["val_loss"] != rec.Metrics["val_loss"] {
		t.Errorf("in memory: %s after %d steps, val_loss %v; on disk: %s after %d steps, val_loss %v",
			mrec.Status, mrec.Steps, mrec.Metrics["val_loss"], rec.Status, rec.Steps, rec.Metrics["val_loss"])
	}
	for _, name := range []string{"config.yaml", "metrics.jsonl", "charts/loss.svg", "charts/accuracy.svg", "charts/lr.svg", CheckpointFile} {
		disk, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(mem[name], disk) {
			t.Errorf("%s: %d bytes in memory differ from the %d on disk", name, len(mem[name]), len(disk))
		}
	}
	for _, name := range []string{"environment.json", "train.log", "run.json"} {
		if len(mem[name]) == 0 {
			t.Errorf("%s: missing from the run in memory (files %v)", name, mem.Names())
		}
	}
}
