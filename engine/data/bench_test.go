package data

import (
	"testing"

	"tinytorch/engine/tensor"
)

// DataLoader throughput on 10,000 MNIST-sized images (1×28×28 bytes),
// batch 64, shuffled, in batches per second:
//
//	go test -run '^$' -bench Loader ./engine/data
func benchImages() *ImageSet {
	g := tensor.NewGenerator(1)
	pix := make([]uint8, 10000*784)
	labels := make([]uint8, 10000)
	for i := range pix {
		pix[i] = uint8(g.Uint32())
	}
	for i := range labels {
		labels[i] = uint8(g.Intn(10))
	}
	return must(NewImageSet("bench", pix, labels, DigitClasses, 1, 28, 28))
}

func benchLoader(b *testing.B, ds Dataset) {
	l := &DataLoader{Dataset: ds, BatchSize: 64, Shuffle: true, Seed: 1}
	batches := 0
	b.ResetTimer()
	for epoch := 0; b.Loop(); epoch++ {
		for _, err := range l.Batches(epoch) {
			if err != nil {
				b.Fatal(err)
			}
			batches++
		}
	}
	b.ReportMetric(float64(batches)/b.Elapsed().Seconds(), "batches/s")
	b.ReportMetric(float64(batches*64)/b.Elapsed().Seconds(), "samples/s")
}

func BenchmarkLoaderImages(b *testing.B) { benchLoader(b, benchImages()) }

func BenchmarkLoaderImagesTransformed(b *testing.B) {
	s := benchImages()
	s.Transform = Compose{RandomCrop{Size: 28, Padding: 4}, RandomHorizontalFlip{}, Normalize{[]float32{0.1307}, []float32{0.3081}}}
	benchLoader(b, s)
}

func BenchmarkLoaderTensorDataset(b *testing.B) {
	x, y := must2(benchImages().Tensors())
	benchLoader(b, must(NewTensorDataset(must(x.Reshape(10000, 784)), y)))
}
