package main

import (
	"fmt"
	"slices"

	"tinytorch/engine/nn"
	"tinytorch/engine/tensor"
	"tinytorch/internal/milestone"
)

// models are the networks profile knows, each taking [N, 1, 28, 28] images
// to 10 logits. They are the milestones' networks (internal/milestone):
// the MLP of chapter 3 and the LeNet-style CNN of chapter 4.
var models = []modelSpec{
	{"mlp", "MLP 784-128-10", milestone.NewMLP, 16 << 10},
	{"lenet", "LeNet-style CNN (conv 6, conv 16, 120-84-10)", milestone.NewLeNet, 560 << 10},
}

type modelSpec struct {
	name, title string
	build       func() nn.Module
	// bytesPerImage is the peak memory that profiling takes per image of
	// the batch: the activations, their gradients, LeNet's im2col buffers
	// and what the garbage collector has not yet freed. Measured as the
	// peak resident size (/usr/bin/time) of profile at the default 3 steps
	// after 1 warm-up, at batches of 256 to 16,384: about 12.5 KB for the
	// MLP and 530 KB for LeNet, rounded up here.
	bytesPerImage int64
}

// profileBaseBytes is the memory profile takes whatever the batch: the
// program, the model, the profiler and its reports.
const profileBaseBytes = 64 << 20

// profileStepBytes is what each profiled step adds, whatever the batch:
// the profiler's records of its ops, kept for the reports. Measured as
// about 1.3 MB a step (20 steps against 1, either model), rounded up.
const profileStepBytes = 1536 << 10

// profileMemory estimates the peak memory of profiling model for steps
// steps on a batch.
func profileMemory(model string, batch, steps int) int64 {
	i := slices.IndexFunc(models, func(m modelSpec) bool { return m.name == model })
	return profileBaseBytes + int64(steps)*profileStepBytes + int64(batch)*models[i].bytesPerImage
}

func modelNames() []string {
	var out []string
	for _, m := range models {
		out = append(out, m.name)
	}
	return out
}

// buildModel makes the model called name with parameters drawn from the
// tensor package's generator seeded with seed.
func buildModel(name string, seed uint64) (nn.Module, string, error) {
	i := slices.IndexFunc(models, func(m modelSpec) bool { return m.name == name })
	if i < 0 {
		return nil, "", fmt.Errorf("unknown model %q", name)
	}
	tensor.ManualSeed(seed)
	return models[i].build(), models[i].title, nil
}
