package runs

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"tinytorch/engine/kernels"
)

// The run record's statuses.
const (
	Finished = "finished" // every epoch ran
	Stopped  = "stopped"  // a signal stopped it; its last checkpoint resumes it
	Failed   = "failed"   // an error stopped it (a diverged loss, a full disk)
)

// Record is run.json, the last file of a run folder: how the run ended
// and its final metrics.
type Record struct {
	Status    string             `json:"status"`
	Error     string             `json:"error,omitempty"`
	Config    string             `json:"config"` // the file given to train
	Overrides []string           `json:"overrides"`
	Model     string             `json:"model"`
	Params    int                `json:"params"`
	Epochs    int                `json:"epochs"` // finished
	Steps     int                `json:"steps"`
	Metrics   map[string]float64 `json:"metrics"` // the last epoch's
	Started   time.Time          `json:"started"`
	Ended     time.Time          `json:"ended"`
	WallS     float64            `json:"wall_s"`
	// Checkpoint is the last checkpoint written, relative to the folder.
	Checkpoint string `json:"checkpoint,omitempty"`
	// Resumes counts the times `tinytorch resume` continued the run.
	Resumes int `json:"resumes,omitempty"`
}

// Environment is environment.json: what the run ran on and read.
type Environment struct {
	Go        string     `json:"go"`
	OS        string     `json:"os"`
	Arch      string     `json:"arch"`
	CPU       string     `json:"cpu"`
	CPUs      int        `json:"cpus"`
	Kernel    string     `json:"kernel"`
	SIMD      string     `json:"simd"`
	Threads   int        `json:"threads"`
	GitCommit string     `json:"git_commit,omitempty"`
	GitDirty  bool       `json:"git_dirty,omitempty"`
	Data      []DataFile `json:"data"`
}

// environment describes this machine and process; root is the repository
// for the git commit ("" for none).
func environment(root string, files []DataFile) Environment {
	e := Environment{Go: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH, CPU: cpuModel(), CPUs: runtime.NumCPU(),
		Kernel: kernels.Current(), SIMD: kernels.SIMD(), Threads: kernels.Threads(), Data: files}
	e.GitCommit, e.GitDirty = gitCommit(root)
	return e
}

// cpuModel reads the CPU's name from /proc/cpuinfo (Linux); elsewhere
// it is the architecture alone.
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if k, v, ok := strings.Cut(s.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}

// gitCommit is the commit the binary was built from (go build stamps it),
// else the repository's HEAD when git is there, else nothing.
func gitCommit(root string) (string, bool) {
	if info, ok := debug.ReadBuildInfo(); ok {
		var rev string
		dirty := false
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
		if rev != "" {
			return rev, dirty
		}
	}
	if root == "" {
		return "", false
	}
	return gitHead(root)
}

// ReadRecord reads a run folder's run.json; os.ErrNotExist when the run
// never finished its record.
func ReadRecord(dir string) (*Record, error) {
	b, err := os.ReadFile(filepath.Join(dir, "run.json"))
	if err != nil {
		return nil, err
	}
	var r Record
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, err
	}
	return &r, nil
}
