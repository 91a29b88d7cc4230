package check

import (
	"fmt"
	"math"
)

// Graph is a random scalar expression graph, the kind the chapter on
// autograd builds with its Value class: leaves with a number, and nodes
// that add, multiply or take the tanh of earlier nodes. Nodes reuse
// earlier ones, so the graph has diamonds (a node reached by two paths),
// where a backward in the wrong order or one that visits a node twice
// goes wrong. The last node is the root.
type Graph struct {
	Nodes []GraphNode
}

// GraphNode is one node: Op is "leaf", "+", "*" or "tanh"; Inputs are
// indices of earlier nodes; Value is a leaf's number.
type GraphNode struct {
	Op     string
	Inputs []int
	Value  float64
	Label  string
}

// RandomGraph makes a graph of 2 to 4 leaves and 3 to 9 operations from
// the seed; every node is used by the root.
func RandomGraph(seed uint32) Graph {
	g := &lcg{seed: seed}
	pick := func(n int) int { return min(int(g.uniform()*float64(n)), n-1) }
	var gr Graph
	leaves := 2 + pick(3)
	for i := range leaves {
		gr.Nodes = append(gr.Nodes, GraphNode{Op: "leaf", Value: g.signed(1), Label: fmt.Sprintf("x%d", i+1)})
	}
	ops := 3 + pick(7)
	for i := range ops {
		n := len(gr.Nodes)
		// Prefer recent nodes, so that the graph is deep, but reach back
		// to old ones too, for diamonds.
		a, b := n-1-pick(min(n, 3)), pick(n)
		node := GraphNode{Label: fmt.Sprintf("n%d", i+1)}
		switch pick(3) {
		case 0:
			node.Op, node.Inputs = "+", []int{a, b}
		case 1:
			node.Op, node.Inputs = "*", []int{a, b}
		default:
			node.Op, node.Inputs = "tanh", []int{a}
		}
		gr.Nodes = append(gr.Nodes, node)
	}
	// Sum every node nothing uses into the root, so that every node
	// reaches it.
	for {
		unused := gr.unused()
		if len(unused) <= 1 {
			break
		}
		gr.Nodes = append(gr.Nodes, GraphNode{Op: "+", Inputs: unused[:2], Label: fmt.Sprintf("n%d", len(gr.Nodes)-leaves+1)})
	}
	return gr
}

// unused lists the nodes no other node takes as input.
func (gr Graph) unused() []int {
	used := make([]bool, len(gr.Nodes))
	for _, n := range gr.Nodes {
		for _, j := range n.Inputs {
			used[j] = true
		}
	}
	var out []int
	for i, u := range used {
		if !u {
			out = append(out, i)
		}
	}
	return out
}

// Forward computes every node's value, in float64.
func (gr Graph) Forward() []float64 {
	v := make([]float64, len(gr.Nodes))
	for i, n := range gr.Nodes {
		switch n.Op {
		case "leaf":
			v[i] = n.Value
		case "+":
			v[i] = v[n.Inputs[0]] + v[n.Inputs[1]]
		case "*":
			v[i] = v[n.Inputs[0]] * v[n.Inputs[1]]
		case "tanh":
			v[i] = math.Tanh(v[n.Inputs[0]])
		}
	}
	return v
}

// Users lists, for each node, the nodes that take it as input (once per
// use: x*x uses x twice).
func (gr Graph) Users() [][]int {
	users := make([][]int, len(gr.Nodes))
	for i, n := range gr.Nodes {
		for _, j := range n.Inputs {
			users[j] = append(users[j], i)
		}
	}
	return users
}

// The mistakes of a backward's order.
const (
	NeverVisited  = "a node's backward step never ran (does the sort reach every node?)"
	VisitedTwice  = "a node's backward step ran twice (a node reached by two paths must be visited once: keep a set of the visited nodes)"
	OrderNotTopo  = "not a reverse topological order: a node passed its gradient on before every node that uses it had added its share"
	RootGradUnset = "the root's gradient was never set to 1 (root.grad = 1 starts the backward pass)"
)

// BackwardOrder checks the order in which a backward ran the nodes'
// steps, log (node indices, in order): every node once, each after every
// node that uses it. It returns the mistake and a sentence naming the
// nodes, or "" when the order is right.
func (gr Graph) BackwardOrder(log []int) (mistake, detail string) {
	pos := make([]int, len(gr.Nodes))
	for i := range pos {
		pos[i] = -1
	}
	for k, i := range log {
		if i < 0 || i >= len(gr.Nodes) {
			continue
		}
		if pos[i] >= 0 {
			return VisitedTwice, fmt.Sprintf("%s's step ran at positions %d and %d of the backward pass", gr.describe(i), pos[i]+1, k+1)
		}
		pos[i] = k
	}
	for i := range gr.Nodes {
		if pos[i] < 0 {
			return NeverVisited, gr.describe(i) + "'s step never ran"
		}
	}
	users := gr.Users()
	for _, i := range log {
		for _, u := range users[i] {
			if pos[u] > pos[i] {
				return OrderNotTopo, fmt.Sprintf("%s ran at position %d, before %s, which uses it, at position %d", gr.describe(i), pos[i]+1, gr.describe(u), pos[u]+1)
			}
		}
	}
	return "", ""
}

// describe names node i: "n3 = n1 * x2".
func (gr Graph) describe(i int) string {
	n := gr.Nodes[i]
	switch n.Op {
	case "leaf":
		return "the leaf " + n.Label
	case "tanh":
		return fmt.Sprintf("%s = tanh(%s)", n.Label, gr.Nodes[n.Inputs[0]].Label)
	}
	return fmt.Sprintf("%s = %s %s %s", n.Label, gr.Nodes[n.Inputs[0]].Label, n.Op, gr.Nodes[n.Inputs[1]].Label)
}

// String writes the graph as its assignments, one per operation.
func (gr Graph) String() string {
	s := ""
	for i, n := range gr.Nodes {
		if s != "" {
			s += "; "
		}
		if n.Op == "leaf" {
			s += fmt.Sprintf("%s = %s", n.Label, FormatNumber(roundTo(n.Value, 3)))
		} else {
			s += gr.describe(i)
		}
	}
	return s
}
