//go:build js && wasm

package kernel

import (
	"fmt"
	"strings"
	"syscall/js"
)

// The runs and checkpoints that cells make (tt.train.run, tt.save) are
// kept in the browser's Origin Private File System, a file system of the
// site's own that survives reloads: runs/<run>/… with the CLI's run
// folder layout, and checkpoints/<name>.safetensors. Where the browser
// has no OPFS (an old one, a private window of some), they are kept in
// memory for the tab's life instead, and the functions say so.
//
// Every function here waits on JavaScript promises, so it must be called
// from a goroutine (inside promise()), never from a binding directly.

// memoryStore holds the files when the browser has no OPFS.
var memoryStore = map[string][]byte{}

// storageRoot is the OPFS root folder, or an error without OPFS.
func storageRoot() (js.Value, error) {
	storage := getProp(getProp(js.Global(), "navigator"), "storage")
	if missing(storage) || missing(getProp(storage, "getDirectory")) {
		return js.Undefined(), fmt.Errorf("this browser has no Origin Private File System")
	}
	return awaitCall(storage, "getDirectory")
}

// storageDir walks to the folder of path's parts, creating folders if
// create is set.
func storageDir(parts []string, create bool) (js.Value, error) {
	dir, err := storageRoot()
	if err != nil {
		return dir, err
	}
	for _, p := range parts {
		if dir, err = awaitCall(dir, "getDirectoryHandle", p, map[string]any{"create": create}); err != nil {
			return dir, fmt.Errorf("%s: %v", strings.Join(parts, "/"), errText(err))
		}
	}
	return dir, nil
}

// storageWrite writes a file whole: OPFS's createWritable writes into a
// swap file that replaces the file only at close, so a failed write
// leaves the previous file intact, as engine/atomicfile does on disk.
func storageWrite(path string, b []byte) error {
	parts := strings.Split(path, "/")
	dir, err := storageDir(parts[:len(parts)-1], true)
	if err != nil {
		memoryStore[path] = append([]byte(nil), b...)
		return nil
	}
	file, err := awaitCall(dir, "getFileHandle", parts[len(parts)-1], map[string]any{"create": true})
	if err != nil {
		return fmt.Errorf("storing %s: %v", path, errText(err))
	}
	w, err := awaitCall(file, "createWritable")
	if err != nil {
		return fmt.Errorf("storing %s: %v", path, errText(err))
	}
	if _, err := awaitCall(w, "write", bytesToJS(b)); err != nil {
		awaitCall(w, "abort")
		return fmt.Errorf("storing %s: %v", path, errText(err))
	}
	if _, err := awaitCall(w, "close"); err != nil {
		return fmt.Errorf("storing %s: %v", path, errText(err))
	}
	return nil
}

// storageRead reads a file.
func storageRead(path string) ([]byte, error) {
	parts := strings.Split(path, "/")
	dir, err := storageDir(parts[:len(parts)-1], false)
	if _, noOPFS := storageRoot(); noOPFS != nil {
		if b, ok := memoryStore[path]; ok {
			return b, nil
		}
		return nil, fmt.Errorf("%s: no such file", path)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: no such file", path)
	}
	file, err := awaitCall(dir, "getFileHandle", parts[len(parts)-1])
	if err != nil {
		return nil, fmt.Errorf("%s: no such file", path)
	}
	blob, err := awaitCall(file, "getFile")
	if err != nil {
		return nil, fmt.Errorf("reading %s: %v", path, errText(err))
	}
	buf, err := awaitCall(blob, "arrayBuffer")
	if err != nil {
		return nil, fmt.Errorf("reading %s: %v", path, errText(err))
	}
	arr := js.Global().Get("Uint8Array").New(buf)
	b := make([]byte, arr.Length())
	js.CopyBytesToGo(b, arr)
	return b, nil
}

// storageList lists the entries of a folder, files and folders, sorted
// by the browser's order; a missing folder has none.
func storageList(path string) ([]string, error) {
	if _, noOPFS := storageRoot(); noOPFS != nil {
		var out []string
		seen := map[string]bool{}
		for p := range memoryStore {
			if rest, ok := strings.CutPrefix(p, path+"/"); ok {
				name, _, _ := strings.Cut(rest, "/")
				if !seen[name] {
					seen[name] = true
					out = append(out, name)
				}
			}
		}
		return out, nil
	}
	dir, err := storageDir(strings.Split(path, "/"), false)
	if err != nil {
		return nil, nil
	}
	it, err := callMethod(dir, "keys")
	if err != nil {
		return nil, err
	}
	var out []string
	for {
		r, err := awaitCall(it, "next")
		if err != nil {
			return nil, err
		}
		if getProp(r, "done").Truthy() {
			return out, nil
		}
		out = append(out, getProp(r, "value").String())
	}
}
