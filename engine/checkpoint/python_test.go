package checkpoint

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"tinytorch/engine/nn"
	"tinytorch/engine/tensor"
)

// python is Debian's interpreter, which has numpy (python3-numpy) and
// torch (python3-torch) when `make test WITH_TORCH=1` installed them.
const python = "/usr/bin/python3"

// script reads and writes safetensors by hand, with json, struct and numpy.
const script = "testdata/safetensors_roundtrip.py"

// needNumpy skips the test, saying why, when python3 or numpy is missing.
func needNumpy(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(python); err != nil {
		t.Skipf("%s is missing (apt-get install python3-numpy): no Python round trip", python)
	}
	if out, err := exec.Command(python, "-c", "import numpy").CombinedOutput(); err != nil {
		t.Skipf("%s cannot import numpy (apt-get install python3-numpy): %s", python, lastLine(out))
	}
}

func lastLine(b []byte) string {
	lines := slices.DeleteFunc(splitLines(string(b)), func(s string) bool { return s == "" })
	if len(lines) == 0 {
		return ""
	}
	return lines[len(lines)-1]
}

func splitLines(s string) []string {
	var out []string
	start := 0
	for i, c := range s {
		if c == '\n' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// pyRead is what the script's read command prints.
type pyRead struct {
	Metadata map[string]string `json:"metadata"`
	Tensors  map[string]struct {
		DType DType    `json:"dtype"`
		Shape []int    `json:"shape"`
		Bits  []uint32 `json:"bits"`
	} `json:"tensors"`
	Position    positionMeta `json:"position"`
	TorchOutput []float64    `json:"torch_output"`
}

// TestPythonRoundTrip: Python (numpy only, no safetensors package) reads
// a training checkpoint TinyTorch wrote and gets the same tensors, bit
// for bit, and the same position; PyTorch, when installed, loads the
// model's weights and computes TinyTorch's outputs. A copy rewritten by
// Python loads back into a trainer, and a weights file Python wrote in
// four dtypes loads into the model with the values it wrote.
func TestPythonRoundTrip(t *testing.T) {
	needNumpy(t)
	src, loader := trained(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "run.safetensors")
	if err := SaveTraining(path, src, loader, map[string]string{"config": "lr: 0.05"}); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(python, script, "read", path).Output()
	if err != nil {
		t.Fatalf("%s read: %v", script, err)
	}
	var got pyRead
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	f, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	checkPythonTensors(t, f, got)
	if pos := src.Position(); got.Position.Epoch != pos.Epoch || got.Position.Batch != pos.Batch || got.Position.Step != pos.Step {
		t.Errorf("Python reads position %+v, the trainer is at %+v", got.Position, pos)
	}
	if got.TorchOutput != nil {
		checkTorchOutput(t, src.Model, got.TorchOutput)
	} else {
		t.Log("torch is not installed: PyTorch did not load the weights (apt-get install python3-torch)")
	}

	copyPath := filepath.Join(dir, "copy.safetensors")
	if out, err := exec.Command(python, script, "copy", path, copyPath).CombinedOutput(); err != nil {
		t.Fatalf("%s copy: %v: %s", script, err, out)
	}
	resumed, l := runs[0].trainer(8)
	if err := LoadTraining(copyPath, resumed, l); err != nil {
		t.Fatalf("the copy Python wrote: %v", err)
	}
	compareWeights(t, src.Model, resumed.Model)
	if resumed.Position().Step != src.Position().Step {
		t.Errorf("the copy resumes at step %d, want %d", resumed.Position().Step, src.Position().Step)
	}

	checkPythonWeights(t, filepath.Join(dir, "py.safetensors"))
}

// checkPythonTensors compares what Python read with the file's tensors.
func checkPythonTensors(t *testing.T, f *File, got pyRead) {
	t.Helper()
	if !reflect.DeepEqual(got.Metadata, f.Metadata) {
		t.Errorf("Python reads metadata %v, want %v", got.Metadata, f.Metadata)
	}
	if len(got.Tensors) != len(f.Tensors) {
		t.Errorf("Python reads %d tensors, the file has %d", len(got.Tensors), len(f.Tensors))
	}
	for _, e := range f.Tensors {
		p, ok := got.Tensors[e.Name]
		v, _ := e.Float32()
		if !ok || p.DType != e.DType || !slices.Equal(p.Shape, append([]int{}, e.Shape...)) || len(p.Bits) != len(v) {
			t.Errorf("%s: Python reads %s %v with %d values, want %s %v with %d", e.Name, p.DType, p.Shape, len(p.Bits), e.DType, e.Shape, len(v))
			continue
		}
		for i := range v {
			if p.Bits[i] != math.Float32bits(v[i]) {
				t.Errorf("%s[%d]: Python reads %v, want %v", e.Name, i, math.Float32frombits(p.Bits[i]), v[i])
				break
			}
		}
	}
}

// checkTorchOutput runs the model in evaluation mode on the script's
// input and compares with PyTorch's output (float32 sums may round
// differently in the last bits).
func checkTorchOutput(t *testing.T, m nn.Module, want []float64) {
	t.Helper()
	m.Eval()
	defer m.Train(true)
	y, err := nn.Call(m, must(tensor.New([]float32{0.5, -1, 2, 0.25, -0.75, 0}, 3, 2)))
	if err != nil {
		t.Fatal(err)
	}
	got := y.Data()
	if len(got) != len(want) {
		t.Fatalf("TinyTorch gives %d outputs, PyTorch %d", len(got), len(want))
	}
	for i := range got {
		if d := math.Abs(float64(got[i]) - want[i]); d > 1e-5*(1+math.Abs(want[i])) {
			t.Errorf("output %d: TinyTorch %v, PyTorch %v", i, got[i], want[i])
		}
	}
}

// checkPythonWeights has Python write the MLP's weights in F32, F64, F16
// and BF16 and loads them: element k of each tensor is (k mod 17)/8 - 1.
func checkPythonWeights(t *testing.T, path string) {
	t.Helper()
	if out, err := exec.Command(python, script, "write", path).CombinedOutput(); err != nil {
		t.Fatalf("%s write: %v: %s", script, err, out)
	}
	m := mlp()
	if err := LoadModel(path, m); err != nil {
		t.Fatalf("the weights Python wrote: %v", err)
	}
	for _, p := range m.StateDict() {
		for k, v := range p.Tensor.Data() {
			if want := float32(k%17)/8 - 1; v != want {
				t.Fatalf("%s[%d] = %v, Python wrote %v", p.Name, k, v, want)
			}
		}
	}
}
