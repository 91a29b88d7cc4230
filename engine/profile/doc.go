// Package profile is TinyTorch's profiler: it records every op the engine
// executes while a function runs — its name, input shapes, module, phase,
// wall time, FLOPs, bytes moved and tensors allocated — and the peak of
// live tensor memory, then reports them as tables, charts and a trace.
//
//	r, err := profile.Run(func() error {
//		out, err := nn.Call(model, x)
//		…
//		if err := l.Backward(); err != nil {
//			return err
//		}
//		return profile.Phase(profile.PhaseOptimizer, opt.Step)
//	})
//	fmt.Print(r.Table(0))          // ops by total time, like torch.profiler
//	fmt.Print(r.ModuleTable())     // time and memory per layer
//	trace, _ := r.TraceJSON()      // open in ui.perfetto.dev
//	svg, _ := r.Chart("roofline")  // or "ops", "timeline", "memory", "layers"
//
// # How it sees the ops
//
// Package tensor reports to a tensor.Observer from three central places:
// where storages are allocated, where every op records its autograd node
// (graph or no graph; the op comes with the tensors its backward will
// read, which the memory model below needs), and where Backward runs
// each node. Package nn
// reports each module's forward through nn.Call (nn.CallObserver), which
// gives every op its module path, such as "features.0 (Conv2d)", and
// package train's Trainer reports its optimizer step (train.PhaseObserver),
// which puts that step's ops in PhaseOptimizer. With no
// profile running, those hooks are a nil check each: BenchmarkHooksOff
// measures them at about 3 ns, 1% of the cheapest op (a one-element Add)
// and far less of a real one; BenchmarkProfilerOverhead measures what
// profiling a training step costs (bench_test.go).
//
// # What the numbers mean
//
//   - Time. A backward node is timed from start to end. A forward op is
//     reported only when it ends, so its time runs from the end of the
//     previous event (or module boundary) to its own end; a view (reshape,
//     transpose …) is given no time, since it only computes a shape. Time
//     spent outside ops (an optimizer's own loops, JavaScript between two
//     calls) is therefore not charged to any op, and the tables say how
//     much of the wall time the ops cover.
//   - Phases. Ops inside a Backward call are "backward"; ops inside
//     Phase(name, fn) are in that phase (the trainer marks its optimizer
//     step "optimizer"); all others are "forward".
//   - FLOPs and bytes come from an analytic model of each op (cost.go):
//     2·n·k·m for a matmul, one per element for elementwise ops, one per
//     input element for reductions, none for views and copies. A
//     convolution (one conv2d op) counts as its unfold and matmul would.
//     A quantized layer of engine/quant (quantizedLinear,
//     quantizedConv2d) counts its int8 multiply-adds as two FLOPs each,
//     and its int8 weight's bytes as read.
//     An op the model does not know, such as a user's tensor.Function,
//     has no FLOPs of its own in the forward pass (the ops its forward
//     runs are events of their own), and its backward node counts the
//     FLOPs of the ops its backward function runs.
//   - Memory comes from a liveness analysis of the recorded events
//     (memory.go), so it is the same on every run whenever Go's garbage
//     collector runs. Each storage made during the profile is live from
//     the op that made it to the last op that uses it: an op reads its
//     inputs; a tensor saved for backward (relu's output, matmul's
//     inputs) is used again by that op's backward node, so it stays live
//     from forward into the backward pass; a view is its input's storage.
//     A parameter's gradient is counted apart (GradBytes) and stays live
//     until the end of the next optimizer phase. Parameters and tensors
//     made before the profile (the input batch) are not counted: the
//     parameters are reported per module. The live bytes rise through
//     forward as activations are kept, peak early in backward, and fall
//     as backward consumes them. A layer's activations are the bytes its
//     forward ops made that stay live until backward.
//
// Phase is cheap when no profile is running, so a hand-written training
// loop can mark its phases unconditionally (the Trainer needs no call: it
// reports through the hook above). Profiles do not nest, and
// like the rest of the engine the profiler expects one goroutine.
//
// The package uses only the Go standard library and the engine.
package profile
