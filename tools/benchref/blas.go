package main

import (
	"fmt"
	"os/exec"
	"slices"
	"strings"
)

// NumPy and Debian's PyTorch multiply matrices with whatever BLAS
// libblas.so.3 points to. Debian's default, when no optimized BLAS is
// installed, is the reference BLAS: plain Fortran loops, 20 to 40 times
// slower than OpenBLAS on this project's machines (4–7 GFLOP/s against
// 150–190 at n = 512). Setting TinyTorch beside it would claim a lead
// that is not there, so the report says which BLAS the references ran on,
// and a target against them is marked not comparable when it was the
// reference BLAS.

// blasInUse says which BLAS the reference process loads, from the
// libraries mapped into a Python process that imported numpy and torch
// (with the environment the reference scripts get), and, when it is the
// slow reference BLAS, why its figures are not a fair comparison.
func blasInUse() (name, caveat string) {
	script := `import numpy, torch, re
for path in sorted({l.split()[-1] for l in open("/proc/self/maps") if re.search(r"lib(open)?blas|libmkl|libblis", l)}):
    print(path)`
	cmd := exec.Command(python, "-c", script)
	cmd.Env = openblasEnv()
	out, err := cmd.Output()
	if err != nil {
		return "unknown (" + err.Error() + ")", ""
	}
	return classifyBLAS(strings.Fields(string(out)))
}

// classifyBLAS names the BLAS from the paths of the mapped libraries.
// Debian installs each implementation of libblas.so.3 in a folder of its
// own (blas/ for the reference, openblas-pthread/, blis-openmp/, …), so
// the path tells them apart.
func classifyBLAS(paths []string) (name, caveat string) {
	has := func(part string) bool {
		return slices.ContainsFunc(paths, func(p string) bool { return strings.Contains(p, part) })
	}
	switch {
	case has("openblas"):
		return "OpenBLAS", ""
	case has("mkl"):
		return "MKL", ""
	case has("blis"):
		return "BLIS", ""
	case has("/blas/libblas.so"):
		return "the reference BLAS (" + strings.Join(paths, ", ") + ")",
			"NumPy and PyTorch ran on the reference BLAS, not OpenBLAS: install libopenblas0-pthread (make bench does, as root)"
	case len(paths) == 0:
		return "none found (the libraries may link a BLAS statically)", ""
	}
	return fmt.Sprintf("unrecognised (%s)", strings.Join(paths, ", ")), ""
}
