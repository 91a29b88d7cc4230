package hosted

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

const validNotebook = "---\ntitle: Shared\nchapter: \"1\"\nsummary: A shared notebook.\n---\n\n# Shared\n\n```js\n1 + 1\n```\n"

// shareServer is a handler over testSite with a memory store and a clock
// the test moves.
type shareServer struct {
	h     http.Handler
	store *MemoryStore
	now   time.Time
}

func newShareServer(t *testing.T, limit int) *shareServer {
	return newShareServerAt(testSite(t), limit)
}

// newShareServerAt is newShareServer over a site already written.
func newShareServerAt(site string, limit int) *shareServer {
	s := &shareServer{now: time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)}
	clock := func() time.Time { return s.now }
	s.store = &MemoryStore{Now: clock}
	s.h = Handler(Config{Assets: dirAssets(site), Store: s.store, Limit: limit, Window: time.Hour, Now: clock})
	return s
}

// do sends a request from client (an IP address) and decodes the JSON answer.
func (s *shareServer) do(t *testing.T, method, target, ctype, client string, body io.Reader) (*httptest.ResponseRecorder, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(method, target, body)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	req.Header.Set("CF-Connecting-IP", client)
	rec := httptest.NewRecorder()
	s.h.ServeHTTP(rec, req)
	var v map[string]any
	if rec.Header().Get("Content-Type") == "application/json" {
		if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
			t.Fatalf("%s %s: the answer is not JSON: %q", method, target, rec.Body)
		}
	}
	return rec, v
}

func (s *shareServer) notebooks() int {
	n := 0
	for _, k := range s.store.Keys() {
		if strings.HasPrefix(k, "nb:") {
			n++
		}
	}
	return n
}

// TestShareRoundTrip: a shared notebook gets a content-addressed id, reads
// back whole, opens through /s/{id} on the page it came from, and sharing
// it again gives the same id without storing it twice.
func TestShareRoundTrip(t *testing.T) {
	s := newShareServer(t, 5)
	rec, v := s.do(t, "POST", "/api/share?page=01-system", "text/markdown; charset=utf-8", "1.2.3.4", strings.NewReader(validNotebook))
	if rec.Code != http.StatusCreated {
		t.Fatalf("POST: %d %s", rec.Code, rec.Body)
	}
	id, _ := v["id"].(string)
	if !idPattern.MatchString(id) || v["path"] != "/s/"+id || v["page"] != "01-system" || rec.Header().Get("Location") != "/s/"+id {
		t.Fatalf("POST answered %v, Location %q", v, rec.Header().Get("Location"))
	}
	data, _ := json.Marshal(record{Page: "01-system", Markdown: validNotebook})
	if id != recordID(data) {
		t.Errorf("id %s is not the hash of the record (%s)", id, recordID(data))
	}

	rec, v = s.do(t, "GET", "/api/share/"+id, "", "5.6.7.8", nil)
	if rec.Code != 200 || v["markdown"] != validNotebook || v["page"] != "01-system" || v["id"] != id {
		t.Fatalf("GET: %d %v", rec.Code, v)
	}
	if rec.Header().Get("Cache-Control") != "public, max-age=31536000, immutable" {
		t.Errorf("GET Cache-Control %q", rec.Header().Get("Cache-Control"))
	}

	rec, _ = s.do(t, "GET", "/s/"+id, "", "5.6.7.8", nil)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/01-system.html#s="+id {
		t.Fatalf("GET /s/: %d, Location %q", rec.Code, rec.Header().Get("Location"))
	}

	rec, v = s.do(t, "POST", "/api/share?page=01-system", "text/markdown", "1.2.3.4", strings.NewReader(validNotebook))
	if rec.Code != http.StatusOK || v["id"] != id {
		t.Fatalf("sharing again: %d %v", rec.Code, v)
	}
	if s.notebooks() != 1 {
		t.Errorf("%d notebooks stored, want 1", s.notebooks())
	}
	// The same notebook from another page is another record.
	_, v = s.do(t, "POST", "/api/share?page=index", "text/markdown", "1.2.3.4", strings.NewReader(validNotebook))
	if v["id"] == id {
		t.Error("the same notebook from another page got the same id")
	}
}

