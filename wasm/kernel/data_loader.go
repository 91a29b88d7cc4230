//go:build js && wasm

package kernel

import (
	"fmt"
	"iter"
	"syscall/js"

	"tinytorch/engine/data"
)

// tt.data.DataLoader (see data.go): batches of a dataset, iterated with
// for…of, with the default collate step or a cell's own.

// loaderState is a DataLoader and the epoch its next iteration starts.
type loaderState struct {
	*data.DataLoader
	nextEpoch int
	// collate is the cell's collate function, or undefined for the
	// default (stack the xs, stack the ys).
	collate js.Value
}

// newLoader is tt.data.DataLoader(ds, {batchSize, shuffle, dropLast, seed,
// collate}).
func (d *dataBindings) newLoader(_ js.Value, args []js.Value) (any, error) {
	const name = "tt.data.DataLoader"
	ds, err := d.datasetArg(name, arg(args, 0))
	if err != nil {
		return nil, err
	}
	opts := arg(args, 1)
	if !opts.IsUndefined() && (typeOf(opts) != js.TypeObject || isArray(opts)) {
		return nil, fmt.Errorf("%s: expected options such as {batchSize: 64, shuffle: true}, got %s", name, describeJS(opts))
	}
	if err := checkOptions(name, opts, []string{"batchSize", "shuffle", "dropLast", "seed", "collate"}); err != nil {
		return nil, err
	}
	bs, err := intArg(name, []js.Value{option(args, 1, "batchSize")}, 0, "batchSize", 1)
	if err != nil {
		return nil, err
	}
	if bs <= 0 {
		return nil, fmt.Errorf("%s: batchSize must be a positive integer, got %d", name, bs)
	}
	shuffle, err := boolArg(name, []js.Value{option(args, 1, "shuffle")}, 0, "shuffle", false)
	if err != nil {
		return nil, err
	}
	dropLast, err := boolArg(name, []js.Value{option(args, 1, "dropLast")}, 0, "dropLast", false)
	if err != nil {
		return nil, err
	}
	seed, err := seedOption(name, opts)
	if err != nil {
		return nil, err
	}
	collate := option(args, 1, "collate")
	if collate.IsNull() {
		collate = js.Undefined()
	}
	if !collate.IsUndefined() && typeOf(collate) != js.TypeFunction {
		return nil, fmt.Errorf("%s: collate must be a function of the list of items (each {x, y}) returning the batch, got %s", name, describeJS(collate))
	}
	l := &data.DataLoader{Dataset: ds, BatchSize: bs, Shuffle: shuffle, Seed: seed, DropLast: dropLast}
	if !collate.IsUndefined() {
		// tt.train.fit takes its batches from Go: there the collate
		// function must return {x, y} tensors.
		l.Collate = func(samples []data.Sample) (data.Batch, error) {
			v, err := collateSamples(samples, collate)
			if err != nil {
				return data.Batch{}, err
			}
			s, err := sampleFromJS("the DataLoader's collate function", v)
			return data.Batch(s), err
		}
	}
	return d.wrap(d.loader, &loaderState{DataLoader: l, collate: collate}), nil
}

func (d *dataBindings) loaderArg(name string, this js.Value) (*loaderState, error) {
	if x, ok := d.value(d.loader, this); ok {
		return x.(*loaderState), nil
	}
	return nil, fmt.Errorf("%s: called on something that is not a DataLoader", name)
}

// loaderIterator is loader[Symbol.iterator](): each for…of is a new epoch.
func (d *dataBindings) loaderIterator(this js.Value, _ []js.Value) (any, error) {
	l, err := d.loaderArg("DataLoader", this)
	if err != nil {
		return nil, err
	}
	epoch := l.nextEpoch
	l.nextEpoch++
	return d.newIterator(l, epoch), nil
}

// epochBatches is the iterable of loader.batches(epoch).
type epochBatches struct {
	l     *loaderState
	epoch int
}

func (d *dataBindings) iterableIterator(this js.Value, _ []js.Value) (any, error) {
	x, ok := d.value(d.iterable, this)
	if !ok {
		return nil, fmt.Errorf("batches: called on something that is not loader.batches(epoch)")
	}
	e := x.(*epochBatches)
	return d.newIterator(e.l, e.epoch), nil
}

// batchIterator pulls the batches of one epoch, as the JavaScript values
// a for…of loop receives.
type batchIterator struct {
	next func() (js.Value, error, bool)
	stop func()
	done bool
}

func (d *dataBindings) newIterator(l *loaderState, epoch int) js.Value {
	if typeOf(l.collate) == js.TypeFunction {
		return d.wrap(d.iterator, collateIterator(l, epoch))
	}
	next, stop := iter.Pull2(l.Batches(epoch))
	classes := datasetClasses(l.Dataset)
	return d.wrap(d.iterator, &batchIterator{stop: stop, next: func() (js.Value, error, bool) {
		b, err, ok := next()
		if !ok || err != nil {
			return js.Undefined(), err, ok
		}
		return d.batchObject(b, classes), nil, true
	}})
}

