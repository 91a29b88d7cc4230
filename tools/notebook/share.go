package notebook

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"
)

// MaxShareSize caps the Markdown a share link may decompress to, so a
// crafted link cannot exhaust the page's memory.
const MaxShareSize = 2 << 20

// ShareFile is the file name DecodeShare gives Parse: a shared notebook's
// Slug is "shared" until the caller sets the real one.
const ShareFile = "shared.md"

// EncodeShare packs the notebook's Markdown into a string for a URL
// fragment ("#nb=" + the result): DEFLATE at best compression, then
// unpadded base64url.
func EncodeShare(nb *Notebook) (string, error) {
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, flate.BestCompression)
	if err != nil {
		return "", err
	}
	if _, err := w.Write(nb.Markdown()); err != nil {
		return "", err
	}
	if err := w.Close(); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(buf.Bytes()), nil
}

// DecodeShare unpacks a string made by EncodeShare (a leading "#" and
// "nb=" are ignored) and parses the notebook in it.
func DecodeShare(s string) (*Notebook, error) {
	s = strings.TrimPrefix(strings.TrimPrefix(s, "#"), "nb=")
	if s == "" {
		return nil, errors.New("share link: no notebook data after #nb=")
	}
	packed, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return nil, fmt.Errorf("share link: not base64url data: %v", err)
	}
	r := flate.NewReader(bytes.NewReader(packed))
	defer r.Close()
	md, err := io.ReadAll(io.LimitReader(r, MaxShareSize+1))
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, errors.New("share link: the data is cut short (was the link copied whole?)")
		}
		return nil, fmt.Errorf("share link: not a compressed notebook: %v", err)
	}
	if len(md) > MaxShareSize {
		return nil, fmt.Errorf("share link: the notebook is larger than %d MB", MaxShareSize>>20)
	}
	nb, err := Parse(ShareFile, md)
	if err != nil {
		return nil, fmt.Errorf("share link: %w", err)
	}
	return nb, nil
}
