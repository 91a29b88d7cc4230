package static

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
)

// SiteFile is the marker the site build writes at the top of its output
// folder: the build replaces only a folder that carries it, and the
// server reads from it the hashes of the pages' inline scripts. Like
// every dotfile, it is never served.
const SiteFile = ".tinytorch-site.json"

// SiteInfo is the content of SiteFile.
type SiteInfo struct {
	Note string `json:"note"`
	// ScriptHashes are CSP hash sources ('sha256-…') of the inline
	// scripts the build wrote into the pages.
	ScriptHashes []string `json:"scriptHashes"`
}

// readSiteInfo reads dir's SiteFile; a folder without one (or with a
// broken one) gets no script hashes, so inline scripts are refused.
func readSiteInfo(dir string) SiteInfo {
	var info SiteInfo
	b, err := os.ReadFile(filepath.Join(dir, SiteFile))
	if err == nil && json.Unmarshal(b, &info) == nil {
		return info
	}
	return SiteInfo{}
}

// SetHeaders sets every header of a response for the site file at the
// clean slash path name ("/assets/main.1a2b.js"), or, with name "", of an
// error response. It is the one place that decides the headers: the local
// server (Handler, LoopbackOnly) and the Cloudflare worker both call it,
// so the two send the same ones. scriptHashes are the CSP hash sources of
// the build's inline scripts (SiteInfo), allowed in HTML pages.
func SetHeaders(h http.Header, name string, scriptHashes []string) {
	setCommon(h)
	if name == "" {
		return
	}
	setType(h, name)
	setPolicy(h, name, scriptHashes)
	setCache(h, name)
}

// setCommon sets the headers every response carries, errors included:
//   - cross-origin isolation (COOP and COEP), which SharedArrayBuffer, used
//     to interrupt a running cell, needs, and CORP, so no other origin
//     embeds our files;
//   - nosniff, so a file is never run as another type than it is sent as;
//   - the frame policy (only our own pages may frame a page) and no
//     Referer sent to other sites.
//
// The Content-Security-Policy depends on what is sent (see pagePolicy and
// workerPolicy); setCommon sends the strictest one, for error pages.
func setCommon(h http.Header) {
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Embedder-Policy", "require-corp")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Security-Policy", errorPolicy)
}

// errorPolicy is the policy of a response that is not a file of the site:
// nothing may load or run in it.
const errorPolicy = "default-src 'none'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'"

// pagePolicy is the Content-Security-Policy of the site's pages (and of
// any other document: SVG, JSON, …). Scripts come only from the site's
// files, plus the build's inline scripts by hash; WebAssembly may be
// compiled ('wasm-unsafe-eval'), JavaScript may not be evaluated from
// strings. Styles may be inline: the kernel's outputs and charts carry
// style attributes and <style> elements, and the editor adds <style>
// elements. Images may be data: and blob: URLs (the kernel's image
// outputs are data: URLs). Workers, fetches and fonts stay on the site.
func pagePolicy(scriptHashes []string) string {
	script := "script-src 'self' 'wasm-unsafe-eval'"
	if len(scriptHashes) > 0 {
		script += " " + strings.Join(scriptHashes, " ")
	}
	return "default-src 'self'; " + script + "; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
		"font-src 'self' data:; connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; " +
		"form-action 'none'; frame-ancestors 'self'"
}

// workerPolicy is the policy sent with JavaScript files. It governs a file
// only when the file runs as a worker (a worker's policy comes from its
// script's response, not from the page): the kernel worker compiles each
// cell's code with an indirect eval, so it needs 'unsafe-eval' as well as
// 'wasm-unsafe-eval' for the engine's wasm. The page's own policy has no
// 'unsafe-eval'.
const workerPolicy = "default-src 'self'; script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'; connect-src 'self'; " +
	"object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
