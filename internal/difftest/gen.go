package difftest

import (
	"math"
	"math/rand/v2"
)

// gen builds one random program. It runs each step through the engine as
// it goes, to learn the shapes the next steps can use: a step the engine
// refuses leaves a dead slot that later steps do not read (the refusal
// itself is compared with torch when the program is run).
type gen struct {
	rng   *rand.Rand
	p     *Program
	slots []slot
	eng   *engineRun
	// special: this program's leaves may hold NaN, ±Inf and zeros.
	special bool
}

// slot is what the generator knows of one value of the program.
type slot struct {
	shape []int
	live  bool
	leaf  bool // a leaf that requires grad
	depth int
}

// picker chooses an op's inputs (slots, possibly new leaves it adds) and
// arguments; ok false means the op does not fit this program now.
type picker func(g *gen) (in []int, a Args, ok bool)

// Generate makes the program of one seed. The same seed always gives the
// same program on the same engine.
func Generate(seed uint64) *Program {
	g := &gen{rng: rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)), p: &Program{Seed: seed}, eng: &engineRun{}}
	g.special = g.rng.Float64() < 0.3
	for range 1 + g.rng.IntN(2) {
		g.leaf(g.shape(), g.rng.Float64() < 0.8)
	}
	g.ops(2 + g.rng.IntN(9))
	g.backwardPasses()
	return g.p
}

// ops adds n random op steps (fewer when ops keep not fitting).
func (g *gen) ops(n int) {
	for added, tries := 0, 0; added < n && tries < 20*n; tries++ {
		op := &ops[g.rng.IntN(len(ops))]
		in, a, ok := op.Pick(g)
		if !ok {
			continue
		}
		g.emit(op, in, a)
		added++
	}
}

// backwardPasses adds one or two backward steps (when some value
// requires grad), sometimes with ops between them.
func (g *gen) backwardPasses() {
	first, ok := g.gradSlot()
	if !ok {
		return
	}
	second := g.rng.Float64() < 0.6
	g.backward(first, second && g.rng.Float64() < 0.9)
	if !second {
		return
	}
	g.ops(g.rng.IntN(3))
	next := first
	if g.rng.Float64() < 0.5 {
		if s, ok := g.gradSlot(); ok {
			next = s
		}
	}
	g.backward(next, false)
}

// gradSlot picks a live value that requires grad, preferring late ones.
func (g *gen) gradSlot() (int, bool) {
	var c []int
	for i := len(g.slots) - 1; i >= 0 && len(c) < 4; i-- {
		if g.slots[i].live && g.eng.vals[i] != nil && g.eng.vals[i].RequiresGrad() && (!g.slots[i].leaf || g.rng.Float64() < 0.1) {
			c = append(c, i)
		}
	}
	if len(c) == 0 {
		return 0, false
	}
	return c[g.rng.IntN(len(c))], true
}

// backward adds a backward step of slot s with a random incoming gradient.
func (g *gen) backward(s int, retain bool) {
	shape := g.slots[s].shape
	vals := make([]float32, numel(shape))
	for i := range vals {
		vals[i] = float32(g.rng.IntN(9)-4) / 2
	}
	var grads []int
	for i, sl := range g.slots {
		if sl.leaf {
			grads = append(grads, i)
		}
	}
	st := Step{Op: "backward", Out: -1, In: []int{s}, Values: vals, Shape: shape, Grads: grads, Retain: retain,
		Depth: g.slots[s].depth}
	st.Py = slotName(s) + ".backward(" + leafPy(vals, shape, false) + ", retain_graph=" + pyBool(retain) + ")"
	g.p.Steps = append(g.p.Steps, st)
	g.eng.exec(&g.p.Steps[len(g.p.Steps)-1])
}

// emit appends an op step and runs it to learn its shape.
func (g *gen) emit(op *Op, in []int, a Args) int {
	depth := 0
	for _, i := range in {
		depth = max(depth, g.slots[i].depth)
	}
	out := len(g.slots)
	st := Step{Op: op.Name, Out: out, In: in, Args: a, Depth: depth + 1,
		Py: slotName(out) + " = " + render(op.Py, in, a)}
	return g.add(st)
}

