package int8mm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// quantizeSpec is Quantize's definition written independently of its
// loops: round the float32 product half to even in float64, add the zero
// point, clamp to [lo+z, hi+z] (rounding first, clamping after, as
// engine/quant's quantizeValue does); NaN counts as 0.
func quantizeSpec(x, inv, lo, hi float32, z int32) int8 {
	r := float32(x * inv)
	if r != r {
		r = 0
	}
	v := math.RoundToEven(float64(r)) + float64(z)
	return int8(min(max(v, float64(lo)+float64(z)), float64(hi)+float64(z)))
}

// edgeValues are the inputs where a quantize loop could go wrong: ties
// at every half step of a power-of-two scale, both sides of the range,
// ±Inf, NaN, signed zeros, denormals and huge values.
func edgeValues(rng *rand.Rand, scale float32, n int) []float32 {
	special := []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), 0, float32(math.Copysign(0, -1)),
		math.MaxFloat32, -math.MaxFloat32, math.SmallestNonzeroFloat32, 1e-30, -1e-30, 3e38, -3e38}
	x := make([]float32, n)
	for i := range x {
		switch i % 4 {
		case 0: // a tie: (k + 1/2)·scale, for k across and beyond int8
			x[i] = (float32(rng.IntN(600)-300) + 0.5) * scale
		case 1:
			x[i] = special[rng.IntN(len(special))]
		default:
			x[i] = float32(rng.NormFloat64()*200) * scale
		}
	}
	return x
}

// bitRanges are the [qmin, qmax] of the bit widths engine/quant uses.
func bitRanges() [][2]int32 {
	var r [][2]int32
	for bits := 2; bits <= 8; bits++ {
		r = append(r, [2]int32{-1 << (bits - 1), 1<<(bits-1) - 1})
	}
	return r
}

func TestQuantizeMatchesSpec(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 2))
	for _, qr := range bitRanges() {
		for _, z := range []int32{qr[0], -1, 0, 3, qr[1]} {
			lo, hi := float32(qr[0]-z), float32(qr[1]-z)
			for _, scale := range []float32{0.25, 1, 0.0078125, 0.0371} { // powers of two make exact ties
				inv := 1 / scale
				for _, n := range []int{0, 1, 15, 16, 31, 32, 33, 64, 100, 1027} {
					x := edgeValues(rng, scale, n)
					q := make([]int8, n+3) // room past the end, which must stay 0
					Quantize(q, x, inv, lo, hi, z)
					fast := make([]int8, n)
					quantizeGo(fast, x, inv, lo, hi, z)
					for i, v := range x {
						want := quantizeSpec(v, inv, lo, hi, z)
						if q[i] != want || fast[i] != want {
							t.Fatalf("range %v z=%d scale=%v n=%d: x[%d]=%v gives Quantize %d, Go loop %d; want %d",
								qr, z, scale, n, i, v, q[i], fast[i], want)
						}
					}
					for i := n; i < len(q); i++ {
						if q[i] != 0 {
							t.Fatalf("Quantize wrote q[%d] past n=%d", i, n)
						}
					}
				}
			}
		}
	}
}

func TestQuantizeRejectsBadBounds(t *testing.T) {
	cases := []struct {
		lo, hi float32
		z      int32
		nq     int
	}{
		{-128.5, 127, 0, 4}, // not an integer
		{5, 4, 0, 4},        // lo > hi
		{-128, 127, 1, 4},   // hi+z = 128
		{-128, 127, -1, 4},  // lo+z = -129
		{-128, 127, 0, 3},   // q too short
	}
	for _, c := range cases {
		t.Run(fmt.Sprint(c), func(t *testing.T) {
			defer func() {
				if r := recover(); r == nil {
					t.Fatal("no panic")
				}
			}()
			Quantize(make([]int8, c.nq), make([]float32, 4), 1, c.lo, c.hi, c.z)
		})
	}
}

// dequantizeSpec is Dequantize's definition for one element, with the
// wrapping subtraction written in int64 and truncated.
func dequantizeSpec(acc, off int32, scale float32, bias []float32, j int) float32 {
	v := float32(int32(int64(acc)-int64(off))) * scale
	if bias != nil {
		v += bias[j]
	}
	return v
}

