package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"tinytorch/engine/bench"
	"tinytorch/engine/data"
	"tinytorch/internal/benchjson"
	"tinytorch/internal/milestone"
	"tinytorch/internal/repo"
)

// The milestones' times: each milestone of internal/milestone run in full
// natively (as `tinytorch milestone -run all` does), beside the wall time
// of its notebook's Run all in Chromium (the browser suite's
// TestBenchMilestones, milestones.json), with both final results.

// milestoneNotebooks names the notebook of each native milestone.
var milestoneNotebooks = map[string]string{
	"perceptron":    "m0-1958-perceptron",
	"xor":           "m0-1969-xor",
	"mlp-digits":    "m1-mlp-digits",
	"lenet-fashion": "m2-lenet-fashion",
	// attention-shakespeare's Chromium verdict is its validation loss;
	// natively the accuracy that goes with it is judged.
	"attention-shakespeare": "m4-attention-2017",
}

// nativeMilestones are the native runs, made before the browser's.
var nativeMilestones map[string]nativeMilestone

// nativeMilestone is one milestone's native run.
type nativeMilestone struct {
	wall   time.Duration
	result string
}

// milestonesNative runs every milestone natively; a failed one is noted.
func milestonesNative() map[string]nativeMilestone {
	root, err := repo.Root()
	check(err)
	fashion := os.Getenv("FASHION_MNIST_DIR")
	if fashion == "" {
		fashion = data.FashionMNISTDir
	}
	cfg := milestone.Config{MNISTDir: filepath.Join(root, data.MNISTPackageDir), FashionDir: fashion}
	out := map[string]nativeMilestone{}
	for _, m := range milestone.Milestones {
		fmt.Printf("milestone %s natively…\n", m.Name)
		start := time.Now()
		r, err := m.Run(cfg)
		if err != nil {
			out[m.Name] = nativeMilestone{result: "failed: " + err.Error()}
			continue
		}
		res := fmt.Sprintf("accuracy %.2f%% (target %.0f%%)", 100*r.TestAccuracy, 100*m.Target)
		out[m.Name] = nativeMilestone{wall: time.Since(start), result: res}
	}
	return out
}

// milestonesTable prints the native and Chromium times side by side.
func milestonesTable(native map[string]nativeMilestone, chromium *benchjson.Milestones) {
	t := &bench.Table{Title: "Milestones: the full runs, natively and in Chromium",
		Header: []string{"milestone", "native wall s", "native result", "Chromium Run all s", "Chromium verdict"}}
	browser := map[string]benchjson.MilestoneRun{}
	if chromium != nil {
		for _, r := range chromium.Runs {
			browser[r.Notebook] = r
		}
	}
	rows := []map[string]any{}
	for _, m := range milestone.Milestones {
		n, b := native[m.Name], browser[milestoneNotebooks[m.Name]]
		chromiumS, verdict := "not measured", "not measured"
		if b.Notebook != "" {
			chromiumS, verdict = fmt.Sprintf("%.1f", b.Ms/1000), b.Verdict
		}
		t.Add(m.Name, fmt.Sprintf("%.1f", n.wall.Seconds()), n.result, chromiumS, verdict)
		rows = append(rows, map[string]any{"milestone": m.Name, "notebook": milestoneNotebooks[m.Name], "native_s": n.wall.Seconds(),
			"native_result": n.result, "chromium_ms": b.Ms, "chromium_verdict": b.Verdict})
	}
	t.Notes = append(t.Notes, fmt.Sprintf("native: internal/milestone's run of each (tinytorch milestone -run NAME), GOMAXPROCS %d, training and testing; "+
		"Chromium: the notebook's Run all in a fresh tab, data fetched from the suite's local server included, one kernel thread (TestBenchMilestones)", runtime.GOMAXPROCS(0)))
	show(t)
	jsonData["milestones"] = rows
}
