// Command tinytorch runs the TinyTorch engine natively, for the systems
// learner who reads the engine from a terminal rather than a notebook:
//
//	go run ./tools/tinytorch version
//	go run ./tools/tinytorch profile --model lenet
//	go run ./tools/tinytorch milestone -run mlp-digits
//	go run ./tools/tinytorch train --config configs/default.yaml --set epochs=2
//	go run ./tools/tinytorch runs
//	go run ./tools/tinytorch help profile
//
// Like esbuild's command, it is a thin layer: it parses flags (the standard
// library's flag package) and calls the engine's packages, which do the work
// (engine/profile, engine/nn, engine/kernels, internal/milestone).
// profile writes a run folder, runs/<UTC time>-profile-<model>/, with the
// report, the Chrome trace and the charts; every file in it is written to a
// temporary file first and renamed into place, so an interrupted run never
// leaves a half-written file (Ctrl+C removes the temporary files being
// written, and exits with code 130), and an existing folder is never reused.
//
// train, resume, eval, runs, compare and bench run experiments from a
// config (engine/config, configs/default.yaml) through internal/runs,
// which writes each run's folder, logs/run_YYYY_MM_DD_HHMMSS/: the
// resolved config, environment.json, metrics.jsonl, charts/, checkpoints/,
// train.log and run.json, the record, last. The first Ctrl+C or SIGTERM
// stops train or resume after the current step, with a checkpoint and a
// complete run folder; a second one exits at once.
//
// Exit codes: 0 on success, 1 when the work failed (or a milestone missed
// its target), 2 for a usage error (an unknown command, a bad flag, a bad
// config or --set override), 3 when a file to read is missing (the
// dataset, a config, a run folder, a checkpoint), 130 or 143 when
// SIGINT or SIGTERM stopped train or resume (the run folder is complete).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

func main() {
	interrupted := make(chan os.Signal, 1)
	signal.Notify(interrupted, os.Interrupt, syscall.SIGTERM)
	go func() {
		for sig := range interrupted {
			if !onSignal(sig) {
				fmt.Fprintln(os.Stderr, "\ntinytorch: stopping after this step (a second Ctrl+C quits at once)")
				continue
			}
			// A run folder without run.json is an interrupted run; what must
			// not be left is a temporary file of a write in progress.
			removePending()
			fmt.Fprintln(os.Stderr, "tinytorch: interrupted")
			os.Exit(exitSIGINT)
		}
	}()
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// command is one subcommand: run parses its arguments and does the work.
type command struct {
	name    string
	summary string
	run     func(args []string, stdout, stderr io.Writer) error
	// flags returns the command's flag set, for its usage text.
	flags func() *flag.FlagSet
	usage string // the synopsis after "tinytorch "
}

func commands() []command {
	return []command{
		{"version", "print the engine, Go and kernel versions", runVersion, versionFlags, "version"},
		{"profile", "profile training steps of a model and write a run folder", runProfile, profileFlags,
			"profile [--model mlp|lenet] [--batch 64] [--steps 3] [--kernel simd] [--threads N] [--out runs] [--memory-limit 2048]"},
		{"train", "train a model from a config and write a run folder", runTrain, trainFlags,
			"train [--config configs/default.yaml] [--set key=value …] [--logs logs]"},
		{"resume", "continue a stopped run from its checkpoint, in its folder", runResume, resumeFlags, "resume RUN_DIR"},
		{"eval", "measure a checkpoint's test accuracy and loss", runEval, evalFlags, "eval --checkpoint FILE [--config FILE]"},
		{"runs", "list the run folders with their final metrics", runRuns, runsFlags, "runs [--logs logs]"},
		{"compare", "compare runs: a table of their metrics and an SVG chart of their curves", runCompare, compareFlags,
			"compare [--svg compare.svg] RUN RUN…"},
		{"bench", "time a training step of a model with each kernel (the chapter 12 harness)", runBench, benchFlags,
			"bench [--model mlp|lenet] [--batch 64] [--kernels all] [--iterations 20]"},
		{"milestone", "train the historical milestone models on real data", runMilestone, milestoneFlags,
			"milestone [-run perceptron|xor|mlp-digits|lenet-fashion|attention-shakespeare|all] [-epochs N] [-train N]"},
	}
}

func lookup(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// usageError is a mistake in the command line: it is printed with the
// usage and exits with code 2.
type usageError struct {
	cmd string // "" for the top level
	msg string
}

func (e *usageError) Error() string { return e.msg }

func usagef(cmd, format string, args ...any) error {
	return &usageError{cmd, fmt.Sprintf(format, args...)}
}

// run is the whole program, minus os.Exit: it returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "tinytorch: no command given")
		printUsage(stderr)
		return 2
	}
	name, rest := args[0], args[1:]
	switch name {
	case "help", "-h", "-help", "--help":
		return runHelp(rest, stdout, stderr)
	}
	c, ok := lookup(name)
	if !ok {
		msg := fmt.Sprintf("unknown command %q", name)
		if strings.HasPrefix(name, "-") {
			msg = fmt.Sprintf("flag %s given before a command", name)
		}
		fmt.Fprintf(stderr, "tinytorch: %s\n", msg)
		printUsage(stderr)
		return 2
	}
	err := c.run(rest, stdout, stderr)
	var ue *usageError
	var ee *exitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		fmt.Fprintf(stderr, "tinytorch %s: %v\n", c.name, ee.err)
		return ee.code
	case errors.Is(err, flag.ErrHelp):
		return 0 // -h: parse printed the usage
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "tinytorch %s: %s\n", c.name, ue.msg)
		printCommandUsage(stderr, c)
		return 2
	default:
		fmt.Fprintf(stderr, "tinytorch %s: %v\n", c.name, err)
		return 1
	}
}

