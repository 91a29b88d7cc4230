package kernels

import (
	"strings"
	"testing"
)

// A variant made with Register and Packed from a plain Go macro-kernel,
// with an odd tile and small blocks so that every edge case of the driver
// (partial panels, several blocks in each direction) is met. Registering it
// here puts it through every contract test of kernels_test.go.
func init() {
	bk := BlockKernel{MR: 3, NR: 5, MC: 7, KC: 11, NC: 13, Block: goBlock(3, 5)}
	if err := Register("test-packed", Packed(bk)); err != nil {
		panic(err)
	}
}

// goBlock is the reference macro-kernel of the BlockKernel contract.
func goBlock(mr, nr int) func(kb, mb, nb int, ap, bp, c []float32, ldc int, alpha float32) {
	return func(kb, mb, nb int, ap, bp, c []float32, ldc int, alpha float32) {
		if len(ap) != ceilDiv(mb, mr)*mr*kb || len(bp) != ceilDiv(nb, nr)*nr*kb {
			panic("goBlock: packed buffers of the wrong length")
		}
		for i := 0; i < mb; i++ {
			for j := 0; j < nb; j++ {
				apanel := ap[i/mr*mr*kb:]
				bpanel := bp[j/nr*nr*kb:]
				var acc float32
				for p := 0; p < kb; p++ {
					acc += apanel[p*mr+i%mr] * bpanel[p*nr+j%nr]
				}
				c[i*ldc+j] += float32(alpha * acc)
			}
		}
	}
}

func TestRegister(t *testing.T) {
	fn, _ := Lookup("naive")
	for _, name := range []string{"", " x", "naive", "simd"} {
		if err := Register(name, fn); err == nil {
			t.Errorf("Register(%q) succeeded", name)
		}
	}
	if err := Register("x", nil); err == nil {
		t.Error("Register with a nil kernel succeeded")
	}
	if names := strings.Join(Names(), " "); !strings.HasSuffix(names, "test-packed") {
		t.Errorf("Names() = %s, want the registered variant last", names)
	}
}
