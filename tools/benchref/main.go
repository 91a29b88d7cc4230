// Command benchref is `make bench`: in one run on one machine it measures
// TinyTorch's matmul kernels and training speed natively with engine/bench,
// beside NumPy's and PyTorch's figures (matmul.py and train.py here, run
// with Debian's /usr/bin/python3 when it has numpy and torch; skipped with
// a note otherwise), then runs the browser suite's benchmarks in headless
// Chromium (browser.go: TinyTorch against TensorFlow.js in the same Web
// Worker, and training epochs), with the data pipeline's figures (data.go:
// DataLoader throughput, tt.data.mnist()'s time to ready, the LeNet
// milestone natively and in Chromium), and writes one JSON file of every figure
// and one Markdown report of tables and ratios, the targets first.
//
//	go run ./tools/benchref [-quick] [-browser=false] [-markdown FILE] [-json FILE]
//
// The machine is shared and drifts between runs: read ratios within one
// run, not figures across runs.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"tinytorch/engine/bench"
	"tinytorch/engine/kernels"
	"tinytorch/engine/loss"
	"tinytorch/engine/optim"
	"tinytorch/engine/train"
	"tinytorch/internal/benchmodel"
)

const python = "/usr/bin/python3"

var (
	quick       = flag.Bool("quick", false, "fewer samples and sizes (a smoke test)")
	browser     = flag.Bool("browser", true, "also run the Chromium benchmarks (TinyTorch and TensorFlow.js, tools/browsertest)")
	mdOut       = flag.String("markdown", "", "also write the tables as Markdown to this file")
	jsonOut     = flag.String("json", "", "also write the figures as JSON to this file")
	sizes       = []int{128, 256, 512, 1024}
	tables      []*bench.Table
	jsonData    = map[string]any{}
	targets     []target
	machineInfo []string
	// blasName and blasCaveat say which BLAS the NumPy/PyTorch references
	// ran on (blas.go), once pythonJSON has run one.
	blasName, blasCaveat string
)

func main() {
	flag.Parse()
	if *quick {
		sizes = []int{128, 256}
	}
	start := time.Now()
	jsonData["started"] = start.UTC().Format(time.RFC3339)
	machine()
	roofs := roofTable()
	goRows := matmuls()
	refRows, refNotes := pythonJSON("matmul.py", "--json", "--seconds", "0.4")
	matmulTable(goRows, refRows, refNotes)
	roofShareTable(goRows, roofs)
	int8Bench()
	quantBench()
	nativeTraining := training()
	loaderTable()
	lenetNativeSteps()
	pruneBench() // prune.go
	nativeMilestones = milestonesNative()
	if *browser {
		browserBench(nativeTraining)
	} else {
		jsonData["browser"] = map[string]any{"skipped": "run with -browser=false"}
		lenetTable(nil)
		sparseTable(nil)
		milestonesTable(nativeMilestones, nil)
	}
	targetTable()
	took := time.Since(start).Round(time.Second)
	jsonData["seconds"] = took.Seconds()
	fmt.Printf("\nmake bench took %v\n", took)
	if *mdOut != "" {
		check(os.WriteFile(*mdOut, markdown(took), 0o644))
		fmt.Println("wrote", *mdOut)
	}
	if *jsonOut != "" {
		data, err := json.MarshalIndent(jsonData, "", "  ")
		check(err)
		check(os.WriteFile(*jsonOut, data, 0o644))
		fmt.Println("wrote", *jsonOut)
	}
}

// show prints a table and keeps it for the Markdown file.
func show(t *bench.Table) {
	fmt.Println()
	t.Fprint(os.Stdout)
	tables = append(tables, t)
}

// markdown is the report: what it ran on, then each table under its own
// heading, its notes as a list.
func markdown(took time.Duration) []byte {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "# make bench, %s\n\n", jsonData["started"])
	fmt.Fprintf(&buf, "One run on one machine (%v in all). The machine is shared and drifts between runs: read the ratios, measured in this run, rather than figures across runs.\n\n", took)
	for _, m := range machineInfo {
		fmt.Fprintf(&buf, "- %s\n", m)
	}
	// The targets' table comes first: it is what a reader looks for.
	ordered := tables
	if n := len(tables); n > 0 && strings.HasPrefix(tables[n-1].Title, "Targets") {
		ordered = append([]*bench.Table{tables[n-1]}, tables[:n-1]...)
	}
	for _, t := range ordered {
		fmt.Fprintf(&buf, "\n## %s\n\n", t.Title)
		markdownTable(&buf, t)
		if len(t.Notes) > 0 {
			buf.WriteString("\n")
			for _, n := range t.Notes {
				fmt.Fprintf(&buf, "- %s\n", n)
			}
		}
	}
	return buf.Bytes()
}

