// Package train is the training loop: a Trainer runs epochs of forward,
// loss, backward and optimizer step over batches from a data.Loader,
// evaluates on validation data without building graphs, reports progress
// to callbacks and returns a History of per-epoch metrics.
//
// It is the loop a student would write by hand (the chapter 8 notebook
// writes it both ways), plus the parts that make it usable:
//
//   - Train/eval mode switching, so Dropout and BatchNorm behave.
//   - Metrics (Accuracy), an optional Scheduler (per epoch or per batch)
//     and gradient-norm clipping.
//   - Callbacks after each batch and epoch (Progress carries the step,
//     epoch, loss, metrics, samples/s and the model), and at the end of
//     Fit for those that implement TrainEnder: a terminal ProgressBar,
//     EarlyStopping, Checkpoint (every N epochs, or "save best" on a
//     monitored metric; StateDictFile writes the file atomically), Logger
//     (one line per epoch, JSON lines or CSV), or plain functions through
//     CallbackFuncs, such as the notebook's live chart.
//   - Interruption: Fit checks its context and ShouldStop between
//     batches, so a notebook's stop button ends a run cleanly.
//   - Divergence: a NaN or infinite loss, gradient norm, or parameter or
//     buffer after the optimizer step stops training with a DivergedError
//     naming the step and suggesting a lower learning rate. Before each
//     step a guard copies the parameters and buffers (into buffers reused
//     from step to step, guard.go) and restores them when the step
//     diverges, so the model keeps the values of the last good step,
//     BatchNorm statistics included.
//
// Trainer.Step runs one such step on one batch, with the same guard, for
// a caller that drives its own loop (`tinytorch profile` times it).
//
// Memory: each step gives its activations back to the tensor package's
// buffer pool when it ends (tensor.BeginStep), so the next step reuses
// them instead of taking fresh memory. Only the intermediate values of
// the engine's own layers and losses go back: a module written outside
// engine/nn (a student's, a cell's) may keep its input, its output and
// what it computes, as in PyTorch; so may a loss or metric written
// outside the engine.
//
// Resuming (position.go): Trainer.Position says where a run stands (the
// epoch, the batches done in it, the steps, the epoch's running sums of
// loss and metrics), and after Trainer.ResumeAt the next Fit continues
// from there instead of epoch 0, skipping the batches done (without
// loading them when the loader is a data.DataLoader). engine/checkpoint
// saves the position with the model, optimizer, scheduler and random
// state, so a stopped run resumes bit for bit.
//
// Data comes through engine/data's small Loader interface, which its
// DataLoader implements; data.Batches is a ready-made Loader over fixed
// batches. Data comes before training in the book, so this package
// imports engine/data and not the other way round.
package train