// TestShareRefused: every refused request gets a 4xx JSON error that says
// what was wrong, and stores nothing, not even a rate counter.
func TestShareRefused(t *testing.T) {
	big := "---\ntitle: Big\nchapter: \"1\"\nsummary: s\n---\n\n" + strings.Repeat("x", MaxShareBytes)
	tests := []struct {
		name, method, target, ctype string
		body                        io.Reader
		status                      int
		msg                         string
	}{
		{"wrong type", "POST", "/api/share?page=01-system", "application/json", strings.NewReader(validNotebook), 415, "Content-Type: expected text/markdown"},
		{"no type", "POST", "/api/share?page=01-system", "", strings.NewReader(validNotebook), 415, "Content-Type: expected text/markdown"},
		{"oversized", "POST", "/api/share?page=01-system", "text/markdown", strings.NewReader(big), 413, "more than the 256 KB a shared notebook may be"},
		{"oversized, length unknown", "POST", "/api/share?page=01-system", "text/markdown", io.MultiReader(strings.NewReader(big)), 413, "larger than the 256 KB"},
		{"not UTF-8", "POST", "/api/share?page=01-system", "text/markdown", strings.NewReader(validNotebook + "\xff\xfe"), 422, "not a notebook: shared.md:"},
		{"no front matter", "POST", "/api/share?page=01-system", "text/markdown", strings.NewReader("# Hi\n"), 422, "not a notebook: shared.md:1: expected front matter"},
		{"empty", "POST", "/api/share?page=01-system", "text/markdown", strings.NewReader(" \n"), 400, "the notebook is empty"},
		{"body cut", "POST", "/api/share?page=01-system", "text/markdown", iotest.ErrReader(io.ErrUnexpectedEOF), 400, "reading the notebook"},
		{"no page", "POST", "/api/share", "text/markdown", strings.NewReader(validNotebook), 400, "page: expected the slug"},
		{"bad page", "POST", "/api/share?page=../x", "text/markdown", strings.NewReader(validNotebook), 400, "page: expected the slug"},
		{"unknown page", "POST", "/api/share?page=99-nothing", "text/markdown", strings.NewReader(validNotebook), 400, "page: the site has no page 99-nothing.html"},
		{"GET the API", "GET", "/api/share", "", nil, 405, "method not allowed: POST /api/share stores a notebook"},
		{"PUT the API", "PUT", "/api/share", "text/markdown", strings.NewReader(validNotebook), 405, "method not allowed"},
		{"DELETE a notebook", "DELETE", "/api/share/AAAAAAAAAAAAAAAAAAAAAA", "", nil, 405, "method not allowed: a shared notebook is read with GET"},
		{"POST a link", "POST", "/s/AAAAAAAAAAAAAAAAAAAAAA", "text/markdown", strings.NewReader(validNotebook), 405, "method not allowed"},
		{"unknown id", "GET", "/api/share/AAAAAAAAAAAAAAAAAAAAAA", "", nil, 404, "no shared notebook has the id AAAAAAAAAAAAAAAAAAAAAA"},
		{"unknown link", "GET", "/s/AAAAAAAAAAAAAAAAAAAAAA", "", nil, 404, "no shared notebook has the id"},
		{"malformed id", "GET", "/s/abc", "", nil, 404, "an id is 22 characters"},
		{"id with a path", "GET", "/api/share/AAAAAAAAAAAAAAAAAAAAAA/x", "", nil, 404, "an id is 22 characters"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newShareServer(t, 5)
			if tc.body == nil {
				tc.body = strings.NewReader("")
			}
			rec, v := s.do(t, tc.method, tc.target, tc.ctype, "1.2.3.4", tc.body)
			msg, _ := v["error"].(string)
			if rec.Code != tc.status || !strings.Contains(msg, tc.msg) || v["status"] != float64(tc.status) {
				t.Fatalf("%d %s, want %d with %q", rec.Code, rec.Body, tc.status, tc.msg)
			}
			if tc.status == 405 && rec.Header().Get("Allow") == "" {
				t.Error("405 without Allow")
			}
			if keys := s.store.Keys(); len(keys) != 0 {
				t.Errorf("stored %v", keys)
			}
		})
	}
}

