package tensor

import "sync"

// A training step's activations go back to the buffer pool (pool.go) at
// the end of the step. Backward already gives back the gradients it used
// up, but the forward pass's outputs stay referenced from the tensors
// that user code may hold, so nothing can tell when they die: Go's
// collector finds them later, and meanwhile every step takes fresh
// buffers, which Go clears on the calling goroutine. In LeNet's training
// step that clearing alone was 13.6% of the time, all of it serial.
//
// PyTorch frees an activation when its reference count drops to zero.
// This engine has no reference counts; instead the trainer (engine/train)
// opens a step scope, and the scope gives back, when it ends, the buffer
// of every output of an op that
//
//   - was recorded in the autograd graph during the step, by the engine's
//     own code: not while user code runs (UserCode) — a module written by
//     a student may keep what it computes, as PyTorch lets it;
//   - has had its graph released by Backward, so no backward function
//     will read it;
//   - owns a buffer taken from the pool during the step, which no user
//     code was handed (MarkHeld: a tensor a cell's JavaScript holds, a
//     user module's input or output).
//
// Such a tensor is an intermediate value of the engine's own layers that
// only the released graph referred to. Its storage loses its data, so
// that a use after all would fail loudly instead of reading reused memory.
// Under an Observer (the profiler) nothing is given back, as for the
// gradients: the profile counts the memory a step needs without reuse.

// stepScope is the open step scope, if any. The engine is driven from one
// goroutine, but a data loader's workers make tensors beside it, hence
// the lock.
var stepScope struct {
	sync.Mutex
	open      bool
	firstMade uint64  // the serial of the first storage made in the step
	userDepth int     // how many UserCode calls are running
	outputs   []*node // the nodes recorded outside user code
}

// BeginStep opens a step scope and returns the function that ends it,
// giving back the buffers of the step's activations as described above.
// Inside an open scope, BeginStep returns a function that does nothing:
// the outer scope gives back the activations of both.
func BeginStep() (end func()) {
	stepScope.Lock()
	defer stepScope.Unlock()
	if stepScope.open {
		return func() {}
	}
	stepScope.open = true
	stepScope.firstMade = storagesMade.Load() + 1
	return endStep
}

// endStep closes the step scope and gives back the buffers of the
// activations it recorded. A view shares its base's storage, so the same
// storage may come twice: giveBack finds its data gone the second time.
func endStep() {
	stepScope.Lock()
	defer stepScope.Unlock()
	for _, n := range stepScope.outputs {
		if n.released && observer == nil {
			giveBack(n.out.st, stepScope.firstMade)
		}
	}
	clear(stepScope.outputs) // let the collector have the nodes
	stepScope.outputs = stepScope.outputs[:0]
	stepScope.open = false
}

// giveBack gives the buffer of st back to the pool if it was taken from
// the pool for st alone, st was made at or after the storage numbered
// firstMade, and no user code was handed a tensor of it. The storage's
// data is dropped, so that a use of it after all fails loudly instead of
// reading reused memory. It reports whether it gave the buffer back.
func giveBack(st *storage, firstMade uint64) bool {
	if !st.pooled || st.heldByUser || st.data == nil || st.serial < firstMade {
		return false
	}
	putScratch(st.data)
	st.data = nil
	return true
}

// noteNode records n in the open step scope, unless user code is running.
func noteNode(n *node) {
	stepScope.Lock()
	if stepScope.open && stepScope.userDepth == 0 {
		stepScope.outputs = append(stepScope.outputs, n)
	}
	stepScope.Unlock()
}

// UserCode runs fn, code that the engine does not control (a module or a
// loss written by a student, a cell's JavaScript): the tensors made while
// it runs may be kept by it, so the step scope never gives them back.
func UserCode(fn func()) {
	stepScope.Lock()
	stepScope.userDepth++
	stepScope.Unlock()
	defer func() {
		stepScope.Lock()
		stepScope.userDepth--
		stepScope.Unlock()
	}()
	fn()
}

// MarkHeld tells the engine that code it cannot see holds t (a cell's
// JavaScript, a user's module that received t): no step scope gives the
// buffer of t's storage back to the pool, nor does Backward when t is a
// gradient.
func (t *Tensor) MarkHeld() {
	if t != nil {
		t.st.heldByUser = true
	}
}

// Inference has no graph to tell when a value dies, but a container that
// runs its layers one after another knows: once a layer has run, its input
// (the previous layer's output) is dead unless the output shares its
// storage. nn.Sequential gives such values back to the pool with Recycle,
// so a forward pass without gradients (evaluation, inference in a cell)
// reuses the buffers of its earlier layers, and of the batch before.

// StorageMark marks a point in the sequence of storages made (Mark).
type StorageMark uint64

// Mark returns the mark of the storages made from now on.
func Mark() StorageMark { return StorageMark(storagesMade.Load() + 1) }

// Recycle gives the buffer of t, a value its caller has finished with,
// back to the pool when nothing else can refer to it: gradients are off
// (no graph saved t), no Observer is set, t's storage was made since mark
// from the pool for it alone, no user code was handed it (MarkHeld), and
// it is not the storage of a tensor in keep (a view of t passed on). The
// caller promises that it made t through the engine's own code since the
// mark and kept no other reference. It reports whether it gave t back.
func Recycle(t *Tensor, mark StorageMark, keep ...*Tensor) bool {
	if GradEnabled() || observer != nil || t == nil {
		return false
	}
	for _, k := range keep {
		if k != nil && k.st == t.st {
			return false
		}
	}
	return giveBack(t.st, uint64(mark))
}
