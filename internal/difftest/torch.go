package difftest

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
)

//go:embed runner.py
var runnerSource string

// Python is the interpreter that has torch: Debian's, with python3-torch.
// The environment variable DIFFTEST_PYTHON names another one.
var Python = pythonPath()

// pythonPath is DIFFTEST_PYTHON, or Debian's /usr/bin/python3.
func pythonPath() string {
	if p := os.Getenv("DIFFTEST_PYTHON"); p != "" {
		return p
	}
	return "/usr/bin/python3"
}

// TorchAvailable says whether Python can import torch, and if not why.
func TorchAvailable() error {
	if _, err := os.Stat(Python); err != nil {
		return fmt.Errorf("%s is missing", Python)
	}
	out, err := exec.Command(Python, "-c", "import torch; print(torch.__version__)").CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s cannot import torch (install python3-torch): %s", Python, strings.TrimSpace(lastLine(string(out))))
	}
	return nil
}

// lastLine is the last non-empty line of s (a Python traceback's message).
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// Torch is one Python process running runner.py: programs go in as JSON
// lines on its stdin and results come back on its stdout, one line each.
type Torch struct {
	cmd    *exec.Cmd
	in     io.WriteCloser
	out    *bufio.Reader
	stderr bytes.Buffer
	next   int
}

// TorchResult is torch's outcome of every step, in float32 and float64.
type TorchResult struct {
	ID  int       `json:"id"`
	F32 []Outcome `json:"f32"`
	F64 []Outcome `json:"f64"`
}

// StartTorch starts the Python runner. Close stops it.
func StartTorch() (*Torch, error) {
	t := &Torch{}
	if err := t.start(); err != nil {
		return nil, err
	}
	return t, nil
}

// start starts a Python process.
func (t *Torch) start() error {
	t.cmd = exec.Command(Python, "-c", runnerSource)
	t.stderr.Reset()
	t.cmd.Stderr = &t.stderr
	var err error
	if t.in, err = t.cmd.StdinPipe(); err != nil {
		return err
	}
	stdout, err := t.cmd.StdoutPipe()
	if err != nil {
		return err
	}
	t.out = bufio.NewReaderSize(stdout, 1<<20)
	if err := t.cmd.Start(); err != nil {
		return fmt.Errorf("difftest: starting %s: %w", Python, err)
	}
	return nil
}

// restart replaces a Python process that died (torch itself crashed) or
// that can no longer be trusted to answer in step; it is killed first,
// since it may be blocked writing answers no one will read.
func (t *Torch) restart() error {
	if t.cmd.Process != nil {
		t.cmd.Process.Kill()
	}
	t.cmd.Wait()
	return t.start()
}

// wireStep is a step as runner.py reads it.
type wireStep struct {
	Code  string   `json:"code"`
	Out   *string  `json:"out"`
	Deps  []string `json:"deps"`
	Grads []string `json:"grads,omitempty"`
}

// Run sends a batch of programs and reads their results, in order. The
// programs are written from a goroutine while results are read, so a
// batch of any size cannot fill both pipes and stall.
func (t *Torch) Run(progs []*Program) ([]TorchResult, error) {
	werr := make(chan error, 1)
	first := t.next
	t.next += len(progs)
	go func() {
		w := bufio.NewWriter(t.in)
		enc := json.NewEncoder(w)
		for i, p := range progs {
			if err := enc.Encode(wireProgram(first+i, p)); err != nil {
				werr <- err
				return
			}
		}
		werr <- w.Flush()
	}()
	res := make([]TorchResult, len(progs))
	for i := range progs {
		line, err := t.out.ReadBytes('\n')
		if err != nil {
			return nil, fmt.Errorf("difftest: the torch runner stopped (%v): %s", err, lastLine(t.stderr.String()+" "))
		}
		if err := json.Unmarshal(line, &res[i]); err != nil {
			return nil, fmt.Errorf("difftest: reading the torch runner: %w", err)
		}
		if res[i].ID != first+i {
			return nil, fmt.Errorf("difftest: torch runner answered program %d, expected %d", res[i].ID, first+i)
		}
	}
	return res, <-werr
}

// wireProgram turns a program into runner.py's input.
func wireProgram(id int, p *Program) map[string]any {
	steps := make([]wireStep, len(p.Steps))
	for i, s := range p.Steps {
		w := wireStep{Code: s.Py, Deps: []string{}}
		for _, d := range s.In {
			w.Deps = append(w.Deps, slotName(d))
		}
		if s.Out >= 0 {
			name := slotName(s.Out)
			w.Out = &name
			w.Code = strings.TrimPrefix(s.Py, name+" = ")
		}
		for _, g := range s.Grads {
			w.Grads = append(w.Grads, slotName(g))
		}
		steps[i] = w
	}
	return map[string]any{"id": id, "steps": steps}
}

// Close ends the Python process.
func (t *Torch) Close() error {
	t.in.Close()
	err := t.cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return fmt.Errorf("difftest: torch runner: %v: %s", err, lastLine(t.stderr.String()+" "))
	}
	return err
}
