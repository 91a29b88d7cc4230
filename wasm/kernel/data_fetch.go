//go:build js && wasm

package kernel

import (
	"fmt"
	"math"
	"syscall/js"
	"time"

	"tinytorch/engine/data"
)

// The real image sets come from the site's data/ folder, which the build
// writes (internal/site/data.go): manifest.json lists the TTDS files
// of each set with their sizes and SHA-256 checksums. tt.data.mnist() and
// tt.data.fashionMNIST() fetch the files they need from the worker, with a
// progress bar, verify each checksum, and keep the files in the browser's
// Cache API (cache dataCacheName) so later visits, and offline ones, read
// them from there. The fetching runs on a goroutine and the binding returns
// a Promise: waiting on a JavaScript promise inside a synchronous callback
// would deadlock the Go program.

// dataCacheName is the Cache API cache that holds the data files.
const dataCacheName = "tinytorch-data-v1"

// dataURL resolves a file of the site's data/ folder. The worker's script
// is in assets/, a sibling of data/, so this works under any base path.
func dataURL(file string) string {
	return js.Global().Get("URL").New("../data/"+file, js.Global().Get("location").Get("href")).Call("toString").String()
}

// promise runs work on a goroutine and returns a Promise of its result.
func promise(work func() (any, error)) js.Value {
	var executor js.Func
	executor = js.FuncOf(func(_ js.Value, args []js.Value) any {
		resolve, reject := args[0], args[1]
		go func() {
			defer executor.Release()
			defer func() {
				if r := recover(); r != nil {
					reject.Invoke(jsError(fmt.Errorf("internal error: %v", r)))
				}
			}()
			v, err := work()
			if err != nil {
				reject.Invoke(jsError(err))
				return
			}
			resolve.Invoke(v)
		}()
		return nil
	})
	return js.Global().Get("Promise").New(executor)
}

// imageSetOptions are the options of mnist() and fashionMNIST().
type imageSetOptions struct {
	train, test int
	transform   js.Value
}

func readImageSetOptions(name string, args []js.Value, defTrain, defTest int) (imageSetOptions, error) {
	o := imageSetOptions{transform: option(args, 0, "transform")}
	opts := arg(args, 0)
	if !opts.IsUndefined() && (typeOf(opts) != js.TypeObject || isArray(opts)) {
		return o, fmt.Errorf("%s: expected options such as {train: 10000, test: 2000}, got %s", name, describeJS(opts))
	}
	if err := checkOptions(name, opts, []string{"train", "test", "transform"}); err != nil {
		return o, err
	}
	var err error
	if o.train, err = intArg(name, []js.Value{option(args, 0, "train")}, 0, "train", defTrain); err != nil {
		return o, err
	}
	if o.test, err = intArg(name, []js.Value{option(args, 0, "test")}, 0, "test", defTest); err != nil {
		return o, err
	}
	if o.train <= 0 || o.test <= 0 {
		return o, fmt.Errorf("%s: train and test must be positive numbers of images, got %d and %d", name, o.train, o.test)
	}
	return o, nil
}

// mnist is tt.data.mnist({train, test, transform}): the 8,000/2,000 MNIST
// digits (or the first train/test of them).
func (d *dataBindings) mnist(_ js.Value, args []js.Value) (any, error) {
	o, err := readImageSetOptions("tt.data.mnist", args, 8000, 2000)
	if err != nil {
		return nil, err
	}
	return d.loadImageSets("tt.data.mnist", "mnist", "MNIST digits", o)
}

// fashionMNIST is tt.data.fashionMNIST({train, test, transform}): by
// default the first 10,000 of the 60,000 training images (a shard of 7.8
// MB; ask for {train: 60000} for all) and the 10,000 test images.
func (d *dataBindings) fashionMNIST(_ js.Value, args []js.Value) (any, error) {
	o, err := readImageSetOptions("tt.data.fashionMNIST", args, 10000, 10000)
	if err != nil {
		return nil, err
	}
	return d.loadImageSets("tt.data.fashionMNIST", "fashion-mnist", "Fashion-MNIST", o)
}

