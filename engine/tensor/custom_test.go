package tensor

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// mulFn is x·y elementwise as a Function, with the textbook backward
// (g·y, g·x). Its gradients have the broadcast shape of the output, so a
// broadcast input also checks that they are summed down to the input.
func mulFn() *Function {
	return &Function{
		Name: "MyMul",
		Forward: func(ctx *Context, in ...*Tensor) ([]*Tensor, error) {
			ctx.SaveForBackward(in[0], in[1])
			y, err := in[0].Mul(in[1])
			return []*Tensor{y}, err
		},
		Backward: func(ctx *Context, g ...*Tensor) ([]*Tensor, error) {
			s := ctx.SavedTensors()
			grads := make([]*Tensor, 2)
			var err error
			if ctx.NeedsInputGrad(0) {
				if grads[0], err = g[0].Mul(s[1]); err != nil {
					return nil, err
				}
			}
			if ctx.NeedsInputGrad(1) {
				grads[1], err = g[0].Mul(s[0])
			}
			return grads, err
		},
	}
}

// scaleTwoFn returns (2x, 3x): two outputs from one Backward.
func scaleTwoFn() *Function {
	return &Function{
		Name: "TwoScales",
		Forward: func(ctx *Context, in ...*Tensor) ([]*Tensor, error) {
			return []*Tensor{in[0].MulScalar(2), in[0].MulScalar(3)}, nil
		},
		Backward: func(ctx *Context, g ...*Tensor) ([]*Tensor, error) {
			d, err := g[0].MulScalar(2).Add(g[1].MulScalar(3))
			return []*Tensor{d}, err
		},
	}
}

// TestFunctionGradients runs each program twice, once with the custom
// Function and once with the engine's own ops, and compares the outputs
// and every leaf's gradient.
func TestFunctionGradients(t *testing.T) {
	mk := func(data []float32, shape []int, grad bool) *Tensor {
		x := must(New(slices.Clone(data), shape...))
		if grad {
			_ = x.SetRequiresGrad(true)
		}
		return x
	}
	a := []float32{0.5, -1, 2, 3, -0.25, 1.5}
	b := []float32{2, -3, 0.5}
	cases := []struct {
		name   string
		leaves func() []*Tensor
		custom func(l []*Tensor) (*Tensor, error)
		engine func(l []*Tensor) (*Tensor, error)
	}{
		{"same shapes",
			func() []*Tensor { return []*Tensor{mk(a, []int{2, 3}, true), mk(a, []int{2, 3}, true)} },
			func(l []*Tensor) (*Tensor, error) { return mulFn().Apply1(l[0], l[1]) },
			func(l []*Tensor) (*Tensor, error) { return l[0].Mul(l[1]) }},
		{"broadcast input [3] against [2, 3]",
			func() []*Tensor { return []*Tensor{mk(a, []int{2, 3}, true), mk(b, []int{3}, true)} },
			func(l []*Tensor) (*Tensor, error) { return mulFn().Apply1(l[0], l[1]) },
			func(l []*Tensor) (*Tensor, error) { return l[0].Mul(l[1]) }},
		{"broadcast input [2, 1] against [2, 3]",
			func() []*Tensor { return []*Tensor{mk(a, []int{2, 3}, true), mk(b[:2], []int{2, 1}, true)} },
			func(l []*Tensor) (*Tensor, error) { return mulFn().Apply1(l[1], l[0]) },
			func(l []*Tensor) (*Tensor, error) { return l[1].Mul(l[0]) }},
		{"input without requiresGrad",
			func() []*Tensor { return []*Tensor{mk(a, []int{2, 3}, true), mk(b, []int{3}, false)} },
			func(l []*Tensor) (*Tensor, error) { return mulFn().Apply1(l[0], l[1]) },
			func(l []*Tensor) (*Tensor, error) { return l[0].Mul(l[1]) }},
		{"composed: exp(f(x·y, x))",
			func() []*Tensor { return []*Tensor{mk(a, []int{2, 3}, true), mk(b, []int{3}, true)} },
			func(l []*Tensor) (*Tensor, error) {
				xy := must(l[0].Mul(l[1]))
				y, err := mulFn().Apply1(xy, l[0])
				return y.MulScalar(0.1).Exp(), err
			},
			func(l []*Tensor) (*Tensor, error) {
				return must(must(l[0].Mul(l[1])).Mul(l[0])).MulScalar(0.1).Exp(), nil
			}},
		{"used twice (diamond)",
			func() []*Tensor { return []*Tensor{mk(a, []int{2, 3}, true)} },
			func(l []*Tensor) (*Tensor, error) {
				y, err := mulFn().Apply1(l[0], l[0])
				return must(y.Add(l[0])), err
			},
			func(l []*Tensor) (*Tensor, error) { return must(must(l[0].Mul(l[0])).Add(l[0])), nil }},
		{"two outputs, both used",
			func() []*Tensor { return []*Tensor{mk(a, []int{3, 2}, true)} },
			func(l []*Tensor) (*Tensor, error) {
				o, err := scaleTwoFn().Apply(l[0])
				if err != nil {
					return nil, err
				}
				return o[0].Mul(o[1].Exp())
			},
			func(l []*Tensor) (*Tensor, error) { return l[0].MulScalar(2).Mul(l[0].MulScalar(3).Exp()) }},
		{"two outputs, the second unused",
			func() []*Tensor { return []*Tensor{mk(a, []int{3, 2}, true)} },
			func(l []*Tensor) (*Tensor, error) {
				o, err := scaleTwoFn().Apply(l[0])
				if err != nil {
					return nil, err
				}
				return o[0].Exp(), nil
			},
			func(l []*Tensor) (*Tensor, error) { return l[0].MulScalar(2).Exp(), nil }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			run := func(f func(l []*Tensor) (*Tensor, error)) ([]float32, [][]float32) {
				leaves := c.leaves()
				y, err := f(leaves)
				if err != nil {
					t.Fatal(err)
				}
				if err := y.SumAll().Backward(); err != nil {
					t.Fatal(err)
				}
				grads := make([][]float32, len(leaves))
				for i, l := range leaves {
					if l.Grad() != nil {
						grads[i] = l.Grad().Data()
					}
				}
				return y.Data(), grads
			}
			gotY, gotG := run(c.custom)
			wantY, wantG := run(c.engine)
			if !slices.Equal(gotY, wantY) {
				t.Errorf("output %v, engine ops give %v", gotY, wantY)
			}
			for i := range wantG {
				if !slices.Equal(gotG[i], wantG[i]) {
					t.Errorf("gradient of leaf %d: %v, engine ops give %v", i, gotG[i], wantG[i])
				}
			}
		})
	}
}

