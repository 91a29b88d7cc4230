package checkpoint

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"sort"
	"unicode/utf8"
)

// The safetensors format (github.com/huggingface/safetensors), the one
// Hugging Face and PyTorch users load:
//
//	8 bytes      N, the header's length, an unsigned little-endian integer
//	N bytes      the header: a JSON object, padded with spaces
//	the rest     the data: every tensor's bytes, little endian, row-major
//
// The header maps each tensor's name to {"dtype": "F32", "shape": [8, 4],
// "data_offsets": [begin, end]}, offsets counted from the start of the
// data; the optional key "__metadata__" maps strings to strings. The
// tensors must cover the data exactly, with neither gaps nor overlaps.

// MaxHeaderSize is the largest header Decode accepts, the limit of the
// reference implementation (100 MB).
const MaxHeaderSize = 100 << 20

// metadataKey is the header key of the free-form string map.
const metadataKey = "__metadata__"

// DType is an element type as the header spells it ("F32").
type DType string

// The element types of the format. TinyTorch writes F32 and reads F32,
// F64, F16 and BF16 into float32 tensors; the others are known (a file
// holding them is valid) but cannot become a TinyTorch tensor.
const (
	F64  DType = "F64"
	F32  DType = "F32"
	F16  DType = "F16"
	BF16 DType = "BF16"
	I64  DType = "I64"
	I32  DType = "I32"
	I16  DType = "I16"
	I8   DType = "I8"
	U64  DType = "U64"
	U32  DType = "U32"
	U16  DType = "U16"
	U8   DType = "U8"
	Bool DType = "BOOL"
	F8E4 DType = "F8_E4M3"
	F8E5 DType = "F8_E5M2"
)

// dtypeSizes is the size in bytes of one element of each known dtype.
var dtypeSizes = map[DType]int{
	F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1,
	U64: 8, U32: 4, U16: 2, U8: 1, Bool: 1, F8E4: 1, F8E5: 1,
}

// Size returns the bytes per element, and 0 for an unknown dtype.
func (d DType) Size() int { return dtypeSizes[d] }

// Entry is one tensor of a safetensors file: its name, element type,
// shape and raw little-endian bytes (len(Data) = elements × DType.Size()).
type Entry struct {
	Name  string
	DType DType
	Shape []int
	Data  []byte
}

// File is a safetensors file: its metadata and its tensors. Decode lists
// the tensors in the order of their data; Encode writes them in the order
// given.
type File struct {
	Metadata map[string]string
	Tensors  []Entry
}

// Find returns the tensor called name, and false if there is none.
func (f *File) Find(name string) (Entry, bool) {
	for _, e := range f.Tensors {
		if e.Name == name {
			return e, true
		}
	}
	return Entry{}, false
}

// headerEntry is one tensor's entry in the JSON header. Pointers tell a
// missing field from a zero one.
type headerEntry struct {
	DType       *DType   `json:"dtype"`
	Shape       *[]int64 `json:"shape"`
	DataOffsets *[]int64 `json:"data_offsets"`
}

// Encode writes f in the safetensors format. It checks every tensor first
// (a known dtype, a unique name other than "__metadata__", bytes matching
// the shape), so that a bad entry writes nothing. The header is padded
// with spaces to a multiple of 8 bytes, so that the data is aligned.
func Encode(w io.Writer, f *File) error {
	header, err := encodeHeader(f)
	if err != nil {
		return err
	}
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(header)))
	if _, err := w.Write(n[:]); err != nil {
		return err
	}
	if _, err := w.Write(header); err != nil {
		return err
	}
	for _, e := range f.Tensors {
		if _, err := w.Write(e.Data); err != nil {
			return err
		}
	}
	return nil
}

// encodeHeader checks the tensors and builds the padded JSON header, the
// metadata first and then the tensors in order.
func encodeHeader(f *File) ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	if len(f.Metadata) > 0 {
		for k, v := range f.Metadata {
			// json.Marshal would silently replace invalid UTF-8 with U+FFFD.
			if !utf8.ValidString(k) || !utf8.ValidString(v) {
				return nil, fmt.Errorf("safetensors: metadata %q: %q is not valid UTF-8", k, v)
			}
		}
		meta, err := json.Marshal(f.Metadata)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&b, "%q:%s", metadataKey, meta)
	}
	seen := map[string]bool{}
	offset := int64(0)
	for _, e := range f.Tensors {
		if err := checkEntry(e, seen); err != nil {
			return nil, err
		}
		name, _ := json.Marshal(e.Name)
		shape, _ := json.Marshal(e.Shape)
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		end := offset + int64(len(e.Data))
		fmt.Fprintf(&b, `%s:{"dtype":%q,"shape":%s,"data_offsets":[%d,%d]}`, name, e.DType, shape, offset, end)
		offset = end
	}
	b.WriteByte('}')
	for b.Len()%8 != 0 {
		b.WriteByte(' ')
	}
	return b.Bytes(), nil
}

