package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"html"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"tinytorch/engine/data"
	"tinytorch/engine/kernels"
	"tinytorch/engine/loss"
	"tinytorch/engine/nn"
	"tinytorch/engine/optim"
	"tinytorch/engine/plot"
	"tinytorch/engine/profile"
	"tinytorch/engine/tensor"
	"tinytorch/engine/train"
)

// profileOptions are profile's flags.
type profileOptions struct {
	model   string
	batch   int
	steps   int
	warmup  int
	kernel  string
	threads int
	out     string
	seed    uint64
	top     int
	// memoryMB is the memory budget in MiB that the estimate of the run
	// (profileMemory) must fit.
	memoryMB int
}

func newProfileFlags() (*flag.FlagSet, *profileOptions) {
	o := &profileOptions{}
	fs := flag.NewFlagSet("profile", flag.ContinueOnError)
	fs.StringVar(&o.model, "model", "mlp", "model to profile: "+strings.Join(modelNames(), ", "))
	fs.IntVar(&o.batch, "batch", 64, "batch size")
	fs.IntVar(&o.steps, "steps", 3, "training steps to profile")
	fs.IntVar(&o.warmup, "warmup", 1, "training steps to run before profiling (not recorded)")
	fs.StringVar(&o.kernel, "kernel", "simd", "matmul kernel: "+strings.Join(kernels.Names(), ", "))
	fs.IntVar(&o.threads, "threads", 0, "goroutines for the parallel kernels (0: one per CPU)")
	fs.StringVar(&o.out, "out", "runs", "folder that receives the run folder")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the model's parameters and the random data")
	fs.IntVar(&o.top, "top", 20, "rows of the op table to print (report.txt has them all; 0: all)")
	fs.IntVar(&o.memoryMB, "memory-limit", 2048, "memory budget in MiB: a --batch whose estimated memory exceeds it is refused")
	return fs, o
}

func profileFlags() *flag.FlagSet { fs, _ := newProfileFlags(); return fs }

// parseProfile parses and checks profile's flags.
func parseProfile(args []string, stdout io.Writer) (*profileOptions, error) {
	fs, o := newProfileFlags()
	if err := parse("profile", fs, args, stdout); err != nil {
		return nil, err
	}
	switch {
	case !slices.Contains(modelNames(), o.model):
		return nil, usagef("profile", "unknown model %q: choose %s", o.model, strings.Join(modelNames(), " or "))
	case o.batch < 1 || o.batch > maxProfileBatch:
		return nil, usagef("profile", "--batch %d: want 1 to %d", o.batch, maxProfileBatch)
	case o.steps < 1 || o.steps > 1000:
		return nil, usagef("profile", "--steps %d: want 1 to 1000", o.steps)
	case o.warmup < 0 || o.warmup > 1000:
		return nil, usagef("profile", "--warmup %d: want 0 to 1000", o.warmup)
	case !slices.Contains(kernels.Names(), o.kernel):
		return nil, usagef("profile", "unknown kernel %q: this machine has %s", o.kernel, strings.Join(kernels.Names(), ", "))
	case o.threads < 0 || o.threads > 1024:
		return nil, usagef("profile", "--threads %d: want 0 (one per CPU) to 1024", o.threads)
	case o.out == "":
		return nil, usagef("profile", "--out is empty")
	case o.top < 0:
		return nil, usagef("profile", "--top %d: want 0 or more", o.top)
	case o.memoryMB < 1 || o.memoryMB > 1<<20:
		return nil, usagef("profile", "--memory-limit %d: want 1 to 1048576 MiB", o.memoryMB)
	}
	return o, checkMemory(o)
}

// maxProfileBatch bounds --batch whatever the memory budget.
const maxProfileBatch = 1 << 16

// checkMemory refuses a batch whose estimated memory is over the budget,
// before anything is allocated, saying the bytes asked, the limit and the
// largest batch that fits.
func checkMemory(o *profileOptions) error {
	need, limit := profileMemory(o.model, o.batch, o.steps), int64(o.memoryMB)<<20
	if need <= limit {
		return nil
	}
	fixed := profileMemory(o.model, 0, o.steps) // what the batch does not change
	if fixed >= limit {
		return usagef("profile", "--steps %d: profiling them needs about %d bytes (%s) before any batch, more than the limit of %d bytes (--memory-limit %d MiB); use fewer steps, or raise --memory-limit",
			o.steps, fixed, mib(fixed), limit, o.memoryMB)
	}
	fits := (limit - fixed) / (profileMemory(o.model, 1, o.steps) - fixed)
	return usagef("profile", "--batch %d: profiling %s on it for %d steps needs about %d bytes (%s), more than the limit of %d bytes (--memory-limit %d MiB); use --batch %d or less, or raise --memory-limit",
		o.batch, o.model, o.steps, need, mib(need), limit, o.memoryMB, fits)
}

