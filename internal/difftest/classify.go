package difftest

import "strings"

// features lists what is special about step i: its inputs' shapes and
// values (torch32's, from last) and what ran before it.
func features(p *Program, i int, last map[int]*Outcome, t *Outcome) []string {
	var f []string
	add := func(x string) {
		for _, y := range f {
			if y == x {
				return
			}
		}
		f = append(f, x)
	}
	s := &p.Steps[i]
	for _, in := range s.In {
		o := last[in]
		if o == nil {
			continue
		}
		if len(o.Shape) == 0 {
			add("0-d")
		}
		if len(o.Shape) == 3 && in == s.In[0] && contains([]string{"conv2d", "maxPool2d", "unfold"}, s.Op) {
			add("unbatched")
		}
		if numel(o.Shape) == 0 {
			add("empty")
		}
		if hasNonFinite(o.Values) {
			add("nonfinite")
		}
	}
	if hasNonFinite(t.Values) {
		add("nonfinite")
	}
	for _, g := range t.Grads {
		if g != nil && hasNonFinite(g.Values) {
			add("nonfinite")
		}
	}
	for _, prev := range p.Steps[:i] {
		if isInPlace(prev.Op) {
			add("inplace")
		}
		if prev.Op == "std" || prev.Op == "var" {
			add("std")
		}
		if prev.Op == "smoothL1" && prev.Args.Scalar == 0 && len(prev.In) == 2 && hasTie(last[prev.In[0]], last[prev.In[1]]) {
			add("beta-0 tie")
		}
		if prev.Op == "groupNorm" && len(prev.In) > 0 {
			if o := last[prev.In[0]]; o != nil && oneValueGroups(o.Shape, prev.Args.N) {
				add("one-value groups")
			}
		}
		if prev.Op == "maxPool2d" && len(prev.In) > 0 {
			if o := last[prev.In[0]]; o != nil && len(o.Shape) >= 2 && hasPaddingWindow(o.Shape[len(o.Shape)-2:], prev.Args) {
				add("padding window")
			}
		}
		for _, in := range prev.In {
			if o := last[in]; o != nil && numel(o.Shape) == 0 {
				add("empty before") // a gradient may flow back through it
			}
		}
	}
	return f
}

// hasTie says whether two outcomes of the same shape are equal somewhere:
// smooth_l1 with beta 0 at input = target, where torch 1.13 gives the
// target's gradient -1 like the input's, and the engine the input's
// negative, +1 (session 15, seed 5251504).
func hasTie(a, b *Outcome) bool {
	if a == nil || b == nil || len(a.Values) != len(b.Values) {
		return false
	}
	for i, v := range a.Values {
		if v == b.Values[i] {
			return true
		}
	}
	return false
}

// oneValueGroups says whether group_norm over groups groups of an input
// [N, C, *spatial] normalizes groups of one value each: C/groups channels
// times the spatial size is 1. Such a group's normalized value is 0, so the
// engine's output there is the bias exactly, where PyTorch's fused
// x·s + (b − mean·s) rounds it (nn.GroupNormOf).
func oneValueGroups(shape []int, groups int) bool {
	if len(shape) < 2 || groups < 1 || shape[1]%groups != 0 {
		return false
	}
	return shape[1]/groups*numel(shape[2:]) == 1
}

// hasPaddingWindow says whether a pooling window over a plane of the
// given height and width lies wholly in the padding: every one of its
// dilated taps falls outside the plane.
func hasPaddingWindow(plane []int, a Args) bool {
	if a.Kernel < 1 || a.Stride < 1 || a.Dilation < 1 {
		return false
	}
	for _, n := range plane {
		span := a.Dilation*(a.Kernel-1) + 1
		for start := -a.Padding; start+span <= n+a.Padding; start += a.Stride {
			inside := false
			for tap := start; tap < start+span; tap += a.Dilation {
				inside = inside || (tap >= 0 && tap < n)
			}
			if !inside {
				return true
			}
		}
	}
	return false
}

