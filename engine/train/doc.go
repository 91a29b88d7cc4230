// Package train is the training loop: a Trainer runs epochs of
// forward, loss, backward and optimizer step over batches from a Loader,
// evaluates on validation data without building graphs, reports progress
// to callbacks and returns a History of per-epoch metrics.
//
// It is the loop a student would write by hand (the chapter 8 notebook
// writes it both ways), plus the parts that make it usable:
//
//   - Train/eval mode switching, so Dropout and BatchNorm behave.
//   - Callbacks after each batch and epoch (Progress carries the step,
//     epoch, loss, metrics and samples/s): a terminal ProgressBar,
//     EarlyStopping, or any function, such as the notebook's live chart
//     or a checkpoint hook.
//   - Interruption: Fit checks its context and ShouldStop between
//     batches, so a notebook's stop button ends a run cleanly.
//   - Divergence: a NaN or infinite loss (or gradient) stops training
//     with an error naming the step and suggesting a lower learning rate;
//     it is caught before the optimizer step, so the model keeps the
//     parameters (and BatchNorm statistics) of the last good step.
//
// Data comes through the small Loader interface, which engine/data's
// DataLoader implements; Batches is a ready-made Loader over fixed batches.
package train