// checkEntry checks one tensor before it is encoded.
func checkEntry(e Entry, seen map[string]bool) error {
	switch {
	case e.Name == metadataKey:
		return fmt.Errorf("safetensors: a tensor may not be called %q", metadataKey)
	case !utf8.ValidString(e.Name):
		return fmt.Errorf("safetensors: tensor name %q is not valid UTF-8", e.Name)
	case seen[e.Name]:
		return fmt.Errorf("safetensors: tensor %q given twice", e.Name)
	case e.DType.Size() == 0:
		return fmt.Errorf("safetensors: tensor %q has dtype %q, expected one of %s", e.Name, e.DType, knownDTypes())
	}
	seen[e.Name] = true
	n, ok := numel(e.Shape)
	if !ok || n*uint64(e.DType.Size()) != uint64(len(e.Data)) {
		return fmt.Errorf("safetensors: tensor %q of shape %v and dtype %s has %d bytes of data, expected elements × %d", e.Name, e.Shape, e.DType, len(e.Data), e.DType.Size())
	}
	return nil
}

// numel multiplies the dimensions, reporting false for a negative one or
// a product above 2⁶³.
func numel[T int | int64](shape []T) (uint64, bool) {
	n := uint64(1)
	for _, d := range shape {
		if d < 0 {
			return 0, false
		}
		hi, lo := bits.Mul64(n, uint64(d))
		if hi != 0 || lo > math.MaxInt64 {
			return 0, false
		}
		n = lo
	}
	return n, true
}

// knownDTypes lists the dtypes for error messages.
func knownDTypes() string {
	names := make([]string, 0, len(dtypeSizes))
	for d := range dtypeSizes {
		names = append(names, string(d))
	}
	sort.Strings(names)
	return fmt.Sprint(names)
}

// DecodeBytes decodes a safetensors file held in memory.
func DecodeBytes(b []byte) (*File, error) {
	return Decode(bytes.NewReader(b), int64(len(b)))
}

// Decode reads a safetensors file of size bytes from r. It validates the
// header before it allocates anything for the data: the header's length
// against MaxHeaderSize and the bytes present, the JSON (an object with
// no key given twice and no unknown field), every dtype, shape and
// offset pair, and that the tensors tile the data exactly (no gaps, no
// overlaps, nothing past the end). So a truncated, corrupted or hostile
// file costs at most its own size in memory and returns an error saying
// what is wrong. The tensors' Data share one buffer.
func Decode(r io.ReaderAt, size int64) (*File, error) {
	if size < 8 {
		return nil, fmt.Errorf("safetensors: the file has %d bytes, too few for the 8-byte header length", size)
	}
	var n [8]byte
	if _, err := r.ReadAt(n[:], 0); err != nil {
		return nil, fmt.Errorf("safetensors: reading the header length: %w", err)
	}
	hlen := binary.LittleEndian.Uint64(n[:])
	if hlen > MaxHeaderSize {
		return nil, fmt.Errorf("safetensors: header of %d bytes, more than the limit of %d", hlen, MaxHeaderSize)
	}
	if hlen > uint64(size-8) {
		return nil, fmt.Errorf("safetensors: header of %d bytes, but only %d bytes follow the length (a truncated file?)", hlen, size-8)
	}
	header := make([]byte, hlen)
	if _, err := r.ReadAt(header, 8); err != nil {
		return nil, fmt.Errorf("safetensors: reading the header: %w", err)
	}
	dataLen := size - 8 - int64(hlen)
	f, spans, err := parseHeader(header, dataLen)
	if err != nil {
		return nil, err
	}
	data := make([]byte, dataLen)
	if _, err := r.ReadAt(data, 8+int64(hlen)); err != nil && !(errors.Is(err, io.EOF) && dataLen == 0) {
		return nil, fmt.Errorf("safetensors: reading %d bytes of data: %w", dataLen, err)
	}
	for i := range f.Tensors {
		f.Tensors[i].Data = data[spans[i][0]:spans[i][1]:spans[i][1]]
	}
	return f, nil
}

// parseHeader decodes and checks the header of a file whose data has
// dataLen bytes. It returns the tensors (without data) in the order of
// their offsets, and those offsets.
func parseHeader(header []byte, dataLen int64) (*File, [][2]int64, error) {
	if len(header) == 0 || header[0] != '{' {
		return nil, nil, fmt.Errorf("safetensors: the header does not start with '{', so it is not a JSON object")
	}
	if !utf8.Valid(header) {
		return nil, nil, fmt.Errorf("safetensors: the header is not valid UTF-8")
	}
	raw, err := headerObject(header)
	if err != nil {
		return nil, nil, err
	}
	f := &File{}
	var spans [][2]int64
	for _, kv := range raw {
		if kv.key == metadataKey {
			if err := strictUnmarshal(kv.value, &f.Metadata); err != nil {
				return nil, nil, fmt.Errorf("safetensors: %s is not a map of strings to strings: %v", metadataKey, err)
			}
			continue
		}
		e, span, err := parseEntry(kv.key, kv.value)
		if err != nil {
			return nil, nil, err
		}
		f.Tensors = append(f.Tensors, e)
		spans = append(spans, span)
	}
	return f, spans, tile(f.Tensors, spans, dataLen)
}

