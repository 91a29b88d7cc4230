package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"tinytorch/engine/bench"
	"tinytorch/engine/checkpoint"
	"tinytorch/engine/data"
	"tinytorch/engine/loss"
	"tinytorch/engine/nn"
	"tinytorch/engine/optim"
	"tinytorch/engine/plot"
	"tinytorch/engine/quant"
	"tinytorch/engine/tensor"
	"tinytorch/engine/train"
	"tinytorch/internal/benchjson"
	"tinytorch/internal/milestone"
)

// Quantized inference (issue 14, engine/quant): the 1986 milestone MLP
// (784→128→10) trained briefly on the MNIST digits, then quantized after
// training with several recipes. For each: test accuracy, checkpoint
// bytes, and inference speed against float32 at batch 1 and 64, measured
// interleaved (bench.Compare); a chart of accuracy against latency with
// each model's size in its label.

// quantVariant is one way to quantize the model.
type quantVariant struct {
	name string
	cfg  quant.Config
}

func quantVariants() []quantVariant {
	perTensor := quant.DefaultConfig()
	perTensor.Weight = quant.Scheme{Symmetric: true}
	pct := quant.DefaultConfig()
	pct.Observer, pct.Percentile = "percentile", 99.99
	w4 := quant.DefaultConfig()
	w4.Weight.Bits = 4
	a8 := quant.DefaultConfig()
	a8.Activation.Bits = 8
	return []quantVariant{
		{"int8 (per-channel weights, min-max, 7-bit activations)", quant.DefaultConfig()},
		{"int8 (8-bit activations)", a8},
		{"int8 (per-tensor weights)", perTensor},
		{"int8 (percentile 99.99 activations)", pct},
		{"4-bit weights, 7-bit activations", w4},
	}
}

// quantBench trains the MLP, quantizes it and prints the table.
func quantBench() {
	trainSet, testSet, err := data.LoadMNISTDigits(data.MNISTPackageDir)
	if err != nil {
		fmt.Println("quantized MLP: skipped:", err)
		jsonData["quant"] = map[string]any{"skipped": err.Error()}
		return
	}
	norm := data.Normalize{Mean: []float32{0.1307}, Std: []float32{0.3081}}
	trainSet.Transform, testSet.Transform = norm, norm
	tensor.ManualSeed(milestone.MLPSeed)
	model := milestone.NewMLP()
	epochs := 2
	if *quick {
		epochs = 1
	}
	fmt.Printf("training the MLP on the MNIST digits for %d epochs, then quantizing…\n", epochs)
	start := time.Now()
	opt := must(optim.NewAdam(model.ParamTensors(), optim.AdamOptions{LR: milestone.MLPLR}))
	tr := &train.Trainer{Model: model, Optimizer: opt, Loss: loss.CrossEntropy{}}
	must(tr.Fit(context.Background(), &data.DataLoader{Dataset: trainSet, BatchSize: 64, Shuffle: true, Seed: 1}, nil, epochs))
	trained := time.Since(start)
	test := &data.DataLoader{Dataset: testSet, BatchSize: 500}
	calib := &data.DataLoader{Dataset: trainSet, BatchSize: 64}
	floatAcc := accuracyOf(model, test)
	floatBytes := checkpointBytes(model)

	t := &bench.Table{Title: fmt.Sprintf("Quantized inference: the milestone MLP (784→128→10, %d epochs on %d digits), float32 against int8, interleaved", epochs, trainSet.Len()),
		Header: []string{"model", "test accuracy", "Δ accuracy (points)", "checkpoint bytes", "size ÷ float32", "batch 1 speed ÷ float32 (p10–p90)", "batch 64 speed ÷ float32 (p10–p90)", "batch 64 µs/sample"}}
	x1, x64 := firstBatch(testSet, 1), firstBatch(testSet, 64)
	chart := plot.Line{Title: "MLP on the MNIST digits: accuracy against latency (size in the label)", XLabel: "latency per sample at batch 64",
		YLabel: "test accuracy", XUnit: "s", Markers: true}
	var rows []map[string]any
	addPoint := func(name string, bytes int, perSample time.Duration, acc float64) {
		chart.Series = append(chart.Series, plot.Series{Name: fmt.Sprintf("%s, %s", name, plot.FormatValue(float64(bytes), "B")),
			X: []float64{perSample.Seconds()}, Y: []float64{acc}, Markers: true})
	}
	floatPer := time.Duration(0)
	for i, v := range quantVariants() {
		q, err := quant.QuantizeModel(model, calib, 8, v.cfg)
		check(err)
		acc, qBytes := accuracyOf(q, test), checkpointBytes(q)
		r1 := compareModels(model, q, x1)
		r64 := compareModels(model, q, x64)
		per := r64.Results[1].P50 / 64
		if i == 0 {
			floatPer = r64.Results[0].P50 / 64
			addPoint("float32", floatBytes, floatPer, floatAcc)
			t.Add("float32", floatAcc, "", floatBytes, "1.00", "1", "1", float64(floatPer.Nanoseconds())/1e3)
			targets = append(targets,
				target{What: "native int8 MLP inference (engine/quant, the whole model), batch 1: int8 ÷ float32 speed", Measured: r1.Ratios[1].Median,
					Spread: [2]float64{r1.Ratios[1].P10, r1.Ratios[1].P90}, Want: 2},
				target{What: "native int8 MLP inference (engine/quant, the whole model), batch 64: int8 ÷ float32 speed", Measured: r64.Ratios[1].Median,
					Spread: [2]float64{r64.Ratios[1].P10, r64.Ratios[1].P90}, Want: 2},
				target{What: "int8 MLP on the MNIST digits: accuracy change in points (at least -1)", Measured: 100 * (acc - floatAcc), Want: -1})
		}
		addPoint(v.name, qBytes, per, acc)
		t.Add(v.name, acc, fmt.Sprintf("%+.2f", 100*(acc-floatAcc)), qBytes, fmt.Sprintf("%.2f", float64(qBytes)/float64(floatBytes)),
			ratioText(r1.Ratios[1]), ratioText(r64.Ratios[1]), float64(per.Nanoseconds())/1e3)
		rows = append(rows, map[string]any{"model": v.name, "accuracy": acc, "bytes": qBytes, "speed_batch1": r1.Ratios[1].Median,
			"speed_batch64": r64.Ratios[1].Median, "us_per_sample_batch64": float64(per.Nanoseconds()) / 1e3})
	}
	t.Notes = append(t.Notes,
		fmt.Sprintf("trained in %v (Adam, lr %g, batch 64); calibrated on 8 batches of 64 training digits; tested on %d digits", trained.Round(10*time.Millisecond), milestone.MLPLR, testSet.Len()),
		"speed: the model's whole forward pass (quantizing the input, the int8 products, requantizing to float32) against the float32 model's, median of per-round ratios with p10–p90",
		"checkpoint bytes: the safetensors file, float32 (checkpoint.SaveModel) or int8 weights with their scales (quant.Save)")
	if svg, err := chart.SVG(); err == nil && *mdOut != "" {
		path := filepath.Join(filepath.Dir(*mdOut), "quant.svg")
		check(os.WriteFile(path, []byte(svg), 0o644))
		t.Notes = append(t.Notes, "chart of accuracy against latency and size: "+path)
	}
	show(t)
	jsonData["quant"] = map[string]any{"float_accuracy": floatAcc, "float_bytes": floatBytes, "rows": rows}
}

