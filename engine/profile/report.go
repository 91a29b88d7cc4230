package profile

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Event is one op executed while profiling: a forward op, or the backward
// node of one.
type Event struct {
	// Name is the op's name, with "Backward" appended for a backward node
	// ("matmul", "matmulBackward"), as PyTorch names MmBackward0.
	Name string
	// Op is the op's name without the suffix.
	Op string
	// Phase is PhaseForward, PhaseBackward, PhaseOptimizer or a name given
	// to Phase.
	Phase string
	// Module is the label of the innermost module running the op, such as
	// "features.0 (Conv2d)"; "" outside any module. A backward node belongs
	// to the module that ran its forward op.
	Module string
	module int
	// Shapes are the shapes of the op's inputs (for a backward node, of
	// its forward op's inputs).
	Shapes [][]int
	// Start and Duration place the event in time, from the start of the
	// profile. A forward op's time runs from the end of the previous event
	// (or module boundary) to the end of the op; a backward node is timed
	// exactly.
	Start, Duration time.Duration
	// FLOPs and bytes come from the cost model (see cost.go), not from
	// measurement.
	FLOPs                   int64
	BytesRead, BytesWritten int64
	// Allocs and AllocBytes count the tensor storages made by the event.
	Allocs     int
	AllocBytes int64
	// LiveBytes is the tensor memory live while the event ran, from the
	// liveness analysis described in memory.go: the tensors made during
	// the profile that some event at or after this one still uses, and
	// the parameters' gradients. GradBytes is the gradients' part.
	LiveBytes, GradBytes int64
	// SavedBytes is the bytes of the tensors a forward op made that stay
	// live until the backward pass (saved for backward, or the input of an
	// op that saved it): its activation memory.
	SavedBytes int64
}

// Intensity is the arithmetic intensity: FLOPs per byte moved.
func (e Event) Intensity() float64 { return intensity(e.FLOPs, e.BytesRead+e.BytesWritten) }

// Module describes one module that ran while profiling.
type Module struct {
	Label string // "features.0 (Conv2d)"
	Path  string // "features.0"; "" for the root
	Type  string // "Conv2d"
	Depth int    // 0 for a module called directly, 1 for its children, …
	// Params is the bytes of the module's parameters, its children's
	// included.
	Params int64
	// ForwardCalls counts its forward calls.
	ForwardCalls int
	// Peak is the highest live tensor memory (LiveBytes) while its forward
	// ops ran.
	Peak   int64
	parent int
}

// Report is a recorded profile. Its methods aggregate the events.
type Report struct {
	// Events are in the order they ended.
	Events []Event
	// Modules are in the order they were first called.
	Modules []Module
	// Wall is the time the profiled function took.
	Wall time.Duration
	// PeakBytes is the highest live tensor memory (Event.LiveBytes);
	// AllocBytes and Allocs total the storages allocated during the
	// profile.
	PeakBytes  int64
	AllocBytes int64
	Allocs     int

	spans []span
}

// report freezes the profiler's records.
func (p *profiler) report(wall time.Duration) *Report {
	r := &Report{Events: p.events, Wall: wall, AllocBytes: p.totalAlloc, Allocs: p.numAlloc, spans: p.spans}
	for _, m := range p.modules {
		r.Modules = append(r.Modules, Module{Label: m.label, Path: m.path, Type: m.typ, Depth: m.depth, Params: m.params, ForwardCalls: m.calls, parent: m.parent})
	}
	live, grads, peak := liveness(p.bufs, p.events)
	r.PeakBytes = peak
	for _, b := range p.bufs {
		if b.birth >= 0 && !b.grad && r.Events[b.birth].Phase == PhaseForward && r.Events[b.last].Phase == PhaseBackward {
			r.Events[b.birth].SavedBytes += b.bytes
		}
	}
	for i := range r.Events {
		e := &r.Events[i]
		e.LiveBytes, e.GradBytes = live[i], grads[i]
		for m := e.module; m >= 0; m = r.Modules[m].parent {
			if e.Phase == PhaseForward {
				r.Modules[m].Peak = max(r.Modules[m].Peak, e.LiveBytes)
			}
		}
		if e.module >= 0 {
			e.Module = r.Modules[e.module].Label
		}
	}
	return r
}

// Stats aggregates events.
type Stats struct {
	Calls     int
	Time      time.Duration
	FLOPs     int64
	Bytes     int64 // read + written
	Allocs    int
	AllocB    int64
	Forward   time.Duration // time in PhaseForward
	Backward  time.Duration // time in PhaseBackward
	Optimizer time.Duration // time in PhaseOptimizer
	Other     time.Duration // time in any other phase (named by Phase)
}

