package main

import (
	"fmt"

	"tinytorch/engine/bench"
	"tinytorch/engine/data"
	"tinytorch/engine/kernels"
	"tinytorch/engine/kernels/sparse"
	"tinytorch/internal/benchjson"
	"tinytorch/internal/milestone"
)

// The pruning half of chapter 10 in make bench: where the sparse Linear
// kernel beats the dense one natively (and, from TestBenchSparse's
// sparse.json, in Chromium), the milestone MLP at 90% unstructured
// sparsity after fine-tuning against the dense one, and the LeNet with
// half its convolution channels removed against the whole one.

// pruneTargetSparsity and pruneFineTune are the MLP recipe's settings.
const (
	pruneTargetSparsity = 0.9
	pruneFineTune       = 3
)

// pruneBench measures the native figures.
func pruneBench() {
	out := map[string]any{}
	jsonData["prune"] = out
	sparseCrossoverNative(out)
	lenetChannels(out)
	mlpPruned(out)
}

// sparseCrossoverNative times the CSR kernel against kernels.Matmul on the
// MLP's first layer (128×784) at batch 1 and 64.
func sparseCrossoverNative(out map[string]any) {
	iterations := 20
	if *quick {
		iterations = 5
	}
	var runs []benchjson.SparseCrossover
	for _, batch := range []int{1, 64} {
		r, err := sparse.Crossover(128, 784, batch, []float64{0.5, 0.3, 0.2, 0.1, 0.05, 0.02, 0.01}, func(dense, sparseFn func()) (float64, float64, float64) {
			cmp := bench.Compare([]bench.Candidate{{Name: "dense", Fn: dense}, {Name: "sparse", Fn: sparseFn}}, bench.Options{Iterations: iterations})
			return cmp.Ratios[1].Median, float64(cmp.Results[0].P50.Nanoseconds()), float64(cmp.Results[1].P50.Nanoseconds())
		})
		if err != nil {
			fmt.Println("sparse crossover failed:", err)
			return
		}
		t := &bench.Table{Title: fmt.Sprintf("Sparse (CSR) against dense Linear, native, %d×%d weight, batch %d", r.Rows, r.Cols, r.Batch),
			Header: []string{"density", "dense µs", "sparse µs", "sparse speed ÷ dense"}}
		for _, p := range r.Points {
			t.Add(fmt.Sprintf("%.3f", p.Density), p.DenseNs/1e3, p.SparseNs/1e3, fmt.Sprintf("%.2f×", p.Speedup))
		}
		t.Notes = append(t.Notes, r.String())
		show(t)
		fmt.Println(r)
		run := benchjson.SparseCrossover{Rows: r.Rows, Cols: r.Cols, Batch: r.Batch, Kernel: fmt.Sprintf("%s, %d thread(s)", r.Kernel, r.Threads), Crossover: r.Crossover}
		for _, p := range r.Points {
			run.Points = append(run.Points, benchjson.SparsePoint(p))
		}
		runs = append(runs, run)
	}
	out["sparse_native"] = runs
}

// sparseTable is the crossover natively and in Chromium side by side.
func sparseTable(chromium *benchjson.Sparse) {
	native, _ := jsonData["prune"].(map[string]any)["sparse_native"].([]benchjson.SparseCrossover)
	t := &bench.Table{Title: "Sparse (CSR) Linear kernel: the density below which it beats the dense kernel, 128×784 weight",
		Header: []string{"runtime", "dense kernel", "batch", "crossover density"}}
	for _, r := range native {
		t.Add("native", r.Kernel, r.Batch, fmt.Sprintf("%.3g", r.Crossover))
	}
	if chromium != nil {
		for _, r := range chromium.Runs {
			t.Add("Chromium", r.Kernel+", 1 thread", r.Batch, fmt.Sprintf("%.3g", r.Crossover))
		}
	} else {
		t.Notes = append(t.Notes, "Chromium: not measured in this run (TestBenchSparse)")
	}
	t.Notes = append(t.Notes, "the highest density measured (0.5, 0.3, 0.2, 0.1, 0.05, 0.02, 0.01 of the weights nonzero, at random places) at which the CSR kernel's median time beats the dense one's, interleaved rounds; 0: never",
		"the CSR kernel runs on one thread; a pruned Linear switches to it with prune.Sparsify (tt.prune.sparsify)")
	show(t)
}

