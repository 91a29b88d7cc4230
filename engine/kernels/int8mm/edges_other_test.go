//go:build !amd64

package int8mm

// withoutAssemblyEdges does nothing off amd64: there is no assembly.
func withoutAssemblyEdges() (restore func()) { return func() {} }