func (s *Stats) add(e Event) {
	s.Calls++
	s.Time += e.Duration
	s.FLOPs += e.FLOPs
	s.Bytes += e.BytesRead + e.BytesWritten
	s.Allocs += e.Allocs
	s.AllocB += e.AllocBytes
	switch e.Phase {
	case PhaseForward:
		s.Forward += e.Duration
	case PhaseBackward:
		s.Backward += e.Duration
	case PhaseOptimizer:
		s.Optimizer += e.Duration
	default:
		s.Other += e.Duration
	}
}

// GFLOPS is the achieved rate, in GFLOP/s (0 when no time was measured).
func (s Stats) GFLOPS() float64 {
	if s.Time <= 0 {
		return 0
	}
	return float64(s.FLOPs) / s.Time.Seconds() / 1e9
}

// Intensity is the arithmetic intensity, in FLOPs per byte.
func (s Stats) Intensity() float64 { return intensity(s.FLOPs, s.Bytes) }

func intensity(flops, bytes int64) float64 {
	if bytes == 0 {
		return 0
	}
	return float64(flops) / float64(bytes)
}

// OpStats is one row of the table by op.
type OpStats struct {
	Name string
	Stats
}

// ByOp aggregates the events by name, the most time first, like
// torch.profiler's key_averages().
func (r *Report) ByOp() []OpStats {
	idx := map[string]int{}
	var rows []OpStats
	for _, e := range r.Events {
		i, ok := idx[e.Name]
		if !ok {
			i = len(rows)
			idx[e.Name] = i
			rows = append(rows, OpStats{Name: e.Name})
		}
		rows[i].add(e)
	}
	slices.SortStableFunc(rows, func(a, b OpStats) int { return cmp.Compare(b.Time, a.Time) })
	return rows
}

// ModuleStats is one row of the table by module. The figures include the
// module's children.
type ModuleStats struct {
	Module
	Stats
	// Activations is the bytes of the tensors its forward ops made that
	// stay live until the backward pass (Event.SavedBytes), per forward
	// call (the mean over its calls, so that a profile of several steps
	// reads like one step, as Peak does).
	Activations int64
}

// ByModule aggregates the events by module, each module including its
// children's, the most time first; ops outside every module (a loss
// computed after the model, the optimizer step) form a last row labelled
// "(outside modules)".
func (r *Report) ByModule() []ModuleStats {
	rows := make([]ModuleStats, len(r.Modules))
	for i, m := range r.Modules {
		rows[i].Module = m
	}
	outside := ModuleStats{Module: Module{Label: "(outside modules)", parent: -1}}
	for _, e := range r.Events {
		if e.module < 0 {
			outside.add(e)
			continue
		}
		for m := e.module; m >= 0; m = r.Modules[m].parent {
			rows[m].add(e)
			if e.Phase == PhaseForward {
				rows[m].Activations += e.SavedBytes
			}
		}
	}
	for i := range rows {
		if rows[i].ForwardCalls > 1 {
			rows[i].Activations /= int64(rows[i].ForwardCalls)
		}
	}
	slices.SortStableFunc(rows, func(a, b ModuleStats) int { return cmp.Compare(b.Time, a.Time) })
	if outside.Stats.Calls > 0 {
		rows = append(rows, outside)
	}
	return rows
}

// PhaseStats totals one phase.
type PhaseStats struct {
	Phase string
	Stats
	// Wall is the phase's wall time: its ops plus the time spent outside
	// ops, such as an optimizer's own loops. The forward phase is the
	// time outside every other phase.
	Wall time.Duration
}

// Phases totals the events per phase, in the order the phases first
// occurred (forward, backward, optimizer for a training step).
func (r *Report) Phases() []PhaseStats {
	idx := map[string]int{}
	var rows []PhaseStats
	for _, e := range r.Events {
		i, ok := idx[e.Phase]
		if !ok {
			i = len(rows)
			idx[e.Phase] = i
			rows = append(rows, PhaseStats{Phase: e.Phase})
		}
		rows[i].add(e)
	}
	walls := map[string]time.Duration{}
	var others time.Duration
	for _, s := range r.spans {
		if s.kind == spanPhase && s.depth == 0 {
			walls[s.name] += s.end - s.start
			others += s.end - s.start
		}
	}
	walls[PhaseForward] = max(r.Wall-others, 0)
	for i := range rows {
		rows[i].Wall = walls[rows[i].Phase]
	}
	return rows
}

// Total aggregates every event.
func (r *Report) Total() Stats {
	var s Stats
	for _, e := range r.Events {
		s.add(e)
	}
	return s
}

// Table formats the ops aggregated by name, the most time first, like
// torch.profiler's key_averages().table(), followed by the totals per
// phase and memory. limit > 0 keeps that many rows.
func (r *Report) Table(limit int) string {
	return r.opTable(limit).String() + r.footer()
}

