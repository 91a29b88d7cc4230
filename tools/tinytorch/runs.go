package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"tinytorch/engine/bench"
	"tinytorch/internal/runs"
)

func runsFlags() *flag.FlagSet { fs, _ := newRunsFlags(); return fs }

func newRunsFlags() (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet("runs", flag.ContinueOnError)
	logs := fs.String("logs", "logs", "the folder of run folders")
	return fs, logs
}

// runRuns lists the run folders with how each ended and its final
// metrics; a folder without run.json is listed as incomplete.
func runRuns(args []string, stdout, stderr io.Writer) error {
	fs, logs := newRunsFlags()
	if err := parse("runs", fs, args, stdout); err != nil {
		return err
	}
	list, err := runs.List(*logs)
	if errors.Is(err, os.ErrNotExist) {
		return &exitError{code: exitNoInput, err: fmt.Errorf("no folder %s: no runs yet (tinytorch train writes them)", *logs)}
	}
	if err != nil {
		return err
	}
	t := &bench.Table{Header: []string{"run", "status", "model", "epochs", "steps", "test acc", "test loss", "wall s", "overrides"}}
	for _, s := range list {
		r := s.Record
		if r == nil {
			t.Add(filepath.Base(s.Dir), s.Problem, "", "", "", "", "", "", "")
			continue
		}
		t.Add(filepath.Base(s.Dir), r.Status, r.Model, r.Epochs, r.Steps, runs.FinalMetric(r, "val_accuracy"), runs.FinalMetric(r, "val_loss"),
			fmt.Sprintf("%.1f", r.WallS), strings.Join(r.Overrides, " "))
	}
	if len(list) == 0 {
		fmt.Fprintf(stdout, "no runs in %s\n", *logs)
		return nil
	}
	t.Fprint(stdout)
	return nil
}

type compareOptions struct{ svg string }

func newCompareFlags() (*flag.FlagSet, *compareOptions) {
	o := &compareOptions{}
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	fs.StringVar(&o.svg, "svg", "compare.svg", "where to write the chart of the runs' test accuracy and loss per epoch")
	return fs, o
}

func compareFlags() *flag.FlagSet { fs, _ := newCompareFlags(); return fs }

// runCompare prints a table of the runs' final metrics and writes an SVG
// of their curves (engine/plot).
func runCompare(args []string, stdout, stderr io.Writer) error {
	fs, o := newCompareFlags()
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			c, _ := lookup("compare")
			printCommandUsage(stdout, c)
			return err
		}
		return usagef("compare", "%v", err)
	}
	dirs := fs.Args() // flags first: compare --svg out.svg RUN RUN
	if len(dirs) < 2 {
		return usagef("compare", "give two run folders or more, got %d", len(dirs))
	}
	t := &bench.Table{Header: append([]string{"run", "status", "model", "epochs"}, runs.MetricNames...)}
	var names []string
	var curves [][]map[string]float64
	for _, d := range dirs {
		r, err := runs.ReadRecord(d)
		if err != nil {
			code := exitFailed
			if errors.Is(err, os.ErrNotExist) {
				code = exitNoInput
				err = fmt.Errorf("%s is not a complete run folder (no run.json)", d)
			}
			return &exitError{code: code, err: err}
		}
		epochs, err := runs.Epochs(d)
		if err != nil {
			return err
		}
		row := []any{filepath.Base(d), r.Status, r.Model, r.Epochs}
		for _, m := range runs.MetricNames {
			row = append(row, runs.FinalMetric(r, m))
		}
		t.Add(row...)
		names, curves = append(names, filepath.Base(filepath.Clean(d))), append(curves, epochs)
	}
	t.Fprint(stdout)
	svg, err := runs.CompareChart(names, curves)
	if err != nil {
		return err
	}
	if err := writeBytesAtomic(o.svg, []byte(svg)); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "chart: %s\n", o.svg)
	return nil
}
