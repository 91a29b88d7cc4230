// Package config reads a training run's configuration (chapter 5): a YAML
// file such as configs/default.yaml that names the model, the data and its
// transforms, the optimizer, the learning-rate schedule, the epochs, the
// seed, the kernel and the threads.
//
//	cfg, err := config.Load("configs/default.yaml")
//	err = cfg.Set("optim.lr=0.01") // what `tinytorch train --set` does
//
// Parsing is strict, because a typo in a config silently trains the wrong
// experiment: an unknown key, a value of the wrong type, a key given
// twice or a value out of range is an error that says where it is and
// what was expected,
//
//	run.yaml:4:7: optim.lr: "fast" is a string, expected a number
//
// and all such errors of a file are reported at once. A key the file leaves
// out keeps its default (Default), the values configs/default.yaml spells
// out with a comment each.
//
// This is the one engine package that imports something outside the
// standard library: gopkg.in/yaml.v3, for the YAML syntax. The decoding
// into the Config struct is this package's own (decode.go) so that every
// error carries the line and column of the value at fault.
package config
