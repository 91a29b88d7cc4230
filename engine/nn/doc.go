// Package nn builds neural networks out of modules, the way PyTorch's
// torch.nn does: a Module holds named parameters (the tensors an optimizer
// trains), buffers (state that is saved but not trained, such as
// BatchNorm's running statistics) and child modules, and maps an input
// tensor to an output tensor in Forward.
//
// # The Module contract
//
// A layer is a struct that embeds ModuleBase and implements Forward. Its
// constructor calls Init once and then registers what it owns:
//
//	l := &Linear{}
//	l.Init(l, "Linear")
//	l.Weight = l.AddParam("weight", w)
//	l.Bias = l.AddParam("bias", b)
//
// ModuleBase then provides everything else, for every layer alike:
// Parameters and Buffers (recursive, in registration order, with dotted
// names such as "features.0.weight"), Train/Eval, StateDict and
// LoadStateDict, NumParams, ZeroGrad, the PyTorch-style String and the
// Summary table. A container calls its children through Call, never
// their Forward directly: Call is this package's __call__, which puts the
// child's path into errors ("features.3 (Conv2d): expected input [N, 1,
// H, W], got [64, 784]"), lets Summary observe output shapes, and tells
// a CallObserver (the profiler, through SetCallObserver) which module
// each op runs in.
//
// A module written outside this package (a student's own layer) is a
// module like any other: embed ModuleBase, call Init, register with
// AddParam, AddBuffer and AddChild, write Forward. Sequential, Summary,
// state dicts, the profiler, train.Trainer and its checkpoints take it,
// engine modules nest inside it and it inside them (plugins_test.go). As
// in PyTorch, Train calls each child's own Train, so a module may
// override Train to switch something of its own.
//
// # Files
//
//	module.go      Module, ModuleBase (parameters, buffers, children, mode)
//	call.go        Call, LayerError (errors that name the layer's path), CallObserver
//	repr.go        String, PyTorch's module repr
//	statedict.go   StateDict, LoadStateDict
//	summary.go     Summary, the per-layer table for an input shape
//	linear.go      Linear (y = x·Wᵀ + b)
//	conv.go        Conv2d, lowered to tensor.Unfold (im2col) and Matmul
//	pool.go        MaxPool2d (Tensor.MaxPool2d), AvgPool2d (Unfold, then mean)
//	batchnorm.go   BatchNorm1d, BatchNorm2d (running statistics)
//	layernorm.go   LayerNorm
//	groupnorm.go   GroupNorm and its functional form GroupNormOf
//	embedding.go   Embedding (a lookup table of rows)
//	attention.go   ScaledDotProductAttention, CausalMask, AttentionOptions (masks)
//	multihead.go   MultiheadAttention (PyTorch's packed in_proj_weight, heads)
//	dropout.go     Dropout (seeded)
//	activation.go  ReLU, LeakyReLU, GELU, Sigmoid, Tanh, Softmax
//	activation_more.go  SiLU, ELU, Softplus
//	sequential.go  Sequential; flatten.go Flatten
//	init.go        the nn.init schemes (InitKaimingUniform, …)
//
// Every layer is initialised as PyTorch initialises it (the same
// distributions and bounds), from the tensor package's seeded generator:
// call tensor.ManualSeed before building a model to make it reproducible.
// The numbers differ from PyTorch's, whose generator is another
// algorithm; to reproduce a PyTorch model exactly, load its weights with
// LoadStateDict (the keys are PyTorch's).
//
// Losses live in package loss, optimizers and schedules in optim, the
// training loop in train.
package nn
