package train

// History records a run: one value per epoch for each metric ("loss",
// "accuracy", "val_loss", "val_accuracy", "lr"), and every step's
// training loss for a fine-grained curve.
type History struct {
	// Names lists the metric names in the order they first appeared.
	Names []string
	// Epochs maps a metric name to its value after each epoch.
	Epochs map[string][]float64
	// StepLoss is the training loss of every optimizer step.
	StepLoss []float64
	// StoppedEarly is set when a callback (such as EarlyStopping) ended
	// the run before the last epoch.
	StoppedEarly bool
}

func newHistory() *History { return &History{Epochs: map[string][]float64{}} }

// add appends one epoch's value of a metric.
func (h *History) add(name string, v float64) {
	if _, ok := h.Epochs[name]; !ok {
		h.Names = append(h.Names, name)
	}
	h.Epochs[name] = append(h.Epochs[name], v)
}

// Last returns the latest value of a metric, and false if it was never
// recorded.
func (h *History) Last(name string) (float64, bool) {
	v := h.Epochs[name]
	if len(v) == 0 {
		return 0, false
	}
	return v[len(v)-1], true
}