// markdownTable writes a table's header and rows; a column whose cells
// start with digits is right-aligned, whichever of its cells are empty
// (a figure that was not measured at that size).
func markdownTable(buf *bytes.Buffer, t *bench.Table) {
	row := func(cells []string) { fmt.Fprintf(buf, "| %s |\n", strings.Join(cells, " | ")) }
	row(t.Header)
	align := make([]string, len(t.Header))
	for i := range align {
		align[i] = "---"
		for _, r := range t.Rows {
			if i < len(r) && r[i] != "" {
				if c := r[i][0]; c >= '0' && c <= '9' {
					align[i] = "---:"
				}
				break
			}
		}
	}
	row(align)
	for _, r := range t.Rows {
		row(r)
	}
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchref:", err)
		os.Exit(1)
	}
}

// machine records what the figures were measured on.
func machine() {
	cpu := "unknown CPU"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if name, ok := strings.CutPrefix(line, "model name"); ok {
				cpu = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(name), ":"))
				break
			}
		}
	}
	info := fmt.Sprintf("%s/%s, %s, %d CPUs", runtime.GOOS, runtime.GOARCH, cpu, runtime.NumCPU())
	machineInfo = append(machineInfo, "machine: "+info,
		fmt.Sprintf("Go: %s (natively and for the wasm build), GOMAXPROCS %d; TinyTorch's native SIMD micro-kernel: %s", runtime.Version(), runtime.GOMAXPROCS(0), kernels.SIMD()))
	for _, m := range machineInfo {
		fmt.Println(m)
	}
	jsonData["machine"] = map[string]any{"os": runtime.GOOS, "arch": runtime.GOARCH, "cpu": cpu, "cpus": runtime.NumCPU(),
		"go": runtime.Version(), "gomaxprocs": runtime.GOMAXPROCS(0), "native_simd": kernels.SIMD()}
}

// goRow is one kernel variant at one thread count.
type goRow struct {
	name    string
	threads int
	gflops  map[int]float64 // by n
}

// matmuls times C = A·B for every variant at every size, the variants of
// one size interleaved (bench.Compare) on the same inputs.
// matmulReps is how many back-to-back products one timed sample of a
// kernel makes: the SIMD kernels do about a GFLOP per sample (4 products
// at n=512), so that a sample measures their throughput, as a training
// loop calls them, rather than the wake-up of a helper goroutine that
// fell asleep while the other candidates ran (about 0.1 ms, 5% of one
// n=512 product on two threads). The slow kernels take long enough per
// product as it is.
func matmulReps(kernel string, n int) int {
	if !strings.HasPrefix(kernel, "simd") {
		return 1
	}
	return max(1, (1<<30)/(2*n*n*n))
}

