package main

import (
	"strings"
	"testing"
)

func TestClassifyBLAS(t *testing.T) {
	for _, c := range []struct {
		paths    []string
		name     string
		unfair   bool
		describe string
	}{
		{[]string{"/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0"}, "the reference BLAS", true, "Debian's default"},
		{[]string{"/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3", "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so"}, "OpenBLAS", false, "libopenblas0-pthread"},
		{[]string{"/usr/lib/x86_64-linux-gnu/blis-openmp/libblas.so.3"}, "BLIS", false, "libblis4-openmp"},
		{[]string{"/opt/intel/lib/libmkl_rt.so"}, "MKL", false, "MKL"},
		{nil, "none found", false, "nothing mapped"},
		{[]string{"/usr/local/lib/libblas.so"}, "unrecognised", false, "a BLAS of unknown origin"},
	} {
		name, caveat := classifyBLAS(c.paths)
		if !strings.HasPrefix(name, c.name) || (caveat != "") != c.unfair {
			t.Errorf("%s %q: got %q, caveat %q; want a name starting %q, unfair %v", c.describe, c.paths, name, caveat, c.name, c.unfair)
		}
	}
}
