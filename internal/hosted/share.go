package hosted

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"tinytorch/internal/notebook"
)

// The sharing routes.
const (
	SharePath  = "/api/share"
	OpenPrefix = "/s/"
)

// MaxShareBytes caps a shared notebook's request body: 256 KB. The
// notebook parser's own budgets (notebook.MaxSourceSize) then apply to
// the Markdown inside.
const MaxShareBytes = 256 << 10

// A stored notebook is a record under "nb:" + its id. The id is the first
// 128 bits of the SHA-256 of the record, in unpadded base64url (22
// characters): the same notebook shared from the same page gets the same
// id, and an id cannot be guessed or enumerated.
type record struct {
	Page     string `json:"page"`
	Markdown string `json:"markdown"`
}

var (
	idPattern   = regexp.MustCompile(`^[A-Za-z0-9_-]{22}$`)
	pagePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,63}$`)
)

// recordID is the content-addressed id of a record's JSON.
func recordID(data []byte) string {
	sum := sha256.Sum256(data)
	return base64.RawURLEncoding.EncodeToString(sum[:16])
}

// shareAPI answers /api/share (POST: store) and /api/share/{id} (GET: read).
func shareAPI(w http.ResponseWriter, r *http.Request, cfg Config) {
	if cfg.Store == nil {
		jsonError(w, http.StatusServiceUnavailable, "sharing is not set up on this server (it needs the worker's KV namespace SHARES)")
		return
	}
	if r.URL.Path == SharePath {
		if r.Method != http.MethodPost {
			methodNotAllowed(w, "POST", "POST "+SharePath+" stores a notebook; GET "+SharePath+"/{id} reads one")
			return
		}
		storeShare(w, r, cfg)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		methodNotAllowed(w, "GET, HEAD", "a shared notebook is read with GET")
		return
	}
	id := strings.TrimPrefix(r.URL.Path, SharePath+"/")
	rec, ok := loadShare(w, r, cfg, id)
	if !ok {
		return
	}
	h := w.Header()
	// The id names the content, so the answer never changes.
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	writeJSON(w, http.StatusOK, map[string]string{"id": id, "page": rec.Page, "markdown": rec.Markdown})
}

// openShared answers GET /s/{id}: it sends the browser to the page the
// notebook was shared from, which opens it (wasm/page/share.go reads the
// #s= fragment and fetches the notebook from the API).
func openShared(w http.ResponseWriter, r *http.Request, cfg Config) {
	if cfg.Store == nil {
		jsonError(w, http.StatusServiceUnavailable, "sharing is not set up on this server (it needs the worker's KV namespace SHARES)")
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		methodNotAllowed(w, "GET, HEAD", "a shared notebook's link is opened with GET")
		return
	}
	id := strings.TrimPrefix(r.URL.Path, OpenPrefix)
	rec, ok := loadShare(w, r, cfg, id)
	if !ok {
		return
	}
	setAPIHeaders(w.Header())
	w.Header().Set("Location", "/"+rec.Page+".html#s="+id)
	w.WriteHeader(http.StatusSeeOther)
}

// loadShare reads the record of id, or answers the error and returns false.
func loadShare(w http.ResponseWriter, r *http.Request, cfg Config, id string) (record, bool) {
	var rec record
	if !idPattern.MatchString(id) {
		jsonError(w, http.StatusNotFound, fmt.Sprintf("no shared notebook has the id %.40q: an id is 22 characters of A-Z, a-z, 0-9, - and _ (was the link copied whole?)", id))
		return rec, false
	}
	data, found, err := cfg.Store.Get(r.Context(), "nb:"+id)
	if err != nil {
		jsonError(w, http.StatusBadGateway, "reading the shared notebook: "+err.Error())
		return rec, false
	}
	if !found {
		jsonError(w, http.StatusNotFound, "no shared notebook has the id "+id+" (was the link copied whole?)")
		return rec, false
	}
	if err := json.Unmarshal(data, &rec); err != nil {
		jsonError(w, http.StatusBadGateway, "the stored notebook "+id+" is damaged: "+err.Error())
		return rec, false
	}
	return rec, true
}

// storeShare answers POST /api/share?page=P with a notebook's Markdown as
// the body (Content-Type: text/markdown). It checks, in order, the rate
// limit, the page, the type, the size and the notebook itself, and stores
// nothing unless all pass.
func storeShare(w http.ResponseWriter, r *http.Request, cfg Config) {
	defer drain(r.Body)
	ctx := r.Context()
	key := rateKey(clientID(r), cfg.Now(), cfg.Window)
	count, err := rateCount(ctx, cfg.Store, key)
	if err != nil {
		jsonError(w, http.StatusBadGateway, "reading the rate limit: "+err.Error())
		return
	}
	if count >= cfg.Limit {
		w.Header().Set("Retry-After", strconv.Itoa(int(cfg.Window.Seconds())))
		jsonError(w, http.StatusTooManyRequests, fmt.Sprintf("too many shared notebooks: a client may share %d per %v; try again later", cfg.Limit, cfg.Window))
		return
	}
	page, status, msg := checkPage(r, cfg)
	if status != 0 {
		jsonError(w, status, msg)
		return
	}
	body, status, msg := readNotebook(r)
	if status != 0 {
		jsonError(w, status, msg)
		return
	}
	data, err := json.Marshal(record{Page: page, Markdown: string(body)})
	if err != nil {
		jsonError(w, http.StatusInternalServerError, err.Error())
		return
	}
	id := recordID(data)
	created := http.StatusOK
	if _, found, err := cfg.Store.Get(ctx, "nb:"+id); err != nil {
		jsonError(w, http.StatusBadGateway, "reading the store: "+err.Error())
		return
	} else if !found {
		if err := cfg.Store.Put(ctx, "nb:"+id, data, 0); err != nil {
			jsonError(w, http.StatusBadGateway, "storing the notebook: "+err.Error())
			return
		}
		created = http.StatusCreated
	}
	if err := countShare(ctx, cfg.Store, key, count, cfg.Window); err != nil {
		jsonError(w, http.StatusBadGateway, "counting the share: "+err.Error())
		return
	}
	w.Header().Set("Location", OpenPrefix+id)
	writeJSON(w, created, map[string]string{"id": id, "path": OpenPrefix + id, "page": page})
}

// checkPage reads the page query parameter: the slug of a page of the
// site, which will open the notebook.
func checkPage(r *http.Request, cfg Config) (page string, status int, msg string) {
	page = r.URL.Query().Get("page")
	if !pagePattern.MatchString(page) {
		return "", http.StatusBadRequest, fmt.Sprintf("page: expected the slug of the page that opens the notebook (?page=01-system: a-z, 0-9 and -), got %.70q", page)
	}
	f, err := cfg.Assets.Open(r.Context(), "/"+page+".html")
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", http.StatusBadRequest, "page: the site has no page " + page + ".html"
		}
		return "", http.StatusBadGateway, "page: " + err.Error()
	}
	f.Body.Close()
	return page, 0, ""
}

// readNotebook reads and checks the request's notebook: Markdown, at most
// MaxShareBytes, that the notebook parser accepts.
func readNotebook(r *http.Request) (body []byte, status int, msg string) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "text/markdown" {
		return nil, http.StatusUnsupportedMediaType, fmt.Sprintf("Content-Type: expected text/markdown (a notebook's Markdown), got %.60q", r.Header.Get("Content-Type"))
	}
	if r.ContentLength > MaxShareBytes {
		return nil, http.StatusRequestEntityTooLarge, tooLarge(r.ContentLength)
	}
	body, err = io.ReadAll(io.LimitReader(r.Body, MaxShareBytes+1))
	if err != nil {
		return nil, http.StatusBadRequest, "reading the notebook: " + err.Error()
	}
	if len(body) > MaxShareBytes {
		return nil, http.StatusRequestEntityTooLarge, tooLarge(-1)
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		return nil, http.StatusBadRequest, "the notebook is empty"
	}
	if _, err := notebook.Parse(notebook.ShareFile, body); err != nil {
		return nil, http.StatusUnprocessableEntity, "not a notebook: " + err.Error()
	}
	return body, 0, ""
}

func tooLarge(n int64) string {
	if n < 0 {
		return fmt.Sprintf("the notebook is larger than the %d KB a shared notebook may be", MaxShareBytes>>10)
	}
	return fmt.Sprintf("the notebook is %d KB, more than the %d KB a shared notebook may be", (n+1023)>>10, MaxShareBytes>>10)
}

// drainLimit is the most of a refused body that drain reads.
const drainLimit = 1 << 20

// drain reads what is left of a request body, up to drainLimit, before
// the answer goes out. A refused notebook's body is otherwise left unread,
// and wrangler dev's local proxy then fails the next request on the same
// connection ("Your worker restarted mid-request", 503).
func drain(body io.ReadCloser) {
	io.Copy(io.Discard, io.LimitReader(body, drainLimit))
}
