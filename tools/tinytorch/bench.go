package main

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"tinytorch/engine/bench"
	"tinytorch/engine/data"
	"tinytorch/engine/kernels"
	"tinytorch/engine/loss"
	"tinytorch/engine/optim"
	"tinytorch/engine/tensor"
	"tinytorch/engine/train"
)

type benchOptions struct {
	model      string
	batch      int
	kernels    string
	iterations int
}

func newBenchFlags() (*flag.FlagSet, *benchOptions) {
	o := &benchOptions{}
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.StringVar(&o.model, "model", "mlp", "model: "+strings.Join(modelNames(), ", "))
	fs.IntVar(&o.batch, "batch", 64, "images per training step")
	fs.StringVar(&o.kernels, "kernels", "all", "kernels to compare, comma-separated, or all ("+strings.Join(kernels.Names(), ", ")+")")
	fs.IntVar(&o.iterations, "iterations", 20, "timed rounds")
	return fs, o
}

func benchFlags() *flag.FlagSet { fs, _ := newBenchFlags(); return fs }

// runBench times one training step (forward, backward, Adam) of a model
// on a fixed random batch with each kernel, with engine/bench's Compare:
// warm-up, interleaved rounds, median and spread, and each kernel's speed
// relative to the first.
func runBench(args []string, stdout, stderr io.Writer) error {
	fs, o := newBenchFlags()
	if err := parse("bench", fs, args, stdout); err != nil {
		return err
	}
	if o.batch <= 0 || o.iterations <= 0 {
		return usagef("bench", "--batch and --iterations must be positive")
	}
	names := kernels.Names()
	if o.kernels != "all" {
		names = strings.Split(o.kernels, ",")
		for _, n := range names {
			if !slices.Contains(kernels.Names(), n) {
				return usagef("bench", "unknown kernel %q: choose from %s", n, strings.Join(kernels.Names(), ", "))
			}
		}
	}
	model, title, err := buildModel(o.model, 1)
	if err != nil {
		return usagef("bench", "%v", err)
	}
	opt, err := optim.NewAdam(model.ParamTensors(), optim.AdamOptions{LR: 1e-3})
	if err != nil {
		return err
	}
	tr := &train.Trainer{Model: model, Optimizer: opt, Loss: loss.CrossEntropy{}}
	g := tensor.NewGenerator(2)
	x := make([]float32, o.batch*28*28)
	for i := range x {
		x[i] = g.Float32()
	}
	y := make([]float32, o.batch)
	for i := range y {
		y[i] = float32(g.Intn(10))
	}
	batch := data.Batch{X: must(tensor.New(x, o.batch, 1, 28, 28)), Y: must(tensor.New(y, o.batch))}
	before := kernels.Current()
	defer kernels.Use(before)
	var cands []bench.Candidate
	var stepErr error
	for _, n := range names {
		cands = append(cands, bench.Candidate{Name: n, Fn: func() {
			if err := kernels.Use(n); err != nil && stepErr == nil {
				stepErr = err
			}
			if _, err := tr.Step(batch); err != nil && stepErr == nil {
				stepErr = err
			}
		}})
	}
	fmt.Fprintf(stdout, "%s, batch %d, %d threads\n", title, o.batch, kernels.Threads())
	cmp := bench.Compare(cands, bench.Options{Iterations: o.iterations, Items: float64(o.batch)})
	if stepErr != nil {
		return stepErr
	}
	bench.CompareTable("training step by kernel", cmp).Fprint(stdout)
	return nil
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
