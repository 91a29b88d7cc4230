package prune

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// L1Unstructured prunes the fraction amount of the still unpruned
// elements of the parameter called name (such as "1.weight"), those of
// smallest absolute value, and zeroes them. Pruning again prunes that
// fraction of what is left, as PyTorch's prune.l1_unstructured does: 0.5
// twice leaves a quarter.
func (p *Pruning) L1Unstructured(name string, amount float64) error {
	return p.GlobalUnstructured([]string{name}, amount)
}

// GlobalUnstructured ranks the still unpruned elements of all the named
// parameters together by absolute value and prunes the fraction amount of
// them, the smallest: a layer of small weights loses more than a layer of
// large ones. PyTorch's prune.global_unstructured with L1Unstructured.
// No names means every Linear and Conv2d weight (WeightNames).
func (p *Pruning) GlobalUnstructured(names []string, amount float64) error {
	const op = "prune.GlobalUnstructured"
	if err := checkAmount(op, amount); err != nil {
		return err
	}
	masks, err := p.masksOf(op, names)
	if err != nil {
		return err
	}
	unpruned := 0
	for _, m := range masks {
		unpruned += len(m.Pruned) - m.Count()
	}
	return p.pruneSmallest(masks, countToPrune(amount, unpruned))
}

// PruneToSparsity prunes the named parameters globally by magnitude until
// the fraction target of their elements is pruned; already pruned
// elements stay pruned, so a target below the current sparsity prunes
// nothing. Schedule uses it.
func (p *Pruning) PruneToSparsity(names []string, target float64) error {
	const op = "prune.PruneToSparsity"
	if err := checkAmount(op, target); err != nil {
		return err
	}
	masks, err := p.masksOf(op, names)
	if err != nil {
		return err
	}
	total, pruned := 0, 0
	for _, m := range masks {
		total += len(m.Pruned)
		pruned += m.Count()
	}
	return p.pruneSmallest(masks, max(0, countToPrune(target, total)-pruned))
}

// masksOf returns the masks of the named parameters (all Linear and
// Conv2d weights when names is empty), refusing a name given twice.
func (p *Pruning) masksOf(op string, names []string) ([]*Mask, error) {
	if len(names) == 0 {
		names = WeightNames(p.model)
		if len(names) == 0 {
			return nil, fmt.Errorf("%s: the model has no Linear or Conv2d weight to prune; name the parameters", op)
		}
	}
	var masks []*Mask
	for i, name := range names {
		if slices.Contains(names[:i], name) {
			return nil, fmt.Errorf("%s: parameter %q is named twice", op, name)
		}
		m, err := p.mask(op, name)
		if err != nil {
			return nil, err
		}
		masks = append(masks, m)
	}
	return masks, nil
}

// element is one unpruned weight: which mask, where, and its magnitude.
type element struct {
	mask, index int
	magnitude   float64
}

// pruneSmallest prunes the k unpruned elements of smallest magnitude
// among masks (ties go to the earlier parameter and element, so the
// result is reproducible) and zeroes them.
func (p *Pruning) pruneSmallest(masks []*Mask, k int) error {
	if k > 0 {
		var all []element
		for mi, m := range masks {
			w := m.Param.Data()
			for i, pruned := range m.Pruned {
				if !pruned {
					all = append(all, element{mi, i, math.Abs(float64(w[i]))})
				}
			}
		}
		slices.SortStableFunc(all, func(a, b element) int { return cmp.Compare(a.magnitude, b.magnitude) })
		for _, e := range all[:min(k, len(all))] {
			masks[e.mask].Pruned[e.index] = true
		}
	}
	return p.Apply()
}
