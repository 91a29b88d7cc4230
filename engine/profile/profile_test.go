package profile

import (
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"

	"tinytorch/engine/loss"
	"tinytorch/engine/nn"
	"tinytorch/engine/optim"
	"tinytorch/engine/tensor"
)

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// names lists the events' names.
func names(r *Report) []string {
	var out []string
	for _, e := range r.Events {
		out = append(out, e.Name)
	}
	return out
}

// only returns the one event called name.
func only(t *testing.T, r *Report, name string) Event {
	t.Helper()
	var found []Event
	for _, e := range r.Events {
		if e.Name == name {
			found = append(found, e)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d events called %s, want 1; events: %v", len(found), name, names(r))
	}
	return found[0]
}

func TestMatmulCounts(t *testing.T) {
	a, b := must(tensor.Ones(3, 4)), must(tensor.Ones(4, 5))
	r := must(Run(func() error { _, err := a.Matmul(b); return err }))
	want := []string{"expand", "reshape", "expand", "reshape", "matmul", "reshape"}
	if got := names(r); !slices.Equal(got, want) {
		t.Fatalf("events %v, want %v", got, want)
	}
	e := only(t, r, "matmul")
	if e.FLOPs != 2*3*4*5 || e.BytesRead != (12+20)*4 || e.BytesWritten != 15*4 {
		t.Errorf("matmul: %d FLOPs, %d bytes read, %d written; want 120, 128, 60", e.FLOPs, e.BytesRead, e.BytesWritten)
	}
	if !slices.EqualFunc(e.Shapes, [][]int{{1, 3, 4}, {1, 4, 5}}, slices.Equal) || e.Phase != PhaseForward || e.Module != "" {
		t.Errorf("matmul: shapes %v, phase %q, module %q", e.Shapes, e.Phase, e.Module)
	}
	if e.Allocs != 1 || e.AllocBytes != 60 {
		t.Errorf("matmul allocated %d tensors, %d bytes; want 1, 60", e.Allocs, e.AllocBytes)
	}
	if tot := r.Total(); tot.FLOPs != 120 {
		t.Errorf("total FLOPs %d, want 120 (views cost none)", tot.FLOPs)
	}
}

func TestReluCountsForwardAndBackward(t *testing.T) {
	x := must(tensor.Randn(2, 5))
	must(0, x.SetRequiresGrad(true))
	r := must(Run(func() error { return x.Relu().SumAll().Backward() }))
	want := []string{"relu", "sum", "sumBackward", "reluBackward", "accumulateGrad"}
	if got := names(r); !slices.Equal(got, want) {
		t.Fatalf("events %v, want %v", got, want)
	}
	if e := only(t, r, "relu"); e.FLOPs != 10 || e.BytesRead != 40 || e.BytesWritten != 40 {
		t.Errorf("relu: %d FLOPs, %d/%d bytes; want 10, 40/40", e.FLOPs, e.BytesRead, e.BytesWritten)
	}
	if e := only(t, r, "sum"); e.FLOPs != 10 {
		t.Errorf("sum: %d FLOPs, want 10", e.FLOPs)
	}
	e := only(t, r, "reluBackward")
	if e.FLOPs != 20 || e.Phase != PhaseBackward || e.Op != "relu" {
		t.Errorf("reluBackward: %d FLOPs, phase %q, op %q; want 20, backward, relu", e.FLOPs, e.Phase, e.Op)
	}
}

func TestConvCountsByModule(t *testing.T) {
	conv := must(nn.NewConv2d(2, 3, 3, nn.ConvOptions{}))
	model := nn.NewSequential(conv, nn.NewReLU())
	x := must(tensor.Rand(1, 2, 5, 5))
	r := must(Run(func() error { _, err := nn.Call(model, x); return err }))
	// One conv2d op: the product of the weight [3, 18] by the 1×18×9
	// columns, 2·3·18·9 FLOPs, plus the bias added to the 27 outputs; it
	// reads the input (50), the weight (54) and the bias (3).
	if e := only(t, r, "conv2d"); e.FLOPs != 2*3*18*9+27 || e.Module != "0 (Conv2d)" || e.BytesRead != (50+54+3)*4 || e.BytesWritten != 27*4 {
		t.Errorf("conv2d: %d FLOPs in %q, %d/%d bytes; want 999 in 0 (Conv2d), 428/108", e.FLOPs, e.Module, e.BytesRead, e.BytesWritten)
	}
	mods := map[string]ModuleStats{}
	for _, m := range r.ByModule() {
		mods[m.Label] = m
	}
	if m := mods["0 (Conv2d)"]; m.FLOPs != 972+27 || m.Params != (54+3)*4 || m.ForwardCalls != 1 || m.Depth != 1 {
		t.Errorf("0 (Conv2d): %d FLOPs, %d param bytes, %d calls, depth %d; want 999, 228, 1, 1", m.FLOPs, m.Params, m.ForwardCalls, m.Depth)
	}
	if m := mods["Sequential"]; m.FLOPs != 999+27 || m.Params != 228 || m.Depth != 0 {
		t.Errorf("Sequential: %d FLOPs, %d param bytes, depth %d; want 1026 (ReLU included), 228, 0", m.FLOPs, m.Params, m.Depth)
	}
	// No backward ran, so nothing was kept for one.
	if m := mods["1 (ReLU)"]; m.FLOPs != 27 || m.Activations != 0 {
		t.Errorf("1 (ReLU): %d FLOPs, %d activation bytes; want 27, 0", m.FLOPs, m.Activations)
	}
}

// trainStep profiles one SGD step of a 4-8-3 MLP on a batch of 5.
func trainStep(t *testing.T) *Report {
	t.Helper()
	tensor.ManualSeed(3)
	model := nn.NewSequential(must(nn.NewLinear(4, 8, true)), nn.NewReLU(), must(nn.NewLinear(8, 3, true)))
	x, y := must(tensor.Randn(5, 4)), must(tensor.Randint(0, 3, 5))
	opt := must(optim.NewSGD(model.ParamTensors(), optim.SGDOptions{LR: 0.1}))
	r, err := Run(func() error {
		opt.ZeroGrad()
		out, err := nn.Call(model, x)
		if err != nil {
			return err
		}
		l, err := loss.CrossEntropy{}.Forward(out, y)
		if err != nil {
			return err
		}
		if err := l.Backward(); err != nil {
			return err
		}
		return Phase(PhaseOptimizer, opt.Step)
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestTrainingStepCounts(t *testing.T) {
	r := trainStep(t)
	count := map[string]int{}
	for _, ph := range r.Phases() {
		count[ph.Phase] = ph.Calls
	}
	// Forward: 2 Linear layers of 8 events (permute, expand, reshape,
	// expand, reshape, matmul, reshape, add: the kernel reads Wᵀ in place),
	// relu, and the loss's 12 (amax sub exp sum log sub unsqueeze gather
	// squeeze neg sum div).
	// Backward: 26 nodes, 6 sums and reshapes that reduce broadcast
	// gradients, 2 gradient additions and 4 accumulations. Optimizer: one
	// update_ per parameter (the step rewrites it in place).
	want := map[string]int{PhaseForward: 29, PhaseBackward: 36, PhaseOptimizer: 4}
	for ph, n := range want {
		if count[ph] != n {
			t.Errorf("%s: %d events, want %d", ph, count[ph], n)
		}
	}
	ops := map[string]OpStats{}
	for _, o := range r.ByOp() {
		ops[o.Name] = o
	}
	// Linear 1: 2·5·4·8 = 320; Linear 2: 2·5·8·3 = 240. Backward: both
	// gradients of the second (480), only the weight's of the first (320),
	// since the input needs none.
	if ops["matmul"].Calls != 2 || ops["matmul"].FLOPs != 560 {
		t.Errorf("matmul: %d calls, %d FLOPs; want 2, 560", ops["matmul"].Calls, ops["matmul"].FLOPs)
	}
	if ops["matmulBackward"].FLOPs != 800 {
		t.Errorf("matmulBackward: %d FLOPs, want 800", ops["matmulBackward"].FLOPs)
	}
	if ops["accumulateGrad"].Calls != 4 || ops["update_"].Calls != 4 {
		t.Errorf("accumulateGrad %d, update_ %d; want 4 each (one per parameter)", ops["accumulateGrad"].Calls, ops["update_"].Calls)
	}
	var labels []string
	for _, m := range r.ByModule() {
		labels = append(labels, m.Label)
	}
	slices.Sort(labels)
	if want := []string{"(outside modules)", "0 (Linear)", "1 (ReLU)", "2 (Linear)", "Sequential"}; !slices.Equal(labels, want) {
		t.Errorf("modules %v, want %v", labels, want)
	}
	for _, e := range r.Events {
		if e.Name == "matmulBackward" && !strings.HasSuffix(e.Module, "(Linear)") {
			t.Errorf("matmulBackward attributed to %q, want its Linear layer", e.Module)
		}
		if e.Duration < 0 || e.Start < 0 || e.Start+e.Duration > r.Wall {
			t.Errorf("%s: start %v, duration %v outside the wall time %v", e.Name, e.Start, e.Duration, r.Wall)
		}
	}
	table := r.Table(0)
	for _, s := range []string{"Name", "GFLOP/s", "matmulBackward", "Wall time", "optimizer"} {
		if !strings.Contains(table, s) {
			t.Errorf("the table lacks %q:\n%s", s, table)
		}
	}
	if mt := r.ModuleTable(); !strings.Contains(mt, "  0 (Linear)") || !strings.Contains(mt, "Activations") {
		t.Errorf("module table:\n%s", mt)
	}
	h := r.HTML(5)
	if strings.Count(h, "<table") != 2 || strings.Count(h, "<tbody>\n<tr>") != 2 || !strings.Contains(h, `<th scope="row">0 (Linear)</th>`) ||
		!strings.Contains(h, "<caption>Ops, by total time</caption>") || strings.Count(h, `<th scope="row">`) != 5+5 {
		t.Errorf("HTML:\n%s", h)
	}
}

func TestTraceJSON(t *testing.T) {
	r := trainStep(t)
	raw := must(r.TraceJSON())
	var trace struct {
		TraceEvents []struct {
			Name string         `json:"name"`
			Ph   string         `json:"ph"`
			Ts   *float64       `json:"ts"`
			Dur  *float64       `json:"dur"`
			Pid  *int           `json:"pid"`
			Tid  *int           `json:"tid"`
			Cat  string         `json:"cat"`
			Args map[string]any `json:"args"`
		} `json:"traceEvents"`
	}
	if err := json.Unmarshal(raw, &trace); err != nil {
		t.Fatalf("invalid JSON: %v", err)
	}
	kinds := map[string]int{}
	seen := map[string]bool{}
	for i, e := range trace.TraceEvents {
		kinds[e.Ph]++
		seen[e.Cat+":"+e.Name] = true
		if e.Pid == nil || e.Tid == nil || e.Name == "" {
			t.Fatalf("event %d lacks name, pid or tid: %+v", i, e)
		}
		switch e.Ph {
		case "X":
			if e.Ts == nil || e.Dur == nil || *e.Ts < 0 || *e.Dur < 0 {
				t.Fatalf("complete event %d (%s) without a valid ts and dur", i, e.Name)
			}
		case "C", "M":
		default:
			t.Fatalf("event %d has phase %q", i, e.Ph)
		}
	}
	if kinds["X"] != len(r.Events)+4+2 || kinds["C"] != len(r.Events) || kinds["M"] != 2 {
		t.Errorf("event kinds %v; want %d X (events, 4 modules, backward and optimizer phases), %d C, 2 M", kinds, len(r.Events)+6, len(r.Events))
	}
	for _, want := range []string{"module:0 (Linear)", "module:Sequential", "phase:backward", "phase:optimizer", "forward:matmul", "backward:matmulBackward"} {
		if !seen[want] {
			t.Errorf("no %s in the trace", want)
		}
	}
}

// mlpMemoryStep profiles one SGD step of Linear(3, 5) → ReLU →
// Linear(5, 2) on a batch of 4, with the loss out.SumAll(), calling the
// garbage collector between the phases when gc is set.
func mlpMemoryStep(t *testing.T, gc bool) *Report {
	t.Helper()
	tensor.ManualSeed(1)
	model := nn.NewSequential(must(nn.NewLinear(3, 5, true)), nn.NewReLU(), must(nn.NewLinear(5, 2, true)))
	x := must(tensor.Randn(4, 3))
	opt := must(optim.NewSGD(model.ParamTensors(), optim.SGDOptions{LR: 0.1}))
	collect := func() {
		if gc {
			runtime.GC()
		}
	}
	return must(Run(func() error {
		out, err := nn.Call(model, x)
		if err != nil {
			return err
		}
		collect()
		l := out.SumAll()
		collect()
		if err := l.Backward(); err != nil {
			return err
		}
		collect()
		return Phase(PhaseOptimizer, opt.Step)
	}))
}

func TestMemoryLiveness(t *testing.T) {
	r := mlpMemoryStep(t, false)
	// Live bytes at the first event of each name (views share their
	// input's storage and make no buffer):
	//   - matmul of layer 0: its output h [4, 5], 80 B (x and the weights
	//     were made before the profile: not counted);
	//   - add: h + bias, 80 B more; relu: its output r, 80 B, while h dies
	//     after the add (add's backward needs nothing): 160;
	//   - relu's output stays live until reluBackward (relu saves it) and
	//     until layer 2's matmulBackward (matmul saves its inputs);
	//   - sum (the loss): r 80 + layer 2's output 32 + the loss 4 = 116;
	//   - reluBackward, the peak: r 80 + the gradient flowing in 80 + its
	//     gradient 80 + the gradients of layer 2's weight 40 and bias 8;
	//   - update_: only the parameters' gradients, 60+20+40+8 = 128 B,
	//     as many bytes as the parameters.
	want := map[string][2]int64{ // live, of which gradients
		"matmul": {80, 0}, "add": {160, 0}, "relu": {160, 0}, "sum": {116, 0},
		"sumBackward": {84, 0}, "reluBackward": {288, 48}, "update_": {128, 128},
	}
	seen := map[string]bool{}
	for _, e := range r.Events {
		if w, ok := want[e.Name]; ok && !seen[e.Name] {
			seen[e.Name] = true
			if e.LiveBytes != w[0] || e.GradBytes != w[1] {
				t.Errorf("%s: %d B live, %d B of gradients; want %d, %d", e.Name, e.LiveBytes, e.GradBytes, w[0], w[1])
			}
		}
	}
	if len(seen) != len(want) {
		t.Errorf("events seen %v, want all of %v", seen, want)
	}
	if r.PeakBytes != 288 {
		t.Errorf("peak %d B, want 288 (at reluBackward)", r.PeakBytes)
	}
	mods := map[string]ModuleStats{}
	for _, m := range r.ByModule() {
		mods[m.Label] = m
	}
	// Only relu's output is kept for backward; layer 0's matmul saves x,
	// made before the profile, and layer 2's saves relu's output.
	for label, w := range map[string][2]int64{"0 (Linear)": {0, 160}, "1 (ReLU)": {80, 160}, "2 (Linear)": {0, 144}, "Sequential": {80, 160}} {
		if m := mods[label]; m.Activations != w[0] || m.Peak != w[1] {
			t.Errorf("%s: %d B of activations, peak %d B; want %d, %d", label, m.Activations, m.Peak, w[0], w[1])
		}
	}
	if r.Allocs != 14 || r.AllocBytes != 632 {
		t.Errorf("%d allocations of %d B; want 14 of 632", r.Allocs, r.AllocBytes)
	}
}

// TestActivationsPerCall: over three steps a layer's activations are
// still those of one forward call, like its peak.
func TestActivationsPerCall(t *testing.T) {
	tensor.ManualSeed(1)
	model := nn.NewSequential(must(nn.NewLinear(3, 5, true)), nn.NewReLU(), must(nn.NewLinear(5, 2, true)))
	x := must(tensor.Randn(4, 3))
	r := must(Run(func() error {
		for range 3 {
			out, err := nn.Call(model, x)
			if err != nil {
				return err
			}
			if err := out.SumAll().Backward(); err != nil {
				return err
			}
		}
		return nil
	}))
	for _, m := range r.ByModule() {
		if m.Label == "1 (ReLU)" && (m.ForwardCalls != 3 || m.Activations != 80) {
			t.Errorf("1 (ReLU): %d calls, %d B of activations; want 3 calls of 80 B each", m.ForwardCalls, m.Activations)
		}
	}
}

// TestMemoryIgnoresGC checks that the memory figures come from the ops
// alone: collecting garbage in the middle of the step changes nothing.
func TestMemoryIgnoresGC(t *testing.T) {
	type figures struct {
		live, grads []int64
		peak        int64
		modules     []string
	}
	get := func(gc bool) figures {
		r := mlpMemoryStep(t, gc)
		var f figures
		for _, e := range r.Events {
			f.live, f.grads = append(f.live, e.LiveBytes), append(f.grads, e.GradBytes)
		}
		for _, m := range r.ByModule() {
			f.modules = append(f.modules, fmt.Sprint(m.Label, m.Activations, m.Peak))
		}
		slices.Sort(f.modules) // rows are sorted by time, which varies
		f.peak = r.PeakBytes
		return f
	}
	first := get(false)
	for i := range 3 {
		got := get(true)
		if !slices.Equal(got.live, first.live) || !slices.Equal(got.grads, first.grads) || got.peak != first.peak || !slices.Equal(got.modules, first.modules) {
			t.Fatalf("run %d with runtime.GC between the phases differs:\n%+v\nwant\n%+v", i, got, first)
		}
	}
}

// TestProfileHoldsNoTensor: the profiler follows storages by their ID, so
// a tensor made while profiling and then dropped is collected before the
// profile stops (profiling a long run does not keep every activation).
func TestProfileHoldsNoTensor(t *testing.T) {
	s, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	collected := make(chan struct{})
	func() {
		x := must(tensor.Ones(256, 256))
		y := must(x.Mul(x))
		runtime.AddCleanup(y, func(struct{}) { close(collected) }, struct{}{})
	}()
	for range 10 {
		runtime.GC()
		select {
		case <-collected:
			return
		default:
		}
	}
	t.Fatal("a tensor made and dropped while profiling was still alive after 10 collections")
}

func TestRunIsolation(t *testing.T) {
	ran := false
	if err := Phase("x", func() error { ran = true; return nil }); err != nil || !ran {
		t.Fatalf("Phase without a profile: ran %v, err %v", ran, err)
	}
	boom := errors.New("boom")
	r, err := Run(func() error {
		if _, err := Run(func() error { return nil }); !errors.Is(err, ErrActive) {
			t.Errorf("nested Run: %v, want ErrActive", err)
		}
		if !Active() {
			t.Error("Active is false inside Run")
		}
		must(tensor.Ones(2)).Exp()
		return boom
	})
	if !errors.Is(err, boom) || r == nil || len(r.Events) != 1 {
		t.Fatalf("Run with a failing fn: report %v, err %v; want the report of 1 event and the error", r, err)
	}
	s := must(Start())
	if _, err := Start(); !errors.Is(err, ErrActive) {
		t.Errorf("Start twice: %v, want ErrActive", err)
	}
	if a, b := s.Stop(), s.Stop(); a != b || len(a.Events) != 0 {
		t.Errorf("Stop twice gave %p and %p with %d events", a, b, len(a.Events))
	}
	if Active() || tensor.SetObserver(nil) != nil || nn.SetCallObserver(nil) != nil {
		t.Error("the hooks are still set after Run")
	}
}

func TestCharts(t *testing.T) {
	r := trainStep(t)
	for _, kind := range ChartKinds {
		svg, err := r.Chart(kind)
		if err != nil {
			t.Errorf("%s: %v", kind, err)
			continue
		}
		if !strings.HasPrefix(svg, "<svg") || !strings.Contains(svg, "data-series=") {
			t.Errorf("%s: not an SVG chart with series: %.200s", kind, svg)
		}
	}
	if bar := r.OpsChart(); len(bar.Series) != 3 || bar.Series[0].Name != PhaseForward || bar.Series[1].Name != PhaseBackward || bar.Series[2].Name != PhaseOptimizer {
		t.Errorf("ops chart series %+v, want forward, backward, optimizer", bar.Series)
	}
	if _, err := r.Chart("pie"); err == nil || !strings.Contains(err.Error(), "ops, timeline, roofline, memory, layers") {
		t.Errorf("unknown chart: %v", err)
	}
	empty := must(Run(func() error { return nil }))
	if _, err := empty.Chart("ops"); err == nil {
		t.Error("a chart of an empty profile is not an error")
	}
	c := MeasureCeilings()
	if c.GFLOPS <= 0 || c.GBs <= 0 || c.Kernel == "" {
		t.Errorf("ceilings %+v", c)
	}
}

// TestTraceScalarShapes checks that a 0-d input's shape is [] in the
// trace, not null.
func TestTraceScalarShapes(t *testing.T) {
	a, b := tensor.Scalar(2), tensor.Scalar(3)
	r := must(Run(func() error { _, err := a.Mul(b); return err }))
	var trace struct {
		TraceEvents []struct {
			Name string `json:"name"`
			Args struct {
				Shapes json.RawMessage `json:"input shapes"`
			} `json:"args"`
		} `json:"traceEvents"`
	}
	must(0, json.Unmarshal(must(r.TraceJSON()), &trace))
	found := false
	for _, e := range trace.TraceEvents {
		if e.Name == "mul" {
			found = true
			if got := string(e.Args.Shapes); got != "[[],[]]" {
				t.Errorf("mul of two scalars: input shapes %s, want [[],[]]", got)
			}
		}
	}
	if !found {
		t.Fatalf("no mul event in the trace: %v", names(r))
	}
}

// TestOpTableOptimizerColumn checks that an optimizer's ops have their
// time in an Optimizer column, and that ops of other phases get an Other
// column.
func TestOpTableOptimizerColumn(t *testing.T) {
	r := trainStep(t)
	ops := map[string]OpStats{}
	for _, o := range r.ByOp() {
		ops[o.Name] = o
	}
	u := ops["update_"]
	if u.Optimizer != u.Time || u.Forward != 0 || u.Backward != 0 || u.Optimizer <= 0 {
		t.Errorf("update_: forward %v, backward %v, optimizer %v of %v; want all of it in optimizer", u.Forward, u.Backward, u.Optimizer, u.Time)
	}
	tt := r.opTable(0)
	if want := []string{"Name", "Calls", "Total", "%", "Avg", "Forward", "Backward", "Optimizer", "FLOPs", "GFLOP/s", "FLOP/B", "Allocated"}; !slices.Equal(tt.head, want) {
		t.Errorf("table head %v, want %v", tt.head, want)
	}
	for _, row := range tt.rows {
		if row[0] == "update_" && (row[7] != fmtDur(u.Optimizer) || row[5] != "0" || row[6] != "0") {
			t.Errorf("update_ row %q: want forward 0, backward 0, optimizer %s", row, fmtDur(u.Optimizer))
		}
	}
	x := must(tensor.Ones(3))
	custom := must(Run(func() error { return Phase("eval", func() error { x.Exp(); return nil }) }))
	if head := custom.opTable(0).head; !slices.Contains(head, "Other") {
		t.Errorf("a table with an eval phase has no Other column: %v", head)
	}
}

func TestQuantile(t *testing.T) {
	for _, c := range []struct {
		xs   []float64
		q    float64
		want float64
	}{
		{[]float64{3, 1, 2}, 0.5, 2},
		{[]float64{4, 1, 3, 2}, 0.5, 2.5},
		{[]float64{1, 2, 3, 4, 5}, 0.25, 2},
		{[]float64{1, 2, 3, 4, 5}, 1, 5},
		{[]float64{7}, 0.75, 7},
	} {
		if got := quantile(c.xs, c.q); got != c.want {
			t.Errorf("quantile(%v, %v) = %v, want %v", c.xs, c.q, got, c.want)
		}
	}
}
