package milestone

import (
	"fmt"
	"slices"
	"time"

	"tinytorch/engine/data"
)

// The 1958 milestone's recipe. notebooks/m0-1958-perceptron.md spells out
// the same in JavaScript; keep the two in step.
const (
	PerceptronN         = 100  // points, half in each cloud
	PerceptronStd       = 1.5  // the clouds' standard deviation
	PerceptronDataSeed  = 1965 // tt.data.blobs' seed: clouds close enough to take the rule several epochs
	PerceptronMaxEpochs = 50   // a cap: the rule stops at its first epoch without a mistake
)

// PerceptronRun is what Rosenblatt's rule did, epoch by epoch.
type PerceptronRun struct {
	Mistakes []int        // the updates (mistakes) made in each epoch
	Weights  [][3]float64 // w₁, w₂ and the bias b after each epoch
	// Converged is set when an epoch made no mistake: every point is on
	// its side of the line.
	Converged bool
	// CycleFrom and CycleTo are set (CycleTo > 0) when the weights after
	// epoch CycleTo equal those after epoch CycleFrom: the rule is going
	// round in a loop and will never stop. Epochs count from 1.
	CycleFrom, CycleTo int
}

// Perceptron applies Rosenblatt's learning rule to the points (x₁, x₂)
// with labels t = ±1, from w = 0 and b = 0 with a step of 1: for each
// point in turn, if t·(w·x + b) ≤ 0 the point is on the wrong side (or
// on the line), and w += t·x, b += t. order(epoch) gives the visiting
// order of each epoch (counting from 0). It stops after an epoch without
// a mistake, when the weights repeat those of an earlier epoch with the
// same order (a cycle), or after maxEpochs.
//
// The arithmetic is float64, as JavaScript's numbers, with every product
// rounded before it is added (Go may otherwise fuse a multiply-add), so
// the notebook's cell computes the very same numbers.
func Perceptron(x [][2]float64, t []float64, order func(epoch int) []int, maxEpochs int, sameOrder bool) PerceptronRun {
	var w [3]float64
	var run PerceptronRun
	for epoch := range maxEpochs {
		mistakes := 0
		for _, i := range order(epoch) {
			score := float64(w[0]*x[i][0]) + float64(w[1]*x[i][1]) + w[2]
			if t[i]*score <= 0 {
				w[0] += t[i] * x[i][0]
				w[1] += t[i] * x[i][1]
				w[2] += t[i]
				mistakes++
			}
		}
		run.Mistakes = append(run.Mistakes, mistakes)
		if mistakes == 0 {
			run.Converged = true
		}
		if sameOrder {
			if k := slices.Index(run.Weights, w); k >= 0 && !run.Converged {
				run.Weights = append(run.Weights, w)
				run.CycleFrom, run.CycleTo = k+1, epoch+1
				return run
			}
		}
		run.Weights = append(run.Weights, w)
		if run.Converged {
			return run
		}
	}
	return run
}

// Accuracy is the fraction of the points on their side of the line w.
func Accuracy(x [][2]float64, t []float64, w [3]float64) float64 {
	right := 0
	for i := range x {
		if t[i]*(float64(w[0]*x[i][0])+float64(w[1]*x[i][1])+w[2]) > 0 {
			right++
		}
	}
	return float64(right) / float64(len(x))
}

// pointsOf reads a two-feature set with labels 0 and 1 as points and
// labels ±1.
func pointsOf(ds *data.TensorDataset) ([][2]float64, []float64, error) {
	if ds.X.Dim() != 2 || ds.X.Shape()[1] != 2 {
		return nil, nil, fmt.Errorf("perceptron: the points have shape %v, expected [N, 2]", ds.X.Shape())
	}
	xs, ys := ds.X.Contiguous().Data(), ds.Y.Contiguous().Data()
	x, t := make([][2]float64, len(ys)), make([]float64, len(ys))
	for i, y := range ys {
		x[i] = [2]float64{float64(xs[2*i]), float64(xs[2*i+1])}
		t[i] = 2*float64(y) - 1
	}
	return x, t, nil
}

// PerceptronData is the 1958 milestone's set: two Gaussian clouds
// (data.Blobs), linearly separable.
func PerceptronData() (*data.TensorDataset, error) {
	return data.Blobs(PerceptronN, 2, 2, PerceptronStd, PerceptronDataSeed)
}

// PerceptronSteps runs the 1958 milestone's rule and returns its run and
// the points: each epoch visits the points in the order of a DataLoader
// shuffled with ShuffleSeed, as the notebook's loop does.
func PerceptronSteps() (PerceptronRun, [][2]float64, []float64, error) {
	ds, err := PerceptronData()
	if err != nil {
		return PerceptronRun{}, nil, nil, err
	}
	x, t, err := pointsOf(ds)
	if err != nil {
		return PerceptronRun{}, nil, nil, err
	}
	loader := &data.DataLoader{Dataset: ds, BatchSize: 1, Shuffle: true, Seed: ShuffleSeed}
	return Perceptron(x, t, loader.Order, PerceptronMaxEpochs, false), x, t, nil
}

// Perceptron1958 is the 1958 milestone: Rosenblatt's rule separates two
// clouds of points. Its target is every point on its side (accuracy 1 on
// the set it learns from: the claim is that the rule finds a separating
// line whenever one exists).
func Perceptron1958(Config) (*Result, error) {
	start := time.Now()
	run, x, t, err := PerceptronSteps()
	if err != nil {
		return nil, err
	}
	r := &Result{Model: "perceptron (Rosenblatt's rule, w = 0, step 1)", Params: 3, Epochs: len(run.Mistakes),
		TrainN: len(x), TestN: len(x), OnTrainSet: true, Wall: time.Since(start)}
	for _, w := range run.Weights {
		r.EpochAccuracy = append(r.EpochAccuracy, Accuracy(x, t, w))
	}
	r.TestAccuracy = r.EpochAccuracy[len(r.EpochAccuracy)-1]
	w := run.Weights[len(run.Weights)-1]
	r.Detail = fmt.Sprintf("mistakes per epoch: %v; converged: %v; line %.4g·x₁ + %.4g·x₂ + %.4g = 0", run.Mistakes, run.Converged, w[0], w[1], w[2])
	return r, nil
}
