package notebook

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"strings"
)

// A share link carries a notebook in its fragment: "#nb=" followed by
//
//	2.<base64url, unpadded, of: DEFLATE(Markdown) ‖ CRC-32>
//
// "2" is the format's version (the first links, without version or
// checksum, were version 1) and the CRC-32 (IEEE, big-endian) covers "2."
// and the compressed bytes. A link is typed, pasted and cut by chat
// programs, so the checksum makes a damaged link fail with a clear error
// instead of opening a different notebook: it catches every change of up
// to 32 consecutive bits, so every one-character substitution (6 bits of
// base64, or the version) is refused, and other damage with a
// probability of 1 - 2^-32. Base64 is decoded strictly, so the unused
// bits of the last character cannot change unnoticed either.
const ShareVersion = "2"

// MaxShareSize caps the Markdown a share link may decompress to: the
// most Parse reads. Decompression stops there, so a small link that
// inflates to gigabytes (a "zip bomb") is refused without inflating it.
const MaxShareSize = MaxSourceSize

// maxShareLink caps the characters of a link's data before decoding it,
// well above what MaxShareSize bytes of Markdown compress to.
const maxShareLink = 2 * MaxShareSize

// ShareFile is the file name DecodeShare gives Parse: a shared notebook's
// Slug is "shared" until the caller sets the real one.
const ShareFile = "shared.md"

// shareEncoding is unpadded base64url that refuses non-zero padding bits.
var shareEncoding = base64.RawURLEncoding.Strict()

// EncodeShare packs the notebook's Markdown into a string for a URL
// fragment ("#nb=" + the result), in the format above.
func EncodeShare(nb *Notebook) (string, error) {
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, flate.BestCompression)
	if err != nil {
		return "", err
	}
	md := nb.Markdown()
	if len(md) > MaxShareSize {
		return "", fmt.Errorf("share link: the notebook's %d KB of Markdown are more than the %d KB a link may carry", len(md)>>10, MaxShareSize>>10)
	}
	if _, err := w.Write(md); err != nil {
		return "", err
	}
	if err := w.Close(); err != nil {
		return "", err
	}
	packed := binary.BigEndian.AppendUint32(buf.Bytes(), shareChecksum(buf.Bytes()))
	return ShareVersion + "." + shareEncoding.EncodeToString(packed), nil
}

// shareChecksum is the CRC-32 of the version prefix and the compressed
// notebook.
func shareChecksum(compressed []byte) uint32 {
	return crc32.Update(crc32.ChecksumIEEE([]byte(ShareVersion+".")), crc32.IEEETable, compressed)
}

// DecodeShare unpacks a string made by EncodeShare (a leading "#" and
// "nb=" are ignored), checks it and parses the notebook in it.
func DecodeShare(s string) (*Notebook, error) {
	compressed, err := unpackShare(strings.TrimPrefix(strings.TrimPrefix(s, "#"), "nb="))
	if err != nil {
		return nil, err
	}
	r := flate.NewReader(bytes.NewReader(compressed))
	defer r.Close()
	md, err := io.ReadAll(io.LimitReader(r, MaxShareSize+1))
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, errors.New("share link: data: the compressed notebook is cut short")
		}
		return nil, fmt.Errorf("share link: data: expected a compressed notebook: %v", err)
	}
	if len(md) > MaxShareSize {
		return nil, fmt.Errorf("share link: data: the notebook is larger than the %d KB a notebook may hold", MaxShareSize>>10)
	}
	nb, err := Parse(ShareFile, md)
	if err != nil {
		return nil, fmt.Errorf("share link: %w", err)
	}
	return nb, nil
}

// unpackShare checks a link's version, encoding and checksum, and returns
// the compressed notebook.
func unpackShare(s string) ([]byte, error) {
	if s == "" {
		return nil, errors.New("share link: no notebook data after #nb=")
	}
	if len(s) > maxShareLink {
		return nil, fmt.Errorf("share link: %d characters, more than the %d a notebook's link may hold", len(s), maxShareLink)
	}
	version, data, ok := strings.Cut(s, ".")
	if !ok {
		return nil, errors.New("share link: version: expected " + ShareVersion + `. at the start: this link has no version and checksum (an early TinyTorch made it), so it cannot be checked; ask for a new link`)
	}
	if version != ShareVersion {
		return nil, fmt.Errorf("share link: version: expected %s, the link says %.10q (was it damaged, or made by a newer TinyTorch?)", ShareVersion, version)
	}
	packed, err := shareEncoding.DecodeString(data)
	if err != nil {
		return nil, fmt.Errorf("share link: data: expected unpadded base64url: %v (was the link copied whole?)", err)
	}
	if len(packed) < crc32.Size {
		return nil, errors.New("share link: data: cut short, too short to hold a checksum (was the link copied whole?)")
	}
	compressed, sum := packed[:len(packed)-crc32.Size], binary.BigEndian.Uint32(packed[len(packed)-crc32.Size:])
	if got := shareChecksum(compressed); got != sum {
		return nil, fmt.Errorf("share link: checksum: expected %08x, the data gives %08x: the link is damaged (was it copied whole?)", sum, got)
	}
	return compressed, nil
}
