package config

import (
	"fmt"
	"slices"
	"strings"
)

// check finds the values that have the right type but cannot be run: an
// unknown model, a learning rate of zero, a normalization with no
// standard deviation. Each error names the value's position.
func (c *Config) check() Errors {
	k := checker{c: c}
	k.oneOf("model.name", c.Model.Name, Models, "model")
	k.oneOf("data.dataset", c.Data.Dataset, Datasets, "dataset")
	k.atLeast("data.train_images", c.Data.TrainImages, 0)
	k.atLeast("data.test_images", c.Data.TestImages, 0)
	k.atLeast("data.batch_size", c.Data.BatchSize, 1)
	k.atLeast("data.test_batch_size", c.Data.TestBatchSize, 1)
	k.atLeast("data.shuffle_seed", c.Data.ShuffleSeed, 0)
	t := c.Data.Transforms
	if t.RandomCropPadding < 0 || t.RandomCropPadding > 27 {
		k.fail("data.transforms.random_crop_padding", "%d pixels, expected 0 to 27", t.RandomCropPadding)
	}
	if len(t.NormalizeMean) != len(t.NormalizeStd) || len(t.NormalizeMean) > 1 {
		// The pair is at fault; point at the one the file gave.
		key := "data.transforms.normalize_std"
		if _, ok := c.pos[key]; !ok {
			key = "data.transforms.normalize_mean"
		}
		k.fail(key, "normalize_mean has %d values and normalize_std %d, expected one of each per channel (the images are grayscale: one channel), or none of either",
			len(t.NormalizeMean), len(t.NormalizeStd))
	}
	for i, s := range t.NormalizeStd {
		if s <= 0 {
			k.fail("data.transforms.normalize_std", "value %d is %g, expected a standard deviation > 0", i, s)
		}
	}
	k.oneOf("optim.name", c.Optim.Name, Optimizers, "optimizer")
	if c.Optim.LR <= 0 {
		k.fail("optim.lr", "%g, expected a learning rate > 0", c.Optim.LR)
	}
	k.fraction("optim.momentum", c.Optim.Momentum)
	k.fraction("optim.beta1", c.Optim.Beta1)
	if c.Optim.Beta2 <= 0 || c.Optim.Beta2 >= 1 {
		// 0 would mean no second-moment average at all, a division by the
		// last gradient's size; engine/optim reads 0 as "the default".
		k.fail("optim.beta2", "%g, expected a value in (0, 1)", c.Optim.Beta2)
	}
	if c.Optim.WeightDecay < 0 {
		k.fail("optim.weight_decay", "%g, expected 0 or more", c.Optim.WeightDecay)
	}
	k.oneOf("schedule.name", c.Schedule.Name, Schedules, "schedule")
	if c.Schedule.EtaMin < 0 || (c.Schedule.Name == "cosine" && c.Schedule.EtaMin >= c.Optim.LR) {
		k.fail("schedule.eta_min", "%g, expected 0 or more and below optim.lr (%g)", c.Schedule.EtaMin, c.Optim.LR)
	}
	k.atLeast("schedule.step_size", c.Schedule.StepSize, 1)
	if c.Schedule.Gamma <= 0 || c.Schedule.Gamma > 1 {
		k.fail("schedule.gamma", "%g, expected a factor in (0, 1]", c.Schedule.Gamma)
	}
	k.atLeast("epochs", c.Epochs, 1)
	k.atLeast("seed", c.Seed, 0)
	k.atLeast("threads", c.Threads, 0)
	return k.errs
}

// checker collects check's errors at the positions of their values.
type checker struct {
	c    *Config
	errs Errors
}

func (k *checker) fail(key, format string, args ...any) {
	p, ok := k.c.pos[key]
	if !ok {
		// A default value: the error is still about this key, in the file
		// (or, for a Config built in code, in no file).
		p = pos{where: k.c.source()}
	}
	k.errs = append(k.errs, &Error{Where: p.where, Line: p.line, Col: p.col, Key: key, Msg: fmt.Sprintf(format, args...)})
}

func (k *checker) oneOf(key, v string, choices []string, what string) {
	if !slices.Contains(choices, v) {
		k.fail(key, "%q is not a known %s, expected one of %s", v, what, strings.Join(choices, ", "))
	}
}

func (k *checker) atLeast(key string, v, least int) {
	if v < least {
		k.fail(key, "%d, expected %d or more", v, least)
	}
}

func (k *checker) fraction(key string, v float64) {
	if v < 0 || v >= 1 {
		k.fail(key, "%g, expected a value in [0, 1)", v)
	}
}

// Check reports the mistakes of a Config built or changed in code, as
// Parse and Set do for a file's.
func (c *Config) Check() error { return c.check().sorted() }

// source names where the config came from, for messages.
func (c *Config) source() string {
	if c.file == "" {
		return "config"
	}
	return c.file
}

// File is the file the config was read from ("" for Default).
func (c *Config) File() string { return c.file }

// Pos says where key's value came from, "run.yaml:4:7" or "--set
// optim.lr=0.01", for the messages of a program that finds a mistake the
// config cannot (a kernel this CPU lacks). It is the file's name alone
// for a key the file leaves out.
func (c *Config) Pos(key string) string {
	p, ok := c.pos[key]
	switch {
	case !ok:
		return c.source()
	case p.line == 0:
		return p.where
	}
	return fmt.Sprintf("%s:%d:%d", p.where, p.line, p.col)
}
