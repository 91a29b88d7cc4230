package nn

import (
	"errors"
	"fmt"
	"reflect"

	"tinytorch/engine/tensor"
)

// LayerError is an error raised inside a module, located by the module's
// path in the model: "features.3 (Conv2d): expected input [N, 1, H, W],
// got [64, 784]".
type LayerError struct {
	Path string // dotted path from the model's root; "" for the root
	Type string // the module's type name
	Err  error
}

// Error names the layer, then what went wrong.
func (e *LayerError) Error() string {
	if e.Path == "" {
		return e.Type + ": " + e.Err.Error()
	}
	return e.Path + " (" + e.Type + "): " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *LayerError) Unwrap() error { return e.Err }

// Errorf returns a LayerError for the module b: layers use it to report a
// bad input, so that the message says which layer of the model failed.
func (b *ModuleBase) Errorf(format string, args ...any) error {
	return &LayerError{Path: b.Path(), Type: b.typeName, Err: fmt.Errorf(format, args...)}
}

// Call runs m.Forward(x), the way PyTorch's module(x) does: a container
// calls its children through Call. An error that does not yet name a
// layer (one from a tensor op) is wrapped in m's LayerError, and while
// Summary runs, Call records each module's output shape.
//
// Call is also where a CallObserver (the profiler) learns which module
// is running, and where a module written outside this package (a
// student's, a cell's) is run as user code (forward).
func Call(m Module, x *tensor.Tensor) (*tensor.Tensor, error) {
	if callObserver != nil {
		callObserver.Enter(m)
		defer callObserver.Exit(m)
	}
	y, err := forward(m, x)
	if err != nil {
		var le *LayerError
		if !errors.As(err, &le) {
			b := m.Base()
			err = &LayerError{Path: b.Path(), Type: b.typeName, Err: err}
		}
		return nil, err
	}
	if observer != nil {
		observer(m, y)
	}
	return y, nil
}

// observer, when set (only while Summary runs), sees every module's
// output. Like gradient tracking in package tensor it is process-wide:
// the engine is driven from one goroutine.
var observer func(m Module, out *tensor.Tensor)

// CallObserver is told when each module called through Call starts and
// ends its Forward. The profiler (engine/profile) uses it to attribute
// every op to the layer that ran it, by the layer's path ("features.0").
// Calls nest: a container's Enter comes before its children's.
type CallObserver interface {
	Enter(m Module)
	Exit(m Module)
}

// callObserver is the current CallObserver; nil (the default) costs Call
// one nil check.
var callObserver CallObserver

// SetCallObserver makes o the CallObserver (nil for none) and returns the
// previous one. Like gradient tracking it is process-wide.
func SetCallObserver(o CallObserver) (previous CallObserver) {
	previous, callObserver = callObserver, o
	return previous
}

// ShapeString formats a shape the way error messages and summaries show
// it: [64, 1, 28, 28].
func ShapeString(shape []int) string { return tensor.FormatShape(shape) }

// KeepsNoTensors is implemented by a module written outside this package
// that follows its modules' ownership rule, as engine/quant's and
// engine/prune's inference layers do: Forward keeps no reference to its
// input, to its output or to anything it computes once it returns, and
// its output is no view of its input. Call then runs it as one of this
// package's modules, without marking its input and output held, so that
// Sequential may give their buffers back to the pool. A module that does
// keep a tensor must not implement it.
type KeepsNoTensors interface {
	Module
	KeepsNoTensors()
}

// forward runs m.Forward(x). A module written outside this package may
// keep its input, its output or anything it computes, as PyTorch lets it:
// it runs as user code, and its input and output are marked as held, so
// that the trainer's step scope gives none of their buffers back to the
// pool at the end of the step (tensor.BeginStep). The modules of this
// package keep no tensor they compute, nor do those that say so
// (KeepsNoTensors).
func forward(m Module, x *tensor.Tensor) (y *tensor.Tensor, err error) {
	if _, keepsNone := m.(KeepsNoTensors); keepsNone || builtIn(m) {
		return m.Forward(x)
	}
	x.MarkHeld()
	tensor.UserCode(func() { y, err = m.Forward(x) })
	y.MarkHeld()
	return y, err
}

// builtIn reports whether m is one of this package's modules.
func builtIn(m Module) bool {
	t := reflect.TypeOf(m)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.PkgPath() == thisPackage
}

// thisPackage is this package's import path.
var thisPackage = reflect.TypeFor[ModuleBase]().PkgPath()
