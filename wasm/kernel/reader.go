//go:build js && wasm

package kernel

import (
	"fmt"
	"slices"
	"strings"
	"syscall/js"

	"tinytorch/engine/tensor"
)

// The argument reader. A binding makes one per call and reads each
// argument with a typed method, giving its default:
//
//	r := readArgs("tt.optim.StepLR", args)
//	opt := r.Optimizer(0)
//	o := r.Options(1, "stepSize", "gamma")
//	step, gamma := o.Int("stepSize", 0), o.Float("gamma", 0.1)
//	if err := r.Err(); err != nil {
//		return nil, err
//	}
//
// The reader keeps the first error; every read after it returns a zero
// value, so a binding checks once, at the end, like esbuild's flag parser.
// Err also rejects the keys of an options object that no read asked for,
// naming the known ones, so a misspelt option fails instead of being
// ignored. The conversions are value.go's; the messages start with the
// function's name.
type argReader struct {
	name string
	args []js.Value
	err  error
	opts []*optReader
}

// readArgs starts reading the arguments of the call name.
func readArgs(name string, args []js.Value) *argReader {
	return &argReader{name: name, args: args}
}

// fail keeps err, with the function's name in front, unless an error is
// already kept.
func (r *argReader) fail(err error) {
	if r.err == nil && err != nil {
		r.err = fmt.Errorf("%s: %w", r.name, err)
	}
}

// failf keeps an error made like fmt.Errorf.
func (r *argReader) failf(format string, a ...any) { r.fail(fmt.Errorf(format, a...)) }

// ok reports whether no error is kept yet.
func (r *argReader) ok() bool { return r.err == nil }

// Err returns the first error, or, when there is none, an error for the
// first option key that no read asked for. Call it after the last read of
// options (a key read later would be reported unknown); to stop earlier,
// test ok().
func (r *argReader) Err() error {
	for _, o := range r.opts {
		if r.err != nil {
			break
		}
		o.checkKeys()
	}
	return r.err
}

// Done returns v and err, a binding's result, unless the reader kept an
// error (Err), which comes first. A binding may thus call the engine with
// what it read before checking; it must check Err first when it passes
// a tensor, which is nil after a failed read.
func (r *argReader) Done(v any, err error) (any, error) {
	if e := r.Err(); e != nil {
		discard(v)
		return nil, e
	}
	return v, err
}

// Len is the number of arguments.
func (r *argReader) Len() int { return len(r.args) }

// Value is argument i as it is (undefined when there are fewer).
func (r *argReader) Value(i int) js.Value { return arg(r.args, i) }

// Has reports whether argument i was given (not undefined or null).
func (r *argReader) Has(i int) bool { return !missing(r.Value(i)) }

// need fails when argument i is missing, and reports whether it is there.
func (r *argReader) need(i int, what string) bool {
	if r.ok() && !r.Has(i) {
		r.failf("missing %s (argument %d)", what, i+1)
	}
	return r.ok()
}

// read converts argument i with conv, or returns def when it is missing
// (or an error is kept).
func read[T any](r *argReader, v js.Value, what string, def T, conv func(string, js.Value) (T, error)) T {
	if !r.ok() || missing(v) {
		return def
	}
	x, err := conv(what, v)
	if err != nil {
		r.fail(err)
		return def
	}
	return x
}

// Int reads an integer argument, def when it is missing.
func (r *argReader) Int(i int, what string, def int) int {
	return read(r, r.Value(i), what, def, toInt)
}

// NeedInt reads a required integer argument.
func (r *argReader) NeedInt(i int, what string) int {
	if !r.need(i, what) {
		return 0
	}
	return r.Int(i, what, 0)
}

// Size reads a size or a count, an integer ≥ 0; def when it is missing.
func (r *argReader) Size(i int, what string, def int) int {
	return read(r, r.Value(i), what, def, toSize)
}

// Float reads a number argument, def when it is missing.
func (r *argReader) Float(i int, what string, def float64) float64 {
	return read(r, r.Value(i), what, def, toFloat)
}

// Bool reads true or false, def when it is missing.
func (r *argReader) Bool(i int, what string, def bool) bool {
	return read(r, r.Value(i), what, def, toBool)
}

// String reads a string argument, def when it is missing.
func (r *argReader) String(i int, what string, def string) string {
	return read(r, r.Value(i), what, def, toString)
}

// Func reads a function argument, which is required.
func (r *argReader) Func(i int, what string) js.Value {
	v := r.Value(i)
	if r.ok() && kindOf(v) != kindFunction {
		r.failf("%s must be a function, got %s", what, describeJS(v))
	}
	return v
}

// Ints reads a list of integers given either as separate arguments from
// position i on — reshape(2, 3) — or as one array — reshape([2, 3]), the
// two forms PyTorch accepts. A trailing options object is not part of it.
func (r *argReader) Ints(i int, what string) []int {
	list := r.Positional(i)
	if len(list) == 1 {
		if items, ok := elements(list[0]); ok {
			list = items
		}
	}
	if !r.ok() {
		return nil
	}
	out, err := toInts(what, list)
	r.fail(err)
	return out
}