func runHelp(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		printUsage(stdout)
		return 0
	}
	c, ok := lookup(args[0])
	if !ok || len(args) > 1 {
		fmt.Fprintf(stderr, "tinytorch help: unknown command %q\n", strings.Join(args, " "))
		printUsage(stderr)
		return 2
	}
	printCommandUsage(stdout, c)
	return 0
}

func printUsage(w io.Writer) {
	fmt.Fprint(w, "tinytorch runs the TinyTorch engine natively.\n\nUsage:\n\n  tinytorch <command> [flags]\n\nCommands:\n\n")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, "  help       print this help, or a command's: tinytorch help profile\n\n")
	for _, c := range commands() {
		fmt.Fprintf(w, "  tinytorch %s\n", c.usage)
	}
	fmt.Fprint(w, exitCodesHelp)
}

// exitCodesHelp ends the top-level help; the package comment says the
// same.
const exitCodesHelp = `
Exit codes:
  0    success
  1    the work failed (a diverged loss, a full disk, a milestone below target)
  2    usage: a bad command line, config file or --set override
  3    a file to read is missing: the dataset, a config, a run folder, a checkpoint
  130  train or resume stopped by Ctrl+C (SIGINT): the run folder is complete and resumable
  143  the same, stopped by SIGTERM
`

func printCommandUsage(w io.Writer, c command) {
	fmt.Fprintf(w, "Usage: tinytorch %s\n\n%s.\n", c.usage, strings.ToUpper(c.summary[:1])+c.summary[1:])
	fs := c.flags()
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n > 0 {
		fmt.Fprintln(w, "\nFlags:")
		fs.SetOutput(w)
		fs.PrintDefaults()
	}
}

// parse parses a command's flags; it allows no positional arguments. The
// flag package prints nothing: -h prints the command's usage on stdout,
// and a bad flag is a usageError, which run prints with the usage.
func parse(c string, fs *flag.FlagSet, args []string, stdout io.Writer) error {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			cmd, _ := lookup(c)
			printCommandUsage(stdout, cmd)
			return err
		}
		return usagef(c, "%v", err)
	}
	if fs.NArg() > 0 {
		return usagef(c, "unexpected argument %q", fs.Arg(0))
	}
	return nil
}
