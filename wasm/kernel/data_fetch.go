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
// is in assets/, a sibling of data/, so this works under any base path. A
// worker started from a blob by the embed script (web/src/worker.js) has
// no folder of its own and names its script's URL in __ttStart.base.
func dataURL(file string) string {
	base := js.Global().Get("location").Get("href")
	if start := js.Global().Get("__ttStart"); start.Truthy() && start.Get("base").Truthy() {
		base = start.Get("base")
	}
	return js.Global().Get("URL").New("../data/"+file, base).Call("toString").String()
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

// imageSets binds tt.data.mnist and tt.data.fashionMNIST({train, test,
// transform}): the first train and test images of the set (defTrain and
// defTest by default), loaded as described above into {train, test,
// classes, source, ms}. MNIST has 8,000/2,000 digits; Fashion-MNIST's
// default is the first 10,000 of its 60,000 training images (a shard of
// 7.8 MB; ask for {train: 60000} for all) and the 10,000 test images.
func (d *dataBindings) imageSets(name, set, title string, defTrain, defTest int) binding {
	return func(_ js.Value, args []js.Value) (any, error) {
		r := readArgs(name, args)
		o := r.Options(0)
		want := [2]int{o.Int("train", defTrain), o.Int("test", defTest)}
		var transform data.Transform
		if o.Has("transform") {
			transform = d.transformValue(r, o.Value("transform"))
		}
		if r.ok() && (want[0] <= 0 || want[1] <= 0) {
			r.failf("train and test must be positive numbers of images, got %d and %d", want[0], want[1])
		}
		if err := r.Err(); err != nil {
			return nil, err
		}
		var seed uint64
		if transform != nil {
			seed = drawSeed()
		}
		return promise(func() (any, error) {
			return d.loadImageSets(name, set, title, want, func(ds *data.ImageSet, split string) data.Dataset {
				if transform != nil && split == "train" {
					return withTransform(ds, transform, seed)
				}
				return ds
			})
		}), nil
	}
}

// splits are the two parts of an image set, in the order of imageSets'
// want.
var splits = [2]string{"train", "test"}

// loadImageSets fetches the files of the set's splits, want[k] images of
// splits[k], and returns {train, test, classes, source, ms}; wrap makes a
// split's dataset (the training set may be transformed).
func (d *dataBindings) loadImageSets(name, set, title string, want [2]int, wrap func(*data.ImageSet, string) data.Dataset) (any, error) {
	start := time.Now()
	sets, f, err := fetchImageSets(name, set, title, want)
	if err != nil {
		return nil, err
	}
	out := js.Global().Get("Object").New()
	for k, split := range splits {
		out.Set(split, d.dataset.wrap(wrap(sets[k], split)))
	}
	out.Set("classes", stringsToJS(data.DigitClasses))
	if set == "fashion-mnist" {
		out.Set("classes", stringsToJS(data.FashionClasses))
	}
	out.Set("source", f.source())
	out.Set("ms", float64(time.Since(start).Microseconds())/1000)
	return out, nil
}

// fetchImageSets fetches want[k] images of splits[k] of the set (0: all
// of them), with a progress bar, as image sets named "<title> <split>".
// tt.train.run uses it too, for a config's dataset.
func fetchImageSets(name, set, title string, want [2]int) ([2]*data.ImageSet, *fetcher, error) {
	var sets [2]*data.ImageSet
	f := newFetcher(name)
	man, err := f.manifest()
	if err != nil {
		return sets, nil, err
	}
	entry := getProp(getProp(man, "datasets"), set)
	if missing(entry) {
		if msg := getProp(getProp(man, "missing"), set); kindOf(msg) == kindString {
			return sets, nil, fmt.Errorf("%s: %s", name, msg.String())
		}
		return sets, nil, fmt.Errorf("%s: this build of the site has no %s", name, title)
	}
	// Pick the files first, so the progress bar knows the total.
	var files [2][]manifestFile
	total := 0
	for k, split := range splits {
		list, err := manifestFiles(name, set, split, getProp(entry, split))
		if err != nil {
			return sets, nil, err
		}
		have := 0
		for _, file := range list {
			if want[k] > 0 && have >= want[k] {
				break
			}
			files[k] = append(files[k], file)
			have += file.count
			total += file.bytes
		}
		if want[k] <= 0 {
			want[k] = have
		}
		if have < want[k] {
			return sets, nil, fmt.Errorf("%s: asked for %d %s images, the %s set has %d", name, want[k], split, title, have)
		}
	}
	f.startProgress(title, total)
	for k, split := range splits {
		all, err := f.imageSets(set+"-"+split, files[k])
		if err != nil {
			return sets, nil, err
		}
		if all, err = all.Slice(0, want[k]); err != nil {
			return sets, nil, err
		}
		all.Name = fmt.Sprintf("%s %s", title, split)
		sets[k] = all
	}
	f.finishProgress()
	return sets, f, nil
}

// imageSets loads the files of one split as one image set.
func (f *fetcher) imageSets(name string, files []manifestFile) (*data.ImageSet, error) {
	shards := make([]*data.ImageSet, len(files))
	for i, file := range files {
		s, err := f.imageSet(file)
		if err != nil {
			return nil, err
		}
		shards[i] = s
	}
	if len(shards) == 1 {
		return shards[0], nil
	}
	return data.ConcatImageSets(name, shards...)
}

// manifestFile is one TTDS file of the data manifest: its name, the
// number of images in it, its size and its SHA-256 checksum.
type manifestFile struct {
	file, sha256 string
	count, bytes int
}

// manifestFiles reads the list of files of one split of a set in the
// manifest, checking each field's kind, so a damaged manifest gives an
// error naming the field rather than a panic.
func manifestFiles(name, set, split string, list js.Value) ([]manifestFile, error) {
	r := readArgs(fmt.Sprintf("%s: the data manifest's %s %s files", name, set, split), nil)
	items := readValue(r, list, "the list", func(what string, v js.Value) ([]js.Value, error) {
		items, _ := elements(v)
		if kindOf(v) != kindArray {
			return nil, fmt.Errorf("%s must be an array, got %s", what, describeJS(v))
		}
		return items, nil
	})
	out := make([]manifestFile, len(items))
	for i, item := range items {
		at := func(key string) string { return fmt.Sprintf("file %d's %s", i, key) }
		out[i] = manifestFile{
			file:   readValue(r, getProp(item, "file"), at("file"), toString),
			sha256: readValue(r, getProp(item, "sha256"), at("sha256"), toString),
			count:  readValue(r, getProp(item, "count"), at("count"), toSize),
			bytes:  readValue(r, getProp(item, "bytes"), at("bytes"), toSize),
		}
	}
	return out, r.Err()
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

func newFetcher(name string) *fetcher {
	f := &fetcher{name: name, cache: js.Undefined()}
	if caches := getProp(js.Global(), "caches"); caches.Truthy() {
		if c, err := awaitCall(caches, "open", dataCacheName); err == nil && kindOf(c) == kindObject {
			f.cache = c
		}
	}
	return f
}

// awaitCall calls obj[method](...args) and waits for the promise it
// returns; a throw or a rejection is the error.
func awaitCall(obj js.Value, method string, args ...any) (js.Value, error) {
	v, err := callMethod(obj, method, args...)
	if err != nil {
		return v, err
	}
	return await(v)
}

// fetchOK fetches url, failing unless the response is ok (a status 2xx).
// A cell may have replaced fetch: what it returns is read with getProp.
func fetchOK(url string, opts ...any) (js.Value, error) {
	resp, err := awaitCall(js.Global(), "fetch", append([]any{url}, opts...)...)
	if err != nil {
		return resp, err
	}
	if !getProp(resp, "ok").Truthy() {
		return resp, fmt.Errorf("HTTP %s", plainText(getProp(resp, "status")))
	}
	return resp, nil
}

// responseText reads a response's body as text.
func responseText(resp js.Value) (string, error) {
	t, err := awaitCall(resp, "text")
	if err == nil && kindOf(t) != kindString {
		err = fmt.Errorf("the response's text is %s", describeJS(t))
	}
	if err != nil {
		return "", err
	}
	return t.String(), nil
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
	resp, netErr := fetchOK(url, map[string]any{"cache": "no-cache"})
	var text string
	if netErr == nil {
		text, netErr = responseText(resp)
	}
	if netErr == nil {
		if f.cache.Truthy() {
			awaitCall(f.cache, "put", url, js.Global().Get("Response").New(text))
		}
	} else if f.cache.Truthy() {
		if resp, err := awaitCall(f.cache, "match", url); err == nil && resp.Truthy() {
			if t, err := responseText(resp); err == nil {
				text, netErr = t, nil
			}
		}
	}
	if netErr != nil {
		return js.Undefined(), fmt.Errorf("%s: cannot load the data manifest %s: %v (offline, and no copy in the browser's cache yet?)", f.name, url, errText(netErr))
	}
	man, err := callMethod(js.Global().Get("JSON"), "parse", text)
	if err != nil || kindOf(man) != kindObject || kindOf(getProp(man, "datasets")) != kindObject {
		return js.Undefined(), fmt.Errorf("%s: the data manifest %s is not valid", f.name, url)
	}
	return man, nil
}

func errText(err error) string {
	if e, ok := err.(js.Error); ok {
		if m := getProp(e.Value, "message"); kindOf(m) == kindString {
			return m.String()
		}
	}
	return err.Error()
}

// imageSet returns one TTDS file as an image set: from the cache when a
// copy there has the manifest's checksum and verifies, else from the
// network, verified before it is used or cached.
func (f *fetcher) imageSet(file manifestFile) (*data.ImageSet, error) {
	name, size, sum := file.file, file.bytes, file.sha256
	url := dataURL(name)
	if f.cache.Truthy() {
		if b, ok := f.cached(url, size); ok {
			if s, err := data.DecodeImageSet(name, b); err == nil && data.TTDSChecksum(b) == sum {
				f.fromCache++
				f.advance(size)
				return s, nil
			}
			// A stale or damaged copy: drop it and fetch again.
			awaitCall(f.cache, "delete", url)
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
		awaitCall(f.cache, "put", url, resp)
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
	resp, err := awaitCall(f.cache, "match", url)
	if err != nil || !resp.Truthy() {
		return nil, false
	}
	buf, err := awaitCall(resp, "arrayBuffer")
	if err != nil || !buf.InstanceOf(js.Global().Get("ArrayBuffer")) {
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
	resp, err := fetchOK(url)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot fetch %s: %v", f.name, url, errText(err))
	}
	reader, err := callMethod(getProp(resp, "body"), "getReader")
	if err != nil {
		return nil, fmt.Errorf("%s: reading %s: %v", f.name, name, errText(err))
	}
	b := make([]byte, 0, size)
	for {
		r, err := awaitCall(reader, "read")
		if err != nil {
			return nil, fmt.Errorf("%s: reading %s: %v", f.name, name, errText(err))
		}
		if getProp(r, "done").Truthy() {
			break
		}
		chunk := getProp(r, "value")
		if kindOf(chunk) != kindTypedArray {
			return nil, fmt.Errorf("%s: reading %s: the stream gave %s, expected bytes", f.name, name, describeJS(chunk))
		}
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
		caches := getProp(js.Global(), "caches")
		if !caches.Truthy() {
			return false, nil
		}
		v, err := awaitCall(caches, "delete", dataCacheName)
		return v.Truthy(), err
	}), nil
}