// collateIterator yields what the cell's collate function makes of each
// batch's items; the function may return any value, as in PyTorch.
func collateIterator(l *loaderState, epoch int) *batchIterator {
	next, stop := iter.Pull(l.IndexBatches(epoch))
	k := 0
	return &batchIterator{stop: stop, next: func() (js.Value, error, bool) {
		idx, ok := next()
		if !ok {
			return js.Undefined(), nil, false
		}
		samples := make([]data.Sample, len(idx))
		for j, i := range idx {
			s, err := l.Dataset.Item(i)
			if err != nil {
				return js.Undefined(), fmt.Errorf("DataLoader: batch %d of epoch %d: item %d: %w", k, epoch, i, err), true
			}
			samples[j] = s
		}
		k++
		v, err := collateSamples(samples, l.collate)
		return v, err, true
	}}
}

// collateSamples calls a cell's collate function with the items as an
// array of {x, y}. What it throws reaches the cell unchanged.
func collateSamples(samples []data.Sample, collate js.Value) (js.Value, error) {
	items := js.Global().Get("Array").New(len(samples))
	for j, s := range samples {
		items.SetIndex(j, sampleObject(s))
	}
	return callJS(collate, items)
}

func (d *dataBindings) iteratorMethods() map[string]binding {
	finished := func() js.Value {
		r := js.Global().Get("Object").New()
		r.Set("done", true)
		r.Set("value", js.Undefined())
		return r
	}
	self := func(this js.Value) (*batchIterator, error) {
		x, ok := d.value(d.iterator, this)
		if !ok {
			return nil, fmt.Errorf("next: called on something that is not a DataLoader iterator")
		}
		return x.(*batchIterator), nil
	}
	return map[string]binding{
		"next": func(this js.Value, _ []js.Value) (any, error) {
			it, err := self(this)
			if err != nil {
				return nil, err
			}
			if it.done {
				return finished(), nil
			}
			b, err, ok := it.next()
			if !ok || err != nil {
				it.done = true
				it.stop()
				if err != nil {
					return nil, err
				}
				return finished(), nil
			}
			r := js.Global().Get("Object").New()
			r.Set("done", false)
			r.Set("value", b)
			return r, nil
		},
		// return is called when a for…of loop ends early (break, throw).
		"return": func(this js.Value, _ []js.Value) (any, error) {
			it, err := self(this)
			if err != nil {
				return nil, err
			}
			it.done = true
			it.stop()
			return finished(), nil
		},
	}
}

// batchObject is {x, y}; displaying it shows its images (data_show.go).
func (d *dataBindings) batchObject(b data.Batch, classes []string) js.Value {
	obj := js.Global().Get("Object").Call("create", d.batch)
	obj.Set("x", wrapOrNull(b.X))
	obj.Set("y", wrapOrNull(b.Y))
	if classes != nil {
		js.Global().Get("Object").Call("defineProperty", obj, "classes", map[string]any{"value": stringsToJS(classes)})
	}
	return obj
}

func (d *dataBindings) loaderMethods() map[string]binding {
	return map[string]binding{
		// batches(epoch) iterates one given epoch, for reproducible reruns.
		"batches": func(this js.Value, args []js.Value) (any, error) {
			l, err := d.loaderArg("loader.batches", this)
			if err != nil {
				return nil, err
			}
			epoch, err := intArg("loader.batches", args, 0, "epoch", l.nextEpoch)
			if err != nil {
				return nil, err
			}
			return d.wrap(d.iterable, &epochBatches{l: l, epoch: epoch}), nil
		},
		// order(epoch) is the order of the dataset's items in that epoch.
		"order": func(this js.Value, args []js.Value) (any, error) {
			l, err := d.loaderArg("loader.order", this)
			if err != nil {
				return nil, err
			}
			epoch, err := intArg("loader.order", args, 0, "epoch", 0)
			if err != nil {
				return nil, err
			}
			order := l.Order(epoch)
			out := make([]any, len(order))
			for i, v := range order {
				out[i] = v
			}
			return out, nil
		},
		"toString": func(this js.Value, _ []js.Value) (any, error) {
			l, err := d.loaderArg("loader.toString", this)
			if err != nil {
				return nil, err
			}
			return fmt.Sprintf("DataLoader(%s, batchSize %d, shuffle %v, dropLast %v: %d batches)",
				describeDataset(l.Dataset), l.BatchSize, l.Shuffle, l.DropLast, l.Len()), nil
		},
	}
}

func (d *dataBindings) loaderProperties() map[string]binding {
	get := func(f func(*loaderState) any) binding {
		return func(this js.Value, _ []js.Value) (any, error) {
			l, err := d.loaderArg("DataLoader", this)
			if err != nil {
				return nil, err
			}
			return f(l), nil
		}
	}
	return map[string]binding{
		"length":    get(func(l *loaderState) any { return l.Len() }),
		"batchSize": get(func(l *loaderState) any { return l.BatchSize }),
		"epoch":     get(func(l *loaderState) any { return l.nextEpoch }),
		"dataset": get(func(l *loaderState) any {
			if j, ok := l.Dataset.(jsDataset); ok {
				return j.v // the cell's own object
			}
			return d.wrap(d.dataset, l.Dataset)
		}),
	}
}