func matmuls() []*goRow {
	type cand struct {
		name    string
		threads int
		maxN    int
	}
	cands := []cand{{"naive", 1, 256}, {"blocked", 1, 512}, {"tiled", 1, 1024}, {"parallel", 1, 1024}, {"parallel", 2, 1024}}
	for _, name := range kernels.Names() {
		if strings.HasPrefix(name, "simd") {
			cands = append(cands, cand{name, 1, 1 << 30}, cand{name, 2, 1 << 30})
		}
	}
	rows := make([]*goRow, len(cands))
	for i, c := range cands {
		rows[i] = &goRow{name: c.name, threads: c.threads, gflops: map[int]float64{}}
	}
	defer kernels.SetThreads(kernels.SetThreads(0))
	for _, n := range sizes {
		rng := rand.New(rand.NewPCG(1, uint64(n)))
		a, b, c := make([]float32, n*n), make([]float32, n*n), make([]float32, n*n)
		for i := range a {
			a[i], b[i] = rng.Float32()*2-1, rng.Float32()*2-1
		}
		var list []bench.Candidate
		var idx []int
		for i, cd := range cands {
			if n > cd.maxN {
				continue
			}
			fn, err := kernels.Lookup(cd.name)
			check(err)
			threads, reps := cd.threads, matmulReps(cd.name, n)
			list = append(list, bench.Candidate{Name: fmt.Sprintf("%s/%d", cd.name, threads), Fn: func() {
				kernels.SetThreads(threads)
				for range reps {
					fn(false, false, n, n, n, 1, a, n, b, n, 0, c, n)
				}
			}})
			idx = append(idx, i)
		}
		fmt.Printf("matmul n=%d: %d kernels, interleaved…\n", n, len(list))
		iters := 9
		if *quick {
			iters = 3
		}
		cmp := bench.Compare(list, bench.Options{Warmup: 1, Iterations: iters, FLOPs: 2 * float64(n) * float64(n) * float64(n)})
		for j, r := range cmp.Results {
			rows[idx[j]].gflops[n] = r.GFLOPS() * float64(matmulReps(cands[idx[j]].name, n))
		}
	}
	return rows
}

// refRow is one line of matmul.py's output.
type refRow struct {
	Library string  `json:"library"`
	N       int     `json:"n"`
	Threads int     `json:"threads"`
	GFLOPS  float64 `json:"gflops"`
}

