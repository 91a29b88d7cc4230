package check

import (
	"strings"
	"testing"
)

// TestRandomGraph checks the graphs: every node reaches the root, the
// same seed makes the same graph, and some graphs have diamonds.
func TestRandomGraph(t *testing.T) {
	diamonds := 0
	for seed := uint32(1); seed <= 20; seed++ {
		gr := RandomGraph(seed)
		if u := gr.unused(); len(u) != 1 || u[0] != len(gr.Nodes)-1 {
			t.Errorf("seed %d: nodes %v used by nothing, want only the root: %s", seed, u, gr)
		}
		for i, users := range gr.Users() {
			if len(users) > 1 && i < len(gr.Nodes)-1 {
				diamonds++
				break
			}
		}
		if RandomGraph(seed).String() != gr.String() {
			t.Errorf("seed %d: two graphs", seed)
		}
	}
	if diamonds < 10 {
		t.Errorf("%d of 20 graphs have a node used twice, want most", diamonds)
	}
}

// TestBackwardOrder checks the right order and each wrong one on
// x1 = …, x2 = …, n1 = x1 * x2, n2 = tanh(n1), n3 = n2 + n1 (a diamond
// at n1).
func TestBackwardOrder(t *testing.T) {
	gr := Graph{Nodes: []GraphNode{
		{Op: "leaf", Value: 1, Label: "x1"}, {Op: "leaf", Value: 2, Label: "x2"},
		{Op: "*", Inputs: []int{0, 1}, Label: "n1"}, {Op: "tanh", Inputs: []int{2}, Label: "n2"},
		{Op: "+", Inputs: []int{3, 2}, Label: "n3"},
	}}
	tests := []struct {
		log     []int
		mistake string
		detail  string
	}{
		{[]int{4, 3, 2, 1, 0}, "", ""},
		{[]int{4, 2, 3, 1, 0}, OrderNotTopo, "n1 = x1 * x2 ran at position 2, before n2 = tanh(n1), which uses it, at position 3"},
		{[]int{4, 3, 2, 2, 1, 0}, VisitedTwice, "n1 = x1 * x2's step ran at positions 3 and 4"},
		{[]int{4, 3, 2, 1}, NeverVisited, "the leaf x1's step never ran"},
	}
	for _, tt := range tests {
		m, d := gr.BackwardOrder(tt.log)
		if m != tt.mistake || !strings.Contains(d, tt.detail) {
			t.Errorf("log %v: %q (%s), want %q (%s)", tt.log, m, d, tt.mistake, tt.detail)
		}
	}
	if v := gr.Forward(); v[4] != 2+0.9640275800758169 {
		t.Errorf("forward %v", v)
	}
}
