package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"tinytorch/engine/kernels"

	"tinytorch/engine/config"
	"tinytorch/internal/repo"
	"tinytorch/internal/runs"
)

// setFlags collects repeated --set key=value flags.
type setFlags []string

func (s *setFlags) String() string     { return strings.Join(*s, " ") }
func (s *setFlags) Set(v string) error { *s = append(*s, v); return nil }

type trainOptions struct {
	config string
	sets   setFlags
	logs   string
}

func newTrainFlags() (*flag.FlagSet, *trainOptions) {
	o := &trainOptions{}
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	fs.StringVar(&o.config, "config", "configs/default.yaml", "the run's config (YAML; see configs/default.yaml)")
	fs.Var(&o.sets, "set", "override a key of the config, key=value (repeatable): --set optim.lr=0.01 --set epochs=2")
	fs.StringVar(&o.logs, "logs", "logs", "the folder of run folders")
	return fs, o
}

func trainFlags() *flag.FlagSet { fs, _ := newTrainFlags(); return fs }

// runTrain reads the config, applies the overrides and trains
// (internal/runs does the work), writing a run folder. Ctrl+C or SIGTERM
// stops it after the current step, with a valid run folder.
func runTrain(args []string, stdout, stderr io.Writer) error {
	fs, o := newTrainFlags()
	if err := parse("train", fs, args, stdout); err != nil {
		return err
	}
	cfg, err := config.Load(o.config)
	if errors.Is(err, os.ErrNotExist) {
		return &exitError{code: exitNoInput, err: err}
	}
	if err != nil {
		return configError(err)
	}
	for _, s := range o.sets {
		if err := cfg.Set(s); err != nil {
			return configError(err)
		}
	}
	if cfg.Kernel != "" && !slices.Contains(kernels.Names(), cfg.Kernel) {
		return configError(fmt.Errorf("%s: kernel: %q is not a kernel of this machine, expected one of %s",
			cfg.Pos("kernel"), cfg.Kernel, strings.Join(kernels.Names(), ", ")))
	}
	root, _ := repo.Root() // "" outside the repository: data.dir must then be set
	ctx, stop := stopOnSignal()
	defer stop()
	_, _, err = runs.Train(ctx, runs.Options{Config: cfg, Logs: o.logs, Root: root, Out: stderr, TTY: isTerminal(stderr)})
	return trainError(ctx, err)
}

// configError is a mistake in the config or an override: exit code 2,
// printed without the command's usage, since the flags were fine.
func configError(err error) error { return &exitError{code: exitUsage, err: err} }

// trainError gives a training error its exit code: a signal's (130, 143)
// when one stopped the run, 3 when the data is missing, else 1.
func trainError(ctx context.Context, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, context.Canceled):
		return &exitError{code: signalCode(ctx), err: errors.New("stopped by a signal; the run folder is complete and resumable")}
	case errors.As(err, new(*runs.DataError)), errors.Is(err, os.ErrNotExist):
		return &exitError{code: exitNoInput, err: err}
	case errors.As(err, new(config.Errors)):
		return configError(err)
	}
	return err
}

// isTerminal reports whether w is a terminal (a character device), where
// a progress bar may redraw its line.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// positional parses a command's flags and returns its positional
// arguments (the flag package stops at the first one, so flags come
// first).
func positional(c string, fs *flag.FlagSet, args []string, stdout io.Writer) ([]string, error) {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			cmd, _ := lookup(c)
			printCommandUsage(stdout, cmd)
			return nil, err
		}
		return nil, usagef(c, "%v", err)
	}
	return fs.Args(), nil
}

type evalOptions struct{ checkpoint, config string }

func newEvalFlags() (*flag.FlagSet, *evalOptions) {
	o := &evalOptions{}
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.StringVar(&o.checkpoint, "checkpoint", "", "the checkpoint (safetensors), e.g. logs/run_…/checkpoints/last.safetensors")
	fs.StringVar(&o.config, "config", "", "the config naming the model and test data (default: the one the checkpoint carries)")
	return fs, o
}

func evalFlags() *flag.FlagSet { fs, _ := newEvalFlags(); return fs }

// runEval measures a checkpoint's test loss and accuracy.
func runEval(args []string, stdout, stderr io.Writer) error {
	fs, o := newEvalFlags()
	if err := parse("eval", fs, args, stdout); err != nil {
		return err
	}
	if o.checkpoint == "" {
		return usagef("eval", "--checkpoint is required")
	}
	root, _ := repo.Root()
	e, err := runs.Evaluate(context.Background(), o.checkpoint, o.config, root)
	if err != nil {
		return trainError(context.Background(), err)
	}
	fmt.Fprintf(stdout, "%s: %s on %d test images of %s\ntest accuracy %.4f  test loss %.4f\n", o.checkpoint, e.Setup.ModelTitle,
		e.Setup.Test.Dataset.Len(), e.Setup.Config.Data.Dataset, e.Metrics["accuracy"], e.Metrics["loss"])
	return nil
}

func resumeFlags() *flag.FlagSet { return flag.NewFlagSet("resume", flag.ContinueOnError) }

// runResume continues a stopped run in its folder.
func runResume(args []string, stdout, stderr io.Writer) error {
	rest, err := positional("resume", resumeFlags(), args, stdout)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("resume", "give one run folder, got %d arguments", len(rest))
	}
	if _, err := os.Stat(rest[0]); err != nil {
		return &exitError{code: exitNoInput, err: err}
	}
	root, _ := repo.Root()
	ctx, stop := stopOnSignal()
	defer stop()
	_, err = runs.Resume(ctx, rest[0], runs.ResumeOptions{Root: root, Out: stderr, TTY: isTerminal(stderr)})
	if errors.Is(err, runs.ErrFinished) {
		return &exitError{code: exitUsage, err: err}
	}
	return trainError(ctx, err)
}
