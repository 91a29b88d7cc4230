package nn

import (
	"tinytorch/engine/tensor"
)

// Module is a layer or a model: a function of one tensor with its own
// trainable parameters. Embed ModuleBase to get every method except
// Forward.
type Module interface {
	// Forward computes the module's output. Containers call their
	// children through Call rather than Forward.
	Forward(x *tensor.Tensor) (*tensor.Tensor, error)
	// Base returns the embedded ModuleBase, which holds the parameters,
	// buffers, children and mode.
	Base() *ModuleBase

	// Parameters lists every trainable tensor, recursively, in a stable
	// order: a module's own parameters first, then each child's.
	Parameters() []NamedParam
	// ParamTensors is Parameters without the names, for an optimizer.
	ParamTensors() []*tensor.Tensor
	// Buffers lists the saved but untrained tensors, recursively.
	Buffers() []NamedParam
	// Train switches training mode on or off for the module and all its
	// children; Eval is Train(false).
	Train(on bool)
	Eval()
	// Training reports the current mode.
	Training() bool
	// ZeroGrad clears every parameter's gradient.
	ZeroGrad()
	// NumParams counts the trainable numbers.
	NumParams() int
	// StateDict and LoadStateDict save and restore parameters and buffers.
	StateDict() []NamedParam
	LoadStateDict(state []NamedParam) error
	// Summary runs a forward pass on zeros of the given shape and tabulates
	// each layer's output shape and parameter count.
	Summary(inputShape ...int) (*Summary, error)
	// String prints the module like PyTorch's repr.
	String() string
}

// NamedParam is a tensor with its dotted name in the model, such as
// "features.0.weight" — the key PyTorch uses in a state dict.
type NamedParam struct {
	Name   string
	Tensor *tensor.Tensor
}

// NamedModule is a module with its path in the model ("" for the root).
type NamedModule struct {
	Path   string
	Module Module
}

// ModuleBase is the part every module shares. Embed it in a layer struct,
// call Init in the constructor, then register parameters, buffers and
// children with AddParam, AddBuffer and AddChild.
type ModuleBase struct {
	self     Module
	typeName string
	params   []NamedParam
	buffers  []NamedParam
	children []NamedModule // Path holds the child's name here

	// parent and name place the module in its model, for error messages.
	parent *ModuleBase
	name   string

	training bool
}

// Init records the module that embeds b (self) and its type name, shown
// in errors, String and Summary. A new module is in training mode.
func (b *ModuleBase) Init(self Module, typeName string) {
	b.self, b.typeName, b.training = self, typeName, true
}

// Base returns b itself; it makes any struct embedding ModuleBase satisfy
// Module once it has Forward.
func (b *ModuleBase) Base() *ModuleBase { return b }

// TypeName returns the name given to Init, such as "Conv2d".
func (b *ModuleBase) TypeName() string { return b.typeName }

// AddParam registers t as a trainable parameter under name and returns
// it. It marks t as requiring grad; t must be a leaf (not computed by a
// tracked op), which holds for any freshly made tensor.
func (b *ModuleBase) AddParam(name string, t *tensor.Tensor) *tensor.Tensor {
	if err := t.SetRequiresGrad(true); err != nil {
		panic("nn: AddParam(" + name + "): " + err.Error()) // a bug in the layer's constructor
	}
	b.params = append(b.params, NamedParam{name, t})
	return t
}

// AddBuffer registers t as a buffer: state that belongs in the state
// dict but is not trained, such as a running mean.
func (b *ModuleBase) AddBuffer(name string, t *tensor.Tensor) *tensor.Tensor {
	b.buffers = append(b.buffers, NamedParam{name, t})
	return t
}

// AddChild registers m as a submodule under name; its parameters then
// appear as name.param in the parent's. A module belongs to one parent:
// adding it to a second one moves it (for error paths).
func (b *ModuleBase) AddChild(name string, m Module) {
	b.children = append(b.children, NamedModule{name, m})
	c := m.Base()
	c.parent, c.name = b, name
}

// Children returns the direct submodules with their names.
func (b *ModuleBase) Children() []NamedModule {
	return append([]NamedModule(nil), b.children...)
}

// Modules returns the module and all its descendants, depth first in
// registration order, with dotted paths relative to b ("" for b itself).
func (b *ModuleBase) Modules() []NamedModule {
	if b.self == nil {
		panic("nn: a module was used before Init; its constructor must call Init(self, typeName)")
	}
	out := []NamedModule{{"", b.self}}
	for _, c := range b.children {
		for _, d := range c.Module.Base().Modules() {
			out = append(out, NamedModule{join(c.Path, d.Path), d.Module})
		}
	}
	return out
}

// Path returns the module's dotted path from the root of its model, such
// as "features.3"; "" for a root.
func (b *ModuleBase) Path() string {
	path := ""
	for m := b; m.parent != nil; m = m.parent {
		path = join(m.name, path)
	}
	return path
}

// join builds a dotted name, skipping empty parts.
func join(prefix, name string) string {
	switch {
	case prefix == "":
		return name
	case name == "":
		return prefix
	}
	return prefix + "." + name
}

// Parameters lists every trainable tensor, recursively: b's own first, in
// registration order, then each child's under the child's name.
func (b *ModuleBase) Parameters() []NamedParam {
	return b.collect(func(m *ModuleBase) []NamedParam { return m.params })
}

// Buffers lists every buffer, recursively, in the same order.
func (b *ModuleBase) Buffers() []NamedParam {
	return b.collect(func(m *ModuleBase) []NamedParam { return m.buffers })
}

// collect gathers own(m) for b and its descendants with dotted names.
func (b *ModuleBase) collect(own func(m *ModuleBase) []NamedParam) []NamedParam {
	var out []NamedParam
	for _, nm := range b.Modules() {
		for _, p := range own(nm.Module.Base()) {
			out = append(out, NamedParam{join(nm.Path, p.Name), p.Tensor})
		}
	}
	return out
}

// ParamTensors returns the parameter tensors in Parameters' order.
func (b *ModuleBase) ParamTensors() []*tensor.Tensor {
	ps := b.Parameters()
	out := make([]*tensor.Tensor, len(ps))
	for i, p := range ps {
		out[i] = p.Tensor
	}
	return out
}

// NumParams returns the number of trainable numbers in the module.
func (b *ModuleBase) NumParams() int {
	n := 0
	for _, p := range b.Parameters() {
		n += p.Tensor.Numel()
	}
	return n
}

// Train sets training mode (on) or evaluation mode (off) for b and all its
// children. It matters to Dropout and BatchNorm. As in PyTorch, it calls
// each child's own Train, so a module that overrides Train (a user's
// module that switches something of its own) is told too.
func (b *ModuleBase) Train(on bool) {
	b.training = on
	for _, c := range b.children {
		c.Module.Train(on)
	}
}

// Eval switches to evaluation mode, like PyTorch's eval(): it calls the
// module's Train(false), its own if it overrides Train.
func (b *ModuleBase) Eval() {
	if b.self != nil {
		b.self.Train(false)
		return
	}
	b.Train(false)
}

// Training reports whether the module is in training mode.
func (b *ModuleBase) Training() bool { return b.training }

// ZeroGrad clears the gradient of every parameter.
func (b *ModuleBase) ZeroGrad() {
	for _, p := range b.Parameters() {
		p.Tensor.ZeroGrad()
	}
}