// opTable holds the rows of Table. The time is split by phase: forward,
// backward, optimizer, and "Other" when ops ran in phases of other names.
func (r *Report) opTable(limit int) *textTable {
	ops := r.ByOp()
	if limit > 0 && len(ops) > limit {
		ops = ops[:limit]
	}
	total := r.Total()
	head := []string{"Name", "Calls", "Total", "%", "Avg", "Forward", "Backward", "Optimizer"}
	if total.Other > 0 {
		head = append(head, "Other")
	}
	t := newTextTable(append(head, "FLOPs", "GFLOP/s", "FLOP/B", "Allocated")...)
	for _, o := range ops {
		cells := []string{o.Name, fmt.Sprint(o.Calls), fmtDur(o.Time), fmtPct(o.Time, total.Time), fmtDur(o.Time / time.Duration(o.Calls)),
			fmtDur(o.Forward), fmtDur(o.Backward), fmtDur(o.Optimizer)}
		if total.Other > 0 {
			cells = append(cells, fmtDur(o.Other))
		}
		t.row(append(cells, fmtCount(o.FLOPs), fmtRate(o.Stats), fmtIntensity(o.Stats), fmtBytes(o.AllocB))...)
	}
	return t
}

// ModuleTable formats the modules, each including its children, the most
// time first, with their memory: parameters, activations (bytes their
// forward ops keep for backward, per call) and the peak of live tensor
// memory during forward.
func (r *Report) ModuleTable() string {
	return r.moduleTable().String() + r.footer()
}

// moduleTable holds the rows of ModuleTable.
func (r *Report) moduleTable() *textTable {
	total := r.Total()
	t := newTextTable("Module", "Calls", "Forward", "Backward", "Total", "%", "FLOPs", "GFLOP/s", "Params", "Activations", "Peak")
	for _, m := range r.ByModule() {
		label := strings.Repeat("  ", m.Depth) + m.Label
		calls, params, peak := fmt.Sprint(m.ForwardCalls), fmtBytes(m.Params), fmtBytes(m.Peak)
		if m.Type == "" { // the ops outside modules
			calls, params, peak = "—", "—", "—"
		}
		t.row(label, calls, fmtDur(m.Forward), fmtDur(m.Backward), fmtDur(m.Time), fmtPct(m.Time, total.Time),
			fmtCount(m.FLOPs), fmtRate(m.Stats), params, fmtBytes(m.Activations), peak)
	}
	return t
}

// footer sums up the phases and memory under a table.
func (r *Report) footer() string {
	total := r.Total()
	var b strings.Builder
	var parts []string
	for _, ph := range r.Phases() {
		parts = append(parts, fmt.Sprintf("%s %s", ph.Phase, fmtDur(ph.Wall)))
	}
	fmt.Fprintf(&b, "Wall time %s: %s; ops take %s of it in %d events, the rest is spent outside ops\n",
		fmtDur(r.Wall), strings.Join(parts, ", "), fmtDur(total.Time), len(r.Events))
	fmt.Fprintf(&b, "FLOPs: %s, %s GFLOP/s overall; memory: %s allocated in %d tensors, peak %s live\n",
		fmtCount(total.FLOPs), fmtRate(total), fmtBytes(r.AllocBytes), r.Allocs, fmtBytes(r.PeakBytes))
	return b.String()
}

// Summary is a one-line description of the report.
func (r *Report) Summary() string {
	total := r.Total()
	var parts []string
	for _, ph := range r.Phases() {
		parts = append(parts, fmt.Sprintf("%s %s", ph.Phase, fmtDur(ph.Wall)))
	}
	return fmt.Sprintf("profile: %d ops in %s (%s); %s FLOPs; peak %s live tensor memory",
		len(r.Events), fmtDur(r.Wall), strings.Join(parts, ", "), fmtCount(total.FLOPs), fmtBytes(r.PeakBytes))
}

// textTable lays out columns of text, the first left-aligned and the
// others right-aligned, between rules of dashes.
type textTable struct {
	head []string
	rows [][]string
}

func newTextTable(head ...string) *textTable { return &textTable{head: head} }

func (t *textTable) row(cells ...string) { t.rows = append(t.rows, cells) }

func (t *textTable) String() string {
	widths := make([]int, len(t.head))
	for _, r := range append([][]string{t.head}, t.rows...) {
		for i, c := range r {
			widths[i] = max(widths[i], len([]rune(c)))
		}
	}
	var b strings.Builder
	rule := func() {
		for i, w := range widths {
			if i > 0 {
				b.WriteString("  ")
			}
			b.WriteString(strings.Repeat("-", w))
		}
		b.WriteString("\n")
	}
	line := func(cells []string) {
		for i, c := range cells {
			pad := strings.Repeat(" ", widths[i]-len([]rune(c)))
			if i == 0 {
				b.WriteString(c + pad)
			} else {
				b.WriteString("  " + pad + c)
			}
		}
		b.WriteString("\n")
	}
	rule()
	line(t.head)
	rule()
	for _, r := range t.rows {
		line(r)
	}
	rule()
	return b.String()
}