// pythonJSON runs a reference script and decodes its JSON output; on any
// failure it returns a note saying why the figures are missing.
func pythonJSON(script string, args ...string) (json.RawMessage, []string) {
	if _, err := os.Stat(python); err != nil {
		return nil, []string{python + " not found: no NumPy/PyTorch figures"}
	}
	if err := exec.Command(python, "-c", "import numpy, torch").Run(); err != nil {
		return nil, []string{python + " lacks numpy or torch (apt-get install python3-numpy python3-torch): no reference figures"}
	}
	if blasName == "" {
		blasName, blasCaveat = blasInUse()
	}
	fmt.Printf("running tools/benchref/%s…\n", script)
	cmd := exec.Command(python, append([]string{"tools/benchref/" + script}, args...)...)
	cmd.Stderr = os.Stderr
	cmd.Env = openblasEnv()
	out, err := cmd.Output()
	if err != nil {
		return nil, []string{fmt.Sprintf("%s failed: %v", script, err)}
	}
	var res struct {
		Notes []string        `json:"notes"`
		Rows  json.RawMessage `json:"rows"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		return nil, []string{fmt.Sprintf("%s: unreadable output: %v", script, err)}
	}
	notes := append(res.Notes, "NumPy's and PyTorch's BLAS: "+blasName)
	if blasCaveat != "" {
		notes = append(notes, "not comparable: "+blasCaveat)
	}
	return res.Rows, notes
}

// openblasEnv is the environment of the reference process, as matmul.py
// sets it for itself (see there): OPENBLAS_L2_SIZE unset, and OpenBLAS's
// AVX-512 kernels forced on CPUs that have AVX-512, which OpenBLAS 0.3.21
// does not recognise on its own. Only the reference process gets it.
func openblasEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "OPENBLAS_L2_SIZE=") && !strings.HasPrefix(kv, "OPENBLAS_CORETYPE=") {
			env = append(env, kv)
		}
	}
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		has := true
		for _, f := range []string{" avx512f", " avx512bw", " avx512dq", " avx512vl"} {
			has = has && strings.Contains(string(data), f)
		}
		if has {
			env = append(env, "OPENBLAS_CORETYPE=SkylakeX")
		}
	}
	return env
}

// matmulTable prints the Go variants and the references, GFLOP/s by size.
func matmulTable(goRows []*goRow, refJSON json.RawMessage, notes []string) {
	var refs []refRow
	if refJSON != nil {
		check(json.Unmarshal(refJSON, &refs))
	}
	t := &bench.Table{Title: "Native matmul C = A·B, float32, n×n: GFLOP/s (median of interleaved samples)", Header: []string{"kernel", "threads"}}
	for _, n := range sizes {
		t.Header = append(t.Header, fmt.Sprintf("n=%d", n))
	}
	for _, r := range goRows {
		row := []any{r.name, r.threads}
		for _, n := range sizes {
			row = append(row, r.gflops[n])
		}
		t.Add(row...)
	}
	refBy := map[string]map[int]float64{}
	var refOrder []string
	for _, r := range refs {
		key := fmt.Sprintf("%s\x00%d", r.Library, r.Threads)
		if refBy[key] == nil {
			refBy[key] = map[int]float64{}
			refOrder = append(refOrder, key)
		}
		refBy[key][r.N] = r.GFLOPS
	}
	for _, key := range refOrder {
		lib, threads, _ := strings.Cut(key, "\x00")
		row := []any{lib, threads}
		for _, n := range sizes {
			row = append(row, refBy[key][n])
		}
		t.Add(row...)
	}
	// The targets, as ratios measured in this run.
	simd := func(th int) *goRow {
		for _, r := range goRows {
			if r.name == "simd" && r.threads == th {
				return r
			}
		}
		return nil
	}
	if s1, s2 := simd(1), simd(2); s1 != nil && s2 != nil {
		for _, n := range sizes {
			if n == 512 || (n == sizes[len(sizes)-1] && n < 512) {
				best, bestName := 0.0, ""
				for _, key := range refOrder {
					if by := refBy[key]; strings.HasSuffix(key, "\x001") && by[n] > best {
						best, bestName = by[n], strings.Split(key, "\x00")[0]
					}
				}
				line := fmt.Sprintf("n=%d: simd 2 threads / 1 thread = %.2f×", n, s2.gflops[n]/s1.gflops[n])
				targets = append(targets, target{What: fmt.Sprintf("native matmul n=%d: simd, 2 threads ÷ 1 thread", n),
					Measured: s2.gflops[n] / s1.gflops[n], Want: 1.7})
				if best > 0 {
					line += fmt.Sprintf("; simd 1 thread / best reference 1 thread (%s) = %.2f", bestName, s1.gflops[n]/best)
					targets = append(targets, target{What: fmt.Sprintf("native matmul n=%d, 1 thread: simd ÷ %s", n, bestName),
						Measured: s1.gflops[n] / best, Want: 0.5, Stretch: 0.8, Caveat: blasCaveat})
				}
				t.Notes = append(t.Notes, line)
			}
		}
	}
	t.Notes = append(t.Notes, "a sample of a simd kernel is about a GFLOP of back-to-back products (4 at n=512), as the references time batches of calls; the slower kernels one product per sample")
	t.Notes = append(t.Notes, notes...)
	show(t)
	jsonData["matmul"] = map[string]any{"go": goRowsJSON(goRows), "reference": refs, "notes": notes}
}

func goRowsJSON(rows []*goRow) []map[string]any {
	var out []map[string]any
	for _, r := range rows {
		for n, g := range r.gflops {
			out = append(out, map[string]any{"kernel": r.name, "threads": r.threads, "n": n, "gflops": g})
		}
	}
	return out
}

func must[T any](v T, err error) T {
	check(err)
	return v
}

// threadCounts are the thread counts the training is timed with: 1, 2
// and all the cores (once, when that is 2).
func threadCounts() []int {
	counts := []int{1, 2}
	if n := runtime.GOMAXPROCS(0); n > 2 {
		counts = append(counts, n)
	}
	return counts
}

// training times one epoch of each model with 1, 2 and all threads, the
// thread counts interleaved round by round (bench.Compare), so that each
// scaling ratio is measured within rounds a busy machine slows alike; and
// prints PyTorch's one-thread figures beside them.
func training() map[string]float64 {
	t := &bench.Table{Title: "Native training, one epoch of 16 batches of 64 random 28×28 inputs (mlp256: of 256) (SGD momentum 0.9, cross-entropy)",
		Header: []string{"model", "runtime", "threads", "samples/s p50", "p90 epoch", "mean ± 95% CI epoch", "× 1 thread (p10–p90)", "energy/epoch (time model)"}}
	defer kernels.SetThreads(kernels.SetThreads(0))
	// An epoch takes 20–80 ms, and this machine's second core comes and
	// goes with its neighbours' load: with 7 rounds the 2-thread ratio of
	// mlp256 spread from 1.12 to 1.53 in one run. 21 rounds cost about 6 s.
	iters := 21
	if *quick {
		iters = 2
	}
	var goJSON []map[string]any
	roundTrips := map[string]any{}
	for _, name := range []string{"mlp", "mlp256", "lenet"} {
		size := benchmodel.BatchSize
		if name == "mlp256" {
			size = 256
		}
		set := benchmodel.Digits(name != "lenet", size)
		var cands []bench.Candidate
		for _, threads := range threadCounts() {
			model, _ := benchmodel.Model(strings.TrimSuffix(name, "256"))
			opt := must(optim.NewSGD(model.ParamTensors(), optim.SGDOptions{LR: 0.01, Momentum: 0.9}))
			tr := &train.Trainer{Model: model, Optimizer: opt, Loss: loss.CrossEntropy{}}
			cands = append(cands, bench.Candidate{Name: fmt.Sprintf("%s/%d", name, threads), Fn: func() {
				kernels.SetThreads(threads)
				must(tr.Fit(context.Background(), set, nil, 1))
			}})
		}
		fmt.Printf("training %s with %v threads, interleaved…\n", name, threadCounts())
		var trips []time.Duration // the cores' round trip after each round
		cmp := bench.Compare(cands, bench.Options{Warmup: 1, Iterations: iters, Batch: 1, Items: float64(benchmodel.Batches * size),
			OnSample: func(int, int) { trips = append(trips, kernels.CoreRoundTrip(coreTrips)) }})
		if note, near, far := byRoundTrip(name, cmp, trips); note != "" {
			t.Notes = append(t.Notes, note)
			roundTrips[name] = map[string]any{"round_trip_ns": durationsNs(trips), "near_ratio": near, "far_ratio": far}
		}
		for i, threads := range threadCounts() {
			r, ratio := cmp.Results[i], cmp.Ratios[i]
			r.Options.Energy = bench.DefaultEnergy.WithCores(threads)
			e := r.Energy()
			scale := ""
			if i > 0 {
				scale = fmt.Sprintf("%.2f (%.2f–%.2f)", ratio.Median, ratio.P10, ratio.P90)
			}
			t.Add(name, "TinyTorch", threads, r.Throughput(), r.P90, fmt.Sprintf("%v ± %v", r.Mean.Round(time.Millisecond), r.CI95.Round(time.Millisecond)), scale, fmt.Sprintf("%.3g J", e.TimeJ))
			goJSON = append(goJSON, map[string]any{"model": name, "threads": threads, "batch": size, "samples_per_s": r.Throughput(), "speedup": ratio.Median})
			if want := scalingTargets[name]; threads == 2 && want > 0 {
				targets = append(targets, target{What: fmt.Sprintf("native training %s (batch %d): 2 threads ÷ 1 thread", name, size),
					Measured: ratio.Median, Spread: [2]float64{ratio.P10, ratio.P90}, Want: want})
			}
		}
	}
	refJSON, notes := pythonJSON("train.py", "--threads", "1")
	var refs []struct {
		Model   string  `json:"model"`
		Threads int     `json:"threads"`
		Rate    float64 `json:"samples_per_s"`
	}
	if refJSON != nil {
		check(json.Unmarshal(refJSON, &refs))
	}
	for _, r := range refs {
		t.Add(r.Model, "PyTorch", r.Threads, r.Rate, "", "", "", "")
		for _, g := range goJSON {
			if g["model"] == r.Model && g["threads"] == r.Threads {
				ratio := g["samples_per_s"].(float64) / r.Rate
				t.Notes = append(t.Notes, fmt.Sprintf("%s, %d thread: TinyTorch / PyTorch = %.2f", r.Model, r.Threads, ratio))
				targets = append(targets, target{What: fmt.Sprintf("native training %s, %d thread: TinyTorch ÷ PyTorch samples/s", r.Model, r.Threads),
					Measured: ratio, Want: 1, Caveat: blasCaveat})
			}
		}
	}
	t.Notes = append(t.Notes, notes...)
	t.Notes = append(t.Notes, "energy: "+bench.DefaultEnergy.Source+" (estimates; engine/bench/energy.go)")
	show(t)
	jsonData["training"] = map[string]any{"go": goJSON, "reference": refs, "notes": notes, "core_round_trips": roundTrips}
	oneThread := map[string]float64{}
	for _, g := range goJSON {
		if g["threads"] == 1 {
			oneThread[g["model"].(string)] = g["samples_per_s"].(float64)
		}
	}
	return oneThread
}
