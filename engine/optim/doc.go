// Package optim holds the optimizers and learning-rate schedules of
// training, PyTorch's torch.optim: SGD (with momentum, dampening,
// Nesterov and weight decay), Adam, AdamW and RMSprop, each reproducing
// PyTorch's update rule step for step (same formulas, same order of
// float32 operations), plus ClipGradNorm and the schedulers StepLR,
// CosineAnnealingLR, LinearLR (linear warm-up) and OneCycleLR.
//
// The loop an optimizer serves is always the same:
//
//	opt.ZeroGrad()            // gradients accumulate, so clear them
//	loss := criterion(model(x), y)
//	loss.Backward()           // fills each parameter's Grad
//	opt.Step()                // p ← p - lr·(something built from Grad)
//	sched.Step()              // once per epoch (or per batch for OneCycleLR)
//
// Parameters are split into groups (ParamGroups), each with its own
// learning rate, momentum and weight decay; a scheduler sets the groups'
// LR. The optimizer's per-parameter state (momentum buffers, Adam's
// moving averages) is kept as plain float32 slices beside the tensors,
// and the update rewrites each parameter's storage in place
// (Tensor.UpdateInPlace, inside NoGrad, so outside the autograd graph),
// with no copy of a (contiguous) parameter and no temporary tensors. The
// common cases (SGD with plain momentum, Adam without weight decay, AdamW)
// run as engine/vec's vector loops, which give the same bits as the
// general loop.
//
// An optimizer written outside this package embeds a *Base (NewBase: the
// groups, ZeroGrad and AddParamGroup, like PyTorch's Optimizer base
// class) and writes Step, with ForEachParam for the loop over parameters;
// or it implements Optimizer from scratch. Either way train.Trainer and
// the schedulers take it, and a Scheduler of its own works with any
// optimizer (plugins_test.go).
//
// The state can be saved and restored (state.go), as PyTorch's
// state_dict: SGD, Adam, AdamW and RMSprop implement Stateful, whose State
// numbers the parameters across the groups and keeps each one's step
// count and buffers under PyTorch's names; every scheduler implements
// StatefulScheduler (steps taken, base learning rates). engine/checkpoint
// writes both into a training checkpoint.
package optim
