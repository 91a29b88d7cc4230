package wasmsimd

import (
	"embed"
	"fmt"
)

// The modules the kernel loads are assembled ahead of time, into the
// files under assembled/, which the kernel program embeds: assembling them
// when the kernel starts cost about 90 ms of every start in Chromium (the
// assembler's Go code runs there before V8 has optimized it), for bytes
// that change only when a .wat file does. The text stays the source:
// TestAssembledModulesAreCurrent assembles every module again and fails,
// naming the command, when a file differs from what its text gives.
//
//go:generate go test -run TestAssembledModulesAreCurrent -update .

//go:embed assembled
var assembledFiles embed.FS

// moduleBuild is one module of assembled/: its file and its text.
type moduleBuild struct {
	file string
	text func() (string, error)
}

// fixed is the text of a module written in one .wat file or constant.
func fixed(src string) func() (string, error) {
	return func() (string, error) { return src, nil }
}

// fusedModuleSource is moduleSource with its multiply-adds fused.
func fusedModuleSource() (string, error) {
	src, err := moduleSource()
	return fuse(src), err
}

// moduleBuilds lists every module of assembled/.
var moduleBuilds = []moduleBuild{
	{"matmul.wasm", moduleSource},
	{"matmul-fma.wasm", fusedModuleSource},
	{"vec.wasm", fixed(vecSource)},
	{"pool.wasm", fixed(poolSource)},
	{"unfold.wasm", fixed(unfoldSource)},
	{"peak.wasm", fixed(peakSource)},
	{"peak-fma.wasm", func() (string, error) { return fuse(peakSource), nil }},
	{"int8.wasm", fixed(int8Source)},
	{"int8relaxed.wasm", fixed(int8RelaxedSource)},
	{"probe.wasm", fixed(probeSource)},
	{"probe-fma.wasm", fixed(fusedProbeSource)},
	{"int8relaxed-probe.wasm", fixed(int8RelaxedProbeSource)},
}

// assembled returns the module in file of assembled/.
func assembled(file string) ([]byte, error) {
	b, err := assembledFiles.ReadFile("assembled/" + file)
	if err != nil {
		return nil, fmt.Errorf("wasmsimd: the module %s is not assembled (go generate ./engine/kernels/wasmsimd): %v", file, err)
	}
	return b, nil
}

// mustAssembled is assembled for a module that is always there; its
// absence is a bug caught by the package's tests.
func mustAssembled(file string) []byte {
	b, err := assembled(file)
	if err != nil {
		panic(err)
	}
	return b
}
