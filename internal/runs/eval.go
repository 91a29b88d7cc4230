package runs

import (
	"context"
	"fmt"

	"tinytorch/engine/checkpoint"
	"tinytorch/engine/config"
)

// Evaluation is what Evaluate measured.
type Evaluation struct {
	Setup   *Setup
	Metrics map[string]float64 // "loss" and "accuracy" on the test set
}

// Evaluate loads the model of the checkpoint at path, a training
// checkpoint or a weights file, and measures its loss and accuracy on the
// test set of its config. The config is the one the checkpoint carries
// (train stores it in the metadata) unless configPath names another; a
// weights file without one needs configPath.
func Evaluate(ctx context.Context, path, configPath, root string) (*Evaluation, error) {
	f, err := checkpoint.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var cfg *config.Config
	if configPath != "" {
		cfg, err = config.Load(configPath)
	} else {
		cfg, err = CheckpointConfig(f, path)
	}
	if err != nil {
		return nil, err
	}
	s, err := Build(cfg, root)
	if err != nil {
		return nil, err
	}
	return EvaluateFile(ctx, f, s, path)
}

// CheckpointConfig is the config a checkpoint carries (train stores it in
// the metadata); name names the file in errors.
func CheckpointConfig(f *checkpoint.File, name string) (*config.Config, error) {
	if f.Metadata[ConfigKey] == "" {
		return nil, fmt.Errorf("%s holds no config (it was not written by tinytorch train): give --config", name)
	}
	return config.Parse(name+" (its config)", []byte(f.Metadata[ConfigKey]))
}

// EvaluateFile loads f's weights into s's model and measures the loss
// and accuracy on s's test set: Evaluate once the setup is built, and the
// browser's tt.train.evaluate.
func EvaluateFile(ctx context.Context, f *checkpoint.File, s *Setup, name string) (*Evaluation, error) {
	if err := checkpoint.LoadModelFile(f, s.Model); err != nil {
		return nil, fmt.Errorf("%w (file %s)", err, name)
	}
	m, err := s.Trainer.Evaluate(ctx, s.Test)
	if err != nil {
		return nil, err
	}
	return &Evaluation{Setup: s, Metrics: m}, nil
}