// TestFunctionErrors: every mistake in user code is an error that names
// the function, says what it returned and what was expected; Backward
// reports the mistakes of a backward function.
func TestFunctionErrors(t *testing.T) {
	fwd := func(f func(in []*Tensor) ([]*Tensor, error)) func(*Context, ...*Tensor) ([]*Tensor, error) {
		return func(_ *Context, in ...*Tensor) ([]*Tensor, error) { return f(in) }
	}
	bwd := func(f func(g []*Tensor) ([]*Tensor, error)) func(*Context, ...*Tensor) ([]*Tensor, error) {
		return func(_ *Context, g ...*Tensor) ([]*Tensor, error) { return f(g) }
	}
	identity := fwd(func(in []*Tensor) ([]*Tensor, error) { return []*Tensor{in[0].MulScalar(1)}, nil })
	passBoth := bwd(func(g []*Tensor) ([]*Tensor, error) { return []*Tensor{g[0], g[0]}, nil })
	cases := []struct {
		name     string
		fn       Function
		inBwd    bool     // the error comes from Backward, not Apply
		contains []string // substrings of the message
	}{
		{"no name", Function{Forward: identity, Backward: passBoth}, false,
			[]string{"Name is empty"}},
		{"forward nil", Function{Name: "F", Backward: passBoth}, false,
			[]string{`"F"`, "Forward is nil"}},
		{"forward returns nil", Function{Name: "F", Forward: fwd(func([]*Tensor) ([]*Tensor, error) { return []*Tensor{nil}, nil }), Backward: passBoth}, false,
			[]string{`autograd function "F": forward returned nil as output 0 of 1; expected a tensor`}},
		{"forward returns nothing", Function{Name: "F", Forward: fwd(func([]*Tensor) ([]*Tensor, error) { return nil, nil }), Backward: passBoth}, false,
			[]string{`"F": forward returned no outputs; expected at least one tensor`}},
		{"forward fails", Function{Name: "F", Forward: fwd(func(in []*Tensor) ([]*Tensor, error) {
			y, err := in[0].Matmul(in[0])
			return []*Tensor{y}, err
		}), Backward: passBoth}, false,
			[]string{`autograd function "F": forward: matmul`, "[2, 3]"}},
		{"forward panics", Function{Name: "F", Forward: fwd(func(in []*Tensor) ([]*Tensor, error) { return []*Tensor{in[5]}, nil }), Backward: passBoth}, false,
			[]string{`autograd function "F": forward panicked: runtime error: index out of range [5] with length 2`}},
		{"too few gradients", Function{Name: "F", Forward: identity, Backward: bwd(func(g []*Tensor) ([]*Tensor, error) { return []*Tensor{g[0]}, nil })}, true,
			[]string{`backward: autograd function "F" returned 1 gradients, expected 2`}},
		{"extra gradient", Function{Name: "F", Forward: identity, Backward: bwd(func(g []*Tensor) ([]*Tensor, error) { return []*Tensor{g[0], g[0], g[0]}, nil })}, true,
			[]string{`"F" returned 3 gradients, expected 2`, "gradient 2, of shape [2, 3], has no input"}},
		{"transposed gradient", Function{Name: "F", Forward: identity, Backward: bwd(func(g []*Tensor) ([]*Tensor, error) {
			return []*Tensor{g[0], must(g[0].Transpose(0, 1))}, nil
		})}, true,
			[]string{`"F" returned a gradient of shape [3, 2] for input 1; expected the input's shape [2, 3]`}},
		{"backward fails", Function{Name: "F", Forward: identity, Backward: bwd(func(g []*Tensor) ([]*Tensor, error) {
			return nil, errors.New("not written yet")
		})}, true,
			[]string{`backward: autograd function "F": not written yet`}},
		{"backward panics", Function{Name: "F", Forward: identity, Backward: bwd(func(g []*Tensor) ([]*Tensor, error) {
			return []*Tensor{g[3]}, nil
		})}, true,
			[]string{`backward: autograd function "F": backward panicked: runtime error: index out of range [3] with length 1`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			x := param(t, []float32{1, 2, 3, 4, 5, 6}, 2, 3)
			y := param(t, []float32{1, 2, 3, 4, 5, 6}, 2, 3)
			out, err := c.fn.Apply1(x, y)
			if c.inBwd {
				if err != nil {
					t.Fatalf("Apply: %v", err)
				}
				if out.GradFn() != "F" {
					t.Errorf("GradFn() = %q, want F", out.GradFn())
				}
				err = out.SumAll().Backward()
			}
			if err == nil {
				t.Fatal("no error")
			}
			for _, s := range c.contains {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not contain %q", err, s)
				}
			}
		})
	}
}

