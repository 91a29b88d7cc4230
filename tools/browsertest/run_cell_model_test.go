//go:build browser

package browsertest

import (
	"strings"
	"testing"
	"time"
)

// runCellModelCode trains a model a cell wrote with a config's data,
// optimizer and schedule (tt.train.run's model option), and refuses a
// model option that is no module.
const runCellModelCode = `class TinyNet extends tt.nn.Module {
  constructor() { super(); this.flat = tt.nn.Flatten(); this.fc1 = tt.nn.Linear(784, 32); this.fc2 = tt.nn.Linear(32, 10); }
  forward(x) { return this.fc2.call(this.fc1.call(this.flat.call(x)).relu()); }
}
const cfg = tt.config.parse("epochs: 1\ndata:\n  train_images: 512\n  test_images: 200\n");
const net = new TinyNet();
const before = net.fc1.weight.clone();
const run = await tt.train.run(cfg, {model: net, name: "cell-model"});
let bad;
try { await tt.train.run(cfg, {model: 3}); } catch (e) { bad = e.message; }
JSON.stringify({status: run.record.status, model: run.record.model, params: run.record.params,
  steps: run.record.steps, metrics: run.record.metrics, moved: net.fc1.weight.sub(before).abs().max().item(), bad})`

func TestTrainRunCellModel(t *testing.T) {
	t.Parallel()
	ctx := newTabWithin(t, 3*time.Minute)
	openNotebook(t, ctx, "05-configs")
	state, out := runCodeWithin(t, ctx, 1, runCellModelCode, 2*time.Minute)
	var r struct {
		Status, Model, Bad string
		Params, Steps      int
		Metrics            map[string]float64
		Moved              float64
	}
	if state != "done" || !decodeJSON(lastLine(out), &r) {
		t.Fatalf("the cell: state %q, output %.2000q", state, out)
	}
	if r.Status != "finished" || r.Model != "TinyNet (a cell's module)" || r.Params != 784*32+32+32*10+10 || r.Steps != 512/64 {
		t.Errorf("record: status %q, model %q, params %d, steps %d; want finished, TinyNet (a cell's module), %d, %d",
			r.Status, r.Model, r.Params, r.Steps, 784*32+32+32*10+10, 512/64)
	}
	if r.Moved == 0 {
		t.Errorf("the cell's model's weights did not change: the run trained another model")
	}
	if acc := r.Metrics["val_accuracy"]; acc < 0.3 {
		t.Errorf("test accuracy %v after one epoch on 512 digits (metrics %v), want ≥ 0.3 (chance is 0.1)", acc, r.Metrics)
	}
	if !strings.Contains(r.Bad, "tt.train.run: the model option: expected a module") {
		t.Errorf("model: 3 gave %q, want an error naming the model option", r.Bad)
	}
}
