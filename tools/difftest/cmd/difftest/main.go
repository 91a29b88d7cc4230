// Command difftest runs random programs through the engine and through
// PyTorch and reports where they disagree (see package
// tinytorch/tools/difftest). make difftest runs it:
//
//	go run ./tools/difftest/cmd/difftest -n 5000 -seed 1 [-findings file] [-v]
//
// It prints a reproducer for each mismatch (shrunk to the steps it needs
// when it is not in the exclusion list; -shrink all or none changes that)
// and ends with one summary line: programs, ops executed, mismatches by
// suspected class of issue 20, seeds. -seed N -n 1 -show prints one
// program's Python; -q prints only the summary.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"tinytorch/tools/difftest"
)

func main() {
	n := flag.Int("n", 1000, "number of programs")
	seed := flag.Uint64("seed", 1, "first seed (programs use seed, seed+1, …)")
	findings := flag.String("findings", "", "append each mismatch's reproducer to this file")
	quiet := flag.Bool("q", false, "print only the summary and a count per class")
	show := flag.Bool("show", false, "print the programs as Python instead of running them")
	shrink := flag.String("shrink", "new", "which mismatches to shrink to a short reproducer: new (those not in the exclusion list), all or none")
	flag.Parse()
	modes := map[string]difftest.Shrinking{"none": difftest.ShrinkNone, "new": difftest.ShrinkNew, "all": difftest.ShrinkAll}
	mode, ok := modes[*shrink]
	if !ok {
		fmt.Fprintf(os.Stderr, "difftest: -shrink %q, expected new, all or none\n", *shrink)
		os.Exit(2)
	}
	if err := run(*n, *seed, *findings, *quiet, *show, mode); err != nil {
		fmt.Fprintln(os.Stderr, "difftest:", err)
		os.Exit(1)
	}
}

func run(n int, seed uint64, findings string, quiet, show bool, shrink difftest.Shrinking) error {
	if show {
		for i := range n {
			fmt.Print(difftest.Generate(seed + uint64(i)).Source())
		}
		return nil
	}
	if err := difftest.TorchAvailable(); err != nil {
		return err
	}
	t, err := difftest.StartTorch()
	if err != nil {
		return err
	}
	defer t.Close()
	var out *os.File
	if findings != "" {
		if out, err = os.OpenFile(findings, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644); err != nil {
			return err
		}
		defer out.Close()
	}
	start := time.Now()
	sum, err := difftest.Run(t, seed, n, shrink, func(m *difftest.Mismatch) {
		if !quiet {
			fmt.Println(m.Report())
		}
		if out != nil {
			fmt.Fprintf(out, "\n```\n%s```\n", m.Report())
		}
	})
	if err != nil {
		return err
	}
	for _, r := range sum.Restarts {
		fmt.Fprintln(os.Stderr, "difftest: restarted the torch process after:", r)
	}
	fmt.Printf("%s in %.1fs\n", sum.Line(), time.Since(start).Seconds())
	return nil
}