// TestFunctionGraphRules: the engine's rules for its own ops hold for a
// Function: no graph under NoGrad, a saved tensor modified in place is
// refused, a released graph cannot be run twice, and an input returned
// as it is does not lose its own place in the graph.
func TestFunctionGraphRules(t *testing.T) {
	x := param(t, []float32{1, 2, 3}, 3)
	var y *Tensor
	NoGrad(func() { y = must(mulFn().Apply1(x, x)) })
	if y.RequiresGrad() || y.GradFn() != "" {
		t.Errorf("under NoGrad: requiresGrad %v, GradFn %q; want false, none", y.RequiresGrad(), y.GradFn())
	}

	c := must(New([]float32{4, 5, 6}, 3))
	y = must(mulFn().Apply1(x, c))
	if _, err := c.AddScalarInPlace(1); err != nil {
		t.Fatal(err)
	}
	err := y.SumAll().Backward()
	if err == nil || !strings.Contains(err.Error(), "MyMul saved for the backward pass was modified in place") {
		t.Errorf("Backward after modifying a saved tensor: %v", err)
	}

	y = must(mulFn().Apply1(x, x))
	ones := BackwardOptions{Gradient: OnesLike(y)}
	if err := y.BackwardWith(ones); err != nil {
		t.Fatal(err)
	}
	if err := y.BackwardWith(ones); err == nil || !strings.Contains(err.Error(), "through MyMul") {
		t.Errorf("second Backward: %v, want a released-graph error through MyMul", err)
	}

	x.ZeroGrad()
	same := &Function{Name: "Same",
		Forward:  func(_ *Context, in ...*Tensor) ([]*Tensor, error) { return in, nil },
		Backward: func(_ *Context, g ...*Tensor) ([]*Tensor, error) { return []*Tensor{g[0].MulScalar(5)}, nil }}
	z := must(same.Apply1(x))
	if z == x || !x.IsLeaf() || z.GradFn() != "Same" {
		t.Fatalf("an input returned as output: new tensor %v, input still a leaf %v, GradFn %q", z != x, x.IsLeaf(), z.GradFn())
	}
	if err := z.SumAll().Backward(); err != nil {
		t.Fatal(err)
	}
	wantData(t, "grad", x.Grad(), []int{3}, []float32{5, 5, 5})
}

