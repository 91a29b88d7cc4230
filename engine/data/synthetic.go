package data

import (
	"fmt"
	"math"

	"tinytorch/engine/tensor"
)

// Synthetic datasets for the early chapters, scikit-learn's make_* sets.
// Each is generated from its own seeded generator (the tensor package's
// PCG32, whose Normal is bit-identical natively and under WebAssembly),
// in sample order, so a seed gives the same points everywhere. Inputs are
// X [N, 2] (Blobs: [N, dim]); class labels are Y [N] holding 0, 1, …,
// ready for CrossEntropy; samples are ordered by class, as scikit-learn
// orders them, so shuffle in the DataLoader. Noise is the standard
// deviation of Gaussian noise added to each coordinate.
//
// Products are converted to float64 explicitly before they are added, so
// no compiler may fuse them into an FMA that rounds differently on another
// platform.

// synth collects points and labels.
type synth struct {
	x, y []float32
	g    *tensor.Generator
	dim  int
}

func newSynth(op string, n, dim int, noise float64, seed uint64) (*synth, error) {
	if n <= 0 {
		return nil, fmt.Errorf("%s: the number of samples %d must be positive", op, n)
	}
	if noise < 0 || math.IsNaN(noise) {
		return nil, fmt.Errorf("%s: noise %g must not be negative", op, noise)
	}
	if err := tensor.CheckShape(op, n, dim); err != nil {
		return nil, err // before the arrays below are allocated
	}
	return &synth{x: make([]float32, 0, n*dim), y: make([]float32, 0, n), g: tensor.NewGenerator(seed), dim: dim}, nil
}

// add appends a point with noise on every coordinate, and its label.
func (s *synth) add(label int, noise float64, coords ...float64) {
	for _, c := range coords {
		s.x = append(s.x, float32(c+float64(noise*s.g.Normal())))
	}
	s.y = append(s.y, float32(label))
}

func (s *synth) dataset() (*TensorDataset, error) {
	n := len(s.y)
	x, err := tensor.New(s.x, n, s.dim)
	if err != nil {
		return nil, err
	}
	y, err := tensor.New(s.y, n)
	if err != nil {
		return nil, err
	}
	return NewTensorDataset(x, y)
}

// split returns how many of n samples go to each of k classes: n/k each,
// the remainder to the first classes.
func split(n, k int) []int {
	out := make([]int, k)
	for i := range out {
		out[i] = n / k
		if i < n%k {
			out[i]++
		}
	}
	return out
}

// XOR is the exclusive-or problem that a single layer cannot solve
// (Minsky and Papert, 1969): points near the corners (0,0), (0,1), (1,0),
// (1,1) in turn, labelled 0, 1, 1, 0. XOR(4, 0, seed) is the truth table.
func XOR(n int, noise float64, seed uint64) (*TensorDataset, error) {
	s, err := newSynth("XOR", n, 2, noise, seed)
	if err != nil {
		return nil, err
	}
	for i := range n {
		a, b := (i>>1)&1, i&1
		s.add(a^b, noise, float64(a), float64(b))
	}
	return s.dataset()
}

// Spirals is two interleaved spirals of 1¾ turns each, one per class
// (the first ⌈n/2⌉ points are class 0).
func Spirals(n int, noise float64, seed uint64) (*TensorDataset, error) {
	s, err := newSynth("spirals", n, 2, noise, seed)
	if err != nil {
		return nil, err
	}
	for k, m := range split(n, 2) {
		for i := range m {
			t := float64(i) / float64(max(m, 1))
			r := 0.05 + float64(0.95*t)
			theta := float64(3.5*math.Pi*t) + float64(k)*math.Pi
			s.add(k, noise, float64(r*math.Cos(theta)), float64(r*math.Sin(theta)))
		}
	}
	return s.dataset()
}

// Moons is two interleaving half circles, scikit-learn's make_moons: class
// 0 on the upper arc (cos πt, sin πt), class 1 on the lower one
// (1 - cos πt, ½ - sin πt), t from 0 to 1.
func Moons(n int, noise float64, seed uint64) (*TensorDataset, error) {
	s, err := newSynth("moons", n, 2, noise, seed)
	if err != nil {
		return nil, err
	}
	for k, m := range split(n, 2) {
		for i := range m {
			a := math.Pi * float64(i) / float64(max(m-1, 1))
			if k == 0 {
				s.add(0, noise, math.Cos(a), math.Sin(a))
			} else {
				s.add(1, noise, 1-math.Cos(a), 0.5-math.Sin(a))
			}
		}
	}
	return s.dataset()
}

// Circles is a circle of radius 1 (class 0) around one of radius factor
// (class 1, 0 < factor < 1), scikit-learn's make_circles.
func Circles(n int, noise, factor float64, seed uint64) (*TensorDataset, error) {
	if !(factor > 0 && factor < 1) {
		return nil, fmt.Errorf("circles: factor %g must be between 0 and 1", factor)
	}
	s, err := newSynth("circles", n, 2, noise, seed)
	if err != nil {
		return nil, err
	}
	for k, m := range split(n, 2) {
		r := 1.0
		if k == 1 {
			r = factor
		}
		for i := range m {
			a := 2 * math.Pi * float64(i) / float64(m)
			s.add(k, noise, float64(r*math.Cos(a)), float64(r*math.Sin(a)))
		}
	}
	return s.dataset()
}

// Blobs is centers Gaussian clusters in dim dimensions with standard
// deviation std, scikit-learn's make_blobs: the centers are drawn first,
// uniformly in [-10, 10]^dim, then the points of class 0, 1, ….
func Blobs(n, centers, dim int, std float64, seed uint64) (*TensorDataset, error) {
	if centers <= 0 || dim <= 0 {
		return nil, fmt.Errorf("blobs: %d centers in %d dimensions: both must be positive", centers, dim)
	}
	s, err := newSynth("blobs", n, dim, std, seed)
	if err != nil {
		return nil, err
	}
	c := make([]float64, centers*dim)
	for i := range c {
		c[i] = float64(20*float64(s.g.Float32())) - 10
	}
	for k, m := range split(n, centers) {
		for range m {
			s.add(k, std, c[k*dim:(k+1)*dim]...)
		}
	}
	return s.dataset()
}

// LinearRegression draws X [n, len(weights)] from a standard normal and
// sets Y [n, 1] = X·weights + bias + noise·ε, ε standard normal: a line (or
// plane) to recover with a Linear layer and MSE.
func LinearRegression(n int, weights []float64, bias, noise float64, seed uint64) (*TensorDataset, error) {
	d := len(weights)
	if d == 0 {
		return nil, fmt.Errorf("linearRegression: no weights")
	}
	s, err := newSynth("linearRegression", n, d, noise, seed)
	if err != nil {
		return nil, err
	}
	for range n {
		y := bias
		for _, w := range weights {
			v := float32(s.g.Normal())
			s.x = append(s.x, v)
			y += float64(w * float64(v))
		}
		y += float64(noise * s.g.Normal())
		s.y = append(s.y, float32(y))
	}
	x, err := tensor.New(s.x, n, d)
	if err != nil {
		return nil, err
	}
	yt, err := tensor.New(s.y, n, 1)
	if err != nil {
		return nil, err
	}
	return NewTensorDataset(x, yt)
}
