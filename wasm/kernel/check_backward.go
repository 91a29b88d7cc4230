//go:build js && wasm

package kernel

import (
	"fmt"
	"syscall/js"

	"tinytorch/engine/check"
	"tinytorch/engine/tensor"
)

// tt.check.backward(studentBackward, {graphs = 20, seed, name}): a
// backward pass written by the student for the scalar autograd of the
// chapter on autograd, run on random graphs (check.RandomGraph, with
// diamonds). Each graph is made of plain objects shaped like the
// chapter's Value — {data, grad, inputs, op, label, backwardStep} — with
// grad 0 everywhere; studentBackward(root) must set root.grad = 1 and run
// every node's backwardStep() once, each after every node that uses it.
// The check records the order of the steps (check.Graph.BackwardOrder
// names a wrong order, a node run twice or never) and compares the
// leaves' gradients with the engine's, from the same graph built of
// tensors.

// graphSource builds a graph's nodes from its spec and logs the order in
// which their backward steps run.
const graphSource = `
const log = [];
const nodes = [];
for (let i = 0; i < spec.length; i++) {
  const s = spec[i];
  const ins = s.inputs.map((j) => nodes[j]);
  const node = {data: s.value, grad: 0, inputs: ins, op: s.op === "leaf" ? "" : s.op, label: s.label};
  if (s.op === "+") node.data = ins[0].data + ins[1].data;
  if (s.op === "*") node.data = ins[0].data * ins[1].data;
  if (s.op === "tanh") node.data = Math.tanh(ins[0].data);
  node.backwardStep = () => {
    log.push(i);
    if (s.op === "+") { ins[0].grad += node.grad; ins[1].grad += node.grad; }
    else if (s.op === "*") { ins[0].grad += ins[1].data * node.grad; ins[1].grad += ins[0].data * node.grad; }
    else if (s.op === "tanh") ins[0].grad += (1 - node.data * node.data) * node.grad;
  };
  nodes.push(node);
}
return {nodes, root: nodes[nodes.length - 1], log};
`

// graphBuilder is graphSource compiled, made on first use.
var graphBuilder js.Value

// checkBackward is tt.check.backward.
func checkBackward(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.check.backward", args)
	fn := r.Value(0)
	o := r.Options(1)
	graphs := o.Size("graphs", 20)
	seed := uint32(o.Int("seed", 1))
	name := o.String("name", "")
	if r.ok() && graphs > maxCheckSteps {
		r.failf("graphs must be at most %d, got %d", maxCheckSteps, graphs)
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	if name == "" {
		name = functionName(fn, "your backward")
	}
	if kindOf(fn) != kindFunction {
		return nil, notAFunction(name, fn, "a function backward(root)")
	}
	if graphBuilder.IsUndefined() {
		graphBuilder = js.Global().Get("Function").New("spec", graphSource)
	}
	for g := range graphs {
		gr := check.RandomGraph(seed + uint32(g)*101)
		if f := backwardCase(fn, gr); f != nil {
			f.Name, f.Case, f.Input = name, fmt.Sprintf("graph %d of %d", g+1, graphs), gr.String()
			return nil, failed(*f)
		}
	}
	return fmt.Sprintf("✓ %s: %d random graphs (with diamonds) give the engine's gradients, each node once, in reverse topological order", name, graphs), nil
}

// backwardCase runs the student's backward on one graph.
func backwardCase(fn js.Value, gr check.Graph) *check.Failure {
	spec := make([]any, len(gr.Nodes))
	for i, n := range gr.Nodes {
		ins := make([]any, len(n.Inputs))
		for k, j := range n.Inputs {
			ins[k] = j
		}
		spec[i] = map[string]any{"op": n.Op, "inputs": ins, "value": n.Value, "label": n.Label}
	}
	built := graphBuilder.Invoke(spec)
	if _, err := callJSAsIs(fn, built.Get("root")); err != nil {
		f := thrownFailure(err)
		return &f
	}
	logV := built.Get("log")
	log := make([]int, logV.Length())
	for i := range log {
		log[i] = logV.Index(i).Int()
	}
	want := engineLeafGrads(gr)
	var leaves []int
	got := check.Value{Shape: []int{len(want)}}
	nodes := built.Get("nodes")
	for i, n := range gr.Nodes {
		if n.Op != "leaf" {
			continue
		}
		leaves = append(leaves, i)
		g := getProp(nodes.Index(i), "grad")
		if kindOf(g) != kindNumber {
			return &check.Failure{What: n.Label + ".grad", Expected: "a number", Got: describeJS(g)}
		}
		got.Data = append(got.Data, g.Float())
	}
	root := getProp(built.Get("root"), "grad")
	if mistake, detail := gr.BackwardOrder(log); mistake != "" {
		return &check.Failure{Mistake: mistake, Detail: detail}
	}
	m := check.Compare(got, check.Value{Shape: []int{len(want)}, Data: want}, check.Tolerance{Atol: 1e-4, Rtol: 1e-3})
	if m == nil {
		return nil
	}
	f := check.FromMismatch("", "", "", "the leaves' gradients", m)
	f.Index = gr.Nodes[leaves[m.Index[0]]].Label
	if kindOf(root) == kindNumber && root.Float() == 0 {
		f.Mistake, f.Hint = check.RootGradUnset, ""
	}
	return &f
}

// engineLeafGrads builds the graph of scalar tensors and returns the
// engine's gradient of the root for each leaf, in order.
func engineLeafGrads(gr check.Graph) []float64 {
	ts := make([]*tensor.Tensor, len(gr.Nodes))
	var leaves []*tensor.Tensor
	for i, n := range gr.Nodes {
		var err error
		switch n.Op {
		case "leaf":
			ts[i] = tensor.Scalar(float32(n.Value))
			err = ts[i].SetRequiresGrad(true)
			leaves = append(leaves, ts[i])
		case "+":
			ts[i], err = ts[n.Inputs[0]].Add(ts[n.Inputs[1]])
		case "*":
			ts[i], err = ts[n.Inputs[0]].Mul(ts[n.Inputs[1]])
		case "tanh":
			ts[i] = ts[n.Inputs[0]].Tanh()
		}
		if err != nil {
			panic(err) // scalars of one shape: no op can fail
		}
	}
	if err := ts[len(ts)-1].Backward(); err != nil {
		panic(err)
	}
	out := make([]float64, len(leaves))
	for i, v := range gradValues(leaves) {
		out[i] = v.Data[0]
	}
	return out
}
