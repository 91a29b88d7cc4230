//go:build js && wasm

package kernel

import (
	"syscall/js"
)

// newTT builds the tt object that cells use. Each engine package has its
// own binding file (tensor*.go for engine/tensor); this file gathers them.
// Every tensor method is also a function of tt taking the tensor first,
// as in PyTorch: tt.exp(x) is x.exp().
func newTT() js.Value {
	fns := map[string]binding{
		"version":  func(js.Value, []js.Value) (any, error) { return Version, nil },
		"tidy":     tensors.tidy,
		"keep":     tensors.keep,
		"memory":   tensors.memory,
		"html":     htmlFunc,
		"svg":      svgFunc,
		"image":    imageFunc,
		"progress": progressFunc,
		"runs":     runsList, // runs.go
		"save":     saveFunc, // checkpoint.go
		"load":     loadFunc,
		"upload":   uploadFunc, // upload.go
	}
	for name, fn := range tensors.createFunctions() {
		fns[name] = fn
	}
	for name, fn := range tensors.combineFunctions() {
		fns[name] = fn
	}
	for name, fn := range tensors.moreFunctions() { // tensor_more.go
		fns[name] = fn
	}
	tt := object(fns)
	// tt.nn (layers, init, functional, and the losses of engine/loss),
	// tt.optim and tt.train, each from its own binding file.
	objects = newObjectTable()
	nnNS := newNN()
	addLosses(nnNS)
	addMoreNN(nnNS)    // nn_more.go
	addAttention(nnNS) // nn_attention.go
	tt.Set("nn", nnNS)
	tt.Set("optim", newOptim())
	trainNS := newTrain()
	buildRunKind() // runs.go: tt.train.run, tt.train.evaluate and the run objects
	trainNS.Set("run", function("tt.train.run", trainRun))
	trainNS.Set("evaluate", function("tt.train.evaluate", evaluateFunc))
	tt.Set("train", trainNS)
	tt.Set("config", newConfigNS())
	tt.Set("data", newData())
	tt.Set("kernels", newKernels())
	tt.Set("profile", newProfile())
	tt.Set("prune", newPrune()) // prune.go: tt.prune.*
	tt.Set("plot", newPlot())
	tt.Set("bench", newBench())
	tt.Set("quant", newQuant())       // quant.go
	tt.Set("autograd", newAutograd()) // autograd.go: tt.autograd.Function and tt.gradCheck
	tt.Set("gradCheck", function("tt.gradCheck", gradCheckBinding))
	tt.Set("check", newCheck()) // check*.go: the exercises' checks
	tt.Set("todo", function("tt.todo", todo))
	tt.Set("exercises", newExercises()) // exercises.go: the student's code from other notebooks
	for _, name := range tensors.methodNames {
		if _, taken := fns[name]; taken || name == "toString" || name == "toJSON" {
			continue
		}
		tt.Set(name, function("tt."+name, tensors.functional(name)))
	}
	return tt
}

// functional turns a tensor method into a function taking the tensor as
// its first argument (a number or array is made a tensor first).
func (b *tensorBindings) functional(name string) binding {
	return func(_ js.Value, args []js.Value) (any, error) {
		r := readArgs("tt."+name, args)
		self := r.Value(0)
		if _, ok := b.unwrap(self); !ok {
			t := r.Tensor(0, "a tensor first")
			if err := r.Err(); err != nil {
				return nil, err
			}
			self = b.wrap(t)
		}
		return callMethod(self, name, toAnySlice(args[1:])...)
	}
}
