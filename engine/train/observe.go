package train

// PhaseOptimizer names the phase of a training step in which the Trainer
// runs the optimizer step; the profiler shows its ops under that name.
const PhaseOptimizer = "optimizer"

// PhaseObserver is told when a named phase of a training step starts and
// ends. The profiler (engine/profile) installs one, so that the ops of
// the Trainer's optimizer step are shown in their own phase: the
// profiler comes after training in the book, so it reaches into the
// loop through this hook, as it reaches into tensor ops through
// tensor.Observer and into layers through nn.CallObserver, and this
// package imports nothing of it. Phases nest: an outer phase's Enter
// comes before an inner one's.
type PhaseObserver interface {
	EnterPhase(name string)
	ExitPhase(name string)
}

// phaseObserver is the current PhaseObserver; nil (the default) costs a
// training step one nil check.
var phaseObserver PhaseObserver

// SetPhaseObserver makes o the PhaseObserver (nil for none) and returns
// the previous one. Like gradient tracking it is process-wide.
func SetPhaseObserver(o PhaseObserver) (previous PhaseObserver) {
	previous, phaseObserver = phaseObserver, o
	return previous
}

// inPhase runs fn as the named phase, telling the PhaseObserver.
func inPhase(name string, fn func() error) error {
	if phaseObserver != nil {
		phaseObserver.EnterPhase(name)
		defer phaseObserver.ExitPhase(name)
	}
	return fn()
}
