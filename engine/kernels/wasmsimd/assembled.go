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

// moduleBuild is one module of assembled/: its file and how its text is
// assembled.
type moduleBuild struct {
	file     string
	assemble func() ([]byte, error)
}

// moduleBuilds lists every module of assembled/.
var moduleBuilds = []moduleBuild{
	{"matmul.wasm", assembleMatmul},
	{"matmul-fma.wasm", assembleMatmulFused},
	{"vec.wasm", func() ([]byte, error) { return Assemble(vecSource) }},
	{"pool.wasm", func() ([]byte, error) { return Assemble(poolSource) }},
	{"unfold.wasm", func() ([]byte, error) { return Assemble(unfoldSource) }},
	{"peak.wasm", func() ([]byte, error) { return Assemble(peakSource) }},
	{"peak-fma.wasm", func() ([]byte, error) { return Assemble(fuse(peakSource)) }},
	{"int8.wasm", func() ([]byte, error) { return Assemble(int8Source) }},
	{"int8relaxed.wasm", func() ([]byte, error) { return Assemble(int8RelaxedSource) }},
	{"probe.wasm", func() ([]byte, error) { return Assemble(probeSource) }},
	{"probe-fma.wasm", func() ([]byte, error) { return Assemble(fusedProbeSource) }},
	{"int8relaxed-probe.wasm", func() ([]byte, error) { return Assemble(int8RelaxedProbeSource) }},
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