func TestDequantizeMatchesSpec(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 3))
	extremes := []int32{math.MinInt32, math.MaxInt32, 0, -1, 1 << 24, 1<<24 + 1, -(1<<24 + 3)} // wrap, and ties of the conversion
	for _, m := range []int{1, 2, 5} {
		for _, n := range []int{1, 7, 8, 9, 16, 17, 128} {
			for _, withBias := range []bool{false, true} {
				acc, off := make([]int32, m*n), make([]int32, n)
				scale, bias := make([]float32, n), []float32(nil)
				for i := range acc {
					acc[i] = int32(rng.Uint32())
					if i%3 == 0 {
						acc[i] = extremes[rng.IntN(len(extremes))]
					}
				}
				for j := range off {
					off[j] = int32(rng.IntN(1<<20) - 1<<19)
					if j%4 == 0 {
						off[j] = extremes[rng.IntN(len(extremes))]
					}
					scale[j] = float32(rng.Float64()*2-1) * 1e-3
				}
				if withBias {
					bias = make([]float32, n)
					for j := range bias {
						bias[j] = float32(rng.NormFloat64())
					}
					bias[0] = float32(math.Copysign(0, -1))
				} else {
					scale[0] = -1 // a zero accumulator then gives -0, which no bias may turn into +0
					acc[0], off[0] = 0, 0
				}
				y := make([]float32, m*n+2)
				Dequantize(y, acc, off, scale, bias, m, n)
				for i := range m {
					for j := range n {
						got, want := y[i*n+j], dequantizeSpec(acc[i*n+j], off[j], scale[j], bias, j)
						if math.Float32bits(got) != math.Float32bits(want) {
							t.Fatalf("m=%d n=%d bias=%v: y[%d,%d] = %v, want %v", m, n, withBias, i, j, got, want)
						}
					}
				}
				if y[m*n] != 0 || y[m*n+1] != 0 {
					t.Fatalf("m=%d n=%d: Dequantize wrote past m·n", m, n)
				}
			}
		}
	}
}

func TestDequantizeRejectsShortSlices(t *testing.T) {
	defer func() {
		if r := recover(); r == nil {
			t.Fatal("no panic for a bias of 1 value for n=2")
		}
	}()
	Dequantize(make([]float32, 4), make([]int32, 4), make([]int32, 2), make([]float32, 2), make([]float32, 1), 2, 2)
}

// TestInstalledEdges checks that installed loops are used where no
// assembly loop runs, and are handed what their contract says: the
// leading multiple of 16 elements to quantize, the whole matrix to
// dequantize.
func TestInstalledEdges(t *testing.T) {
	restore := withoutAssemblyEdges()
	defer restore()
	var quantized []int
	var dequantized [][2]int
	InstallEdges(func(q []int8, x []float32, inv, lo, hi float32, z int32) {
		quantized = append(quantized, len(x))
		quantizeGo(q, x, inv, lo, hi, z)
	}, func(y []float32, acc, off []int32, scale, bias []float32, m, n int) {
		dequantized = append(dequantized, [2]int{m, n})
		dequantizeGo(y, acc, off, scale, bias, m, n)
	})
	defer InstallEdges(nil, nil)
	x := make([]float32, 37)
	for i := range x {
		x[i] = float32(i) - 18.5
	}
	q := make([]int8, len(x))
	Quantize(q, x, 1, -128, 127, 0)
	for i, v := range x {
		if want := quantizeSpec(v, 1, -128, 127, 0); q[i] != want {
			t.Fatalf("q[%d] = %d, want %d", i, q[i], want)
		}
	}
	y := make([]float32, 6)
	Dequantize(y, []int32{1, 2, 3, 4, 5, 6}, []int32{1, 1, 1}, []float32{1, 2, 3}, nil, 2, 3)
	if fmt.Sprint(quantized, dequantized, y) != "[32] [[2 3]] [0 2 6 3 8 15]" {
		t.Fatalf("installed loops got %v and %v, y = %v", quantized, dequantized, y)
	}
}
