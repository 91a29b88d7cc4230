package int8mm

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// benchShapes are the milestone MLP's layers at batch 1 and 64
// (784→128→10) and a square product, as m, n, k.
var benchShapes = [][3]int{{1, 128, 784}, {64, 128, 784}, {64, 10, 128}, {256, 256, 256}}

// BenchmarkMatMulNT times every variant on benchShapes, through a Packed
// B as a quantized Linear layer calls it, and reports GOP/s (2mnk int8
// operations per call).
func BenchmarkMatMulNT(b *testing.B) {
	defer restoreB(b)
	for _, name := range Names() {
		for _, s := range benchShapes {
			m, n, k := s[0], s[1], s[2]
			b.Run(fmt.Sprintf("%s/m=%d/n=%d/k=%d", name, m, n, k), func(b *testing.B) {
				if err := Use(name); err != nil {
					b.Fatal(err)
				}
				r := rand.New(rand.NewPCG(1, 2))
				x, w := randomInt8(r, m*k), Pack(randomInt8(r, n*k), n, k)
				c := make([]int32, m*n)
				for b.Loop() {
					w.MatMul(c, x, m)
				}
				ops := 2 * float64(m*n*k) * float64(b.N)
				b.ReportMetric(ops/b.Elapsed().Seconds()/1e9, "GOP/s")
			})
		}
	}
}

// BenchmarkPeak reports each peak loop's rate in GOP/s.
func BenchmarkPeak(b *testing.B) {
	for _, p := range Peaks() {
		b.Run(p.Instruction, func(b *testing.B) {
			var rate float64
			for b.Loop() {
				rate = p.Measure(20 * time.Millisecond)
			}
			b.ReportMetric(rate/1e9, "GOP/s")
		})
	}
}

// restoreB puts back the fastest variant after a benchmark forced others.
func restoreB(b *testing.B) {
	if err := Use(Names()[len(Names())-1]); err != nil {
		b.Fatal(err)
	}
}

// TestPeaksMeasure checks every peak loop runs and gives a positive,
// finite rate, and that each names a variant this machine has.
func TestPeaksMeasure(t *testing.T) {
	for _, p := range Peaks() {
		rate := p.Measure(time.Millisecond)
		if !(rate > 1e6 && rate < 1e15) {
			t.Errorf("%s: %g ops/s, want a plausible rate", p.Instruction, rate)
		}
		if Use(p.Variant) != nil {
			t.Errorf("%s names variant %q, which this machine lacks", p.Instruction, p.Variant)
		}
		t.Logf("%s (%s): %.1f GOP/s", p.Instruction, p.Variant, rate/1e9)
	}
	restore(t)
}
