//go:build !amd64

package vec

import "testing"

// withoutAssembly does nothing: there are no assembly loops here.
func withoutAssembly(*testing.T) {}
