//go:build js && wasm

package kernel

import (
	"errors"
	"fmt"
	"strings"
	"syscall/js"

	"tinytorch/engine/check"
	"tinytorch/engine/tensor"
)

// tt.check and tt.todo: the checks of the notebooks' exercises. A check
// runs the student's code on the engine's reference, on random seeded
// inputs and edge cases, and throws a tt.check.Failure that says which
// case failed, its input, expected against got at the first differing
// element and, when the difference has a known pattern, the mistake
// (engine/check). On success it returns a one-line summary.
//
//	function relu(x) { return tt.todo("relu"); }        // the starter
//	tt.check.fn(relu, (x) => x.relu(), {shapes: [[3, 4]]});
//	// CheckFailure: relu: fails on the case "random values" …
//	//   likely mistake: not written yet (the starter's tt.todo)
//
// The API (the notebooks' checks are written against it):
//
//   - tt.todo(what) throws "what is not written yet"; a check names it.
//   - new tt.check.Failure(message, fields): an Error whose .check is
//     {name, case, input, expected, got, index, mistake}, all strings.
//   - tt.check.close(got, expected, {name, atol = 1e-5, rtol = 1e-4}).
//   - tt.check.fn(studentFn, referenceFn, {name, shapes, cases, grad = true,
//     seed = 1, atol, rtol}) (check_fn.go).
//   - tt.check.function(StudentFn, referenceFn, {name, shapes, cases, seed,
//     atol, rtol}) (check_function.go).
//   - tt.check.module(StudentClass, {args, reference, input, name, seed,
//     atol, rtol}) (check_module.go).
//   - tt.check.optimizer(StudentClass, {reference, options, steps = 5,
//     name, seed, atol, rtol}) (check_optimizer.go).
//   - tt.check.kernel(fn, {name}) (check_kernel.go).
//   - tt.check.backward(studentBackward, {graphs = 20, seed, name})
//     (check_backward.go).
//   - tt.check.that(condition, message).
//
// Nothing the student's code does reaches the cell as a Go panic: every
// call into it goes through callJSAsIs, every value it returns is read by
// kind (undefined, null, a BigInt, a disposed tensor, a string…) before
// use, and the binding wrapper (bind.go) turns any remaining panic into a
// thrown Error.

// failureSource defines tt.check.Failure; the fields a check fills are
// strings, empty when they do not apply.
const failureSource = `return class Failure extends Error {
  constructor(message, check) {
    super(message);
    this.name = "CheckFailure";
    this.check = Object.assign({name: "", case: "", input: "", expected: "", got: "", index: "", mistake: ""}, check);
  }
};`

// failureClass is tt.check.Failure.
var failureClass js.Value

// newCheck builds tt.check.
func newCheck() js.Value {
	failureClass = js.Global().Get("Function").New(failureSource).Invoke()
	ns := object(map[string]binding{
		"close":     checkClose,
		"that":      checkThat,
		"fn":        checkFn,
		"function":  checkFunction,
		"module":    checkModule,
		"optimizer": checkOptimizer,
		"kernel":    checkKernel,
		"backward":  checkBackward,
	})
	ns.Set("Failure", failureClass)
	return ns
}

// failed is the error that throws f in the cell as a tt.check.Failure.
func failed(f check.Failure) error {
	mistake := f.Mistake
	if f.Hint != "" {
		mistake += " (" + f.Hint + ")"
	}
	e := failureClass.New(f.Message(), map[string]any{
		"name": f.Name, "case": f.Case, "input": f.Input, "expected": f.Expected,
		"got": f.Got, "index": f.Index, "mistake": mistake,
	})
	e.Set("ttFresh", true) // the stack starts at the check's line in the cell
	return js.Error{Value: e}
}

// todo is tt.todo(what): the starter's placeholder, which throws.
func todo(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.todo", args)
	what := r.String(0, "what is not written", "this")
	if err := r.Err(); err != nil {
		return nil, err
	}
	e := js.Global().Get("Error").New(what + " is not written yet: replace the tt.todo(…) call with your code")
	e.Set("name", "TodoError")
	e.Set("ttTodo", what)
	e.Set("ttFresh", true)
	return nil, js.Error{Value: e}
}

// checkThat is tt.check.that(condition, message).
func checkThat(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.check.that", args)
	msg := r.String(1, "message", "the condition does not hold")
	if err := r.Err(); err != nil {
		return nil, err
	}
	if r.Len() == 0 {
		return nil, errors.New("tt.check.that: missing the condition, such as tt.check.that(loss < 0.1, \"the loss falls below 0.1\")")
	}
	if !r.Value(0).Truthy() {
		return nil, failed(check.Failure{Detail: msg})
	}
	return "✓ " + msg, nil
}

