package notebook

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// jupyterValidate is a Python program that checks each .ipynb named on
// its command line with Jupyter's own validator (nbformat, the package
// Jupyter reads notebooks with) and prints the problems it finds.
const jupyterValidate = `
import sys, nbformat
bad = 0
for path in sys.argv[1:]:
    try:
        nb = nbformat.read(path, as_version=nbformat.NO_CONVERT)
        nbformat.validate(nb)
    except Exception as e:
        bad += 1
        print(path + ": " + str(e).splitlines()[0])
sys.exit(1 if bad else 0)
`

// TestIPynbOpensInJupyter exports every chapter notebook, with outputs of
// each kind, and has Jupyter's nbformat package validate the files: the
// hand-written checks of TestIPynbValidates follow the schema, this test
// asks Jupyter itself. It needs python3 with nbformat (Debian's
// python3-nbformat, which .ci/run installs) and skips without it.
func TestIPynbOpensInJupyter(t *testing.T) {
	python := debianPython()
	if python == "" || exec.Command(python, "-c", "import nbformat").Run() != nil {
		t.Skip("python3 with nbformat is not installed (apt-get install python3-nbformat)")
	}
	paths, err := filepath.Glob("../../notebooks/*.md")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no notebooks found: %v", err)
	}
	dir := t.TempDir()
	var files []string
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		nb, err := Parse(p, src)
		if err != nil {
			t.Fatal(err)
		}
		for i, outs := range [][][]Output{nil, sampleOutputs} {
			data, err := nb.IPynb(outs)
			if err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			file := filepath.Join(dir, strings.TrimSuffix(filepath.Base(p), ".md")+[]string{"", "-outputs"}[i]+".ipynb")
			if err := os.WriteFile(file, data, 0o644); err != nil {
				t.Fatal(err)
			}
			files = append(files, file)
		}
	}
	// A notebook with exercises and progress in its metadata.
	ex, err := Parse("exercises.md", []byte(exercises))
	if err != nil {
		t.Fatal(err)
	}
	ex.Progress = map[string]Progress{"double": {Passed: true, Hints: 0, SolutionSeen: true}}
	data, err := ex.IPynb(nil)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "exercises.ipynb")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	files = append(files, file)
	// First, a notebook Jupyter must refuse (a code cell without source
	// or outputs), so that a validator that accepts anything cannot pass.
	bad := filepath.Join(dir, "bad.ipynb")
	if err := os.WriteFile(bad, []byte(`{"cells": [{"cell_type": "code"}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(python, "-c", jupyterValidate, bad).CombinedOutput(); err == nil || !strings.Contains(string(out), "bad.ipynb") {
		t.Fatalf("nbformat accepted a broken notebook: %v\n%s", err, out)
	}
	out, err := exec.Command(python, append([]string{"-c", jupyterValidate}, files...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("Jupyter's nbformat rejects exported notebooks: %v\n%s", err, out)
	}
	t.Logf("nbformat %s accepts all %d exported notebooks", nbformatVersion(python), len(files))
}

// debianPython is the python3 that Debian's python3-* packages install
// into (/usr/bin/python3), or else the first python3 on the PATH; "" when
// there is none.
func debianPython() string {
	if _, err := os.Stat("/usr/bin/python3"); err == nil {
		return "/usr/bin/python3"
	}
	p, _ := exec.LookPath("python3")
	return p
}

// nbformatVersion is the installed nbformat's version, for the log.
func nbformatVersion(python string) string {
	out, err := exec.Command(python, "-c", "import nbformat; print(nbformat.__version__)").Output()
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(out))
}
