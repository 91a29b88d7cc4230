package site

import (
	"crypto/sha256"
	"encoding/base64"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// The server's Content-Security-Policy allows only the site's own script
// files, and the few inline scripts of the pages by their hash (CSP's
// 'sha256-…' source): the notebook page starts the kernel worker from an
// inline script in its head, before anything else downloads. The build
// hashes every inline script it wrote and records the hashes in the site
// file, so a page's scripts and the policy never disagree.

// inlineScript matches a <script> element with its attributes and text.
var inlineScript = regexp.MustCompile(`(?is)<script\b([^>]*)>(.*?)</script\s*>`)

// scriptType reads a type="…" attribute.
var scriptType = regexp.MustCompile(`(?i)\btype\s*=\s*["']?([^"'\s>]+)`)

// hasSrc reports whether a tag's attributes name a src.
var hasSrc = regexp.MustCompile(`(?i)(^|\s)src\s*=`)

// scriptHashes returns the CSP hash sources ('sha256-<base64>') of the
// inline scripts in every HTML file under dir, sorted, without repeats.
// Data blocks (type="application/json") are not scripts and need none.
func scriptHashes(dir string) ([]string, error) {
	seen := map[string]bool{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".html" {
			return err
		}
		page, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, h := range pageScriptHashes(page) {
			seen[h] = true
		}
		return nil
	})
	hashes := make([]string, 0, len(seen))
	for h := range seen {
		hashes = append(hashes, h)
	}
	sort.Strings(hashes)
	return hashes, err
}

// pageScriptHashes hashes one page's inline scripts.
func pageScriptHashes(page []byte) []string {
	var out []string
	for _, m := range inlineScript.FindAllSubmatch(page, -1) {
		attrs, text := m[1], m[2]
		if hasSrc.Match(attrs) || !isJavaScript(attrs) {
			continue
		}
		sum := sha256.Sum256(text)
		out = append(out, "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'")
	}
	return out
}

// isJavaScript reports whether a script element with these attributes is
// run as JavaScript: no type, a JavaScript MIME type, or a module.
func isJavaScript(attrs []byte) bool {
	m := scriptType.FindSubmatch(attrs)
	if m == nil {
		return true
	}
	t := strings.ToLower(string(m[1]))
	return t == "module" || t == "text/javascript" || t == "application/javascript"
}
