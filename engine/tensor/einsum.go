package tensor

import (
	"fmt"
	"slices"
	"strings"
)

// Einsum evaluates an Einstein summation over the operands, torch.einsum:
// each operand's dimensions are named by letters, letters shared between
// operands are multiplied along, and letters missing from the output are
// summed over. For example
//
//	"ij,jk->ik"    matrix product          "bij,bjk->bik" batched product
//	"ij->ji"       transpose               "ii->"         trace
//	"ii->i"        diagonal                "i,j->ij"      outer product
//	"ij->i"        row sums                "bi,bj->ij"    Σ over the batch of outer products
//
// Without "->" the output is the letters that appear once, in
// alphabetical order, as in PyTorch. Einsum is a composition: a repeated
// letter within one operand takes a diagonal (a strided view), a letter
// only one operand has and the output lacks is summed away, and each
// next operand is contracted with the running result by permuting both
// to [batch, kept, summed] and [batch, summed, kept], reshaping to 3-D and
// calling Matmul. The gradient follows from those ops.
//
// Not supported, each with a clear error: the ellipsis "..." for leading
// dimensions, and size-1 dimensions broadcasting against a letter's
// larger size (the sizes of a letter must agree).
func Einsum(equation string, operands ...*Tensor) (*Tensor, error) {
	terms, output, err := parseEinsum(equation, operands)
	if err != nil {
		return nil, err
	}
	parts := make([]einsumPart, len(operands))
	for i, x := range operands {
		parts[i] = diagonals(einsumPart{x, terms[i]})
	}
	// neededAfter(i) is the set of letters the output or an operand after
	// the i-th still needs.
	neededAfter := func(i int) string {
		s := output
		for _, p := range parts[i+1:] {
			s += p.letters
		}
		return s
	}
	acc := parts[0].sumAllBut(neededAfter(0))
	for i := 1; i < len(parts); i++ {
		later := neededAfter(i)
		b := parts[i].sumAllBut(later + acc.letters)
		acc = contract(acc, b, later)
	}
	acc = acc.sumAllBut(output)
	perm := make([]int, len(output))
	for i, r := range output {
		perm[i] = strings.IndexRune(acc.letters, r)
	}
	out := acc.t
	if len(perm) > 1 {
		out = must(out.Permute(perm...))
	}
	if out == operands[0] {
		out = out.Clone() // a result, never the operand itself
	}
	return out, nil
}

// einsumPart is a tensor with a letter naming each of its dimensions.
type einsumPart struct {
	t       *Tensor
	letters string
}

// parseEinsum splits the equation into one term per operand and the
// output, checking letters, ranks and sizes.
func parseEinsum(eq string, operands []*Tensor) (terms []string, output string, err error) {
	eq = strings.ReplaceAll(eq, " ", "")
	if strings.Contains(eq, ".") {
		return nil, "", fmt.Errorf("einsum: %q uses an ellipsis (...), which is not supported; name every dimension with a letter", eq)
	}
	lhs, out, explicit := strings.Cut(eq, "->")
	terms = strings.Split(lhs, ",")
	if len(operands) == 0 || len(terms) != len(operands) {
		return nil, "", fmt.Errorf("einsum: %q has %d operand terms but %d tensors were given", eq, len(terms), len(operands))
	}
	size := map[rune]int{}
	count := map[rune]int{}
	for i, term := range terms {
		x := operands[i]
		if len(term) != x.Dim() {
			return nil, "", fmt.Errorf("einsum: term %q of %q names %d dimensions but operand %d has shape %s", term, eq, len(term), i, FormatShape(x.shape))
		}
		for d, r := range term {
			if !isLetter(r) {
				return nil, "", fmt.Errorf("einsum: %q contains %q; expected letters a-z, A-Z, commas and one ->", eq, r)
			}
			if n, seen := size[r]; seen && n != x.shape[d] {
				return nil, "", fmt.Errorf("einsum: letter %c of %q is %d in one place and %d in operand %d (shape %s); expected equal sizes", r, eq, n, x.shape[d], i, FormatShape(x.shape))
			}
			size[r] = x.shape[d]
			count[r]++
		}
	}
	if !explicit {
		var once []rune
		for r, n := range count {
			if n == 1 {
				once = append(once, r)
			}
		}
		slices.Sort(once)
		return terms, string(once), nil
	}
	for i, r := range out {
		switch {
		case !isLetter(r):
			return nil, "", fmt.Errorf("einsum: output %q of %q contains %q; expected letters", out, eq, r)
		case count[r] == 0:
			return nil, "", fmt.Errorf("einsum: output letter %c of %q appears in no operand", r, eq)
		case strings.ContainsRune(out[:i], r):
			return nil, "", fmt.Errorf("einsum: output letter %c appears twice in %q", r, eq)
		}
	}
	return terms, out, nil
}