// mib writes a byte count in MiB or GiB for people.
func mib(n int64) string {
	if n >= 1<<30 {
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	}
	return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20))
}

func runProfile(args []string, stdout, stderr io.Writer) error {
	return profileCommand(args, stdout, stderr, time.Now)
}

// profileCommand is profile with its clock as a parameter, for the tests.
func profileCommand(args []string, stdout, stderr io.Writer, now func() time.Time) error {
	o, err := parseProfile(args, stdout)
	if err != nil {
		return err
	}
	start := now()
	res, err := profileModel(o, start, "tinytorch "+shellJoin(append([]string{"profile"}, args...)))
	if err != nil {
		return err
	}
	dir, err := writeProfileRun(o, res, start)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Profiled %d training step(s) of %s, %s with %d parameters, on a batch of %d random 28×28 images; kernel %s, %d threads\n",
		o.steps, o.model, res.title, res.params, o.batch, res.kernel, res.threads)
	fmt.Fprintln(stdout, res.report.Summary())
	fmt.Fprintln(stdout)
	fmt.Fprint(stdout, res.report.Table(o.top))
	fmt.Fprintf(stdout, "\nRun folder %s%c\n", dir, filepath.Separator)
	for _, f := range runFiles(o.steps) {
		fmt.Fprintf(stdout, "  %-19s %s\n", f.name, f.what)
	}
	return nil
}

// runFile is one file of a profile run folder.
type runFile struct{ name, what string }

// runFiles lists the files of a profile run folder of that many steps, in
// the order they are written: run.json comes last, so a folder without it
// is a run that was interrupted. The loss curve needs two steps or more.
func runFiles(steps int) []runFile {
	var files []runFile
	for _, f := range allRunFiles {
		if f.name != "charts/loss.svg" || steps > 1 {
			files = append(files, f)
		}
	}
	return files
}

// allRunFiles are the files runFiles chooses from.
var allRunFiles = []runFile{
	{"report.txt", "the op table, the module table, phase totals"},
	{"report.html", "the same tables and the charts, for a browser"},
	{"trace.json", "Chrome trace: open it in Perfetto (https://ui.perfetto.dev) or chrome://tracing"},
	{"charts/ops.svg", "time per op, stacked by phase"},
	{"charts/timeline.svg", "every op against time, one row per module"},
	{"charts/roofline.svg", "GFLOP/s against arithmetic intensity, under this machine's ceilings"},
	{"charts/memory.svg", "live tensor memory over time"},
	{"charts/layers.svg", "parameter, activation and peak memory per layer"},
	{"charts/weights.svg", "histogram of the first layer's weights after the profiled steps"},
	{"charts/loss.svg", "the loss of each profiled step"},
	{"run.json", "the command, settings, machine and durations"},
}

// profileResult is a finished profile and everything rendered from it, in
// memory, before the run folder is made.
type profileResult struct {
	report   *profile.Report
	ceilings profile.Ceilings
	title    string
	params   int
	kernel   string
	threads  int
	command  string
	started  time.Time

	setup, warmup, render time.Duration

	text, html string
	trace      []byte
	charts     map[string]string // name → SVG, in chartNames' order
	chartNames []string
	losses     []float64 // the loss of each profiled step
}

