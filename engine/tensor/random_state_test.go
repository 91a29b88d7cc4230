package tensor

import (
	"strings"
	"testing"
)

// TestGeneratorStateRoundTrip saves a generator mid-stream (with a spare
// normal pending and without) and checks that a restored one draws the
// same numbers, including into the default generator in place.
func TestGeneratorStateRoundTrip(t *testing.T) {
	for _, spare := range []bool{false, true} {
		g := NewGenerator(123)
		g.Perm(10)
		if spare {
			g.Normal() // leaves the pair's second number for the next call
		}
		b, err := g.MarshalBinary()
		if err != nil || len(b) != 25 {
			t.Fatalf("state %d bytes, %v", len(b), err)
		}
		h := NewGenerator(999)
		if err := h.UnmarshalBinary(b); err != nil {
			t.Fatal(err)
		}
		for i := range 20 {
			if x, y := g.Normal(), h.Normal(); x != y {
				t.Fatalf("spare %v, draw %d: %v after the restore, want %v", spare, i, y, x)
			}
		}
	}
	def := DefaultGenerator()
	b, _ := def.MarshalBinary()
	want := must(Rand(5)).Data()
	ManualSeed(77)
	if err := DefaultGenerator().UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if got := must(Rand(5)).Data(); !equalFloats(got, want) {
		t.Errorf("Rand after restoring the default generator: %v, want %v", got, want)
	}
}

func equalFloats(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestGeneratorStateErrors: a malformed state is refused and leaves the
// generator unchanged.
func TestGeneratorStateErrors(t *testing.T) {
	good, _ := NewGenerator(1).MarshalBinary()
	even := append([]byte{}, good...)
	even[8] &^= 1
	flag := append([]byte{}, good...)
	flag[24] = 2
	tests := []struct {
		name string
		b    []byte
		want string
	}{
		{"empty", nil, "0 bytes, expected 25"},
		{"long", append(good, 0), "26 bytes"},
		{"even increment", even, "is even"},
		{"bad flag", flag, "flag 2"},
	}
	for _, tc := range tests {
		g := NewGenerator(5)
		before, _ := g.MarshalBinary()
		err := g.UnmarshalBinary(tc.b)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
		if after, _ := g.MarshalBinary(); string(after) != string(before) {
			t.Errorf("%s: the generator changed", tc.name)
		}
	}
}