// compareModels times the float model against the quantized one on x,
// interleaved, without gradients.
func compareModels(float, q nn.Module, x *tensor.Tensor) bench.Comparison {
	run := func(m nn.Module) func() {
		return func() { tensor.NoGrad(func() { must(nn.Call(m, x)) }) }
	}
	iters := 15
	if *quick {
		iters = 3
	}
	return bench.Compare([]bench.Candidate{{Name: "float32", Fn: run(float)}, {Name: "int8", Fn: run(q)}},
		bench.Options{Warmup: 2, Iterations: iters, Items: float64(x.Shape()[0])})
}

// ratioText formats a ratio with its spread.
func ratioText(r bench.Ratio) string {
	return fmt.Sprintf("%.2f× (%.2f–%.2f)", r.Median, r.P10, r.P90)
}

// accuracyOf is a model's accuracy over a loader, in eval mode.
func accuracyOf(m nn.Module, l data.Loader) float64 {
	m.Eval()
	right, total := 0, 0
	tensor.NoGrad(func() {
		for b, err := range l.Batches(0) {
			check(err)
			pred := must(must(nn.Call(m, b.X)).Argmax(1, false)).Data()
			for i, y := range b.Y.Data() {
				if pred[i] == y {
					right++
				}
				total++
			}
		}
	})
	return float64(right) / float64(total)
}

// checkpointBytes is the size of a model's checkpoint file.
func checkpointBytes(m nn.Module) int {
	var b bytes.Buffer
	if quant.IsQuantized(m) {
		check(quant.Encode(&b, m))
	} else {
		check(checkpoint.EncodeStateDict(&b, m.StateDict()))
	}
	return b.Len()
}

// firstBatch returns the first n test images.
func firstBatch(ds data.Dataset, n int) *tensor.Tensor {
	for b, err := range (&data.DataLoader{Dataset: ds, BatchSize: n}).Batches(0) {
		check(err)
		return b.X
	}
	panic("empty test set")
}

// browserQuantTable is TestBenchQuant's table, with the Chromium targets.
func browserQuantTable(q benchjson.Quant) {
	t := &bench.Table{Title: "Quantized inference in Chromium: the milestone MLP (one epoch in the tab), int8 against float32, interleaved by tt.bench.compare",
		Header: []string{"batch", "float32 ms", "int8 ms", "int8 speed ÷ float32 (p10–p90)"}}
	for _, r := range q.Rows {
		t.Add(r.Batch, r.FloatMS, r.Int8MS, fmt.Sprintf("%.2f× (%.2f–%.2f)", r.Ratio, r.P10, r.P90))
		targets = append(targets, target{What: fmt.Sprintf("Chromium int8 MLP inference (tt.quant), batch %d: int8 ÷ float32 speed", r.Batch),
			Measured: r.Ratio, Spread: [2]float64{r.P10, r.P90}, Want: 2})
	}
	t.Notes = append(t.Notes,
		fmt.Sprintf("test accuracy float32 %.2f%%, int8 %.2f%% (%+.2f points); checkpoint %d bytes float32, %d int8", 100*q.FloatAcc, 100*q.Int8Acc, 100*(q.Int8Acc-q.FloatAcc), q.FloatBytes, q.Int8Bytes),
		fmt.Sprintf("int8 kernel %q; %s", q.Int8Kernel, q.UA))
	show(t)
}
