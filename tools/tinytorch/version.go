package main

import (
	"flag"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"

	"tinytorch/engine/kernels"
)

func versionFlags() *flag.FlagSet { return flag.NewFlagSet("version", flag.ContinueOnError) }

func runVersion(args []string, stdout, stderr io.Writer) error {
	if err := parse("version", versionFlags(), args, stdout); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "tinytorch %s\n", engineVersion())
	fmt.Fprintf(stdout, "go        %s %s/%s, %d CPUs, GOMAXPROCS %d\n", runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.GOMAXPROCS(0))
	simd := kernels.SIMD()
	if simd == "" {
		simd = "none"
	}
	fmt.Fprintf(stdout, "kernel    %s, %d threads (SIMD: %s; variants: %s)\n", kernels.Current(), kernels.Threads(), simd, strings.Join(kernels.Names(), ", "))
	return nil
}

// engineVersion is the version of the module the engine was built from: the
// module version when it has one, else the VCS revision that `go build`
// stamps (with "+dirty" for uncommitted changes), else "devel" (`go run`
// and `go test` stamp no revision).
func engineVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	v := info.Main.Version
	if v == "" || v == "(devel)" {
		v = "devel"
	}
	var rev, when string
	dirty := false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			when = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev != "" && !strings.Contains(v, rev[:min(12, len(rev))]) {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if dirty {
			rev += "+dirty"
		}
		v += " (" + rev
		if when != "" {
			v += ", " + when
		}
		v += ")"
	}
	return v
}
