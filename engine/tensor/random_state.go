package tensor

import (
	"encoding/binary"
	"fmt"
	"math"
)

// generatorStateSize is the length of a Generator's binary state: the
// LCG state and increment, the spare normal and its flag.
const generatorStateSize = 8 + 8 + 8 + 1

// MarshalBinary returns the generator's whole state in 25 bytes (little
// endian: state, increment, spare normal, has-spare flag), so that a
// training checkpoint (engine/checkpoint) can restore the random stream
// exactly where it was, like torch.get_rng_state.
func (g *Generator) MarshalBinary() ([]byte, error) {
	b := make([]byte, generatorStateSize)
	binary.LittleEndian.PutUint64(b[0:], g.state)
	binary.LittleEndian.PutUint64(b[8:], g.inc)
	binary.LittleEndian.PutUint64(b[16:], math.Float64bits(g.spare))
	if g.hasSpare {
		b[24] = 1
	}
	return b, nil
}

// UnmarshalBinary restores a state written by MarshalBinary, in place, so
// that every holder of the generator (DefaultGenerator's callers) draws
// the restored stream, like torch.set_rng_state. It refuses a state of
// the wrong length, an even increment (PCG's increment is always odd)
// and a flag other than 0 or 1, and then leaves g unchanged.
func (g *Generator) UnmarshalBinary(b []byte) error {
	if len(b) != generatorStateSize {
		return fmt.Errorf("generator state: %d bytes, expected %d", len(b), generatorStateSize)
	}
	inc := binary.LittleEndian.Uint64(b[8:])
	if inc&1 == 0 {
		return fmt.Errorf("generator state: increment %#x is even, expected an odd one", inc)
	}
	if b[24] > 1 {
		return fmt.Errorf("generator state: has-spare flag %d, expected 0 or 1", b[24])
	}
	g.state, g.inc = binary.LittleEndian.Uint64(b[0:]), inc
	g.spare, g.hasSpare = math.Float64frombits(binary.LittleEndian.Uint64(b[16:])), b[24] == 1
	return nil
}
