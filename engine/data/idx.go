package data

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"strings"
)

// FileError is a data file that cannot be read: it names the file and what
// is wrong with it.
type FileError struct {
	File    string
	Problem string
}

func (e *FileError) Error() string { return e.File + ": " + e.Problem }

func fileErr(file, format string, args ...any) error {
	return &FileError{File: file, Problem: fmt.Sprintf(format, args...)}
}

// IDX is an array read from an IDX file, the format of the MNIST and
// Fashion-MNIST distributions (yann.lecun.com/exdb/mnist): a magic number
// (two zero bytes, a type code, the number of dimensions), each dimension
// as a big-endian uint32, then the values in row-major order. TinyTorch
// reads the type the image sets use, unsigned bytes (code 0x08).
type IDX struct {
	Dims []int
	Data []uint8
}

// idxTypes names the IDX type codes, for error messages.
var idxTypes = map[byte]string{0x08: "unsigned byte", 0x09: "signed byte", 0x0B: "int16", 0x0C: "int32", 0x0D: "float32", 0x0E: "float64"}

// maxIDXBytes bounds the data an IDX header may announce (1 GiB), so a
// corrupt header cannot ask for an absurd allocation.
const maxIDXBytes = 1 << 30

// ReadIDX reads an IDX file, gzip-compressed (detected by its magic bytes,
// whatever the file's name) or raw.
func ReadIDX(path string) (*IDX, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParseIDX(path, f)
}

// ParseIDX reads an IDX array from r; name is used in errors. It rejects
// a bad magic number, a type other than unsigned bytes, a header that
// announces more data than the file holds (truncated) or less (trailing
// bytes), and a corrupt gzip stream.
func ParseIDX(name string, r io.Reader) (*IDX, error) {
	br := bufio.NewReader(r)
	if head, _ := br.Peek(2); len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fileErr(name, "corrupt gzip header: %v", err)
		}
		defer zr.Close()
		tr := &tracker{r: zr}
		idx, err := parseIDX(name, bufio.NewReader(tr))
		switch {
		case err == nil:
		case tr.err == io.ErrUnexpectedEOF:
			err = fileErr(name, "truncated: the gzip stream ends early, after %d bytes of IDX data", tr.n)
		case tr.err != nil:
			err = fileErr(name, "corrupt gzip stream: %v", tr.err)
		}
		return idx, err
	}
	return parseIDX(name, br)
}

// tracker remembers how many bytes a reader gave and its first error
// other than io.EOF, to tell a broken gzip stream from broken content.
type tracker struct {
	r   io.Reader
	n   int
	err error
}

func (t *tracker) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	t.n += n
	if err != nil && err != io.EOF && t.err == nil {
		t.err = err
	}
	return n, err
}

func parseIDX(name string, r io.Reader) (*IDX, error) {
	var magic [4]byte
	if n, err := io.ReadFull(r, magic[:]); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil, fileErr(name, "truncated: %d bytes, too short for the 4-byte IDX magic number", n)
		}
		return nil, err
	}
	if magic[0] != 0 || magic[1] != 0 {
		return nil, fileErr(name, "bad magic number 0x%02x%02x%02x%02x: an IDX file starts with two zero bytes, a type code and the number of dimensions (MNIST images: 0x00000803)",
			magic[0], magic[1], magic[2], magic[3])
	}
	if magic[2] != 0x08 {
		t, ok := idxTypes[magic[2]]
		if !ok {
			return nil, fileErr(name, "unknown IDX type code 0x%02x", magic[2])
		}
		return nil, fileErr(name, "IDX values of type %s (0x%02x) are not supported: TinyTorch reads unsigned bytes (0x08)", t, magic[2])
	}
	nd := int(magic[3])
	if nd == 0 {
		return nil, fileErr(name, "the header declares 0 dimensions")
	}
	head := make([]byte, 4*nd)
	if _, err := io.ReadFull(r, head); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil, fileErr(name, "truncated: the header declares %d dimensions but ends before their sizes", nd)
		}
		return nil, err
	}
	dims := make([]int, nd)
	total := 1
	for i := range dims {
		dims[i] = int(binary.BigEndian.Uint32(head[4*i:]))
		if dims[i] == 0 {
			return nil, fileErr(name, "dimension %d of %s is 0", i, dimString(dims[:i+1]))
		}
		total *= dims[i]
		if total > maxIDXBytes {
			return nil, fileErr(name, "the header declares dimensions %s…, more than %d bytes of data: the header is corrupt", dimString(dims[:i+1]), maxIDXBytes)
		}
	}
	data, err := readAtMost(r, total)
	if err != nil {
		return nil, err
	}
	if len(data) < total {
		return nil, fileErr(name, "truncated: the header declares %s = %d bytes of data, the file holds %d", dimString(dims), total, len(data))
	}
	extra, err := io.Copy(io.Discard, r)
	if err != nil {
		return nil, err
	}
	if extra > 0 {
		return nil, fileErr(name, "%d unexpected bytes after the %s = %d bytes the header declares", extra, dimString(dims), total)
	}
	return &IDX{Dims: dims, Data: data}, nil
}

// readAtMost reads up to limit bytes from r, growing its buffer as the
// bytes arrive (doubling, from 64 KiB, but never past limit) rather than
// allocating limit bytes up front: a header may announce up to 1 GiB, and
// a 20-byte file claiming that much must not cost a gigabyte before the
// truncation is found. A complete file ends in a buffer of exactly limit
// bytes.
func readAtMost(r io.Reader, limit int) ([]byte, error) {
	buf := make([]byte, 0, min(limit, 64<<10))
	for len(buf) < limit {
		if len(buf) == cap(buf) {
			grown := make([]byte, len(buf), min(limit, 2*cap(buf)))
			copy(grown, buf)
			buf = grown
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	return buf, nil
}

// EncodeIDX writes an unsigned-byte IDX array (uncompressed); the inverse
// of ParseIDX, for tests and tools.
func EncodeIDX(dims []int, data []uint8) []byte {
	var b bytes.Buffer
	b.Write([]byte{0, 0, 0x08, byte(len(dims))})
	for _, d := range dims {
		binary.Write(&b, binary.BigEndian, uint32(d))
	}
	b.Write(data)
	return b.Bytes()
}

// dimString writes dims as 60000×28×28.
func dimString(dims []int) string {
	parts := make([]string, len(dims))
	for i, d := range dims {
		parts[i] = fmt.Sprint(d)
	}
	return strings.Join(parts, "×")
}
