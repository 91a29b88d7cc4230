// Command difftest runs random programs through the engine and through
// PyTorch and reports where they disagree (see package
// tinytorch/internal/difftest). make difftest runs it:
//
//	go run ./tools/difftest -n 5000 -seed 1 [-findings file] [-v]
//
// It prints a reproducer for each mismatch outside the exclusion list
// (shrunk to the steps it needs; -shrink all or none changes that; -all
// prints the excluded ones too), a count per exclusion, and ends with one
// summary line: programs, ops executed, mismatches by suspected class of
// issue 20, seeds, and how many are outside the exclusion list (the exit
// status is 1 when any is). -seed N -n 1 -show prints one program's
// Python; -q prints only the counts and the summary.
package main

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"time"

	"tinytorch/internal/difftest"
)

func main() {
	n := flag.Int("n", 1000, "number of programs")
	seed := flag.Uint64("seed", 1, "first seed (programs use seed, seed+1, …)")
	findings := flag.String("findings", "", "append each mismatch's reproducer to this file")
	quiet := flag.Bool("q", false, "print only the summary and a count per class")
	all := flag.Bool("all", false, "also print the mismatches the exclusion list covers")
	show := flag.Bool("show", false, "print the programs as Python instead of running them")
	shrink := flag.String("shrink", "new", "which mismatches to shrink to a short reproducer: new (those not in the exclusion list), all or none")
	flag.Parse()
	modes := map[string]difftest.Shrinking{"none": difftest.ShrinkNone, "new": difftest.ShrinkNew, "all": difftest.ShrinkAll}
	mode, ok := modes[*shrink]
	if !ok {
		fmt.Fprintf(os.Stderr, "difftest: -shrink %q, expected new, all or none\n", *shrink)
		os.Exit(2)
	}
	if err := run(*n, *seed, *findings, *quiet, *all, *show, mode); err != nil {
		fmt.Fprintln(os.Stderr, "difftest:", err)
		os.Exit(1)
	}
}

func run(n int, seed uint64, findings string, quiet, all, show bool, shrink difftest.Shrinking) error {
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
	excluded := map[string]int{}
	unexplained := 0
	sum, err := difftest.Run(t, seed, n, shrink, func(m *difftest.Mismatch) {
		if x, ok := difftest.Excluded(m); ok {
			// A deliberate difference, a PyTorch quirk or a translation
			// artefact (exclude.go): counted, printed only with -all.
			excluded[x.Why]++
			if !all {
				return
			}
		} else {
			unexplained++
		}
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
	printExcluded(excluded)
	fmt.Printf("%s in %.1fs; %d outside the exclusion list\n", sum.Line(), time.Since(start).Seconds(), unexplained)
	if unexplained > 0 {
		return fmt.Errorf("%d mismatches outside the exclusion list (reproducers above)", unexplained)
	}
	return nil
}

// printExcluded lists how many mismatches each exclusion covered, most
// first, so a long run shows what the known differences amount to.
func printExcluded(excluded map[string]int) {
	whys := make([]string, 0, len(excluded))
	for why := range excluded {
		whys = append(whys, why)
	}
	sort.Slice(whys, func(i, j int) bool { return excluded[whys[i]] > excluded[whys[j]] })
	for _, why := range whys {
		fmt.Printf("excluded: %4d × %s\n", excluded[why], why)
	}
}
