// Package benchjson is the JSON that the browser suite's benchmarks
// (tools/browsertest/bench*_test.go) write into the folder named by
// TT_BENCH_JSON, and that make bench (tools/benchref) reads back to set
// the Chromium figures beside the native ones. Writer and reader share
// these types, so the two cannot drift apart.
package benchjson

// Env is what TF.js and TinyTorch report they use in one tab.
type Env struct {
	TFJS        string `json:"tfjs"`
	Backend     string `json:"backend"`
	SIMD        bool   `json:"simd"`
	Multithread bool   `json:"multithread"`
	Threads     int    `json:"threads"`
	Isolated    bool   `json:"isolated"`
	Cores       int    `json:"cores"`
	TT          string `json:"tt"`
	TTKernel    string `json:"ttKernel"`
	UA          string `json:"ua"`
}

// Fig is one candidate of an interleaved comparison: its median figure
// and its speed relative to the baseline (TF.js), the median of the
// per-round ratios with their p10–p90 range.
type Fig struct {
	GFLOPS     float64 `json:"gflops,omitempty"`
	SamplesPS  float64 `json:"samples_per_s,omitempty"`
	MS         float64 `json:"ms"`
	Ratio      float64 `json:"ratio"`
	P10        float64 `json:"p10"`
	P90        float64 `json:"p90"`
	Iterations int     `json:"iterations"`
}

// MatmulRow is one size of the matmul comparison: candidate name to
// figure ("tf.js wasm", "tf.js cpu", "tt wasm" (the default kernel,
// wasm-simd-fma where relaxed SIMD is on), "tt Go kernel").
type MatmulRow struct {
	N       int            `json:"n"`
	Backend string         `json:"tfjs_backend"`
	SIMD    bool           `json:"tfjs_simd"` // the wasm backend's SIMD binary
	Figs    map[string]Fig `json:"candidates"`
}

// MLP is one comparison of an MLP epoch on the MNIST digits.
type MLP struct {
	Train      int            `json:"train"`
	Test       int            `json:"test"`
	Batch      int            `json:"batch"`
	Steps      int            `json:"steps"`
	Epochs     int            `json:"epochs"`
	Source     string         `json:"source"`
	Backend    string         `json:"tfjs_backend"`
	Forward    bool           `json:"forward_only,omitempty"` // epochs of forward passes only (LeNet on TF.js's wasm backend)
	Figs       map[string]Fig `json:"candidates"`
	TFAccuracy float64        `json:"tfjs_accuracy"`
	TTAccuracy float64        `json:"tt_accuracy"`
}

// TFJS is what TestBenchTFJS writes (tfjs.json).
type TFJS struct {
	SIMD     Env         `json:"env_simd"`
	NoSIMD   Env         `json:"env_nosimd"`
	Matmul   []MatmulRow `json:"matmul"`
	MLP      []MLP       `json:"mlp"`
	LeNet    []MLP       `json:"lenet,omitempty"` // the same fields, for the LeNet epoch
	Seconds  float64     `json:"seconds"`
	Warnings []string    `json:"warnings,omitempty"`
}

// Op is one tensor op timed in Chromium and natively.
type Op struct {
	Op         string  `json:"op"`
	N          int     `json:"n"`
	Unit       string  `json:"unit"`
	Ms         float64 `json:"ms"`
	Rate       float64 `json:"rate"`
	NativeMs   float64 `json:"native_ms,omitempty"`
	NativeRate float64 `json:"native_rate,omitempty"`
}

// Ops is what TestBenchOps writes (ops.json).
type Ops struct {
	Rows          []Op   `json:"rows"`
	Kernel        string `json:"kernel"`
	NativeKernel  string `json:"native_kernel,omitempty"`
	NativeThreads int    `json:"native_threads,omitempty"`
	UA            string `json:"ua"`
	// Roofs is tt.kernels.roofs() in the same tab: the measured
	// WebAssembly SIMD roof (multiply-add loops), one per loop.
	Roofs []Roof `json:"roofs,omitempty"`
}

// Roof is one measured compute roof (kernels.Roof in JSON).
type Roof struct {
	ISA     string  `json:"isa"`
	Lanes   int     `json:"lanes"`
	Threads int     `json:"threads"`
	GFLOPS  float64 `json:"gflops"`
}

// TrainingRun is one model's training epoch in Chromium: Ms is the
// median of the timed epochs, WarmupMs the epochs before them, while V8
// moved the hot functions to its optimizing compiler. NativeMs is the
// median of the same epoch natively on one thread, timed in rounds that
// alternate with Chromium's, and Ratio is Chromium's samples/s over
// native's, the median (and P10, P90) over the rounds.
type TrainingRun struct {
	Model    string    `json:"model"`
	Ms       float64   `json:"ms"`
	Samples  int       `json:"samples"`
	WarmupMs []float64 `json:"warmup_ms,omitempty"`
	NativeMs float64   `json:"native_ms,omitempty"`
	Ratio    float64   `json:"ratio,omitempty"`
	RatioP10 float64   `json:"ratio_p10,omitempty"`
	RatioP90 float64   `json:"ratio_p90,omitempty"`
}

