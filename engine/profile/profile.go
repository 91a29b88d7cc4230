package profile

import (
	"errors"
	"time"

	"tinytorch/engine/nn"
	"tinytorch/engine/tensor"
	"tinytorch/engine/train"
)

// Phase names. Ops run by a Backward call are in PhaseBackward, ops inside
// Phase(name, …) in that phase, and every other op in PhaseForward.
const (
	PhaseForward   = "forward"
	PhaseBackward  = "backward"
	PhaseOptimizer = train.PhaseOptimizer // "optimizer", where the Trainer steps
)

// active is the profiler that is recording, nil when none is; like the
// engine's other switches it is process-wide.
var active *profiler

// ErrActive is returned by Run when a profile is already being recorded.
var ErrActive = errors.New("profile: a profile is already being recorded; profiles cannot nest")

// Run records every op that fn executes and returns the report. If fn
// fails, the report of what ran is returned with fn's error.
//
// While Run is active the engine reports to it through tensor.SetObserver,
// nn.SetCallObserver and train.SetPhaseObserver; all three are restored
// when fn returns.
func Run(fn func() error) (*Report, error) {
	s, err := Start()
	if err != nil {
		return nil, err
	}
	defer s.Stop()
	err = fn()
	return s.Stop(), err
}

// Session is a profile being recorded, for callers that cannot wrap the
// work in one call, such as the notebook's asynchronous cells: Start it,
// run the work, then Stop it. Prefer Run.
type Session struct {
	p      *profiler
	prevT  tensor.Observer
	prevN  nn.CallObserver
	prevP  train.PhaseObserver
	report *Report
}

// Start starts recording; it fails with ErrActive when a profile is
// already being recorded.
func Start() (*Session, error) {
	if active != nil {
		return nil, ErrActive
	}
	p := &profiler{t0: time.Now(), modIndex: map[*nn.ModuleBase]int{}, bufOf: map[uint64]int{}}
	active = p
	return &Session{p: p, prevT: tensor.SetObserver(p), prevN: nn.SetCallObserver(p), prevP: train.SetPhaseObserver(p)}, nil
}

// Stop ends the recording, restores the hooks, and returns the report;
// later calls return the same report.
func (s *Session) Stop() *Report {
	if s.report == nil {
		tensor.SetObserver(s.prevT)
		nn.SetCallObserver(s.prevN)
		train.SetPhaseObserver(s.prevP)
		active = nil
		s.report = s.p.report(time.Since(s.p.t0))
	}
	return s.report
}

// Active reports whether a profile is being recorded.
func Active() bool { return active != nil }

// Phase runs fn as the phase called name: the ops it runs are counted in
// that phase (for example PhaseOptimizer for an optimizer step), like
// torch.profiler's record_function. Without an active profile it just
// calls fn. Backward passes inside fn stay in PhaseBackward.
func Phase(name string, fn func() error) error {
	p := active
	if p == nil {
		return fn()
	}
	p.EnterPhase(name)
	defer p.ExitPhase(name)
	return fn()
}

// EnterPhase starts the named phase: the ops that follow are in it, until
// ExitPhase. It makes the profiler a train.PhaseObserver, so the Trainer's
// optimizer steps are in PhaseOptimizer.
func (p *profiler) EnterPhase(name string) {
	start := p.now()
	p.last = start
	p.phases = append(p.phases, name)
	p.phaseStarts = append(p.phaseStarts, start)
}

// ExitPhase ends the innermost phase and records its span.
func (p *profiler) ExitPhase(name string) {
	n := len(p.phases) - 1
	start := p.phaseStarts[n]
	p.phases, p.phaseStarts = p.phases[:n], p.phaseStarts[:n]
	end := p.now()
	p.last = end
	p.spans = append(p.spans, span{kind: spanPhase, name: name, start: start, end: end, depth: n})
}

