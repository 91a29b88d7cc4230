//go:build js && wasm

package kernel

import (
	"fmt"
	"strings"
	"sync"
	"syscall/js"
	"time"

	"tinytorch/engine/checkpoint"
)

// tt.upload, a file from the student's disk into the kernel:
//
//	const file = await tt.upload({accept: ".safetensors"})  // {name, bytes}
//	await tt.load(file.bytes, model)
//
// The kernel runs in a Web Worker, which cannot open a file picker, so
// tt.upload shows a button in the cell's output (the display uploadMIME)
// and waits: the page opens the picker when the button is pressed, reads
// the chosen file and posts {type: "upload", id, name, bytes} back, or
// {type: "upload", id, error} when the picker was cancelled or the file is
// too large. Each upload resolves once; the kernel then replaces the
// button with a line that says what happened (display update), so an
// output never offers a button nobody waits for.

// uploadMIME is the display of an upload button: {id, accept, label,
// maxBytes}.
const uploadMIME = "application/vnd.tinytorch.upload+json"

// Upload sizes: the default limit, and the largest a cell may ask for
// (the file is held twice while it crosses into the worker).
const (
	defaultUploadBytes = 100_000_000
	maxUploadBytes     = 1_000_000_000
)

// pendingUpload is an upload a cell waits for.
type pendingUpload struct {
	resolve, reject js.Value
	cell, display   int
	accept          string
	maxBytes        int
}

// uploads are the uploads waiting for a file, by id. An id carries the
// kernel's start time, so a button left on the page by an earlier kernel
// (before a restart) cannot answer this one's upload.
var uploads = struct {
	sync.Mutex
	pending map[string]*pendingUpload
	session int64
	count   int
}{pending: map[string]*pendingUpload{}, session: time.Now().UnixMilli()}

// uploadFunc is tt.upload({accept, maxBytes, label}): a Promise of
// {name, bytes} (bytes a Uint8Array), after the student picks a file with
// the button it shows. accept is the file input's list (".safetensors",
// ".csv,.txt"); when it names .safetensors, the file must be one.
func uploadFunc(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.upload", args)
	o := r.Options(0, "accept")
	accept := o.String("accept", "")
	maxBytes := o.Int("maxBytes", defaultUploadBytes)
	label := o.String("label", "")
	if r.ok() && (maxBytes <= 0 || maxBytes > maxUploadBytes) {
		r.failf("maxBytes must be between 1 and %d (1 GB), got %d", maxUploadBytes, maxBytes)
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	if label == "" {
		label = "Upload a file"
		if accept != "" {
			label = "Upload a " + strings.ReplaceAll(accept, ",", " or ") + " file"
		}
	}
	displayCount++
	p := &pendingUpload{cell: current, display: displayCount, accept: accept, maxBytes: maxBytes}
	uploads.Lock()
	uploads.count++
	id := fmt.Sprintf("%d-%d", uploads.session, uploads.count)
	uploads.Unlock()
	var executor js.Func
	executor = js.FuncOf(func(_ js.Value, a []js.Value) any {
		p.resolve, p.reject = a[0], a[1]
		executor.Release()
		return nil
	})
	promise := js.Global().Get("Promise").New(executor)
	uploads.Lock()
	uploads.pending[id] = p
	uploads.Unlock()
	postOutput(output{"kind": "display", "displayId": p.display, "data": map[string]any{
		uploadMIME:   map[string]any{"id": id, "accept": accept, "label": label, "maxBytes": maxBytes},
		"text/plain": fmt.Sprintf("[%s: waiting for a file]", label),
	}})
	return promise, nil
}

// receiveUpload handles the page's {type: "upload", id, name, bytes} or
// {type: "upload", id, error}. It runs in the worker's message handler,
// so it only copies and checks bytes, which does not wait.
func receiveUpload(msg js.Value) {
	id := getProp(msg, "id")
	if kindOf(id) != kindString {
		return
	}
	uploads.Lock()
	p := uploads.pending[id.String()]
	delete(uploads.pending, id.String())
	uploads.Unlock()
	if p == nil {
		return // answered already, or a button of an earlier kernel
	}
	if e := getProp(msg, "error"); kindOf(e) == kindString {
		p.fail(e.String())
		return
	}
	name := getProp(msg, "name").String()
	buf := getProp(msg, "bytes")
	if !buf.InstanceOf(js.Global().Get("ArrayBuffer")) {
		p.fail("the page sent no bytes for " + name)
		return
	}
	arr := js.Global().Get("Uint8Array").New(buf)
	if err := p.checkFile(name, arr); err != nil {
		p.fail(err.Error())
		return
	}
	p.show(fmt.Sprintf("✓ received %s (%s)", name, sizeText(arr.Length())))
	p.resolve.Invoke(map[string]any{"name": name, "bytes": arr})
}

// checkFile checks a chosen file against the upload's limit and, when the
// upload asked for safetensors, that it is one: its header parses and its
// offsets lie inside the file (checkpoint.DecodeBytes).
func (p *pendingUpload) checkFile(name string, arr js.Value) error {
	n := arr.Length()
	if n > p.maxBytes {
		return fmt.Errorf("%s is %s, more than the limit of %s (tt.upload's maxBytes)", name, sizeText(n), sizeText(p.maxBytes))
	}
	if !strings.Contains(p.accept, ".safetensors") {
		return nil
	}
	b := make([]byte, n)
	js.CopyBytesToGo(b, arr)
	if _, err := checkpoint.DecodeBytes(b); err != nil {
		return fmt.Errorf("%s is not a safetensors file: %v", name, err)
	}
	return nil
}

// fail rejects the upload with a message naming tt.upload and replaces
// its button by the message.
func (p *pendingUpload) fail(msg string) {
	p.show("✗ " + msg)
	p.reject.Invoke(jsError(fmt.Errorf("tt.upload: %s", msg)))
}

// show replaces the upload's button with a line of text.
func (p *pendingUpload) show(text string) {
	streams.flush()
	post(map[string]any{"type": "output", "id": p.cell, "output": map[string]any{
		"kind": "display", "displayId": p.display, "update": true, "data": map[string]any{"text/plain": text},
	}})
}

// cancelUploads rejects every upload still waiting, when the cell that
// waits is stopped: a file chosen later would reach no one.
func cancelUploads() {
	uploads.Lock()
	waiting := uploads.pending
	uploads.pending = map[string]*pendingUpload{}
	uploads.Unlock()
	for _, p := range waiting {
		p.fail("cancelled: the cell was stopped")
	}
}

// sizeText writes a size in bytes for people: 12.3 kB.
func sizeText(n int) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000000:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}
