package train

import (
	"fmt"

	"tinytorch/engine/tensor"
)

// Metric is a quantity averaged over the samples of an epoch, such as
// accuracy. The loss is always recorded; metrics are extra.
type Metric interface {
	// Name is the key in Progress.Metrics and History ("accuracy"); the
	// validation value is stored under "val_" + Name.
	Name() string
	// Batch returns the metric summed over the batch's samples, and the
	// number of samples, so that epochs average correctly over batches
	// of different sizes.
	Batch(output, target *tensor.Tensor) (sum float64, count int, err error)
}

// Accuracy is the fraction of correctly classified samples. For outputs
// of shape [N, C] with C > 1 the prediction is the argmax and the target
// holds class indices [N]. For one output per sample ([N] or [N, 1]) the
// task is binary: the prediction is output > Threshold and the target
// holds 0/1 of the output's shape. Threshold 0 suits logits (for
// BCEWithLogits); use 0.5 for probabilities.
type Accuracy struct {
	Threshold float32
}

// Name returns "accuracy".
func (Accuracy) Name() string { return "accuracy" }

// Batch counts the correct predictions.
func (a Accuracy) Batch(output, target *tensor.Tensor) (float64, int, error) {
	shape := output.Shape()
	if len(shape) == 0 {
		return 0, 0, fmt.Errorf("accuracy: output is a scalar, expected a batch")
	}
	n := shape[0]
	binary := len(shape) == 1 || (len(shape) == 2 && shape[1] == 1)
	var pred []float32
	if binary {
		pred = output.Data()
		for i, v := range pred {
			pred[i] = 0
			if v > a.Threshold {
				pred[i] = 1
			}
		}
	} else {
		am, err := output.Argmax(1, false)
		if err != nil {
			return 0, 0, err
		}
		pred = am.Data()
	}
	want := target.Data()
	if len(want) != len(pred) {
		return 0, 0, fmt.Errorf("accuracy: %d predictions from output %s but target %s has %d values", len(pred), tensor.FormatShape(shape), tensor.FormatShape(target.Shape()), len(want))
	}
	correct := 0
	for i := range pred {
		if pred[i] == want[i] {
			correct++
		}
	}
	// Count predictions per sample, so that [N, d] outputs average correctly.
	return float64(correct) * float64(n) / float64(len(pred)), n, nil
}