// profiler is the tensor.Observer, nn.CallObserver and
// train.PhaseObserver that records a profile. It is driven from the engine's one goroutine.
type profiler struct {
	t0   time.Time
	last time.Duration // end of the last event: where the next op's time starts

	events []Event
	spans  []span

	// The module stack and table.
	modules  []moduleRec
	modIndex map[*nn.ModuleBase]int
	stack    []int
	enters   []time.Duration // Enter time of each module on the stack

	phases      []string        // explicit phases (Phase, EnterPhase), innermost last
	phaseStarts []time.Duration // the start of each of them
	backward    int             // depth of Backward calls
	bwStart     time.Duration

	// node is the backward node running (nil outside one); ops inside it
	// are part of the node, not events of their own.
	node *nodeRec

	// Allocations since the last event, charged to the next one.
	allocs     int
	allocBytes int64
	totalAlloc int64
	numAlloc   int

	// The buffers for the memory figures (memory.go): every storage made
	// while profiling, the buffer of each storage by its StorageID, and
	// those made since the last event, which the next event made.
	bufs    []buffer
	bufOf   map[uint64]int
	pending []int
}

// nodeRec is the state of the backward node that is running.
type nodeRec struct {
	name   string
	start  time.Duration
	fwd    *opTag
	grad   *tensor.Tensor
	allocs int
	bytes  int64
	made   []int // the buffers it made
	inner  int64 // the FLOPs of the ops its backward function ran
}

// opTag is what Op returns for a forward op, so that its backward node
// is attributed to the same module and knows the forward shapes.
type opTag struct {
	p      *profiler
	module int
	shapes [][]int
	saved  []int // the buffers its backward reads
}

// moduleRec is one module seen by Enter.
type moduleRec struct {
	label, path, typ string
	parent           int
	depth            int
	params           int64
	calls            int
}

// span kinds for the trace: a module's forward, a phase, a backward pass.
const (
	spanModule = iota
	spanPhase
)

type span struct {
	kind       int
	name       string
	start, end time.Duration
	depth      int
	module     int
}

func (p *profiler) now() time.Duration { return time.Since(p.t0) }

// phase is the phase of an op that runs now.
func (p *profiler) phase() string {
	switch {
	case p.backward > 0:
		return PhaseBackward
	case len(p.phases) > 0:
		return p.phases[len(p.phases)-1]
	}
	return PhaseForward
}

// module is the index of the innermost running module, -1 for none.
func (p *profiler) module() int {
	if len(p.stack) == 0 {
		return -1
	}
	return p.stack[len(p.stack)-1]
}

// Alloc counts a new storage and makes it a buffer, born at the event
// that is running or comes next.
func (p *profiler) Alloc(t *tensor.Tensor, data []float32) {
	n := int64(len(data)) * 4
	p.numAlloc++
	p.totalAlloc += n
	b := p.newBuffer(t, n)
	if p.node != nil {
		p.node.allocs++
		p.node.bytes += n
		p.node.made = append(p.node.made, b)
	} else {
		p.allocs++
		p.allocBytes += n
		p.pending = append(p.pending, b)
	}
}

// Op records a forward op (or one run outside any backward node).
func (p *profiler) Op(name string, inputs, saved []*tensor.Tensor, out *tensor.Tensor) any {
	if p.node != nil { // part of the running backward node
		f, _, _ := forwardCost(name, inputs, out)
		p.node.inner += f
		return nil
	}
	end := p.now()
	shapes := make([][]int, len(inputs))
	for i, in := range inputs {
		// A 0-d tensor's shape is nil; keep it an empty (not a missing)
		// shape, [] in the trace.
		shapes[i] = append([]int{}, in.Shape()...)
	}
	flops, read, write := forwardCost(name, inputs, out)
	start := p.last
	if isView(name, inputs, out) {
		// A view costs next to nothing: the time since the last event was
		// spent outside ops (such as an optimizer's own loops), and is
		// left out rather than charged to the view.
		start = end
	}
	mod := p.module()
	p.events = append(p.events, Event{
		Name: name, Op: name, Phase: p.phase(), module: mod, Shapes: shapes,
		Start: start, Duration: end - start,
		FLOPs: flops, BytesRead: read, BytesWritten: write,
		Allocs: p.allocs, AllocBytes: p.allocBytes,
	})
	i := len(p.events) - 1
	p.born(p.pending, i)
	for _, in := range inputs {
		p.use(i, p.bufferOf(in))
	}
	p.use(i, p.bufferOf(out)) // an in-place op's output is an input too
	if b := p.bufferOf(out); b >= 0 && name == "accumulateGrad" {
		p.bufs[b].grad = true // a parameter's gradient from now on
	}
	p.allocs, p.allocBytes, p.pending = 0, 0, nil
	p.last = end
	if tensor.GradEnabled() {
		for _, in := range inputs {
			if in.RequiresGrad() { // the op records a graph node
				return &opTag{p: p, module: mod, shapes: shapes, saved: p.buffersOf(saved)}
			}
		}
	}
	return nil
}

