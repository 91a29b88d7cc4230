package milestone

import (
	"fmt"
	"time"

	"tinytorch/engine/data"
	"tinytorch/engine/loss"
	"tinytorch/engine/nn"
	"tinytorch/engine/optim"
	"tinytorch/engine/tensor"
)

// The 1969 milestone's recipe. notebooks/m0-1969-xor.md spells out the
// same in JavaScript; keep the two in step.
const (
	XORPerceptronEpochs = 12   // enough for the rule's weights to repeat
	XORSeed             = 1968 // tensor.ManualSeed before the layers are made (1969 lands in a local minimum: the notebook says so)
	XORHidden           = 2    // hidden tanh units: the hidden view is a plane
	XORSteps            = 300  // full-batch steps of Adam
	XORLR               = 0.1
)

// XORRun is the two halves of the 1969 milestone.
type XORRun struct {
	Perceptron PerceptronRun // Rosenblatt's rule on the 4 points: it cycles
	StepLoss   []float64     // the two-layer network's loss at each step
	Accuracy   float64       // of the trained network on the 4 points
	Hidden     [][]float32   // the 4 points seen by the hidden units after training
}

// NewXORNet builds the 1969 milestone's network, 2-2-2 with tanh, and
// its hidden layer (the net's first part), drawing its initial weights
// from the tensor package's generator.
func NewXORNet() (net, hidden nn.Module) {
	hidden = nn.NewSequential(must(nn.NewLinear(2, XORHidden, true)), nn.NewTanh())
	return nn.NewSequential(hidden, must(nn.NewLinear(XORHidden, 2, true))), hidden
}

// XORTrain runs both halves: the perceptron rule visiting the four points
// of the truth table in order, then the two-layer network trained by
// backpropagation with the cross-entropy loss and Adam on all four points
// at each step.
func XORTrain() (XORRun, error) {
	ds, err := data.XOR(4, 0, 0)
	if err != nil {
		return XORRun{}, err
	}
	x, t, err := pointsOf(ds)
	if err != nil {
		return XORRun{}, err
	}
	inOrder := func(int) []int { return []int{0, 1, 2, 3} }
	run := XORRun{Perceptron: Perceptron(x, t, inOrder, XORPerceptronEpochs, true)}

	tensor.ManualSeed(XORSeed)
	net, hidden := NewXORNet()
	opt, err := optim.NewAdam(net.ParamTensors(), optim.AdamOptions{LR: XORLR})
	if err != nil {
		return XORRun{}, err
	}
	for range XORSteps {
		opt.ZeroGrad()
		out, err := nn.Call(net, ds.X)
		if err != nil {
			return XORRun{}, err
		}
		l, err := loss.CrossEntropy{}.Forward(out, ds.Y)
		if err != nil {
			return XORRun{}, err
		}
		v, err := l.Item()
		if err != nil {
			return XORRun{}, err
		}
		if err := l.Backward(); err != nil {
			return XORRun{}, err
		}
		if err := opt.Step(); err != nil {
			return XORRun{}, err
		}
		run.StepLoss = append(run.StepLoss, float64(v))
	}
	return run, run.evaluate(net, hidden, ds)
}

// evaluate measures the trained network on the four points and keeps
// what its hidden units make of them.
func (run *XORRun) evaluate(net, hiddenLayer nn.Module, ds *data.TensorDataset) error {
	var hidden, out *tensor.Tensor
	var err error
	tensor.NoGrad(func() {
		if hidden, err = nn.Call(hiddenLayer, ds.X); err == nil {
			out, err = nn.Call(net, ds.X)
		}
	})
	if err != nil {
		return err
	}
	guess, err := out.Argmax(1, false)
	if err != nil {
		return err
	}
	g, y, h := guess.Contiguous().Data(), ds.Y.Contiguous().Data(), hidden.Contiguous().Data()
	right := 0
	for i := range y {
		if g[i] == y[i] {
			right++
		}
		run.Hidden = append(run.Hidden, h[XORHidden*i:XORHidden*(i+1)])
	}
	run.Accuracy = float64(right) / float64(len(y))
	return nil
}

// XOR1969 is the 1969 milestone: no line separates XOR's four points, so
// the perceptron rule never stops; a network with one hidden layer of two
// tanh units, trained by backpropagation, classifies all four. The target
// is that network's accuracy of 1 on the four points; the run fails too
// if the perceptron does not go round in a cycle.
func XOR1969(Config) (*Result, error) {
	start := time.Now()
	run, err := XORTrain()
	if err != nil {
		return nil, err
	}
	p := run.Perceptron
	if p.Converged || p.CycleTo == 0 {
		return nil, fmt.Errorf("xor: the perceptron rule should cycle on XOR, but it %s", map[bool]string{true: "converged", false: "neither converged nor cycled"}[p.Converged])
	}
	r := &Result{Model: "MLP 2-2-2 (tanh) by backpropagation", Params: 12, Epochs: XORSteps, TrainN: 4, TestN: 4,
		OnTrainSet: true, TestAccuracy: run.Accuracy, StepLoss: run.StepLoss, EpochAccuracy: []float64{run.Accuracy},
		Wall: time.Since(start)}
	r.TestLoss = run.StepLoss[len(run.StepLoss)-1]
	r.Detail = fmt.Sprintf("the perceptron: mistakes per epoch %v, its weights after epoch %d repeat those after epoch %d (a cycle, never 100%%); "+
		"the network: loss %.4f → %.4f in %d steps; the points in hidden space %v",
		p.Mistakes, p.CycleTo, p.CycleFrom, run.StepLoss[0], r.TestLoss, XORSteps, run.Hidden)
	return r, nil
}