// opLog is an Observer that lists the ops and backward nodes it hears of.
type opLog struct{ ops, nodes []string }

func (o *opLog) Alloc(*Tensor, []float32) {}
func (o *opLog) Op(name string, _, _ []*Tensor, _ *Tensor) any {
	o.ops = append(o.ops, name)
	return name
}
func (o *opLog) BackwardStart(*Tensor)                      {}
func (o *opLog) BackwardEnd(*Tensor)                        {}
func (o *opLog) NodeStart(name string, _, _ *Tensor, _ any) { o.nodes = append(o.nodes, name) }
func (o *opLog) NodeEnd(string, *Tensor, any, []*Tensor)    {}

// TestFunctionObserved: the profiler's hook hears the Function under its
// own name, after the ops its forward ran, and its backward node by name.
func TestFunctionObserved(t *testing.T) {
	log := &opLog{}
	prev := SetObserver(log)
	defer SetObserver(prev)
	x := param(t, []float32{1, 2, 3}, 3)
	y := must(mulFn().Apply1(x, x))
	if err := y.SumAll().Backward(); err != nil {
		t.Fatal(err)
	}
	if want := []string{"mul", "MyMul", "sum"}; !slices.Equal(log.ops[:3], want) {
		t.Errorf("ops %v, want %v first", log.ops, want)
	}
	if !slices.Contains(log.nodes, "MyMul") {
		t.Errorf("backward nodes %v, want MyMul among them", log.nodes)
	}
}

// TestFunctionSeveralOutputsGraphWalk: the outputs of a function with
// several outputs carry its name, and walking the graph through Inputs
// (as a student's topological sort does) meets only ordinary tensors,
// whose values can be read, down to the leaf.
func TestFunctionSeveralOutputsGraphWalk(t *testing.T) {
	x := param(t, []float32{1, 2, 3}, 3)
	outs := must2(scaleTwoFn().Apply(x))
	if outs[0].GradFn() != "TwoScales" || outs[1].GradFn() != "TwoScales" {
		t.Errorf("GradFn %q, %q; want TwoScales", outs[0].GradFn(), outs[1].GradFn())
	}
	y := must(outs[0].Add(outs[1]))
	seen, reachedLeaf := 0, false
	var walk func(u *Tensor)
	walk = func(u *Tensor) {
		seen++
		_ = u.Data() // must not panic
		reachedLeaf = reachedLeaf || u == x
		for _, in := range u.Inputs() {
			walk(in)
		}
	}
	walk(y)
	if !reachedLeaf || seen < 4 {
		t.Errorf("the walk met %d tensors and reached the leaf: %v", seen, reachedLeaf)
	}
	NoGrad(func() { outs = must2(scaleTwoFn().Apply(x)) })
	if outs[0].GradFn() != "" || outs[1].RequiresGrad() {
		t.Error("outputs under NoGrad are in the graph")
	}
}