// TestShareRateLimit: a client may share Limit notebooks per window; the
// next gets 429 with Retry-After and is not stored; other clients are not
// affected; the next window lets the client share again.
func TestShareRateLimit(t *testing.T) {
	s := newShareServer(t, 3)
	post := func(client string, n int) (*httptest.ResponseRecorder, map[string]any) {
		nb := strings.Replace(validNotebook, "1 + 1", strings.Repeat("1 + ", n)+"1", 1)
		return s.do(t, "POST", "/api/share?page=01-system", "text/markdown", client, strings.NewReader(nb))
	}
	for i := range 3 {
		if rec, _ := post("1.2.3.4", i); rec.Code != http.StatusCreated {
			t.Fatalf("share %d: %d %s", i+1, rec.Code, rec.Body)
		}
	}
	rec, v := post("1.2.3.4", 3)
	if rec.Code != http.StatusTooManyRequests || !strings.Contains(v["error"].(string), "a client may share 3 per 1h0m0s") || rec.Header().Get("Retry-After") != "3600" {
		t.Fatalf("4th share: %d %s, Retry-After %q", rec.Code, rec.Body, rec.Header().Get("Retry-After"))
	}
	if s.notebooks() != 3 {
		t.Errorf("%d notebooks stored, want 3", s.notebooks())
	}
	if rec, _ := post("9.9.9.9", 3); rec.Code != http.StatusCreated {
		t.Errorf("another client: %d %s", rec.Code, rec.Body)
	}
	// A refused payload does not use up the budget.
	s.now = s.now.Add(time.Hour)
	s.do(t, "POST", "/api/share?page=01-system", "text/markdown", "1.2.3.4", strings.NewReader("# not a notebook"))
	for i := range 3 {
		if rec, _ := post("1.2.3.4", 10+i); rec.Code != http.StatusCreated {
			t.Fatalf("next window, share %d: %d %s", i+1, rec.Code, rec.Body)
		}
	}
	for _, k := range s.store.Keys() {
		if strings.Contains(k, "1.2.3.4") {
			t.Errorf("the client's address is in the store: %s", k)
		}
	}
}

// TestShareWithoutStore: a worker without its KV namespace says so.
func TestShareWithoutStore(t *testing.T) {
	h := Handler(Config{Assets: dirAssets(testSite(t))})
	for _, target := range []string{"/api/share", "/s/AAAAAAAAAAAAAAAAAAAAAA"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
		if rec.Code != 503 || !strings.Contains(rec.Body.String(), "sharing is not set up on this server") {
			t.Errorf("%s: %d %s", target, rec.Code, rec.Body)
		}
	}
}

// TestShareRealNotebooks: every chapter notebook can be shared.
func TestShareRealNotebooks(t *testing.T) {
	files, _ := os.ReadDir("../../notebooks")
	n := 0
	for _, f := range files {
		if !strings.HasSuffix(f.Name(), ".md") {
			continue
		}
		b, err := os.ReadFile("../../notebooks/" + f.Name())
		if err != nil {
			t.Fatal(err)
		}
		s := newShareServer(t, 5)
		if rec, _ := s.do(t, "POST", "/api/share?page=01-system", "text/markdown", "1.2.3.4", strings.NewReader(string(b))); rec.Code != 201 {
			t.Errorf("%s: %d %s", f.Name(), rec.Code, rec.Body)
		}
		n++
	}
	if n == 0 {
		t.Fatal("no notebooks found")
	}
}

// TestShareMarker: with sharing on, pages (and only pages) carry the
// Server-Timing entry that tells the page it may store notebooks here.
func TestShareMarker(t *testing.T) {
	site := testSite(t)
	for _, tc := range []struct {
		store Store
		path  string
		want  string
	}{
		{&MemoryStore{}, "/01-system.html", ShareMarker},
		{&MemoryStore{}, "/", ShareMarker},
		{&MemoryStore{}, "/assets/main.cd34.js", ""},
		{nil, "/01-system.html", ""},
	} {
		rec := httptest.NewRecorder()
		Handler(Config{Assets: dirAssets(site), Store: tc.store}).ServeHTTP(rec, httptest.NewRequest("GET", tc.path, nil))
		if got := rec.Header().Get("Server-Timing"); got != tc.want {
			t.Errorf("%s (store %v): Server-Timing %q, want %q", tc.path, tc.store != nil, got, tc.want)
		}
	}
}
