package main

import (
	"fmt"
	"slices"

	"tinytorch/engine/nn"
	"tinytorch/engine/tensor"
	"tinytorch/tools/internal/milestone"
)

// models are the networks profile knows, each taking [N, 1, 28, 28] images
// to 10 logits. They are the milestones' networks (tools/internal/milestone):
// the MLP of chapter 3 and the LeNet-style CNN of chapter 4.
var models = []modelSpec{
	{"mlp", "MLP 784-128-10", milestone.NewMLP},
	{"lenet", "LeNet-style CNN (conv 6, conv 16, 120-84-10)", milestone.NewLeNet},
}

type modelSpec struct {
	name, title string
	build       func() nn.Module
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