// profileModel builds the model, runs the warm-up steps, profiles the
// training steps and renders the reports. It restores the kernel and the
// thread count it changed.
func profileModel(o *profileOptions, started time.Time, command string) (*profileResult, error) {
	prevKernel := kernels.Current()
	if err := kernels.Use(o.kernel); err != nil {
		return nil, err
	}
	defer kernels.Use(prevKernel)
	prevThreads := kernels.SetThreads(o.threads)
	defer kernels.SetThreads(prevThreads)

	t0 := time.Now()
	model, title, err := buildModel(o.model, o.seed)
	if err != nil {
		return nil, err
	}
	x, err := tensor.Randn(o.batch, 1, 28, 28)
	if err != nil {
		return nil, err
	}
	y, err := tensor.Randint(0, 10, o.batch)
	if err != nil {
		return nil, err
	}
	opt, err := optim.NewSGD(model.ParamTensors(), optim.SGDOptions{LR: 0.01, Momentum: 0.9})
	if err != nil {
		return nil, err
	}
	// The step is the Trainer's, the one tt.train.fit and Fit run for each
	// batch (with its divergence guard), so the profile shows that step.
	trainer := &train.Trainer{Model: model, Optimizer: opt, Loss: loss.CrossEntropy{}}
	var losses []float64
	step := func() error {
		v, err := trainer.Step(data.Batch{X: x, Y: y})
		if err != nil {
			return err
		}
		losses = append(losses, v)
		return nil
	}
	res := &profileResult{title: title, params: model.NumParams(), kernel: kernels.Current(), threads: kernels.Threads(),
		started: started, command: command}
	res.setup = time.Since(t0)

	t0 = time.Now()
	for i := 0; i < o.warmup; i++ {
		if err := step(); err != nil {
			return nil, fmt.Errorf("warm-up step %d: %w", i+1, err)
		}
	}
	res.warmup = time.Since(t0)

	losses = nil // the warm-up's losses are not charted
	res.report, err = profile.Run(func() error {
		for i := 0; i < o.steps; i++ {
			if err := step(); err != nil {
				return fmt.Errorf("step %d: %w", i+1, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}

	t0 = time.Now()
	res.ceilings = profile.MeasureCeilings()
	res.charts = map[string]string{}
	for _, kind := range profile.ChartKinds {
		svg, err := res.report.Chart(kind)
		if err != nil {
			return nil, fmt.Errorf("%s chart: %w", kind, err)
		}
		res.addChart(kind, svg)
	}
	res.losses = losses
	if err := res.addTrainingCharts(model); err != nil {
		return nil, err
	}
	if res.trace, err = res.report.TraceJSON(); err != nil {
		return nil, err
	}
	res.text = reportText(o, res)
	res.html = reportHTML(o, res)
	res.render = time.Since(t0)
	return res, nil
}

// addChart keeps a rendered chart under name.
func (res *profileResult) addChart(name, svg string) {
	res.charts[name] = svg
	res.chartNames = append(res.chartNames, name)
}

// addTrainingCharts renders the charts the notebook shows besides the
// profiler's: the histogram of the first layer's weights and, over two
// steps or more, the loss curve.
func (res *profileResult) addTrainingCharts(model nn.Module) error {
	params := model.Base().Parameters()
	if len(params) == 0 {
		return fmt.Errorf("weights chart: the model has no parameters")
	}
	w := params[0]
	svg, err := plot.Histogram{Title: "Weights of " + w.Name + " after the profiled steps", XLabel: "weight", Values: w.Tensor.Data()}.SVG()
	if err != nil {
		return fmt.Errorf("weights chart: %w", err)
	}
	res.addChart("weights", svg)
	if len(res.losses) < 2 {
		return nil
	}
	loss := plot.Series{Name: "loss"}
	for i, l := range res.losses {
		loss.X, loss.Y = append(loss.X, float64(i+1)), append(loss.Y, l)
	}
	svg, err = plot.Line{Title: "Training loss", XLabel: "step", YLabel: "cross-entropy", Markers: true, Series: []plot.Series{loss}}.SVG()
	if err != nil {
		return fmt.Errorf("loss chart: %w", err)
	}
	res.addChart("loss", svg)
	return nil
}

// settings are the lines of a report's header.
func settings(o *profileOptions, res *profileResult) [][2]string {
	return [][2]string{
		{"Model", fmt.Sprintf("%s: %s, %d parameters", o.model, res.title, res.params)},
		{"Training", fmt.Sprintf("%d profiled step(s) after %d warm-up, batch %d of random 28×28 images (seed %d), cross-entropy, SGD (lr 0.01, momentum 0.9)", o.steps, o.warmup, o.batch, o.seed)},
		{"Kernel", fmt.Sprintf("%s, %d threads (SIMD: %s)", res.kernel, res.threads, kernels.SIMD())},
		{"Machine", fmt.Sprintf("%s/%s, %d CPUs, %s; ceilings %.1f GFLOP/s (%s; matmul 256: %.1f), %.1f GB/s", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version(), res.ceilings.GFLOPS, res.ceilings.Roof, res.ceilings.MatmulGFLOPS, res.ceilings.GBs)},
		{"Command", res.command},
	}
}

// reportText is report.txt: the settings, the op table, the module table
// and the phase totals.
func reportText(o *profileOptions, res *profileResult) string {
	var b strings.Builder
	r := res.report
	fmt.Fprintf(&b, "TinyTorch profile, %s\n\n", res.started.UTC().Format(time.RFC3339))
	for _, s := range settings(o, res) {
		fmt.Fprintf(&b, "%-9s %s\n", s[0]+":", s[1])
	}
	fmt.Fprintf(&b, "\n%s\n\nOps, by total time\n\n%s\nModules, by total time (each with its children)\n\n%s\nPhases\n\n", r.Summary(), r.Table(0), r.ModuleTable())
	// Op time is the time charged to the phase's ops; wall time adds the
	// time spent between them (an optimizer's own loops, for one).
	row := func(name string, ops int, opTime, wall time.Duration, flops int64) {
		fmt.Fprintf(&b, "%-10s %6d %10s %10s %10s %7s\n", name, ops, seconds(opTime), seconds(wall), plot.FormatValue(float64(flops), ""), pct(wall, r.Wall))
	}
	fmt.Fprintf(&b, "%-10s %6s %10s %10s %10s %7s\n", "Phase", "Ops", "Op time", "Wall time", "FLOPs", "% wall")
	for _, p := range r.Phases() {
		row(p.Phase, p.Calls, p.Time, p.Wall, p.FLOPs)
	}
	row("total", len(r.Events), r.Total().Time, r.Wall, r.Total().FLOPs)
	return b.String()
}

func seconds(d time.Duration) string { return plot.FormatValue(d.Seconds(), "s") }

func pct(part, whole time.Duration) string {
	if whole <= 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(part)/float64(whole))
}

// reportHTML is report.html: one self-contained page with the settings,
// the profiler's tables and the charts.
func reportHTML(o *profileOptions, res *profileResult) string {
	var b strings.Builder
	title := fmt.Sprintf("TinyTorch profile: %s, batch %d", o.model, o.batch)
	fmt.Fprintf(&b, `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>%s</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 72rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.4; }
table { border-collapse: collapse; margin: 1rem 0; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: 0.25rem 0; }
th, td { padding: 0.2rem 0.6rem; border-bottom: 1px solid color-mix(in srgb, currentColor 20%%, transparent); }
td.num, th.num { text-align: right; }
th[scope=row], thead th:first-child { text-align: left; font-weight: normal; }
dl.settings { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; }
dl.settings dt { font-weight: 600; }
figure { margin: 1.5rem 0; }
svg { max-width: 100%%; height: auto; }
</style>
</head>
<body>
<h1>%s</h1>
<p>Recorded %s. The Chrome trace is <a href="trace.json">trace.json</a>: open it in <a href="https://ui.perfetto.dev">Perfetto</a> or chrome://tracing.</p>
<dl class="settings">
`, html.EscapeString(title), html.EscapeString(title), res.started.UTC().Format(time.RFC3339))
	for _, s := range settings(o, res) {
		fmt.Fprintf(&b, "<dt>%s</dt><dd>%s</dd>\n", html.EscapeString(s[0]), html.EscapeString(s[1]))
	}
	b.WriteString("</dl>\n<h2>Tables</h2>\n")
	b.WriteString(res.report.HTML(0))
	b.WriteString("\n<h2>Charts</h2>\n")
	for _, name := range res.chartNames {
		fmt.Fprintf(&b, "<figure id=\"chart-%s\">\n%s\n</figure>\n", name, res.charts[name])
	}
	b.WriteString("</body>\n</html>\n")
	return b.String()
}

// runRecord is run.json.
type runRecord struct {
	Command    string    `json:"command"`
	Started    time.Time `json:"started"`
	TinyTorch  string    `json:"tinytorch"`
	Go         string    `json:"go"`
	GOOS       string    `json:"goos"`
	GOARCH     string    `json:"goarch"`
	CPUs       int       `json:"cpus"`
	GOMAXPROCS int       `json:"gomaxprocs"`

	Model     string `json:"model"`
	Params    int    `json:"params"`
	Batch     int    `json:"batch"`
	Steps     int    `json:"steps"`
	Warmup    int    `json:"warmup"`
	Seed      uint64 `json:"seed"`
	Data      string `json:"data"`
	Optimizer string `json:"optimizer"`
	Kernel    string `json:"kernel"`
	SIMD      string `json:"simd"`
	Threads   int    `json:"threads"`

	Ceilings struct {
		GFLOPS       float64 `json:"gflops"`
		Roof         string  `json:"roof"`
		MatmulGFLOPS float64 `json:"matmul_gflops"`
		GBs          float64 `json:"gbs"`
	} `json:"ceilings"`
	Durations struct {
		Setup   float64 `json:"setup_s"`
		Warmup  float64 `json:"warmup_s"`
		Profile float64 `json:"profile_s"` // the profiled steps' wall time
		Step    float64 `json:"step_s"`    // profile_s / steps
		Render  float64 `json:"render_s"`  // tables, charts and trace
		Write   float64 `json:"write_s"`   // the files before run.json
	} `json:"durations"`
	Phases []runPhase `json:"phases"`
	Totals struct {
		Events     int   `json:"events"`
		FLOPs      int64 `json:"flops"`
		PeakBytes  int64 `json:"peak_bytes"`
		AllocBytes int64 `json:"alloc_bytes"`
		Allocs     int   `json:"allocs"`
	} `json:"totals"`
	Files []string `json:"files"`
}

type runPhase struct {
	Phase string  `json:"phase"`
	Ops   int     `json:"ops"`
	OpsS  float64 `json:"ops_s"`
	WallS float64 `json:"wall_s"`
	FLOPs int64   `json:"flops"`
}

// writeProfileRun makes the run folder and writes its files, each one
// atomically, run.json last.
func writeProfileRun(o *profileOptions, res *profileResult, start time.Time) (string, error) {
	t0 := time.Now()
	dir, err := makeRunDir(o.out, "profile", o.model, start)
	if err != nil {
		return "", err
	}
	if err := os.Mkdir(filepath.Join(dir, "charts"), 0o755); err != nil {
		return dir, err
	}
	content := map[string][]byte{
		"report.txt":  []byte(res.text),
		"report.html": []byte(res.html),
		"trace.json":  res.trace,
	}
	for name, svg := range res.charts {
		content["charts/"+name+".svg"] = []byte(svg)
	}
	var files []string
	for _, f := range runFiles(o.steps) {
		if f.name == "run.json" {
			continue
		}
		b, ok := content[f.name]
		if !ok {
			return dir, fmt.Errorf("internal error: nothing rendered for %s", f.name)
		}
		if err := writeBytesAtomic(filepath.Join(dir, filepath.FromSlash(f.name)), b); err != nil {
			return dir, err
		}
		files = append(files, f.name)
	}

	r := res.report
	rec := runRecord{
		Command: res.command, Started: start.UTC(), TinyTorch: engineVersion(), Go: runtime.Version(),
		GOOS: runtime.GOOS, GOARCH: runtime.GOARCH, CPUs: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0),
		Model: o.model, Params: res.params, Batch: o.batch, Steps: o.steps, Warmup: o.warmup, Seed: o.seed,
		Data:      fmt.Sprintf("random N(0,1) images [%d,1,28,28], labels 0-9 (tensor.Randn, tensor.Randint)", o.batch),
		Optimizer: "SGD lr 0.01 momentum 0.9", Kernel: res.kernel, SIMD: kernels.SIMD(), Threads: res.threads,
		Files: append(files, "run.json"),
	}
	rec.Ceilings.GFLOPS, rec.Ceilings.GBs = res.ceilings.GFLOPS, res.ceilings.GBs
	rec.Ceilings.Roof, rec.Ceilings.MatmulGFLOPS = res.ceilings.Roof, res.ceilings.MatmulGFLOPS
	rec.Durations.Setup = res.setup.Seconds()
	rec.Durations.Warmup = res.warmup.Seconds()
	rec.Durations.Profile = r.Wall.Seconds()
	rec.Durations.Step = r.Wall.Seconds() / float64(o.steps)
	rec.Durations.Render = res.render.Seconds()
	rec.Durations.Write = time.Since(t0).Seconds()
	for _, p := range r.Phases() {
		rec.Phases = append(rec.Phases, runPhase{p.Phase, p.Calls, p.Time.Seconds(), p.Wall.Seconds(), p.FLOPs})
	}
	rec.Totals.Events, rec.Totals.FLOPs = len(r.Events), r.Total().FLOPs
	rec.Totals.PeakBytes, rec.Totals.AllocBytes, rec.Totals.Allocs = r.PeakBytes, r.AllocBytes, r.Allocs
	js, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return dir, err
	}
	if err := writeBytesAtomic(filepath.Join(dir, "run.json"), append(js, '\n')); err != nil {
		return dir, err
	}
	for _, d := range []string{filepath.Join(dir, "charts"), dir} {
		if err := syncDir(d); err != nil {
			return dir, err
		}
	}
	return dir, nil
}

// shellJoin quotes, in single quotes, the arguments that a POSIX shell
// would split or expand, so that the command can be pasted back.
func shellJoin(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		if a == "" || strings.ContainsAny(a, " \t\n\"'\\$`*?[]{}()<>|&;#~!") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		out[i] = a
	}
	return strings.Join(out, " ")
}
