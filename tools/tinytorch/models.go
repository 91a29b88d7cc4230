package main

import (
	"fmt"
	"slices"

	"tinytorch/engine/nn"
	"tinytorch/engine/tensor"
)

// models are the networks profile knows, each taking [N, 1, 28, 28] images
// to 10 logits. They are the milestones' networks (tools/internal/milestone):
// the MLP of chapter 3 and the LeNet-style CNN of chapter 4.
var models = []modelSpec{
	{"mlp", "MLP 784-128-10", buildMLP},
	{"lenet", "LeNet-style CNN (conv 6, conv 16, 120-84-10)", buildLeNet},
}

type modelSpec struct {
	name, title string
	build       func() (nn.Module, error)
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
	m, err := models[i].build()
	return m, models[i].title, err
}

func buildMLP() (nn.Module, error) {
	l1, err := nn.NewLinear(784, 128, true)
	if err != nil {
		return nil, err
	}
	l2, err := nn.NewLinear(128, 10, true)
	if err != nil {
		return nil, err
	}
	return nn.NewSequential(nn.NewFlatten(), l1, nn.NewReLU(), l2), nil
}

func buildLeNet() (nn.Module, error) {
	var err error
	conv := func(in, out, k, pad int) nn.Module {
		if err != nil {
			return nil
		}
		var c *nn.Conv2d
		c, err = nn.NewConv2d(in, out, k, nn.ConvOptions{Padding: pad})
		return c
	}
	pool := func() nn.Module {
		if err != nil {
			return nil
		}
		var p *nn.MaxPool2d
		p, err = nn.NewMaxPool2d(2, nn.PoolOptions{})
		return p
	}
	linear := func(in, out int) nn.Module {
		if err != nil {
			return nil
		}
		var l *nn.Linear
		l, err = nn.NewLinear(in, out, true)
		return l
	}
	layers := []nn.Module{
		conv(1, 6, 5, 2), nn.NewReLU(), pool(),
		conv(6, 16, 5, 0), nn.NewReLU(), pool(),
		nn.NewFlatten(),
		linear(16*5*5, 120), nn.NewReLU(),
		linear(120, 84), nn.NewReLU(),
		linear(84, 10),
	}
	if err != nil {
		return nil, err
	}
	return nn.NewSequential(layers...), nil
}
