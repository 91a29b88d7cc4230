package runs

import (
	"encoding/json"
	"maps"
	"path/filepath"
	"slices"

	"tinytorch/engine/atomicfile"
)

// files is where a run's files go, by their slash paths in the run
// folder ("charts/loss.svg"): a folder on disk for the CLI, a map in
// memory for the browser, which keeps it in its own storage. The runner
// writes through it alone, so both get the same files.
type files interface {
	put(name string, b []byte) error
}

// folder is a run folder on disk; each file is written atomically.
type folder string

func (d folder) put(name string, b []byte) error {
	return atomicfile.WriteBytes(filepath.Join(string(d), filepath.FromSlash(name)), b)
}

// Memory is a run folder held in memory: each file's bytes by its slash
// path in the folder, as a run folder on disk has them (config.yaml,
// metrics.jsonl, charts/loss.svg, checkpoints/last.safetensors, …).
type Memory map[string][]byte

func (m Memory) put(name string, b []byte) error {
	m[name] = slices.Clone(b)
	return nil
}

// Names lists the files, sorted.
func (m Memory) Names() []string { return slices.Sorted(maps.Keys(m)) }

// jsonBytes is v indented, with a final newline, as run.json and
// environment.json are written.
func jsonBytes(v any) ([]byte, error) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