// BackwardStart marks the start of a backward pass.
func (p *profiler) BackwardStart(*tensor.Tensor) {
	p.backward++
	if p.backward == 1 {
		p.bwStart = p.now()
		p.last = p.bwStart
	}
}

// BackwardEnd marks its end.
func (p *profiler) BackwardEnd(*tensor.Tensor) {
	p.backward--
	if p.backward == 0 {
		end := p.now()
		p.last = end
		p.spans = append(p.spans, span{kind: spanPhase, name: PhaseBackward, start: p.bwStart, end: end, depth: len(p.phases)})
	}
}

// NodeStart starts timing one node's backward function.
func (p *profiler) NodeStart(name string, _, grad *tensor.Tensor, tag any) {
	t, _ := tag.(*opTag)
	if t != nil && t.p != p {
		t = nil // recorded by an earlier profile
	}
	p.node = &nodeRec{name: name, start: p.now(), fwd: t, grad: grad, allocs: p.allocs, bytes: p.allocBytes, made: p.pending}
	p.allocs, p.allocBytes, p.pending = 0, 0, nil
}

// NodeEnd records the node as one event, named like PyTorch's backward
// nodes: "matmulBackward".
func (p *profiler) NodeEnd(name string, out *tensor.Tensor, _ any, grads []*tensor.Tensor) {
	n := p.node
	p.node = nil
	if n == nil {
		return
	}
	end := p.now()
	mod := -1
	var shapes [][]int
	if n.fwd != nil {
		mod, shapes = n.fwd.module, n.fwd.shapes
	}
	flops, read, write := backwardCost(name, shapes, out, n.grad, grads)
	if flops == 0 {
		// An op the cost model does not know, such as a user's
		// tensor.Function: count the ops its backward ran.
		flops = n.inner
	}
	p.events = append(p.events, Event{
		Name: name + "Backward", Op: name, Phase: PhaseBackward, module: mod, Shapes: shapes,
		Start: n.start, Duration: end - n.start,
		FLOPs: flops, BytesRead: read, BytesWritten: write,
		Allocs: n.allocs, AllocBytes: n.bytes,
	})
	i := len(p.events) - 1
	p.born(n.made, i)
	p.use(i, p.bufferOf(n.grad))
	if n.fwd != nil {
		p.use(i, n.fwd.saved...)
	}
	p.last = end
}

// Enter pushes a module on the stack, adding it to the table the first
// time it is seen.
func (p *profiler) Enter(m nn.Module) {
	b := m.Base()
	i, ok := p.modIndex[b]
	if !ok {
		i = len(p.modules)
		path := b.Path()
		label := b.TypeName()
		if path != "" {
			label = path + " (" + label + ")"
		}
		var params int64
		for _, np := range b.Parameters() {
			params += int64(np.Tensor.Numel()) * 4
		}
		p.modules = append(p.modules, moduleRec{label: label, path: path, typ: b.TypeName(), parent: p.module(), depth: len(p.stack), params: params})
		p.modIndex[b] = i
	}
	p.modules[i].calls++
	p.stack = append(p.stack, i)
	now := p.now()
	p.enters = append(p.enters, now)
	p.last = now
}

// Exit pops the module.
func (p *profiler) Exit(nn.Module) {
	if len(p.stack) == 0 {
		return
	}
	i := p.stack[len(p.stack)-1]
	start := p.enters[len(p.enters)-1]
	p.stack, p.enters = p.stack[:len(p.stack)-1], p.enters[:len(p.enters)-1]
	now := p.now()
	p.last = now
	p.spans = append(p.spans, span{kind: spanModule, name: p.modules[i].label, start: start, end: now, depth: len(p.stack), module: i})
}
