// Package prune removes weights from a trained network, the first half of
// chapter 10 (compression), after PyTorch's torch.nn.utils.prune.
//
// Unstructured pruning zeroes single weights, the smallest by magnitude,
// one layer at a time (L1Unstructured) or ranked across layers
// (GlobalUnstructured). The zeros are kept by a mask: a Pruning holds one
// per pruned parameter and writes the zeros again after every optimizer
// step (Pruning.Wrap), so that fine-tuning, even with SGD's momentum or
// Adam's moments, never brings a pruned weight back. Schedule prunes a
// little at a time during training, the iterative prune → fine-tune
// recipe of Zhu and Gupta (2017).
//
// Structured pruning (LnStructured) removes whole neurons of a Linear or
// channels of a Conv2d, those of smallest L1 or L2 norm, and really
// shrinks the layer and the layers that read its output (the next Linear's
// inputs or the next Conv2d's input channels, and a BatchNorm between
// them), so the pruned network is smaller and faster with any kernel.
// PyTorch's ln_structured only masks; this one cuts.
//
// Zeros alone make nothing faster with a dense kernel. SparseLinear runs
// a pruned Linear with the compressed sparse row kernel of
// engine/kernels/sparse, which beats the dense one below some density
// (make bench prints where). Report tabulates and charts the sparsity of
// every layer.
package prune
