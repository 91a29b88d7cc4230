//go:build js && wasm

package kernel

import (
	"fmt"
	"math"
	"strings"
	"syscall/js"
	"time"

	"tinytorch/engine/data"
	"tinytorch/engine/train"
)

// What a training run shows in its cell (see train.go): the live
// progress bar and loss chart while it runs, and the history after.

// historyObject converts a History for JavaScript: an array per metric,
// in camelCase (valLoss), the loss of every step, and a chart of the
// per-epoch curves that display() shows.
func historyObject(h *train.History, view *trainView) js.Value {
	obj := historyArrays(h)
	obj.Set("samplesPerSec", view.samplesPerSec)
	obj.Set("seconds", time.Since(view.start).Seconds())
	epochs := len(h.Epochs["loss"])
	xs := make([]float64, epochs)
	for i := range xs {
		xs[i] = float64(i + 1)
	}
	lossSeries, accSeries := map[string][]float64{}, map[string][]float64{}
	for _, name := range h.Names {
		switch {
		case strings.HasSuffix(name, "loss"):
			lossSeries[camelCase(name)] = h.Epochs[name]
		case strings.HasSuffix(name, "accuracy"):
			accSeries[camelCase(name)] = h.Epochs[name]
		}
	}
	svg := chartSVG("loss", xs, lossSeries, chartOptions{XLabel: "epoch"})
	if epochs <= 1 { // one epoch: the loss of every step says more
		svg = lineChartSVG("loss per step", map[string][]float64{"train": h.StepLoss})
	}
	if len(accSeries) > 0 && epochs > 1 {
		svg += chartSVG("accuracy", xs, accSeries, chartOptions{XLabel: "epoch", YMin: 0, YMax: 1})
	}
	text := fmt.Sprintf("History(%d epochs", epochs)
	for _, name := range h.Names {
		if v, ok := h.Last(name); ok && name != "lr" {
			text += fmt.Sprintf(", %s %.4g", camelCase(name), v)
		}
	}
	b := map[string]any{"text/html": chartRow(svg), "text/plain": text + ")"}
	js.Global().Get("Object").Call("defineProperty", obj, "__ttBundle", map[string]any{"value": b, "enumerable": false})
	return obj
}

// historyArrays is the data of a History for JavaScript: an array per
// metric in camelCase (valLoss), stepLoss and stoppedEarly.
func historyArrays(h *train.History) js.Value {
	obj := js.Global().Get("Object").New()
	for _, name := range h.Names {
		obj.Set(camelCase(name), floatsToJS(h.Epochs[name]))
	}
	obj.Set("stepLoss", floatsToJS(h.StepLoss))
	obj.Set("stoppedEarly", h.StoppedEarly)
	return obj
}

// chartRow lays charts side by side.
func chartRow(svgs string) string {
	return `<div class="tt-train-chart" style="display:flex;flex-wrap:wrap;gap:8px">` + svgs + `</div>`
}

// trainView is the live display of a run: a progress bar and a chart of
// the training loss (and accuracy) that grows in place, with the
// validation values at each epoch's end. Both are posted together at most
// five times a second (ten messages), and once more at the end.
type trainView struct {
	bar                 *progressBar
	chartID, cell       int
	showChart           bool
	epochs, perEpoch    int
	total, done, bucket int
	hasAcc              bool
	// Chart points: x in epochs, mean loss over the bucket of steps,
	// accuracy so far in the epoch, validation values at epoch ends.
	xs                         []float64
	loss, acc, valLoss, valAcc []float64
	sum                        float64
	count                      int
	start, lastPost            time.Time
	samplesPerSec              float64
	label                      string
}

// updateEvery is the time between two live updates of the display.
const updateEvery = 200 * time.Millisecond

func newTrainView(epochs, perEpoch int, hasAcc, progress, chart bool) *trainView {
	v := &trainView{epochs: epochs, perEpoch: perEpoch, hasAcc: hasAcc, showChart: chart, start: time.Now(), cell: current}
	v.total = epochs * perEpoch
	if perEpoch == 0 {
		v.total = epochs // unknown length: the bar moves per epoch
	}
	v.bucket = max(1, (v.total+199)/200) // at most about 200 points
	unit := "batches"
	if perEpoch == 0 {
		unit = "epochs"
	}
	if progress {
		v.bar = newProgress(fmt.Sprintf("epoch 1/%d", epochs), unit, float64(v.total))
	}
	if chart {
		displayCount++
		v.chartID = displayCount
	}
	return v
}

// OnBatchEnd adds the step's loss to the current point.
func (v *trainView) OnBatchEnd(p *train.Progress) error {
	v.done++
	v.sum += p.Loss
	v.count++
	v.samplesPerSec = p.SamplesPerSec
	if v.count >= v.bucket {
		v.addPoint(p)
	}
	v.label = progressLabel(p, false)
	v.maybePost(false)
	return nil
}

