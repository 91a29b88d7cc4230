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
	r := readArgs("tt.data.DataLoader", args)
	ds, o := d.datasetValue(r, r.Value(0)), r.Options(1)
	l := &data.DataLoader{Dataset: ds, BatchSize: o.Int("batchSize", 1), Shuffle: o.Bool("shuffle", false),
		DropLast: o.Bool("dropLast", false), Seed: seedOption(o)}
	collate := read(r, o.Value("collate"), "collate", js.Undefined(), toCollate)
	if r.ok() && l.BatchSize <= 0 {
		r.failf("batchSize must be a positive integer, got %d", l.BatchSize)
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
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
	return d.loader.wrap(&loaderState{DataLoader: l, collate: collate}), nil
}

// toCollate reads a collate function.
func toCollate(what string, v js.Value) (js.Value, error) {
	if kindOf(v) != kindFunction {
		return js.Undefined(), fmt.Errorf("%s must be a function of the list of items (each {x, y}) returning the batch, got %s", what, describeJS(v))
	}
	return v, nil
}

// loaderIterator is loader[Symbol.iterator](): each for…of is a new epoch.
func (d *dataBindings) loaderIterator(l *loaderState, _ js.Value, _ *argReader) (any, error) {
	epoch := l.nextEpoch
	l.nextEpoch++
	return d.newIterator(l, epoch), nil
}

// epochBatches is the iterable of loader.batches(epoch).
type epochBatches struct {
	l     *loaderState
	epoch int
}

func (d *dataBindings) iterableIterator(e *epochBatches, _ js.Value, _ *argReader) (any, error) {
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
		return d.iterator.wrap(collateIterator(l, epoch))
	}
	next, stop := iter.Pull2(l.Batches(epoch))
	classes := datasetClasses(l.Dataset)
	return d.iterator.wrap(&batchIterator{stop: stop, next: func() (js.Value, error, bool) {
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
	return map[string]binding{
		"next": kindMethod(d.iterator, "next", func(it *batchIterator, _ js.Value, _ *argReader) (any, error) {
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
		}),
		// return is called when a for…of loop ends early (break, throw).
		"return": kindMethod(d.iterator, "return", func(it *batchIterator, _ js.Value, _ *argReader) (any, error) {
			it.done = true
			it.stop()
			return finished(), nil
		}),
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
		"batches": kindMethod(d.loader, "loader.batches", func(l *loaderState, _ js.Value, r *argReader) (any, error) {
			epoch := r.Int(0, "epoch", l.nextEpoch)
			return d.iterable.wrap(&epochBatches{l: l, epoch: epoch}), nil
		}),
		// order(epoch) is the order of the dataset's items in that epoch.
		"order": kindMethod(d.loader, "loader.order", func(l *loaderState, _ js.Value, r *argReader) (any, error) {
			return intsToJS(l.Order(r.Int(0, "epoch", 0))), nil
		}),
		"toString": kindMethod(d.loader, "loader.toString", func(l *loaderState, _ js.Value, _ *argReader) (any, error) {
			return fmt.Sprintf("DataLoader(%s, batchSize %d, shuffle %v, dropLast %v: %d batches)",
				describeDataset(l.Dataset), l.BatchSize, l.Shuffle, l.DropLast, l.Len()), nil
		}),
	}
}

func (d *dataBindings) loaderProperties() map[string]binding {
	get := func(name string, f func(*loaderState) any) binding {
		return kindMethod(d.loader, "DataLoader."+name, func(l *loaderState, _ js.Value, _ *argReader) (any, error) { return f(l), nil })
	}
	return map[string]binding{
		"length":    get("length", func(l *loaderState) any { return l.Len() }),
		"batchSize": get("batchSize", func(l *loaderState) any { return l.BatchSize }),
		"epoch":     get("epoch", func(l *loaderState) any { return l.nextEpoch }),
		"dataset": get("dataset", func(l *loaderState) any {
			if j, ok := l.Dataset.(jsDataset); ok {
				return j.v // the cell's own object
			}
			return d.dataset.wrap(l.Dataset)
		}),
	}
}