// add appends a step that writes a new slot, runs it, and records the slot.
func (g *gen) add(st Step) int {
	g.p.Steps = append(g.p.Steps, st)
	o := g.eng.exec(&g.p.Steps[len(g.p.Steps)-1])
	sl := slot{depth: st.Depth, leaf: st.Op == "leaf" && st.Grad}
	if o.Err == "" && !o.Skip && o.Panic == "" {
		sl.live, sl.shape = true, o.Shape
	}
	g.slots = append(g.slots, sl)
	return st.Out
}

// leaf adds a new float leaf of the given shape.
func (g *gen) leaf(shape []int, grad bool) int {
	return g.leafValues(g.values(numel(shape), g.special), shape, grad)
}

// leafValues adds a leaf holding vals.
func (g *gen) leafValues(vals []float32, shape []int, grad bool) int {
	out := len(g.slots)
	st := Step{Op: "leaf", Out: out, Values: vals, Shape: shape, Grad: grad,
		Py: slotName(out) + " = " + leafPy(vals, shape, grad)}
	return g.add(st)
}

// indexLeaf adds a leaf of whole numbers in [0, high) (0 when high ≤ 0,
// an index out of range that both sides must refuse).
func (g *gen) indexLeaf(shape []int, high int) int {
	vals := make([]float32, numel(shape))
	for i := range vals {
		if high > 0 {
			vals[i] = float32(g.rng.IntN(high))
		}
	}
	return g.leafValues(vals, shape, false)
}

// values draws n leaf values: normal, or small whole and half numbers
// (which make ties), or probabilities; with special, sometimes NaN, ±Inf
// and zeros.
func (g *gen) values(n int, special bool) []float32 {
	vals := make([]float32, n)
	kind := g.rng.IntN(5)
	for i := range vals {
		switch kind {
		case 0:
			vals[i] = float32(g.rng.IntN(9)-4) / 2
		case 1:
			vals[i] = float32(math.Round(g.rng.Float64()*250+5) / 100)
		default:
			// Two decimals: short to print, and still a spread of values.
			vals[i] = float32(math.Round(g.rng.NormFloat64()*100) / 100)
		}
		if special && g.rng.Float64() < 0.15 {
			vals[i] = []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), 0}[g.rng.IntN(4)]
		}
	}
	return vals
}

// probs draws n values in [0, 1], for BCE targets.
func (g *gen) probs(n int) []float32 {
	vals := make([]float32, n)
	for i := range vals {
		vals[i] = float32(g.rng.IntN(9)) / 8
	}
	return vals
}

// shape draws a random shape: rank 0 to 4, sizes mostly 2 to 4, with
// size 1 and empty (0) dimensions on purpose.
func (g *gen) shape() []int {
	rank := []int{0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 4}[g.rng.IntN(11)]
	s := make([]int, rank)
	for i := range s {
		s[i] = g.size()
	}
	return s
}

// size draws one dimension's size.
func (g *gen) size() int {
	switch r := g.rng.Float64(); {
	case r < 0.07:
		return 0
	case r < 0.27:
		return 1
	}
	return 2 + g.rng.IntN(2)
}

// live lists the live slots whose shape passes ok.
func (g *gen) live(ok func([]int) bool) []int {
	var c []int
	for i, s := range g.slots {
		if s.live && (ok == nil || ok(s.shape)) {
			c = append(c, i)
		}
	}
	return c
}

// any picks a live value, late ones more often, or a new leaf.
func (g *gen) any() int {
	return g.anyOf(nil, g.shape)
}

// anyOf picks a live value whose shape passes ok, or else a new leaf of
// a shape from fresh (which must pass ok).
func (g *gen) anyOf(ok func([]int) bool, fresh func() []int) int {
	c := g.live(ok)
	if len(c) == 0 || g.rng.Float64() < 0.1 {
		return g.leaf(fresh(), g.rng.Float64() < 0.7)
	}
	// Late values are the ends of chains: prefer them.
	if g.rng.Float64() < 0.6 {
		return c[len(c)-1-g.rng.IntN(min(len(c), 3))]
	}
	return c[g.rng.IntN(len(c))]
}

