//go:build js && wasm

package kernel

import (
	"fmt"
	"slices"
	"strings"
	"syscall/js"
	"time"

	"tinytorch/engine/data"
	"tinytorch/engine/plot"
	"tinytorch/engine/train"
)

// What a training run shows in its cell (see train.go): the live
// progress bar and loss chart while it runs, and the history after.

// historyObject converts a History for JavaScript: an array per metric,
// in camelCase (valLoss), the loss of every step, and charts of the
// per-epoch curves (of every step's loss after a single epoch) that
// display() shows.
func historyObject(h *train.History, view *trainView) js.Value {
	obj := historyArrays(h)
	obj.Set("samplesPerSec", view.samplesPerSec)
	obj.Set("seconds", time.Since(view.start).Seconds())
	epochs := len(h.Epochs["loss"])
	var charts []*plot.Line
	if epochs <= 1 { // one epoch: the loss of every step says more
		perStep := newChart("loss per step", "step")
		perStep.Series = []plot.Series{{Name: "train", Y: h.StepLoss}}
		charts = append(charts, perStep)
	} else {
		loss, acc := newChart("loss", "epoch"), newChart("accuracy", "epoch")
		acc.YRange = [2]float64{0, 1}
		for _, name := range h.Names {
			for e, y := range h.Epochs[name] {
				switch {
				case strings.HasSuffix(name, "loss"):
					loss.Append(camelCase(name), float64(e+1), y)
				case strings.HasSuffix(name, "accuracy"):
					acc.Append(camelCase(name), float64(e+1), y)
				}
			}
		}
		charts = append(charts, loss, acc)
	}
	text := fmt.Sprintf("History(%d epochs", epochs)
	for _, name := range h.Names {
		if v, ok := h.Last(name); ok && name != "lr" {
			text += fmt.Sprintf(", %s %.4g", camelCase(name), v)
		}
	}
	b := map[string]any{"text/html": chartRow(charts...), "text/plain": text + ")"}
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

// newChart is an empty line chart the size of half a notebook's width,
// so that two fit side by side.
func newChart(title, xLabel string) *plot.Line {
	return &plot.Line{Title: title, XLabel: xLabel, Width: 370, Height: 230}
}

// chartRow draws line charts side by side; a chart without points is
// left out.
func chartRow(charts ...*plot.Line) string {
	var b strings.Builder
	b.WriteString(`<div class="tt-train-chart" style="display:flex;flex-wrap:wrap;gap:8px">`)
	for _, l := range charts {
		if len(l.Series) == 0 || len(l.Series[0].Y) == 0 {
			continue
		}
		if svg, err := l.SVG(); err == nil { // only a run of NaN losses has nothing to draw
			b.WriteString(svg)
		}
	}
	b.WriteString(`</div>`)
	return b.String()
}

// trainView is the live display of a run: a progress bar and charts of
// the training loss (and accuracy) that grow point by point, with the
// validation values at each epoch's end. Both are posted together at most
// five times a second (ten messages), and once more at the end.
type trainView struct {
	bar                 *progressBar
	chartID, cell       int
	epochs, perEpoch    int
	total, done, bucket int
	epochsDone          int
	// The live charts, nil without a chart: x is in epochs, a training
	// point is the mean loss over a bucket of steps (and the accuracy so
	// far in the epoch), a validation point is at an epoch's end.
	loss, acc       *plot.Line
	lastX           float64 // x of the last training point
	sum             float64
	count           int
	start, lastPost time.Time
	samplesPerSec   float64
	label           string
}

// updateEvery is the time between two live updates of the display.
const updateEvery = 200 * time.Millisecond

func newTrainView(epochs, perEpoch int, hasAcc, progress, chart bool) *trainView {
	v := &trainView{epochs: epochs, perEpoch: perEpoch, start: time.Now(), cell: current, lastX: -1}
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
		// The x axis spans the whole run from the start, so the curves
		// grow into it from the left.
		v.loss = newChart("loss", "epoch")
		v.loss.XRange = [2]float64{0, float64(epochs)}
		if hasAcc {
			v.acc = newChart("accuracy", "epoch")
			v.acc.XRange, v.acc.YRange = v.loss.XRange, [2]float64{0, 1}
		}
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
		x := float64(p.Epoch)
		if p.Batches > 0 {
			x = float64(p.Epoch-1) + float64(p.Batch)/float64(p.Batches)
		}
		v.addPoint(x, v.sum/float64(v.count), p)
	}
	v.label = progressLabel(p, false)
	v.maybePost(false)
	return nil
}

// OnEpochEnd closes the epoch's last point and adds validation values.
func (v *trainView) OnEpochEnd(p *train.Progress) error {
	v.epochsDone = p.Epoch
	switch x := float64(p.Epoch); {
	case v.count > 0:
		v.addPoint(x, v.sum/float64(v.count), p)
	case v.lastX != x: // an epoch without steps
		v.addPoint(x, p.Metrics["loss"], p)
	}
	if v.loss != nil {
		addMarked(v.loss, "val", float64(p.Epoch), p.Metrics, "val_loss")
	}
	if v.acc != nil {
		addMarked(v.acc, "val", float64(p.Epoch), p.Metrics, "val_accuracy")
	}
	v.label = progressLabel(p, true)
	v.maybePost(false)
	return nil
}

// addPoint adds a training point and starts a new bucket of steps.
func (v *trainView) addPoint(x, loss float64, p *train.Progress) {
	if v.loss != nil {
		v.loss.Append("train", x, loss)
	}
	if a, ok := p.Metrics["accuracy"]; ok && v.acc != nil {
		v.acc.Append("train", x, a)
	}
	v.lastX = x
	v.sum, v.count = 0, 0
}

// addMarked adds the metric key, if measured, to the series name of l,
// whose points are marked: one per epoch beside a dense training curve.
func addMarked(l *plot.Line, name string, x float64, metrics map[string]float64, key string) {
	y, ok := metrics[key]
	if !ok {
		return
	}
	if !slices.ContainsFunc(l.Series, func(s plot.Series) bool { return s.Name == name }) {
		l.Series = append(l.Series, plot.Series{Name: name, Markers: true})
	}
	l.Append(name, x, y)
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

// maybePost posts the bar and the charts when an update is due.
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
			done = float64(v.epochsDone)
		}
		v.bar.done = min(done, v.bar.total)
		v.bar.post(true)
	}
	if v.loss != nil && len(v.loss.Series) > 0 {
		v.postChart()
	}
}

// postChart replaces the charts in place.
func (v *trainView) postChart() {
	charts := []*plot.Line{v.loss}
	if v.acc != nil {
		charts = append(charts, v.acc)
	}
	out := output{"kind": "display", "displayId": v.chartID, "update": true,
		"data": map[string]any{"text/html": chartRow(charts...), "text/plain": v.label}}
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
