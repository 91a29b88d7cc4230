//go:build browser

package browsertest

import "testing"

// The chapter 4 (CNN layers) and chapter 7 (autograd) notebooks run from
// top to bottom, and their key results hold.

func TestNotebook04(t *testing.T) {
	runAll(t, "04-cnn",
		// Convolution by loops, by im2col + matmul and by tt.nn.Conv2d
		// agree exactly on the tiny image; so do the pooling by hand and
		// tt.nn.MaxPool2d.
		"im2col vs loops: max difference 0\n",
		"im2col vs tt.nn.Conv2d: max difference 0\n",
		"max difference from Conv2d: ",
		"by hand vs tt.nn.MaxPool2d: max difference 0\n",
		// The size formula agrees with Conv2d for every setting.
		"k=3 s=2 p=1 d=1:  formula 14,  Conv2d gives 14×14",
		"k=3 s=1 p=0 d=2:  formula 24,  Conv2d gives 24×24",
		"k=4 s=3 p=1 d=1:  formula 9,  Conv2d gives 9×9",
		"[N, 16, 5, 5]", "61,706",
		"epoch 2/2",
		// The LeNet reaches 93.2% on the 2,000 test digits (measured);
		// this checks 90.0–99.9%.
		"test accuracy 9",
		"test digits misread; the first 32:",
	)
}

func TestNotebook07(t *testing.T) {
	runAll(t, "07-autograd",
		// The scalar Value gradients of the neuron.
		"w1    leaf   data -3.0000   grad  1.0000",
		"x1  ours -1.5000000   tt -1.500000",
		// Topological order on a diamond; the naive recursion is wrong.
		" 1 diamonds: topological 1.44832 in 4 steps;  naive 3.81177 in 8 steps",
		"tt 0.0488408, ours 0.0488408",
		// Accumulation, vector-Jacobian products, retainGraph, the
		// in-place rule: each error is raised with its message.
		"is not a scalar; pass a gradient",
		"was already released by an earlier backward",
		"largest difference from diag(s) - s sᵀ: ",
		"that exp saved for the backward pass was modified in place",
		"is a leaf that requires grad",
		"only leaf tensors can change requiresGrad",
		// Every numeric gradient check in the cell passes.
		"11 of 11 gradient checks passed",
	)
}
