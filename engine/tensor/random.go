package tensor

import (
	"fmt"
	"math"
	"strings"
)

// Generator is a seedable source of random numbers: PCG32, the
// "PCG-XSH-RR 64/32" generator of M. E. O'Neill (pcg-random.org). Its state
// is a 64-bit linear congruential generator; each output permutes the old
// state (xorshift, then a rotation chosen by the top bits) into 32 bits.
//
// Everything is integer arithmetic plus a few float64 operations that IEEE
// 754 rounds the same way on every platform (see Normal), so a seed gives
// the same stream natively and under WebAssembly. It is not math/rand,
// whose algorithm is not part of Go's compatibility promise.
type Generator struct {
	state, inc uint64
	spare      float64 // second normal of the last polar-method pair
	hasSpare   bool
}

// pcgStream selects PCG32's stream; any odd increment works. This is the
// one from the PCG reference implementation's default initializer.
const pcgStream = 0xda3e39cb94b95bdb

// NewGenerator returns a generator seeded with seed, following the
// reference seeding routine pcg32_srandom_r(seed, stream).
func NewGenerator(seed uint64) *Generator { return newPCG(seed, pcgStream) }

// newPCG is pcg32_srandom_r: any seed and stream (sequence) number.
func newPCG(seed, stream uint64) *Generator {
	g := &Generator{inc: stream<<1 | 1}
	g.Uint32()
	g.state += seed
	g.Uint32()
	return g
}

// Uint32 returns the next 32 random bits.
func (g *Generator) Uint32() uint32 {
	old := g.state
	g.state = old*6364136223846793005 + g.inc
	xorshifted := uint32(((old >> 18) ^ old) >> 27)
	rot := uint32(old >> 59)
	return xorshifted>>rot | xorshifted<<((-rot)&31)
}

// Float32 returns a uniform number in [0, 1): the top 24 bits of Uint32
// scaled by 2⁻²⁴, so every value is exactly representable.
func (g *Generator) Float32() float32 { return float32(g.Uint32()>>8) / (1 << 24) }

// Intn returns a uniform integer in [0, n) for 0 < n ≤ 2³². It rejects the
// few draws above the largest multiple of n, which would favour small values.
func (g *Generator) Intn(n int) int {
	limit := (uint64(1) << 32) / uint64(n) * uint64(n)
	for {
		x := uint64(g.Uint32())
		if x < limit {
			return int(x % uint64(n))
		}
	}
}

// Normal returns a standard normal number, by Marsaglia's polar method:
// draw (u, v) uniformly in the square [-1, 1)², keep it if it falls
// inside the unit circle (s = u²+v² < 1), and return u·√(-2 ln s / s);
// the pair gives a second normal, v·√(-2 ln s / s), kept for the next call.
// It needs only +, ×, ÷, √ and a logarithm computed by portableLog, all
// rounded identically everywhere. (Explicit float64 conversions stop the
// compiler from fusing a multiply and an add on CPUs that have FMA.)
func (g *Generator) Normal() float64 {
	if g.hasSpare {
		g.hasSpare = false
		return g.spare
	}
	for {
		u := float64(g.Uint32())/(1<<31) - 1
		v := float64(g.Uint32())/(1<<31) - 1
		s := float64(u*u) + float64(v*v)
		if s >= 1 || s == 0 {
			continue
		}
		f := math.Sqrt(-2 * portableLog(s) / s)
		g.spare, g.hasSpare = v*f, true
		return u * f
	}
}

// Perm returns a random permutation of 0..n-1 (Fisher–Yates shuffle).
func (g *Generator) Perm(n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	for i := n - 1; i > 0; i-- {
		j := g.Intn(i + 1)
		p[i], p[j] = p[j], p[i]
	}
	return p
}

// portableLog computes ln x for x > 0. Go's math.Log runs assembly on some
// CPUs and Go code on others, which may differ in the last bit; this one
// uses only exactly rounded operations. With x = m·2^e and m in [√½, √2),
// ln x = e·ln 2 + 2·atanh(s) where s = (m-1)/(m+1), |s| < 0.172, and the
// series atanh(s) = s + s³/3 + s⁵/5 + … converges fast.
func portableLog(x float64) float64 {
	m, e := math.Frexp(x)
	if m < math.Sqrt2/2 {
		m, e = m*2, e-1
	}
	s := (m - 1) / (m + 1)
	s2 := s * s
	sum, term := 0.0, s
	for k := 1.0; k < 40; k += 2 {
		sum += float64(term / k)
		term *= s2
	}
	return float64(2*sum) + float64(float64(e)*math.Ln2)
}

// defaultGen is the package's generator, used by Rand, Randn, Randint and
// the *Like variants.
var defaultGen = NewGenerator(0)

// ManualSeed reseeds the package's generator, like torch.manual_seed: the
// random tensors made afterwards are the same on every run and platform.
// (The streams differ from PyTorch's, which uses another algorithm.)
func ManualSeed(seed uint64) { defaultGen = NewGenerator(seed) }

// DefaultGenerator returns the package's generator, for code that needs
// random numbers from the same seeded stream (shuffling, dropout).
func DefaultGenerator() *Generator { return defaultGen }

// Rand returns a tensor of uniform numbers in [0, 1).
func Rand(shape ...int) (*Tensor, error) {
	return fill("rand", shape, func() float32 { return defaultGen.Float32() })
}

// Randn returns a tensor of standard normal numbers.
func Randn(shape ...int) (*Tensor, error) {
	return fill("randn", shape, func() float32 { return float32(defaultGen.Normal()) })
}

// Randint returns a tensor of uniform whole numbers in [low, high), stored
// as float32.
func Randint(low, high int, shape ...int) (*Tensor, error) {
	if high <= low || high-low > 1<<32 {
		return nil, errorf("randint: range [%d, %d) is empty or wider than 2³², expected low < high", low, high)
	}
	return fill("randint", shape, func() float32 { return float32(low + defaultGen.Intn(high-low)) })
}

// RandLike returns uniform numbers in [0, 1) shaped like t.
func RandLike(t *Tensor) *Tensor { return must(Rand(t.shape...)) }

// RandnLike returns standard normal numbers shaped like t.
func RandnLike(t *Tensor) *Tensor { return must(Randn(t.shape...)) }

// RandintLike returns uniform whole numbers in [low, high) shaped like t,
// like torch.randint_like(t, low, high).
func RandintLike(t *Tensor, low, high int) (*Tensor, error) {
	out, err := Randint(low, high, t.shape...)
	if err != nil {
		return nil, fmt.Errorf("randintLike%s", strings.TrimPrefix(err.Error(), "randint"))
	}
	return out, nil
}

// fill makes a tensor whose elements are produced in row-major order by next.
func fill(op string, shape []int, next func() float32) (*Tensor, error) {
	n, err := numel(op, shape)
	if err != nil {
		return nil, err
	}
	data := make([]float32, n)
	for i := range data {
		data[i] = next()
	}
	return fromData(data, shape), nil
}
