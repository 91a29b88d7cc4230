package data

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
	"testing"

	"tinytorch/engine/tensor"
)

// must unwraps a result in a test; an error here is a broken test setup.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func tensorOf(data []float32, shape ...int) *tensor.Tensor {
	return must(tensor.New(data, shape...))
}

// arange returns 0, 1, … n-1 as a tensor of the given shape (n = its size).
func arange(shape ...int) *tensor.Tensor {
	n := 1
	for _, s := range shape {
		n *= s
	}
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(i)
	}
	return tensorOf(v, shape...)
}

// bitsHash is a short hash of the exact float32 bits of tensors, to compare
// generated data across platforms with a golden value.
func bitsHash(ts ...*tensor.Tensor) string {
	h := sha256.New()
	for _, t := range ts {
		for _, v := range t.Data() {
			var b [4]byte
			binary.LittleEndian.PutUint32(b[:], math.Float32bits(v))
			h.Write(b[:])
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

func errContains(t *testing.T, err error, want string) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("no error, want one containing %q", want)
	}
	if !contains(err.Error(), want) {
		t.Fatalf("error %q does not contain %q", err, want)
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