// OnEpochEnd closes the epoch's last point and adds validation values.
func (v *trainView) OnEpochEnd(p *train.Progress) error {
	if v.count > 0 {
		v.addPoint(p)
	}
	if len(v.xs) == 0 || v.xs[len(v.xs)-1] != float64(p.Epoch) {
		v.xs = append(v.xs, float64(p.Epoch))
		nan := math.NaN()
		v.loss, v.acc, v.valLoss, v.valAcc = append(v.loss, p.Metrics["loss"]), append(v.acc, nan), append(v.valLoss, nan), append(v.valAcc, nan)
	}
	last := len(v.xs) - 1
	if a, ok := p.Metrics["accuracy"]; ok {
		v.acc[last] = a
	}
	if l, ok := p.Metrics["val_loss"]; ok {
		v.valLoss[last] = l
	}
	if a, ok := p.Metrics["val_accuracy"]; ok {
		v.valAcc[last] = a
	}
	v.label = progressLabel(p, true)
	v.maybePost(false)
	return nil
}

// addPoint closes the current bucket of steps.
func (v *trainView) addPoint(p *train.Progress) {
	x := float64(p.Epoch)
	if p.Batches > 0 {
		x = float64(p.Epoch-1) + float64(p.Batch)/float64(p.Batches)
	}
	acc := math.NaN()
	if a, ok := p.Metrics["accuracy"]; ok {
		acc = a
	}
	v.xs = append(v.xs, x)
	v.loss = append(v.loss, v.sum/float64(v.count))
	v.acc = append(v.acc, acc)
	v.valLoss = append(v.valLoss, math.NaN())
	v.valAcc = append(v.valAcc, math.NaN())
	v.sum, v.count = 0, 0
}

// progressLabel reads "epoch 3/10 · loss 0.3121 · accuracy 0.901 ·
// 8,411 samples/s".
func progressLabel(p *train.Progress, epochEnd bool) string {
	s := fmt.Sprintf("epoch %d/%d · loss %.4f", p.Epoch, p.Epochs, p.Metrics["loss"])
	if a, ok := p.Metrics["accuracy"]; ok {
		s += fmt.Sprintf(" · accuracy %.3f", a)
	}
	if epochEnd {
		if l, ok := p.Metrics["val_loss"]; ok {
			s += fmt.Sprintf(" · val loss %.4f", l)
		}
		if a, ok := p.Metrics["val_accuracy"]; ok {
			s += fmt.Sprintf(" · val accuracy %.3f", a)
		}
	}
	return s + fmt.Sprintf(" · %s samples/s", commas(int(p.SamplesPerSec)))
}

// maybePost posts the bar and the chart when an update is due.
func (v *trainView) maybePost(force bool) {
	now := time.Now()
	if !force && now.Sub(v.lastPost) < updateEvery {
		return
	}
	v.lastPost = now
	if v.bar != nil {
		v.bar.label = v.label
		done := float64(v.done)
		if v.perEpoch == 0 {
			done = float64(len(v.valLoss)) // epochs
		}
		v.bar.done = min(done, v.bar.total)
		v.bar.post(true)
	}
	if v.showChart && len(v.xs) > 0 {
		v.postChart()
	}
}

// postChart replaces the chart in place.
func (v *trainView) postChart() {
	xmax := float64(v.epochs)
	series := func(train, val []float64) map[string][]float64 {
		m := map[string][]float64{"train": train}
		for _, x := range val {
			if !math.IsNaN(x) {
				m["val"] = val
				break
			}
		}
		return m
	}
	svg := chartSVG("loss", v.xs, series(v.loss, v.valLoss), chartOptions{XLabel: "epoch", XMax: xmax})
	if v.hasAcc {
		svg += chartSVG("accuracy", v.xs, series(v.acc, v.valAcc), chartOptions{XLabel: "epoch", XMax: xmax, YMin: 0, YMax: 1})
	}
	out := output{"kind": "display", "displayId": v.chartID, "update": true,
		"data": map[string]any{"text/html": chartRow(svg), "text/plain": v.label}}
	streams.flush()
	post(map[string]any{"type": "output", "id": v.cell, "output": map[string]any(out)})
}

// finish posts the final state: complete, stopped, or failed.
func (v *trainView) finish(err error, stopped bool) {
	switch {
	case stopped:
		v.label = fmt.Sprintf("stopped after %d steps · %s", v.done, v.label)
	case err != nil:
		v.label = fmt.Sprintf("failed after %d steps · %s", v.done, v.label)
	}
	v.maybePost(true)
}

// compile-time checks: the kernel's loaders are data.Loaders.
var (
	_ data.Loader = (*tensorLoader)(nil)
	_ data.Loader = jsLoader{}
)