// ranked returns a shape test for rank ≥ r.
func ranked(r int) func([]int) bool { return func(s []int) bool { return len(s) >= r } }

// shapeOfRank draws a shape of rank at least r.
func (g *gen) shapeOfRank(r int) func() []int {
	return func() []int {
		s := g.shape()
		for len(s) < r {
			s = append(s, g.size())
		}
		return s
	}
}

// partner picks a second operand broadcastable with shape: an existing
// value of a fitting shape or a new leaf. With into, the partner must
// broadcast to shape itself (for in-place ops), so it never grows it.
func (g *gen) partner(shape []int, into bool) int {
	fits := func(s []int) bool {
		if into {
			return broadcastsTo(s, shape)
		}
		_, ok := broadcast(s, shape)
		return ok
	}
	if c := g.live(fits); len(c) > 0 && g.rng.Float64() < 0.4 {
		return c[g.rng.IntN(len(c))]
	}
	keep := g.rng.IntN(len(shape) + 1)
	if g.rng.Float64() < 0.5 {
		keep = len(shape)
	}
	s := append([]int(nil), shape[len(shape)-keep:]...)
	for i := range s {
		if g.rng.Float64() < 0.25 {
			s[i] = 1
		}
	}
	if !into && g.rng.Float64() < 0.15 {
		s = append([]int{1 + g.rng.IntN(2)}, s...) // a new leading dimension
	}
	return g.leaf(s, g.rng.Float64() < 0.6)
}

// dim draws a dimension index for a tensor of the given rank, negative
// ones included; a 0-d tensor gets 0 or -1, which PyTorch accepts.
func (g *gen) dim(rank int) int {
	if rank == 0 {
		return -g.rng.IntN(2)
	}
	return g.rng.IntN(2*rank) - rank
}

// dims draws nil (all dimensions) or a set of distinct dimensions.
func (g *gen) dims(rank int) []int {
	if rank == 0 || g.rng.Float64() < 0.3 {
		if rank == 0 && g.rng.Float64() < 0.5 {
			return []int{g.dim(0)}
		}
		return nil
	}
	perm := g.rng.Perm(rank)
	d := perm[:1+g.rng.IntN(rank)]
	for i := range d {
		if g.rng.Float64() < 0.3 {
			d[i] -= rank
		}
	}
	return d
}

// scalar draws a float32-exact scalar argument.
func (g *gen) scalar() float32 {
	return []float32{0, 1, -1, 0.5, 2, -2.5, 3, 0.125, -0.75}[g.rng.IntN(9)]
}

// reduction draws a loss reduction.
func (g *gen) reduction() string {
	return []string{"mean", "sum", "none"}[g.rng.IntN(3)]
}

// numel is the number of elements of a shape.
func numel(s []int) int {
	n := 1
	for _, d := range s {
		n *= d
	}
	return n
}

// broadcast returns the broadcast shape of a and b, PyTorch's rule.
func broadcast(a, b []int) ([]int, bool) {
	n := max(len(a), len(b))
	out := make([]int, n)
	for i := range n {
		x, y := 1, 1
		if j := len(a) - n + i; j >= 0 {
			x = a[j]
		}
		if j := len(b) - n + i; j >= 0 {
			y = b[j]
		}
		switch {
		case x == y, y == 1:
			out[i] = x
		case x == 1:
			out[i] = y
		default:
			return nil, false
		}
	}
	return out, true
}

// broadcastsTo says whether s broadcasts to exactly target.
func broadcastsTo(s, target []int) bool {
	out, ok := broadcast(s, target)
	if !ok || len(out) != len(target) {
		return false
	}
	for i := range out {
		if out[i] != target[i] {
			return false
		}
	}
	return true
}