// TestFunctionRandomBroadcasts runs 300 random programs: two operands of
// random broadcast-compatible shapes (ranks 0 to 3, sizes 0 to 3, size-1
// dimensions stretched), some without requiresGrad, through the user's
// MyMul and through the engine's Mul, and requires the same output and
// gradients bit for bit: the gradients MyMul returns have the output's
// broadcast shape and are summed down as for the engine's own ops.
func TestFunctionRandomBroadcasts(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 34))
	for prog := range 300 {
		rank := rng.IntN(4)
		full := make([]int, rank)
		for d := range full {
			full[d] = rng.IntN(4)
		}
		shapeOf := func() []int {
			lead := rng.IntN(rank + 1)
			s := slices.Clone(full[lead:])
			for d := range s {
				if rng.IntN(3) == 0 {
					s[d] = 1
				}
			}
			return s
		}
		sa, sb := shapeOf(), shapeOf()
		grads := [2]bool{rng.IntN(4) != 0, rng.IntN(4) != 0}
		leaves := func() []*Tensor {
			vals := rand.New(rand.NewPCG(56, uint64(prog))) // the same values for both runs
			var ls []*Tensor
			for i, s := range [][]int{sa, sb} {
				data := make([]float32, product(s))
				for j := range data {
					data[j] = float32(vals.IntN(9)-4) / 2
				}
				x := must(New(data, s...))
				_ = x.SetRequiresGrad(grads[i])
				ls = append(ls, x)
			}
			return ls
		}
		run := func(f func(a, b *Tensor) (*Tensor, error)) ([]float32, [2][]float32, error) {
			l := leaves()
			y, err := f(l[0], l[1])
			if err != nil {
				return nil, [2][]float32{}, err
			}
			var g [2][]float32
			if y.RequiresGrad() {
				if err := y.SumAll().Backward(); err != nil {
					return nil, g, err
				}
				for i := range l {
					if l[i].Grad() != nil {
						g[i] = l[i].Grad().Data()
					}
				}
			}
			return y.Data(), g, nil
		}
		gotY, gotG, err := run(func(a, b *Tensor) (*Tensor, error) { return mulFn().Apply1(a, b) })
		wantY, wantG, wantErr := run(func(a, b *Tensor) (*Tensor, error) { return a.Mul(b) })
		if err != nil || wantErr != nil {
			t.Fatalf("program %d, shapes %v and %v: %v / engine %v", prog, sa, sb, err, wantErr)
		}
		if !slices.Equal(gotY, wantY) || !slices.Equal(gotG[0], wantG[0]) || !slices.Equal(gotG[1], wantG[1]) {
			t.Fatalf("program %d, shapes %v and %v (requiresGrad %v): output %v grads %v; engine %v %v", prog, sa, sb, grads, gotY, gotG, wantY, wantG)
		}
	}
}

// A gradient that a custom Backward receives or returns may be kept by
// the user's code, as a cell may keep it to plot it: backward never gives
// its buffer back to the pool, so it keeps its values after backward
// (both are large enough for the pool).
func TestCustomBackwardGradientStaysReadable(t *testing.T) {
	n := 2 * poolMinFloats
	xs, ws := make([]float32, n), make([]float32, n)
	for i := range xs {
		xs[i] = float32(i%9) - 4
		ws[i] = float32(i%5) + 0.5
	}
	var received, kept *Tensor
	keep := &Function{Name: "keep",
		Forward: func(ctx *Context, in ...*Tensor) ([]*Tensor, error) { return []*Tensor{in[0].Detach().Clone()}, nil },
		Backward: func(ctx *Context, g ...*Tensor) ([]*Tensor, error) {
			received, kept = g[0], g[0].MulScalar(1)
			return []*Tensor{kept}, nil
		}}
	x := param(t, xs, n)
	w := must(New(ws, n))
	// The product's backward makes the gradient keep receives, a pooled
	// buffer of its own.
	out := must(must(keep.Apply1(x.Relu().Exp())).Mul(w))
	if err := out.SumAll().Backward(); err != nil {
		t.Fatal(err)
	}
	for _, g := range []*Tensor{received, kept} {
		for i, v := range g.Data() {
			if v != ws[i] {
				t.Fatalf("a kept gradient[%d] = %v after backward, want %v", i, v, ws[i])
			}
		}
	}
	for i, v := range x.Grad().Data() {
		want := float32(0)
		if xs[i] > 0 {
			want = float32(float64(ws[i]) * float64(float32(math.Exp(float64(xs[i])))))
		}
		if !close32(float64(v), float64(want)) {
			t.Fatalf("x.grad[%d] = %v, want %v", i, v, want)
		}
	}
}

// A gradient a custom Backward returned for a leaf becomes the leaf's
// Grad as a copy, not by sharing its storage (PyTorch copies a gradient
// that something else refers to): scaling Grad in place, as gradient
// clipping does, must not change the tensor the user kept.
func TestCustomBackwardGradientIsNotTheLeafsGrad(t *testing.T) {
	var kept *Tensor
	keep := &Function{Name: "keep",
		Forward: func(ctx *Context, in ...*Tensor) ([]*Tensor, error) { return []*Tensor{in[0].Detach().Clone()}, nil },
		Backward: func(ctx *Context, g ...*Tensor) ([]*Tensor, error) {
			kept = g[0].MulScalar(3)
			return []*Tensor{kept}, nil
		}}
	x := param(t, []float32{1, -2, 4}, 3)
	if err := must(keep.Apply1(x)).SumAll().Backward(); err != nil {
		t.Fatal(err)
	}
	NoGrad(func() { must(x.Grad().MulScalarInPlace(0.5)) })
	wantData(t, "the kept gradient", kept, []int{3}, []float32{3, 3, 3})
	wantData(t, "x.grad, halved", x.Grad(), []int{3}, []float32{1.5, 1.5, 1.5})
}