// Training is what TestBenchTraining writes (training.json).
type Training struct {
	Runs   []TrainingRun `json:"runs"`
	Kernel string        `json:"kernel"`
	UA     string        `json:"ua"`
}

// DataReady is what TestDataMNIST writes (mnist-ready.json): how long
// tt.data.mnist() took to be ready in a cell, once per source.
type DataReady struct {
	Loads []DataLoad `json:"loads"`
	UA    string     `json:"ua"`
}

// DataLoad is one call of tt.data.mnist(): where the data came from
// ("network" or "cache"), how many images it holds, and the milliseconds
// from the call to the resolved promise.
type DataLoad struct {
	Source string  `json:"source"`
	Images int     `json:"images"`
	Ms     float64 `json:"ms"`
}

// CellKernelRow is one case of TestBenchCellKernel: a matmul of n×n
// matrices (Case "matmul") or one training step of an MLP (Case "mlp
// step", n its batch), with the built-in kernel and with a blocked
// kernel written in a cell (tt.kernels.register), interleaved by
// tt.bench.compare. Ratio is the cell kernel's time over the built-in's
// (the median of the per-round ratios, with p10–p90).
type CellKernelRow struct {
	Case       string  `json:"case"`
	N          int     `json:"n"`
	BuiltinMs  float64 `json:"builtin_ms"`
	CellMs     float64 `json:"cell_ms"`
	Ratio      float64 `json:"ratio"`
	P10        float64 `json:"p10"`
	P90        float64 `json:"p90"`
	Iterations int     `json:"iterations"`
}

// CellKernel is what TestBenchCellKernel writes (cell-kernel.json).
type CellKernel struct {
	Builtin string          `json:"builtin"` // the built-in kernel's name
	Rows    []CellKernelRow `json:"rows"`
}

// CellPartRow is one case of TestBenchCellParts: a part written in a cell
// (Part "op", "module", "optimizer" or "kernel") against the engine's own,
// once per call and once per MLP training step (Case), interleaved by
// tt.bench.compare. Ratio is the cell part's time over the engine's (the
// median of the per-round ratios, with p10–p90).
type CellPartRow struct {
	Part       string  `json:"part"`
	Case       string  `json:"case"`
	EngineMs   float64 `json:"engine_ms"`
	CellMs     float64 `json:"cell_ms"`
	Ratio      float64 `json:"ratio"`
	P10        float64 `json:"p10"`
	P90        float64 `json:"p90"`
	Iterations int     `json:"iterations"`
}

// CellParts is what TestBenchCellParts writes (cell-parts.json).
type CellParts struct {
	Builtin string        `json:"builtin"` // the built-in matmul kernel the kernel rows compare with
	Rows    []CellPartRow `json:"rows"`
}

// Visit is one page visit over the emulated link of TestBenchFirstVisit:
// the time from navigation to its mark (the index's load event, a
// chapter's first runnable cell, a Run's output) and the bytes the server
// sent for it, all of them and its wasm alone, as they crossed the link
// (compressed).
type Visit struct {
	Name      string         `json:"name"`
	Ms        float64        `json:"ms"`
	Bytes     int            `json:"bytes"`
	WasmBytes int            `json:"wasm_bytes"`
	Files     map[string]int `json:"files,omitempty"` // bytes sent per path
}

// FirstVisit is what TestBenchFirstVisit writes (firstvisit.json): the
// link it emulated and its visits, cold (a fresh profile) and warm (the
// same profile again, its service worker in control).
type FirstVisit struct {
	MbitPerSec   float64 `json:"mbit_per_sec"`
	RTTMs        float64 `json:"rtt_ms"`
	BrotliLevel  int     `json:"brotli_level"`
	UA           string  `json:"ua"`
	Visits       []Visit `json:"visits"`
	TargetColdMs float64 `json:"target_cold_ms"`
	TargetWarmMs float64 `json:"target_warm_ms"`
	TargetWasm   int     `json:"target_wasm_bytes"`
}

// Milestones is what the browser suite's TestBenchMilestones writes
// (milestones.json): the wall time of each milestone notebook's Run all
// in Chromium, full settings, and its verdict.
type Milestones struct {
	Runs []MilestoneRun `json:"runs"`
}

// MilestoneRun is one milestone notebook run from top to bottom.
type MilestoneRun struct {
	Notebook string  `json:"notebook"` // its slug, e.g. "m2-lenet-fashion"
	Ms       float64 `json:"ms"`       // Run all, from the click to the last cell's end
	Verdict  string  `json:"verdict"`  // the verdict cell's state and output
	UA       string  `json:"ua"`
}
