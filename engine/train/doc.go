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
// Data comes through engine/data's small Loader interface, which its
// DataLoader implements; data.Batches is a ready-made Loader over fixed
// batches. Data comes before training in the book, so this package
// imports engine/data and not the other way round.
package train