func isLetter(r rune) bool { return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') }

// diagonals replaces each letter repeated within p by one dimension: the
// diagonal, where the repeated indices are equal.
func diagonals(p einsumPart) einsumPart {
	for {
		i, j := -1, -1
		for a, r := range p.letters {
			if b := strings.IndexRune(p.letters[a+1:], r); b >= 0 {
				i, j = a, a+1+b
				break
			}
		}
		if i < 0 {
			return p
		}
		p = einsumPart{p.t.diagonal(i, j), p.letters[:j] + p.letters[j+1:]}
	}
}

// diagonal is the view of t where index j equals index i: dimension j is
// dropped and its stride added to dimension i's. The gradient writes g
// into the diagonal of zeros.
func (t *Tensor) diagonal(i, j int) *Tensor {
	view := func(x *Tensor) *Tensor {
		shape := slices.Delete(slices.Clone(x.shape), j, j+1)
		strides := slices.Clone(x.strides)
		strides[i] += strides[j]
		return x.viewOf(shape, slices.Delete(strides, j, j+1), x.offset)
	}
	out := view(t)
	record(out, "diagonal", []*Tensor{t}, nil, func(g *Tensor) []*Tensor {
		return []*Tensor{viewGrad(g, t.shape, view)}
	})
	return out
}

// sumAllBut sums away the letters of p that keep does not contain.
func (p einsumPart) sumAllBut(keep string) einsumPart {
	var dims []int
	letters := ""
	for d, r := range p.letters {
		if strings.ContainsRune(keep, r) {
			letters += string(r)
		} else {
			dims = append(dims, d)
		}
	}
	if len(dims) == 0 {
		return p
	}
	return einsumPart{must(p.t.Sum(dims, false)), letters}
}

// contract multiplies a and b along their shared letters, summing those
// that later (the output and the operands still to come) does not need:
// a is laid out as [batch, a only, summed] and b as [batch, summed,
// b only], both reshaped to 3-D for one batched Matmul.
func contract(a, b einsumPart, later string) einsumPart {
	var batch, summed, aOnly, bOnly string
	for _, r := range a.letters {
		switch {
		case !strings.ContainsRune(b.letters, r):
			aOnly += string(r)
		case strings.ContainsRune(later, r):
			batch += string(r)
		default:
			summed += string(r)
		}
	}
	for _, r := range b.letters {
		if !strings.ContainsRune(a.letters, r) {
			bOnly += string(r)
		}
	}
	x := a.arrange(batch, aOnly, summed)
	y := b.arrange(batch, summed, bOnly)
	shape := append(append(a.sizes(batch), a.sizes(aOnly)...), b.sizes(bOnly)...)
	out := must(must(x.Matmul(y)).Reshape(shape...))
	return einsumPart{out, batch + aOnly + bOnly}
}

// arrange permutes p's dimensions to the order of the three groups of
// letters and reshapes it to one dimension per group.
func (p einsumPart) arrange(g0, g1, g2 string) *Tensor {
	perm := []int{}
	for _, r := range g0 + g1 + g2 {
		perm = append(perm, strings.IndexRune(p.letters, r))
	}
	x := p.t
	if len(perm) > 1 {
		x = must(x.Permute(perm...))
	}
	return must(x.Reshape(product(p.sizes(g0)), product(p.sizes(g1)), product(p.sizes(g2))))
}

// sizes returns the sizes of the named letters' dimensions.
func (p einsumPart) sizes(letters string) []int {
	out := []int{}
	for _, r := range letters {
		out = append(out, p.t.shape[strings.IndexRune(p.letters, r)])
	}
	return out
}