// lenetChannels times the LeNet with half its channels cut.
func lenetChannels(out map[string]any) {
	iterations := 20
	if *quick {
		iterations = 5
	}
	fmt.Println("\nLeNet, 50% of the convolution channels pruned (structured)…")
	r, err := milestone.PruneLeNetChannels(0.5, iterations)
	if err != nil {
		fmt.Println("LeNet channel pruning failed:", err)
		return
	}
	t := &bench.Table{Title: "LeNet with 50% of its convolution channels removed (prune.LnStructured), native",
		Header: []string{"pass, batch 64", "pruned speed ÷ dense (p10–p90)"}}
	t.Add("forward", fmt.Sprintf("%.2f× (%.2f–%.2f)", r.Forward.Median, r.Forward.P10, r.Forward.P90))
	t.Add("training step (Adam)", fmt.Sprintf("%.2f× (%.2f–%.2f)", r.Step.Median, r.Step.P10, r.Step.P90))
	t.Notes = append(t.Notes, fmt.Sprintf("%d → %d parameters: Conv2d 1→6→16 channels become 1→3→8, and the first Linear takes 200 inputs instead of 400", r.DenseParams, r.PrunedParams),
		fmt.Sprintf("%d interleaved rounds of each (milestone.PruneLeNetChannels); kernel %s, %d thread(s)", iterations, kernels.Current(), kernels.Threads()))
	show(t)
	out["lenet_channels"] = map[string]any{"dense_params": r.DenseParams, "pruned_params": r.PrunedParams, "forward": r.Forward, "step": r.Step}
	targets = append(targets, target{What: "native LeNet, 50% structured channel pruning: forward speed pruned ÷ dense (p10–p90)",
		Measured: r.Forward.Median, Spread: [2]float64{r.Forward.P10, r.Forward.P90}, Want: 1})
}

// mlpPruned trains the milestone MLP, prunes 90% of its weights and
// fine-tunes it.
func mlpPruned(out map[string]any) {
	cfg := milestone.Config{MNISTDir: data.MNISTPackageDir}
	fineTune, iterations := pruneFineTune, 20
	if *quick {
		cfg.Epochs, cfg.Train, fineTune, iterations = 1, 2000, 1, 5
	}
	fmt.Printf("\nMLP milestone: training, pruning %.0f%% of its weights, fine-tuning %d epochs…\n", 100*pruneTargetSparsity, fineTune)
	r, err := milestone.PruneMLPDigits(cfg, pruneTargetSparsity, fineTune, iterations)
	if err != nil {
		fmt.Println("MLP pruning skipped:", err)
		out["mlp"] = map[string]any{"skipped": err.Error()}
		return
	}
	delta := 100 * (r.Tuned.TestAccuracy - r.Dense.TestAccuracy)
	t := &bench.Table{Title: fmt.Sprintf("Milestone MLP (784-128-10 on the MNIST digits) at %.0f%% unstructured sparsity, native", 100*r.Sparsity),
		Header: []string{"model", "test accuracy", "nonzero parameters"}}
	t.Add("dense, "+fmt.Sprint(r.Dense.Epochs)+" epochs", fmt.Sprintf("%.2f%%", 100*r.Dense.TestAccuracy), r.Report.Params)
	t.Add("pruned (global magnitude), before fine-tuning", fmt.Sprintf("%.2f%%", 100*r.PrunedAccuracy), r.Report.Params-r.Report.Zeros)
	t.Add(fmt.Sprintf("pruned, fine-tuned %d epochs (masks held)", r.Tuned.Epochs), fmt.Sprintf("%.2f%% (%+.2f points)", 100*r.Tuned.TestAccuracy, delta), r.Report.Params-r.Report.Zeros)
	t.Add("sparse copy (CSR kernel) ÷ pruned dense, forward batch 1", fmt.Sprintf("%.2f× the speed (%.2f–%.2f)", r.SparseBatch1.Median, r.SparseBatch1.P10, r.SparseBatch1.P90), "")
	t.Add("sparse copy (CSR kernel) ÷ pruned dense, forward batch 64", fmt.Sprintf("%.2f× the speed (%.2f–%.2f)", r.SparseBatch64.Median, r.SparseBatch64.P10, r.SparseBatch64.P90), "")
	t.Notes = append(t.Notes, fmt.Sprintf("the milestone's recipe (seed %d, Adam lr %g, batch %d, random crops), then prune.GlobalUnstructured over both Linear weights and Adam again through prune.Pruning.Wrap", milestone.MLPSeed, milestone.MLPLR, milestone.MLPBatch),
		"target: within 1 point of the dense accuracy after fine-tuning")
	show(t)
	header, rows := r.Report.Table()
	show(&bench.Table{Title: "Milestone MLP, pruned and fine-tuned: sparsity per layer", Header: header, Rows: rows})
	out["mlp"] = map[string]any{"dense_accuracy": r.Dense.TestAccuracy, "pruned_accuracy": r.PrunedAccuracy, "tuned_accuracy": r.Tuned.TestAccuracy,
		"sparsity": r.Sparsity, "fine_tune_epochs": r.Tuned.Epochs, "sparse_batch1": r.SparseBatch1, "sparse_batch64": r.SparseBatch64}
	targets = append(targets, target{What: fmt.Sprintf("native MLP at %.0f%% unstructured sparsity, fine-tuned: accuracy − dense (points)", 100*pruneTargetSparsity),
		Measured: delta, Want: -1})
}