// hasNonFinite says whether v holds a NaN or an infinity.
func hasNonFinite(v Floats) bool {
	for _, x := range v {
		if kind(x) != 0 {
			return true
		}
	}
	return false
}

// isInPlace says whether an op changes its first input.
func isInPlace(op string) bool { return strings.HasSuffix(op, "InPlace") }

// uses says whether the program runs one of the ops before step i.
func uses(p *Program, i int, names ...string) bool {
	for _, s := range p.Steps[:i+1] {
		for _, n := range names {
			if s.Op == n {
				return true
			}
		}
	}
	return false
}

// nanOps are the ops whose NaN handling issue 20's class 5 lists.
var nanOps = []string{"maxDim", "minDim", "maxDimIndices", "minDimIndices", "argmax", "argmin", "argmaxAll",
	"argminAll", "amax", "amin", "maxPool2d", "crossEntropy", "crossEntropyProbs", "bceWithLogits"}

// maskOps are the ops whose gradient multiplies by a 0/1 mask (class 5).
var maskOps = []string{"relu", "maximum", "minimum", "clamp", "clampInPlace", "powScalar", "pow", "amax", "amin", "maxDim", "minDim"}

// classify guesses the class of issue 20 a mismatch belongs to, from its
// kind, its op and its features; 0 means none of them fits.
func classify(m *Mismatch, s *Step, e, t *Outcome) int {
	p := m.Program
	switch m.Kind {
	case "panic":
		return 2
	case "engine refuses":
		return classifyRefusal(m, s)
	case "engine accepts":
		switch {
		case s.Op == "maxPool2d" && 2*s.Args.Padding > s.Args.Kernel:
			return 9
		case s.Op == "bce":
			return 9
		case (s.Op == "maxPool2d" || s.Op == "unfold" || s.Op == "conv2d") && !m.Has("unbatched"):
			return 2
		case s.Op == "backward" && strings.Contains(m.Torch, "does not require grad"):
			return 0 // the engine made a value require grad that torch does not
		case s.Op == "backward" && m.Has("inplace"):
			return 1 // a saved tensor changed in place and backward did not notice
		}
	case "shape":
		if (s.Op == "crossEntropy" || s.Op == "crossEntropyProbs" || s.Op == "nll") && s.Args.Reduction == "none" {
			return 3
		}
	case "value":
		switch {
		case s.Op == "var" || s.Op == "std":
			return 4
		case m.Has("nonfinite") && uses(p, m.Step, s.Op) && contains(nanOps, s.Op):
			return 5
		}
	case "grad", "grad presence":
		switch {
		case m.Has("inplace"):
			return 1
		case uses(p, m.Step, "std", "var") && !m.Has("nonfinite"):
			return 4
		case m.Has("nonfinite") || usesAny(p, m.Step, maskOps):
			return 5
		}
	}
	return 0
}

// classifyRefusal guesses the class of a refusal torch does not make.
func classifyRefusal(m *Mismatch, s *Step) int {
	switch {
	case strings.Contains(m.Engine, "already released"):
		return 0 // the graph released: not among the classes
	case m.Has("unbatched"):
		return 0 // [C, H, W] input to a window op: not among the classes
	case s.Op == "narrow" && s.Args.Start < 0:
		return 10
	case s.Op == "linear" || s.Op == "embedding":
		return 10
	case isInPlace(s.Op):
		return 6
	case s.Op == "backward" && m.Has("inplace"):
		return 6
	case m.Has("0-d"):
		return 7
	case m.Has("empty") && contains([]string{"softmax", "logSoftmax", "logsumexp", "crossEntropy", "crossEntropyProbs", "nll"}, s.Op):
		return 8
	}
	return 0
}

// contains says whether list holds s.
func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// usesAny says whether the program runs any of ops up to step i.
func usesAny(p *Program, i int, ops []string) bool { return uses(p, i, ops...) }
