//go:build js && wasm

package kernel

import "testing"

// TestCellMessage checks the rewriting of engine messages for a cell:
// Go's names become tt's, and a second prefix that names an engine
// package, a Go function or the same op is dropped.
func TestCellMessage(t *testing.T) {
	cases := []struct{ in, want string }{
		{"tt.nn.init.xavierUniform_: init: fan in and fan out need 2 dimensions", "tt.nn.init.xavierUniform_: fan in and fan out need 2 dimensions"},
		{"tt.zeros: tensor.Zeros: dimension 0 of shape [-1] is negative", "tt.zeros: dimension 0 of shape [-1] is negative"},
		{"tt.arange: arange: cannot go from 0 to 1 in steps of 0", "tt.arange: cannot go from 0 to 1 in steps of 0"},
		{"Linear: nn: tensor.Zeros: shape [2] needs", "Linear: shape [2] needs"},
		{"tt.oneHot: numClasses must be an integer, got an array", "tt.oneHot: numClasses must be an integer, got an array"},
		{"select: index 3 is out of range", "select: index 3 is out of range"},
		{"add_: a leaf; modify it inside NoGrad (as an optimizer step does)", "add_: a leaf; modify it inside tt.noGrad (as an optimizer step does)"},
		{"setRequiresGrad: computed by mul; use Detach for a copy outside the graph", "requiresGrad_: computed by mul; use detach() for a copy outside the graph"},
		{"backward: released; retain the graph (RetainGraph in Go, {retainGraph: true} in a cell)", "backward: released; retain the graph (backward({retainGraph: true}))"},
		{"add_: an expanded view; Clone it first", "add_: an expanded view; clone() it first"},
		{"no prefix at all", "no prefix at all"},
	}
	for _, c := range cases {
		if got := cellMessage(c.in); got != c.want {
			t.Errorf("cellMessage(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}