// IntList reads argument i alone as a list of integers: an array, or one
// integer standing for a list of one (tt.full(shape, value)).
func (r *argReader) IntList(i int, what string) []int {
	list, ok := elements(r.Value(i))
	if !ok {
		list = []js.Value{r.Value(i)}
	}
	if !r.ok() {
		return nil
	}
	out, err := toInts(what, list)
	r.fail(err)
	return out
}

// Dims reads the dims of a reduction: undefined or null means every
// dimension (nil), a number one dimension, an array several.
func (r *argReader) Dims(i int) []int { return read(r, r.Value(i), "dim", nil, toDims) }

// Dims is argReader.Dims for an option.
func (o *optReader) Dims(key string) []int { return read(o.r, o.Value(key), key, nil, toDims) }

// toDims reads one dim or an array of dims.
func toDims(what string, v js.Value) ([]int, error) {
	switch kindOf(v) {
	case kindNumber, kindBigInt:
		d, err := toInt(what, v)
		return []int{d}, err
	case kindArray:
		list, _ := elements(v)
		return toInts("dims", list)
	}
	return nil, fmt.Errorf("%s must be a number or an array of numbers, got %s", what, describeJS(v))
}

// Tensor reads a required tensor argument; a number or a nested array of
// numbers is made a tensor.
func (r *argReader) Tensor(i int, what string) *tensor.Tensor {
	if !r.need(i, what) {
		return nil
	}
	return r.tensorValue(r.Value(i), what)
}

// tensorValue is Tensor for a value read from anywhere.
func (r *argReader) tensorValue(v js.Value, what string) *tensor.Tensor {
	if !r.ok() {
		return nil
	}
	t, err := tensors.operand(what, v)
	if err != nil {
		r.err = fmt.Errorf("%s: %w", r.name, err)
	}
	return t
}

// Tensors reads an array of tensors (or numbers and arrays made tensors).
func (r *argReader) Tensors(i int, what string) []*tensor.Tensor {
	if !r.ok() {
		return nil
	}
	ts, err := tensors.operands(what, r.Value(i))
	if err != nil {
		r.err = fmt.Errorf("%s: %w", r.name, err)
	}
	return ts
}

// Options reads the options of a call from argument i on: an options
// object, the last argument, whose fields the optReader's methods read,
// and the arguments before it from position i, which stand for the keys
// in positional, in order — StepLR(opt, 10, 0.5) is StepLR(opt,
// {stepSize: 10, gamma: 0.5}). A key given both ways, more arguments than
// positional keys, or an argument i that is neither an options object
// nor missing when no positional keys are named, is an error.
func (r *argReader) Options(i int, positional ...string) *optReader {
	o := &optReader{r: r, obj: js.Undefined(), first: i, positional: positional}
	r.opts = append(r.opts, o)
	n := len(r.args)
	if n > i && isOptionsObject(r.args[n-1]) {
		o.obj, n = r.args[n-1], n-1
	}
	o.values = map[string]js.Value{}
	for k := i; k < n; k++ {
		v := r.args[k]
		switch {
		case k-i < len(positional):
			key := positional[k-i]
			o.values[key] = v
			if !missing(v) && !missing(getProp(o.obj, key)) && r.ok() {
				r.failf("%s is given twice, as argument %d and as an option", key, k+1)
			}
		case !missing(v) && r.ok() && len(positional) == 0:
			r.failf("argument %d must be an options object {…}, got %s", k+1, describeJS(v))
		case !missing(v) && r.ok():
			r.failf("%d arguments, expected at most %d (%s) and an options object", n, i+len(positional), strings.Join(positional, ", "))
		}
	}
	return o
}

// LastOptions is Options for a trailing options object alone, after
// arguments of any number: tt.zeros(2, 3, {requiresGrad: true}).
func (r *argReader) LastOptions() *optReader {
	n := len(r.args)
	if n > 0 && isOptionsObject(r.args[n-1]) {
		return r.Options(n - 1)
	}
	return r.Options(n)
}

// Positional returns the arguments from position i on, without a
// trailing options object.
func (r *argReader) Positional(i int) []js.Value {
	list := r.args[min(i, len(r.args)):]
	if n := len(list); n > 0 && isOptionsObject(list[n-1]) {
		list = list[:n-1]
	}
	return list
}

// isOptionsObject reports whether v is a plain options object: an object
// that is not an array, a tensor or a bound object such as a module.
func isOptionsObject(v js.Value) bool {
	if typeOf(v) != js.TypeObject || isArray(v) || isTypedArray(v) {
		return false
	}
	if tensors != nil && tensors.isTensorObject(v) {
		return false
	}
	_, bound := objects.get(v)
	return !bound
}