// loadImageSets checks the transform now, then fetches on a goroutine and
// resolves to {train, test, classes, source, ms}.
func (d *dataBindings) loadImageSets(name, set, title string, o imageSetOptions) (any, error) {
	var transform data.Transform
	if !o.transform.IsUndefined() && !o.transform.IsNull() {
		t, err := d.transformArg(name, o.transform)
		if err != nil {
			return nil, err
		}
		transform = t
	}
	var seed uint64
	if transform != nil {
		seed, _ = seedOption(name, js.Undefined())
	}
	return promise(func() (any, error) {
		start := time.Now()
		f, err := newFetcher(name)
		if err != nil {
			return nil, err
		}
		man, err := f.manifest()
		if err != nil {
			return nil, err
		}
		entry := man.Get("datasets").Get(set)
		if entry.IsUndefined() {
			if msg := man.Get("missing").Get(set); typeOf(msg) == js.TypeString {
				return nil, fmt.Errorf("%s: %s", name, msg.String())
			}
			return nil, fmt.Errorf("%s: this build of the site has no %s", name, title)
		}
		splits := []struct {
			key  string
			want int
		}{{"train", o.train}, {"test", o.test}}
		// Pick the files first, so the progress bar knows the total.
		var files [2][]js.Value
		total := 0
		for k, sp := range splits {
			list := entry.Get(sp.key)
			have := 0
			for i := 0; i < list.Length() && have < sp.want; i++ {
				files[k] = append(files[k], list.Index(i))
				have += list.Index(i).Get("count").Int()
				total += list.Index(i).Get("bytes").Int()
			}
			if have < sp.want {
				return nil, fmt.Errorf("%s: asked for %d %s images, the %s set has %d", name, sp.want, sp.key, title, have)
			}
		}
		f.startProgress(title, total)
		out := js.Global().Get("Object").New()
		for k, sp := range splits {
			var shards []*data.ImageSet
			for _, file := range files[k] {
				s, err := f.imageSet(file)
				if err != nil {
					return nil, err
				}
				shards = append(shards, s)
			}
			all, err := data.ConcatImageSets(set+"-"+sp.key, shards...)
			if len(shards) == 1 {
				all, err = shards[0], nil
			}
			if err != nil {
				return nil, err
			}
			if all, err = all.Slice(0, sp.want); err != nil {
				return nil, err
			}
			all.Name = fmt.Sprintf("%s %s", title, sp.key)
			var ds data.Dataset = all
			if transform != nil && sp.key == "train" {
				ds = withTransform(all, transform, seed)
			}
			out.Set(sp.key, d.wrap(d.dataset, ds))
		}
		f.finishProgress()
		out.Set("classes", stringsToJS(data.DigitClasses))
		if set == "fashion-mnist" {
			out.Set("classes", stringsToJS(data.FashionClasses))
		}
		out.Set("source", f.source())
		out.Set("ms", float64(time.Since(start).Microseconds())/1000)
		return out, nil
	}), nil
}

// fetcher fetches and caches data files, counting bytes for the progress
// bar and where they came from.
type fetcher struct {
	name               string
	cache              js.Value // a Cache, or undefined when the Cache API is missing
	bar                *progressBar
	done               int
	fromCache, fromNet int
}

func newFetcher(name string) (*fetcher, error) {
	f := &fetcher{name: name, cache: js.Undefined()}
	if caches := js.Global().Get("caches"); caches.Truthy() {
		c, err := await(caches.Call("open", dataCacheName))
		if err == nil {
			f.cache = c
		}
	}
	return f, nil
}

// The progress bar counts megabytes, to one decimal.
func (f *fetcher) startProgress(title string, total int) {
	f.bar = newProgress(title+", MB", "MB", megabytes(total))
}

func megabytes(n int) float64 { return math.Round(float64(n)/1e5) / 10 }

func (f *fetcher) advance(n int) {
	f.done += n
	if f.bar != nil {
		f.bar.set(min(megabytes(f.done), f.bar.total))
	}
}

func (f *fetcher) finishProgress() {
	if f.bar != nil {
		f.bar.set(f.bar.total)
	}
}

func (f *fetcher) source() string {
	switch {
	case f.fromNet == 0:
		return "cache"
	case f.fromCache == 0:
		return "network"
	}
	return "network and cache"
}

// manifest fetches manifest.json, revalidating with the server, and falls
// back to the cached copy when the network fails (offline).
func (f *fetcher) manifest() (js.Value, error) {
	url := dataURL("manifest.json")
	text, netErr := func() (string, error) {
		opts := map[string]any{"cache": "no-cache"}
		resp, err := await(js.Global().Call("fetch", url, opts))
		if err != nil {
			return "", err
		}
		if !resp.Get("ok").Bool() {
			return "", fmt.Errorf("HTTP %d", resp.Get("status").Int())
		}
		t, err := await(resp.Call("text"))
		if err != nil {
			return "", err
		}
		return t.String(), nil
	}()
	if netErr == nil {
		if f.cache.Truthy() {
			await(f.cache.Call("put", url, js.Global().Get("Response").New(text)))
		}
	} else if f.cache.Truthy() {
		if resp, err := await(f.cache.Call("match", url)); err == nil && resp.Truthy() {
			if t, err := await(resp.Call("text")); err == nil {
				text, netErr = t.String(), nil
			}
		}
	}
	if netErr != nil {
		return js.Undefined(), fmt.Errorf("%s: cannot load the data manifest %s: %v (offline, and no copy in the browser's cache yet?)", f.name, url, errText(netErr))
	}
	var man js.Value
	var perr error
	func() {
		defer func() {
			if r := recover(); r != nil {
				perr = asJSError(r)
			}
		}()
		man = js.Global().Get("JSON").Call("parse", text)
	}()
	if perr != nil || typeOf(man) != js.TypeObject || typeOf(man.Get("datasets")) != js.TypeObject {
		return js.Undefined(), fmt.Errorf("%s: the data manifest %s is not valid", f.name, url)
	}
	return man, nil
}

