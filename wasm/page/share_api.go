//go:build js && wasm

package page

import (
	"fmt"
	"strings"
	"syscall/js"
)

// The hosted page (the Cloudflare worker, internal/hosted) keeps shared
// notebooks: on it, Copy link stores the notebook with POST /api/share and
// copies a short link, /s/{id}, which sends the reader to the page with
// #s={id}; the page then fetches the notebook and shows it as it shows a
// #nb= link. Other servers (make serve) have no such API, and Copy link
// puts the notebook in the link itself, as before.

// shareMarker is the Server-Timing entry with which the worker says, in
// the page's own response, that it keeps shared notebooks. The page reads
// it from its navigation timing entry, without a request of its own.
const shareMarker = "tt-share"

// hostKeepsShares reports whether the server that sent this page stores
// shared notebooks.
func hostKeepsShares() bool {
	perf := js.Global().Get("performance")
	if !perf.Truthy() || perf.Get("getEntriesByType").Type() != js.TypeFunction {
		return false
	}
	navs := perf.Call("getEntriesByType", "navigation")
	if navs.Length() == 0 {
		return false
	}
	timing := navs.Index(0).Get("serverTiming")
	if !timing.Truthy() {
		return false
	}
	for i := 0; i < timing.Length(); i++ {
		if timing.Index(i).Get("name").String() == shareMarker {
			return true
		}
	}
	return false
}

// storeShared stores the notebook's Markdown on the server and returns
// the short link to it; it runs on a goroutine.
func (nb *notebook) storeShared(markdown string) (string, error) {
	init := map[string]any{
		"method":  "POST",
		"headers": map[string]any{"Content-Type": "text/markdown; charset=utf-8"},
		"body":    markdown,
	}
	answer, err := fetchJSON("/api/share?page="+js.Global().Call("encodeURIComponent", nb.slug).String(), init)
	if err != nil {
		return "", err
	}
	return js.Global().Get("location").Get("origin").String() + answer.Get("path").String(), nil
}

// openStored shows the stored notebook named by a #s= fragment, if there
// is one, and reports whether it did; it runs on a goroutine.
func (nb *notebook) openStored() bool {
	hash := js.Global().Get("location").Get("hash").String()
	id, ok := strings.CutPrefix(hash, "#s=")
	if !ok {
		return false
	}
	answer, err := fetchJSON("/api/share/"+js.Global().Call("encodeURIComponent", id).String(), map[string]any{})
	if err != nil {
		nb.fail("This link's notebook could not be read", err)
		return false
	}
	doc, err := docsCall("open", "shared.md", answer.Get("markdown"))
	if err != nil {
		nb.fail("This link's notebook could not be read", err)
		return false
	}
	nb.replaceDocument(doc, "You are viewing a shared copy of this notebook. Your own saved edits are untouched; edits here are not saved.")
	return true
}

// fetchJSON fetches a URL of the sharing API and returns its JSON answer;
// an error answer ({"error": …}) becomes the error.
func fetchJSON(url string, init map[string]any) (js.Value, error) {
	res, err := awaitPromise(js.Global().Call("fetch", url, init))
	if err != nil {
		return js.Undefined(), errorText(err)
	}
	status := res.Get("status").Int()
	body, err := awaitPromise(res.Call("text"))
	if err != nil {
		return js.Undefined(), errorText(err)
	}
	v, err := parseJSON(body.String())
	if err != nil || v.Type() != js.TypeObject {
		return js.Undefined(), fmt.Errorf("the server answered %d without JSON: does it keep shared notebooks?", status)
	}
	if e := v.Get("error"); e.Type() == js.TypeString {
		return js.Undefined(), fmt.Errorf("%s", e.String())
	}
	if !res.Get("ok").Bool() {
		return js.Undefined(), fmt.Errorf("the server answered %d", status)
	}
	return v, nil
}
