// Package loss holds the loss functions of training, PyTorch's
// torch.nn.*Loss: each compares a model's output with a target and
// returns a tensor whose Backward starts the gradient flow.
//
// A loss is a small value type; its zero value has PyTorch's defaults:
//
//	l, err := loss.CrossEntropy{}.Forward(logits, labels)      // mean over the batch
//	l, err := loss.CrossEntropy{LabelSmoothing: 0.1}.Forward(…) // softened targets
//	l, err := loss.MSE{Reduction: loss.Sum}.Forward(pred, y)
//	l, err := loss.SmoothL1{Beta: 0.5}.Forward(pred, y)          // Huber/β; Beta 0 is L1
//	l, err := loss.KLDiv{Reduction: loss.BatchMean}.Forward(logq, p)
//
// SmoothL1 is the exception to the zero value: its Beta is read as
// written, so SmoothL1{} has beta 0 (the L1 loss) and loss.NewSmoothL1
// gives PyTorch's default, beta 1.
//
// Most are compositions of tensor ops, so their gradients come from the
// autograd engine; the numerically delicate ones are arranged to stay
// finite: CrossEntropy works on log-softmax (x - logsumexp(x)), never on
// the log of a softmax. BCEWithLogits is one tensor op,
// Tensor.BCEWithLogits, so that its gradient is PyTorch's single product
// g·(sigmoid(x) - y), ±∞ rather than NaN for an infinite g.
//
// Losses are a package of their own rather than part of nn because they
// are not modules: they have no parameters and take two inputs. In the
// notebook they appear as tt.nn.CrossEntropyLoss and so on, as in PyTorch.
package loss