// checkClose is tt.check.close(got, expected, {name, atol, rtol}).
func checkClose(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.check.close", args)
	o := r.Options(2)
	name := o.String("name", "the value")
	tol := readTolerance(o)
	if err := r.Err(); err != nil {
		return nil, err
	}
	want, err := referenceValue("tt.check.close: the expected value", r.Value(1))
	if err != nil {
		return nil, err
	}
	got, _, problem := studentValue(r.Value(0))
	if problem != nil {
		problem.Name, problem.Expected = name, "a value of shape "+check.FormatShape(want.Shape)
		return nil, failed(*problem)
	}
	if m := check.Compare(got, want, tol); m != nil {
		return nil, failed(check.FromMismatch(name, "", "", "the value", m))
	}
	return fmt.Sprintf("✓ %s: %d elements match", name, len(want.Data)), nil
}

// readTolerance reads the atol and rtol options.
func readTolerance(o *optReader) check.Tolerance {
	return check.Tolerance{Atol: o.Float("atol", check.DefaultTolerance.Atol), Rtol: o.Float("rtol", check.DefaultTolerance.Rtol)}
}

// tensorValue is a tensor's shape and elements as check.Value.
func tensorValue(t *tensor.Tensor) check.Value {
	data := t.Data()
	out := make([]float64, len(data))
	for i, x := range data {
		out[i] = float64(x)
	}
	return check.Value{Shape: t.Shape(), Data: out}
}

// referenceValue reads an expected value, which the check's author gives:
// what cannot be read is an ordinary error, not the student's failure.
func referenceValue(what string, v js.Value) (check.Value, error) {
	t, err := tensors.operand(what, v)
	if err != nil {
		return check.Value{}, err
	}
	return tensorValue(t), nil
}

// studentValue reads what the student's code gave or returned: a tensor,
// a number or a (nested) array of numbers, with the tensor when it is
// one; anything else is a failure saying what was given.
func studentValue(v js.Value) (check.Value, *tensor.Tensor, *check.Failure) {
	bad := func(got, mistake string) (check.Value, *tensor.Tensor, *check.Failure) {
		return check.Value{}, nil, &check.Failure{Got: got, Mistake: mistake}
	}
	switch kindOf(v) {
	case kindUndefined:
		return bad("undefined", check.ReturnsNothing)
	case kindDisposedTensor:
		return bad("a disposed tensor (disposed, or freed when its tt.tidy ended)", "")
	case kindTensor:
		t, _ := tensors.unwrap(v)
		return tensorValue(t), t, nil
	case kindNumber, kindBigInt, kindArray, kindTypedArray:
		if n, err := withoutBigInt(v); err == nil {
			if t, err := tensors.operand("", n); err == nil {
				return tensorValue(t), nil, nil
			}
		}
	}
	if isPromise(v) {
		return bad("a Promise (an async function?); a check needs the value, computed synchronously", "")
	}
	return bad(describeJS(v), "")
}

// thrownFailure is the failure of student code that threw: the starter's
// tt.todo is the mistake "not written yet"; anything else is described
// with its message and line (thrownText).
func thrownFailure(err error) check.Failure {
	var je js.Error
	if errors.As(err, &je) && typeOf(je.Value) == js.TypeObject {
		if what := getProp(je.Value, "ttTodo"); kindOf(what) == kindString {
			return check.Failure{Mistake: check.NotWritten, Got: "tt.todo(" + fmt.Sprintf("%q", what.String()) + ")",
				Detail: what.String() + " still calls tt.todo: write the code that replaces it"}
		}
	}
	return check.Failure{Detail: "threw " + thrownText(err, "")}
}

// describeInputs writes a case's inputs briefly: "[3, 4] [0.1, …]", or
// "input 1 = …; input 2 = …" for several.
func describeInputs(ts []*tensor.Tensor) string {
	if len(ts) == 1 {
		return check.Short(tensorValue(ts[0]))
	}
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = fmt.Sprintf("input %d = %s", i+1, check.Short(tensorValue(t)))
	}
	return strings.Join(parts, "; ")
}

// functionName is a function's own name, or fallback for an anonymous one.
func functionName(fn js.Value, fallback string) string {
	if kindOf(fn) == kindFunction {
		if n := getProp(fn, "name"); kindOf(n) == kindString && n.String() != "" {
			return n.String()
		}
	}
	return fallback
}

// notAFunction is the failure of a check given no function to check,
// most often a name the exercise cell has not defined yet.
func notAFunction(name string, v js.Value, want string) error {
	return failed(check.Failure{Name: name, Expected: want, Got: describeJS(v),
		Detail: "the check needs " + want + "; run the exercise's cell first, and keep the starter's name"})
}

// inScope runs fn inside a tidy scope of the tensor table, so the
// tensors a case wraps for the student's code are freed after it.
func inScope[T any](fn func() T) T {
	tensors.table.openScope()
	defer tensors.table.closeScope(nil)
	return fn()
}