// keyValue is one member of the header object, in file order.
type keyValue struct {
	key   string
	value json.RawMessage
}

// headerObject splits the header into its members, refusing a key given
// twice (which a map would silently keep once) and anything but spaces
// after the object.
func headerObject(header []byte) ([]keyValue, error) {
	dec := json.NewDecoder(bytes.NewReader(header))
	dec.UseNumber()
	if _, err := dec.Token(); err != nil { // the '{', checked above
		return nil, fmt.Errorf("safetensors: header: %v", err)
	}
	var out []keyValue
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("safetensors: header: %v", err)
		}
		key, _ := tok.(string) // an object's keys are strings
		if seen[key] {
			return nil, fmt.Errorf("safetensors: header: key %q given twice", key)
		}
		seen[key] = true
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("safetensors: header: the value of %q: %v", key, err)
		}
		out = append(out, keyValue{key, v})
	}
	if _, err := dec.Token(); err != nil { // the closing '}'
		return nil, fmt.Errorf("safetensors: header: %v", err)
	}
	rest := header[dec.InputOffset():]
	if len(bytes.Trim(rest, " ")) != 0 {
		return nil, fmt.Errorf("safetensors: header: %d bytes after the JSON object, expected only padding spaces", len(rest))
	}
	return out, nil
}

// strictUnmarshal decodes JSON refusing unknown fields.
func strictUnmarshal(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// parseEntry checks one tensor's header entry: every field present, a
// known dtype, a shape of dimensions ≥ 0, and offsets that hold exactly
// the shape's elements.
func parseEntry(name string, value json.RawMessage) (Entry, [2]int64, error) {
	var h headerEntry
	if err := strictUnmarshal(value, &h); err != nil {
		return Entry{}, [2]int64{}, fmt.Errorf("safetensors: tensor %q: %v", name, err)
	}
	if h.DType == nil || h.Shape == nil || h.DataOffsets == nil {
		return Entry{}, [2]int64{}, fmt.Errorf("safetensors: tensor %q: expected the fields dtype, shape and data_offsets", name)
	}
	size := h.DType.Size()
	if size == 0 {
		return Entry{}, [2]int64{}, fmt.Errorf("safetensors: tensor %q has dtype %q, expected one of %s", name, *h.DType, knownDTypes())
	}
	off := *h.DataOffsets
	if len(off) != 2 || off[0] < 0 || off[1] < off[0] {
		return Entry{}, [2]int64{}, fmt.Errorf("safetensors: tensor %q has data_offsets %v, expected [begin, end] with 0 ≤ begin ≤ end", name, off)
	}
	n, ok := numel(*h.Shape)
	if span := uint64(off[1] - off[0]); !ok || span%uint64(size) != 0 || n != span/uint64(size) {
		return Entry{}, [2]int64{}, fmt.Errorf("safetensors: tensor %q of shape %v and dtype %s needs elements × %d bytes, but data_offsets %v hold %d",
			name, *h.Shape, *h.DType, size, off, off[1]-off[0])
	}
	shape := make([]int, len(*h.Shape))
	for i, d := range *h.Shape {
		shape[i] = int(d)
	}
	return Entry{Name: name, DType: *h.DType, Shape: shape}, [2]int64{off[0], off[1]}, nil
}

// tile checks that the tensors' byte ranges cover the data exactly: in
// the order of their offsets each starts where the last ended, the first
// at 0 and the last at dataLen. It sorts the tensors and spans into that
// order.
func tile(tensors []Entry, spans [][2]int64, dataLen int64) error {
	idx := make([]int, len(spans))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		sa, sb := spans[idx[a]], spans[idx[b]]
		return sa[0] < sb[0] || (sa[0] == sb[0] && sa[1] < sb[1])
	})
	sortedT, sortedS := make([]Entry, len(idx)), make([][2]int64, len(idx))
	end := int64(0)
	for k, i := range idx {
		s := spans[i]
		if s[0] != end {
			what := "leaves a gap before it"
			if s[0] < end {
				what = "overlaps the tensor before it"
			}
			return fmt.Errorf("safetensors: tensor %q at data_offsets [%d, %d] %s (the previous tensor ends at %d)", tensors[i].Name, s[0], s[1], what, end)
		}
		end = s[1]
		sortedT[k], sortedS[k] = tensors[i], s
	}
	if end != dataLen {
		return fmt.Errorf("safetensors: the tensors cover %d bytes of data, but the file holds %d after the header (truncated or padded?)", end, dataLen)
	}
	copy(tensors, sortedT)
	copy(spans, sortedS)
	return nil
}