// optReader reads the options of one call, given as an options object
// or positionally (argReader.Options). Each read records its key as
// known; argReader.Err rejects the object's other keys.
type optReader struct {
	r      *argReader
	obj    js.Value            // the options object, or undefined
	values map[string]js.Value // the positional values, by key
	known  []string            // the keys read, in order
	// first is the position of the first positional key.
	first      int
	positional []string
}

// Need fails when the option key is missing, naming its position when
// it may come positionally, and reports whether it is there.
func (o *optReader) Need(key string) bool {
	if !o.r.ok() || o.Has(key) {
		return o.r.ok()
	}
	if i := slices.Index(o.positional, key); i >= 0 {
		o.r.failf("missing %s (argument %d)", key, o.first+i+1)
	} else {
		o.r.failf("missing option %s", key)
	}
	return false
}

// Known records keys as read without reading them, for options that only
// some paths of a binding read.
func (o *optReader) Known(keys ...string) {
	for _, k := range keys {
		if !slices.Contains(o.known, k) {
			o.known = append(o.known, k)
		}
	}
}

// Value is the option key as it is: the positional argument, else the
// object's field, else undefined.
func (o *optReader) Value(key string) js.Value {
	o.Known(key)
	if v, ok := o.values[key]; ok && !missing(v) {
		return v
	}
	if missing(o.obj) {
		return js.Undefined()
	}
	return getProp(o.obj, key)
}

// Has reports whether the option key was given.
func (o *optReader) Has(key string) bool { return !missing(o.Value(key)) }

// Given reports whether an options object was passed.
func (o *optReader) Given() bool { return !missing(o.obj) }

// Int reads an integer option, def when it is missing.
func (o *optReader) Int(key string, def int) int { return read(o.r, o.Value(key), key, def, toInt) }

// Size reads an integer option ≥ 0, def when it is missing.
func (o *optReader) Size(key string, def int) int { return read(o.r, o.Value(key), key, def, toSize) }

// Float reads a number option, def when it is missing.
func (o *optReader) Float(key string, def float64) float64 {
	return read(o.r, o.Value(key), key, def, toFloat)
}

// Bool reads a true or false option, def when it is missing.
func (o *optReader) Bool(key string, def bool) bool { return read(o.r, o.Value(key), key, def, toBool) }

// String reads a string option, def when it is missing.
func (o *optReader) String(key string, def string) string {
	return read(o.r, o.Value(key), key, def, toString)
}

// Ints reads an array of integers (or one integer) option, nil when it
// is missing.
func (o *optReader) Ints(key string) []int {
	v := o.Value(key)
	if !o.r.ok() || missing(v) {
		return nil
	}
	list, ok := elements(v)
	if !ok {
		list = []js.Value{v}
	}
	out, err := toInts(key, list)
	o.r.fail(err)
	return out
}

// Tensor reads a tensor option (a number or an array is made a tensor),
// nil when it is missing.
func (o *optReader) Tensor(key string) *tensor.Tensor {
	v := o.Value(key)
	if missing(v) {
		return nil
	}
	return o.r.tensorValue(v, key)
}

// checkKeys fails on the first key of the options object that no read
// asked for.
func (o *optReader) checkKeys() {
	for _, key := range optionKeys(o.obj) {
		switch {
		case slices.Contains(o.known, key):
			continue
		case len(o.known) == 0:
			o.r.failf("unknown option %q (it takes no options)", key)
		default:
			o.r.failf("unknown option %q (known: %s)", key, strings.Join(o.known, ", "))
		}
		return
	}
}

// toString reads a string.
func toString(what string, v js.Value) (string, error) {
	if kindOf(v) != kindString {
		return "", fmt.Errorf("%s must be a string, got %s", what, describeJS(v))
	}
	return v.String(), nil
}

// Pair reads a size given as one integer n, meaning [n, n], or as
// [height, width]; def when it is missing.
func (r *argReader) Pair(i int, what string, def int) [2]int {
	return read(r, r.Value(i), what, [2]int{def, def}, toPair)
}

// Pair is argReader.Pair for an option.
func (o *optReader) Pair(key string, def int) [2]int {
	return read(o.r, o.Value(key), key, [2]int{def, def}, toPair)
}

// toPair reads n or [height, width].
func toPair(what string, v js.Value) ([2]int, error) {
	if list, ok := elements(v); ok {
		ints, err := toInts(what, list)
		if err == nil && len(ints) != 2 {
			err = fmt.Errorf("%s must be a number or [height, width], got %d numbers", what, len(ints))
		}
		if err != nil {
			return [2]int{}, err
		}
		return [2]int{ints[0], ints[1]}, nil
	}
	n, err := toInt(what, v)
	return [2]int{n, n}, err
}

// keep keeps err as it is, without a name in front (an error of a nested
// reader, which has its own), unless an error is already kept.
func (r *argReader) keep(err error) {
	if r.err == nil {
		r.err = err
	}
}
