package hosted

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

// FuzzShare posts arbitrary bodies, types and pages: the handler never
// panics, answers JSON, stores a notebook only when it answers 2xx, and
// what it stored reads back byte for byte under the id it gave.
func FuzzShare(f *testing.F) {
	f.Add([]byte(validNotebook), "text/markdown", "01-system")
	f.Add([]byte("# no front matter\n"), "text/markdown", "01-system")
	f.Add([]byte(validNotebook+"\xff"), "text/markdown; charset=utf-8", "index")
	f.Add([]byte("---\ntitle: x\n"), "text/markdown", "../x")
	f.Add([]byte(validNotebook), "application/json", "01-system")
	f.Add([]byte("---\ntitle: T\nchapter: \"1\"\nsummary: s\n---\n\n$$\nx\n"), "text/markdown", "01-system")
	site := testSite(f)
	f.Fuzz(func(t *testing.T, body []byte, ctype, page string) {
		s := newShareServerAt(site, 1000)
		target := "/api/share?page=" + url.QueryEscape(page)
		rec, v := s.do(t, "POST", target, ctype, "1.2.3.4", strings.NewReader(string(body)))
		if v == nil {
			t.Fatalf("%d without JSON: %q", rec.Code, rec.Body)
		}
		if rec.Code >= 300 {
			if rec.Code < 400 || rec.Code >= 500 {
				t.Fatalf("status %d for a client's payload: %s", rec.Code, rec.Body)
			}
			if keys := s.store.Keys(); len(keys) != 0 {
				t.Fatalf("refused (%d) but stored %v", rec.Code, keys)
			}
			return
		}
		id, _ := v["id"].(string)
		got, _ := s.do(t, "GET", "/api/share/"+id, "", "5.6.7.8", nil)
		var back struct{ Markdown, Page string }
		if got.Code != 200 || json.Unmarshal(got.Body.Bytes(), &back) != nil || back.Markdown != string(body) || back.Page != v["page"] {
			t.Fatalf("stored %q as %s, read back %d %q", body, id, got.Code, got.Body)
		}
	})
}
