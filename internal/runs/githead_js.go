package runs

// gitHead finds no commit in a browser: a wasm program cannot start git,
// and leaving os/exec out keeps it out of the kernel's download (the
// first visit, tools/browsertest/bench_firstload_test.go).
func gitHead(string) (string, bool) { return "", false }