func errText(err error) string {
	if e, ok := err.(js.Error); ok && typeOf(e.Value) == js.TypeObject {
		return e.Value.Get("message").String()
	}
	return err.Error()
}

// imageSet returns one TTDS file as an image set: from the cache when a
// copy there has the manifest's checksum and verifies, else from the
// network, verified before it is used or cached.
func (f *fetcher) imageSet(file js.Value) (*data.ImageSet, error) {
	name := file.Get("file").String()
	size := file.Get("bytes").Int()
	sum := file.Get("sha256").String()
	url := dataURL(name)
	if f.cache.Truthy() {
		if b, ok := f.cached(url, size); ok {
			if s, err := data.DecodeImageSet(name, b); err == nil && data.TTDSChecksum(b) == sum {
				f.fromCache++
				f.advance(size)
				return s, nil
			}
			// A stale or damaged copy: drop it and fetch again.
			await(f.cache.Call("delete", url))
		}
	}
	b, err := f.download(url, name, size)
	if err != nil {
		return nil, err
	}
	if got := data.TTDSChecksum(b); got != sum {
		return nil, fmt.Errorf("%s: %s: checksum mismatch: the file's SHA-256 ends in %s, the manifest says %s; reload the page (the site may have been rebuilt)",
			f.name, name, short(got), short(sum))
	}
	s, err := data.DecodeImageSet(name, b)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", f.name, err)
	}
	f.fromNet++
	if f.cache.Truthy() {
		arr := js.Global().Get("Uint8Array").New(len(b))
		js.CopyBytesToJS(arr, b)
		resp := js.Global().Get("Response").New(arr, map[string]any{"headers": map[string]any{"Content-Type": "application/octet-stream"}})
		await(f.cache.Call("put", url, resp))
	}
	return s, nil
}

func short(sum string) string {
	if len(sum) > 12 {
		return "…" + sum[len(sum)-12:]
	}
	return sum
}

// cached reads a file from the cache.
func (f *fetcher) cached(url string, size int) ([]byte, bool) {
	resp, err := await(f.cache.Call("match", url))
	if err != nil || !resp.Truthy() {
		return nil, false
	}
	buf, err := await(resp.Call("arrayBuffer"))
	if err != nil {
		return nil, false
	}
	arr := js.Global().Get("Uint8Array").New(buf)
	b := make([]byte, arr.Length())
	js.CopyBytesToGo(b, arr)
	return b, true
}

// download fetches a file, streaming it to move the progress bar. The
// server may send it compressed; the stream gives the decoded bytes.
func (f *fetcher) download(url, name string, size int) ([]byte, error) {
	resp, err := await(js.Global().Call("fetch", url))
	if err != nil {
		return nil, fmt.Errorf("%s: cannot fetch %s: %v", f.name, url, errText(err))
	}
	if !resp.Get("ok").Bool() {
		return nil, fmt.Errorf("%s: cannot fetch %s: HTTP %d", f.name, url, resp.Get("status").Int())
	}
	reader := resp.Get("body").Call("getReader")
	b := make([]byte, 0, size)
	for {
		r, err := await(reader.Call("read"))
		if err != nil {
			return nil, fmt.Errorf("%s: reading %s: %v", f.name, name, errText(err))
		}
		if r.Get("done").Bool() {
			break
		}
		chunk := r.Get("value")
		n := chunk.Length()
		if len(b)+n > cap(b) { // more than the manifest said: grow
			grown := make([]byte, len(b), 2*(len(b)+n))
			copy(grown, b)
			b = grown
		}
		b = b[:len(b)+n]
		js.CopyBytesToGo(b[len(b)-n:], chunk)
		f.advance(n)
	}
	return b, nil
}

// clearDataCache is tt.data.clearCache(): it deletes the cached data files
// and resolves to whether there was a cache.
func clearDataCache(_ js.Value, _ []js.Value) (any, error) {
	return promise(func() (any, error) {
		caches := js.Global().Get("caches")
		if !caches.Truthy() {
			return false, nil
		}
		v, err := await(caches.Call("delete", dataCacheName))
		if err != nil {
			return nil, err
		}
		return v.Bool(), nil
	}), nil
}
