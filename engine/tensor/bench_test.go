package tensor

import (
	"fmt"
	"testing"
)

// Benchmarks print throughput: GFLOP/s for matmul (2·n³ floating-point
// operations per product), GB/s for elementwise ops and reductions (bytes
// read and written). Run them with
//
//	go test -run XXX -bench . ./engine/tensor

func BenchmarkMatmul(b *testing.B) {
	for _, n := range []int{64, 256, 1024} {
		if n == 1024 && testing.Short() {
			continue
		}
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			ManualSeed(1)
			x, y := must(Randn(n, n)), must(Randn(n, n))
			b.ResetTimer()
			for b.Loop() {
				must(x.Matmul(y))
			}
			flops := 2 * float64(n) * float64(n) * float64(n) * float64(b.N)
			b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

func BenchmarkAdd(b *testing.B) {
	for _, n := range []int{64, 256, 1024} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			x, y := must(Ones(n, n)), must(Ones(n, n))
			for b.Loop() {
				must(x.Add(y))
			}
			bytes := 3 * 4 * float64(n*n) * float64(b.N)
			b.ReportMetric(bytes/b.Elapsed().Seconds()/1e9, "GB/s")
		})
	}
}

func BenchmarkSum(b *testing.B) {
	for _, n := range []int{64, 256, 1024} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			x := must(Ones(n, n))
			for b.Loop() {
				must(x.Sum([]int{1}, false))
			}
			bytes := 4 * float64(n*n) * float64(b.N)
			b.ReportMetric(bytes/b.Elapsed().Seconds()/1e9, "GB/s")
		})
	}
}

func BenchmarkMaxPool2dLeNet(b *testing.B) {
	x := must(Rand(64, 6, 24, 24))
	w := Window{Kernel: [2]int{2, 2}, Stride: [2]int{2, 2}}
	for b.Loop() {
		must(x.MaxPool2d(w))
	}
}

// BenchmarkUnary times the elementwise functions of one tensor on a
// 1024×1024 tensor, through their direct loops and (generic) through the
// table's op.f called once per element.
func BenchmarkUnary(b *testing.B) {
	ops := []struct {
		name string
		f    func(*Tensor) *Tensor
	}{
		{"exp", (*Tensor).Exp}, {"log", (*Tensor).Log}, {"tanh", (*Tensor).Tanh},
		{"sigmoid", (*Tensor).Sigmoid}, {"gelu", (*Tensor).Gelu}, {"neg", (*Tensor).Neg},
		{"sqrt", (*Tensor).Sqrt}, {"abs", (*Tensor).Abs}, {"sin", (*Tensor).Sin}, {"cos", (*Tensor).Cos},
	}
	const n = 1024
	for _, op := range ops {
		for _, generic := range []bool{false, true} {
			name := op.name
			if generic {
				name += "/generic"
			}
			b.Run(name, func(b *testing.B) {
				genericOnly = generic
				defer func() { genericOnly = false }()
				ManualSeed(1)
				x := must(Rand(n, n)).AddScalar(0.5) // in (0.5, 1.5): log is defined
				for b.Loop() {
					op.f(x)
				}
				bytes := 2 * 4 * float64(n*n) * float64(b.N)
				b.ReportMetric(bytes/b.Elapsed().Seconds()/1e9, "GB/s")
			})
		}
	}
}
