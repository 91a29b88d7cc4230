package runs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"

	"tinytorch/engine/plot"
	"tinytorch/engine/train"
)

// recorder is the callback that keeps metrics.jsonl and the charts' data:
// a line per step ({"kind":"step","epoch":1,"batch":3,"step":3,"loss":…,
// "accuracy":…,"lr":…}, accuracy being the epoch's running mean) and a line
// per epoch ({"kind":"epoch","epoch":1,"step":125,"accuracy":…,"loss":…,
// "lr":…,"val_accuracy":…,"val_loss":…}). Numbers are written in Go's
// shortest round-trip form and no timing is written, so the file depends
// on the config alone.
type recorder struct {
	lines bytes.Buffer
	// The charts' series.
	stepX, stepLoss, stepLR  []float64
	epochStep, valLoss       []float64
	epochX, trainAcc, valAcc []float64
	last                     map[string]float64 // the last epoch's metrics
	epochs                   int
}

func (r *recorder) OnBatchEnd(p *train.Progress) error {
	fmt.Fprintf(&r.lines, `{"kind":"step","epoch":%d,"batch":%d,"step":%d,"loss":%s,"accuracy":%s,"lr":%s}`+"\n",
		p.Epoch, p.Batch, p.Step, num(p.Loss), num(p.Metrics["accuracy"]), num(p.LR))
	r.stepX, r.stepLoss, r.stepLR = append(r.stepX, float64(p.Step)), append(r.stepLoss, p.Loss), append(r.stepLR, p.LR)
	return nil
}

func (r *recorder) OnEpochEnd(p *train.Progress) error {
	r.epochs, r.last = p.Epoch, p.Metrics
	fmt.Fprintf(&r.lines, `{"kind":"epoch","epoch":%d,"step":%d`, p.Epoch, p.Step)
	keys := make([]string, 0, len(p.Metrics))
	for k := range p.Metrics {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		name, _ := json.Marshal(k)
		fmt.Fprintf(&r.lines, ",%s:%s", name, num(p.Metrics[k]))
	}
	r.lines.WriteString("}\n")
	r.epochStep, r.valLoss = append(r.epochStep, float64(p.Step)), append(r.valLoss, p.Metrics["val_loss"])
	r.epochX = append(r.epochX, float64(p.Epoch))
	r.trainAcc, r.valAcc = append(r.trainAcc, p.Metrics["accuracy"]), append(r.valAcc, p.Metrics["val_accuracy"])
	return nil
}

// num formats a metric for JSON, which has no NaN or infinity.
func num(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "null"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// write writes metrics.jsonl and the charts into the run folder.
func (r *recorder) write(out files) error {
	if err := out.put("metrics.jsonl", r.lines.Bytes()); err != nil {
		return err
	}
	charts := []struct {
		name string
		line plot.Line
	}{
		{"loss.svg", plot.Line{Title: "Loss", XLabel: "step", YLabel: "loss", Series: []plot.Series{
			{Name: "training loss (each step)", X: r.stepX, Y: r.stepLoss},
			{Name: "test loss (each epoch)", X: r.epochStep, Y: r.valLoss, Markers: true}}}},
		{"accuracy.svg", plot.Line{Title: "Accuracy", XLabel: "epoch", YLabel: "accuracy", YRange: [2]float64{0, 1}, Markers: true, Series: []plot.Series{
			{Name: "training accuracy", X: r.epochX, Y: r.trainAcc},
			{Name: "test accuracy", X: r.epochX, Y: r.valAcc}}}},
		{"lr.svg", plot.Line{Title: "Learning rate", XLabel: "step", YLabel: "learning rate", Series: []plot.Series{
			{Name: "learning rate", X: r.stepX, Y: r.stepLR}}}},
	}
	for _, c := range charts {
		// A run stopped in its first epoch has steps but no epoch yet:
		// draw the series that have points, and no chart without any.
		c.line.Series = slices.DeleteFunc(c.line.Series, func(s plot.Series) bool { return len(s.Y) == 0 })
		if len(c.line.Series) == 0 {
			continue
		}
		svg, err := c.line.SVG()
		if err != nil {
			return fmt.Errorf("chart %s: %w", c.name, err)
		}
		if err := out.put("charts/"+c.name, []byte(svg)); err != nil {
			return err
		}
	}
	return nil
}
