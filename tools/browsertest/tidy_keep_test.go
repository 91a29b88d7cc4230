//go:build browser

package browsertest

import (
	"strings"
	"testing"
)

// keepCode checks tt.keep inside tt.tidy, and that a cell optimizer whose
// step() makes its momentum buffers lazily, as PyTorch's SGD does, keeps
// them when each training step runs in a tt.tidy (the notebooks' loops do).
const keepCode = `const r = {};
let kept, dropped;
tt.tidy(() => { kept = tt.keep(tt.ones(2)); dropped = tt.ones(2); });
r.kept = Array.from(kept.dataSync()).join(',');
try { dropped.dataSync(); r.dropped = 'still live'; } catch (e) { r.dropped = e.message; }
try { tt.keep(3); } catch (e) { r.notTensor = e.message; }
class Momentum extends tt.optim.Optimizer {
  constructor(params, lr, momentum) { super(params, {lr, momentum}); }
  step() {
    tt.noGrad(() => {
      for (const g of this.paramGroups) for (const p of g.params) {
        if (!p.grad) continue;
        let buf = this.state.get(p);
        if (!buf) { buf = p.grad.clone(); this.state.set(p, buf); }
        else buf.mul_(g.momentum).add_(p.grad);
        p.sub_(buf.mul(g.lr));
      }
    });
  }
}
const run = (makeOpt) => {
  tt.manualSeed(3);
  const model = tt.nn.Linear(3, 1), opt = makeOpt(model.parameters());
  const x = tt.randn(8, 3), y = tt.randn(8, 1), losses = [];
  for (let i = 0; i < 4; i++) tt.tidy(() => {
    opt.zeroGrad();
    const loss = tt.nn.functional.mseLoss(model.call(x), y);
    loss.backward(); opt.step(); losses.push(loss.item());
  });
  return losses;
};
try { r.cell = run((p) => new Momentum(p, 0.1, 0.9)); } catch (e) { r.cell = e.message; }
r.engine = run((p) => tt.optim.SGD(p, {lr: 0.1, momentum: 0.9}));
JSON.stringify(r)`

func TestKeepOutlivesTidy(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "08-training")
	state, out := lastOutput(t, ctx, 1, keepCode)
	var r struct {
		Kept, Dropped, NotTensor string
		Cell, Engine             any
	}
	if state != "done" || !decodeJSON(out, &r) {
		t.Fatalf("the cell: state %q, output %.2000q", state, out)
	}
	if r.Kept != "1,1" {
		t.Errorf("a kept tensor after its tidy: %q, want 1,1", r.Kept)
	}
	if !strings.Contains(r.Dropped, "disposed") {
		t.Errorf("an unkept tensor after its tidy: %q, want a disposed error", r.Dropped)
	}
	if !strings.Contains(r.NotTensor, "tt.keep") {
		t.Errorf("tt.keep(3): %q, want an error naming tt.keep", r.NotTensor)
	}
	cell, _ := r.Cell.([]any)
	engine, _ := r.Engine.([]any)
	if len(cell) != 4 || len(engine) != 4 {
		t.Fatalf("losses: cell optimizer %v, engine SGD %v; want 4 steps each", r.Cell, r.Engine)
	}
	for i := range cell {
		if cell[i] != engine[i] {
			t.Errorf("step %d: cell optimizer's loss %v, engine's %v (all: %v vs %v)", i, cell[i], engine[i], cell, engine)
		}
	}
}
