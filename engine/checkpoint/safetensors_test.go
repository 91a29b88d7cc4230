package checkpoint

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
)

// craft assembles a safetensors file from a header and data, as a
// hand-written (or hostile) file would be.
func craft(header string, data []byte) []byte {
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	return append(append(b, header...), data...)
}

// sample is a small valid file: two tensors and metadata.
func sample() *File {
	return &File{
		Metadata: map[string]string{"format": "pt", "note": `quotes " and <tags>`},
		Tensors: []Entry{
			FromFloat32("0.weight", []float32{1, -2, 3.5, float32(math.Inf(1)), 0, -0}, []int{2, 3}),
			FromFloat32("0.bias", []float32{0.25, 7}, []int{2}),
			FromFloat32("scalar", []float32{42}, nil),
			FromFloat32("empty", nil, []int{0, 4}),
		},
	}
}

func encode(t testing.TB, f *File) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Encode(&b, f); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestRoundTrip encodes and decodes a file: the same metadata, names,
// dtypes, shapes and bytes, the header padded to 8 bytes.
func TestRoundTrip(t *testing.T) {
	f := sample()
	b := encode(t, f)
	if n := binary.LittleEndian.Uint64(b); n%8 != 0 {
		t.Errorf("header of %d bytes, want a multiple of 8", n)
	}
	got, err := DecodeBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Metadata, f.Metadata) {
		t.Errorf("metadata %v, want %v", got.Metadata, f.Metadata)
	}
	if len(got.Tensors) != len(f.Tensors) {
		t.Fatalf("%d tensors, want %d", len(got.Tensors), len(f.Tensors))
	}
	for i, e := range got.Tensors {
		w := f.Tensors[i]
		if e.Name != w.Name || e.DType != w.DType || !reflect.DeepEqual(append([]int{}, e.Shape...), append([]int{}, w.Shape...)) || !bytes.Equal(e.Data, w.Data) {
			t.Errorf("tensor %d: %q %s %v %d bytes, want %q %s %v %d bytes", i, e.Name, e.DType, e.Shape, len(e.Data), w.Name, w.DType, w.Shape, len(w.Data))
		}
	}
	v, err := got.Tensors[0].Float32()
	if err != nil || v[2] != 3.5 || !math.IsInf(float64(v[3]), 1) {
		t.Errorf("values %v, %v; want [1 -2 3.5 +Inf 0 0]", v, err)
	}
}

// TestDecodeErrors feeds malformed files to Decode: each gets an error
// saying what is wrong, and none panics.
func TestDecodeErrors(t *testing.T) {
	f32x2 := make([]byte, 8)
	big := binary.LittleEndian.AppendUint64(nil, MaxHeaderSize+1)
	tests := []struct {
		name string
		file []byte
		want string // a part of the error
	}{
		{"empty file", nil, "too few for the 8-byte header length"},
		{"7 bytes", []byte{1, 2, 3, 4, 5, 6, 7}, "too few"},
		{"header over the limit", append(big, "{}"...), "more than the limit"},
		{"header longer than the file", craft(`{}`, nil)[:9], "only 1 bytes follow"},
		{"header length 2^64-1", append(binary.LittleEndian.AppendUint64(nil, math.MaxUint64), "{}"...), "more than the limit"},
		{"not an object", craft(`[1, 2]`, nil), "does not start with '{'"},
		{"not JSON", craft(`{"a":}`, nil), "header"},
		{"unterminated", craft(`{"a": {"dtype": "F32"`, nil), "header"},
		{"invalid UTF-8", craft("{\"\xff\": 1}", nil), "UTF-8"},
		{"bytes after the object", craft(`{}xx`, nil), "after the JSON object"},
		{"key given twice", craft(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, f32x2), `key "a" given twice`},
		{"unknown dtype", craft(`{"a":{"dtype":"F33","shape":[2],"data_offsets":[0,8]}}`, f32x2), `dtype "F33"`},
		{"missing field", craft(`{"a":{"dtype":"F32","shape":[2]}}`, f32x2), "expected the fields"},
		{"unknown field", craft(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"stride":[1]}}`, f32x2), "unknown field"},
		{"negative dimension", craft(`{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}`, f32x2), "needs elements"},
		{"fractional dimension", craft(`{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,8]}}`, f32x2), `tensor "a"`},
		{"huge shape", craft(`{"a":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,8]}}`, f32x2), "needs elements"},
		{"shape and bytes disagree", craft(`{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}`, f32x2), "hold 8"},
		{"offsets reversed", craft(`{"a":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}}`, f32x2), "0 ≤ begin ≤ end"},
		{"three offsets", craft(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8,8]}}`, f32x2), "[begin, end]"},
		{"offsets past the data", craft(`{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}`, f32x2), "cover 16 bytes of data, but the file holds 8"},
		{"truncated data", craft(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, f32x2[:5]), "cover 8 bytes of data, but the file holds 5"},
		{"extra data", craft(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, append(f32x2, 0)), "cover 8 bytes of data, but the file holds 9"},
		{"gap", craft(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, f32x2), "leaves a gap"},
		{"overlap", craft(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, f32x2), "overlaps"},
		{"metadata not strings", craft(`{"__metadata__":{"epoch":3}}`, nil), "map of strings"},
		{"value not an object", craft(`{"a":[1]}`, nil), `tensor "a"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeBytes(tc.file)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "safetensors: ") {
				t.Errorf("error %q does not name the format", err)
			}
		})
	}
}

// TestDecodeValid covers what the format allows and TinyTorch does not
// write: no tensors, padding, zero-size tensors, other dtypes, tensors
// listed out of data order.
func TestDecodeValid(t *testing.T) {
	f, err := DecodeBytes(craft(`{}      `, nil))
	if err != nil || len(f.Tensors) != 0 {
		t.Fatalf("empty file: %v, %v", f, err)
	}
	data := []byte{1, 0, 2, 0, 0, 0, 0x80, 0x3f} // I16 [1, 2], then F32 1.0
	f, err = DecodeBytes(craft(`{"b":{"dtype":"F32","shape":[],"data_offsets":[4,8]},"z":{"dtype":"F32","shape":[0],"data_offsets":[4,4]},"a":{"dtype":"I16","shape":[2],"data_offsets":[0,4]}}`, data))
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, e := range f.Tensors {
		order = append(order, e.Name)
	}
	if strings.Join(order, ",") != "a,z,b" {
		t.Errorf("order %v, want the data's a, z, b", order)
	}
	if v, err := f.Tensors[2].Float32(); err != nil || len(v) != 1 || v[0] != 1 {
		t.Errorf("scalar b = %v, %v", v, err)
	}
	if _, err := f.Tensors[0].Float32(); err == nil || !strings.Contains(err.Error(), "I16") {
		t.Errorf("I16 to float32: %v, want an error naming the dtype", err)
	}
}

// TestFloat32Conversions reads the float dtypes PyTorch writes.
func TestFloat32Conversions(t *testing.T) {
	le16 := func(v ...uint16) []byte {
		var b []byte
		for _, x := range v {
			b = binary.LittleEndian.AppendUint16(b, x)
		}
		return b
	}
	inf, nan := float32(math.Inf(1)), float32(math.NaN())
	tests := []struct {
		dtype DType
		data  []byte
		want  []float32
	}{
		{F16, le16(0x3c00, 0xc000, 0x7bff, 0x0001, 0x8000, 0x7c00, 0x0400), []float32{1, -2, 65504, 5.960464477539063e-08, float32(math.Copysign(0, -1)), inf, 6.103515625e-05}},
		{BF16, le16(0x3f80, 0xc040, 0x7f80), []float32{1, -3, inf}},
		{F64, binary.LittleEndian.AppendUint64(binary.LittleEndian.AppendUint64(nil, math.Float64bits(0.1)), math.Float64bits(1e300)), []float32{0.1, inf}},
		{F16, le16(0x7e00), []float32{nan}},
	}
	for _, tc := range tests {
		got, err := Entry{Name: "x", DType: tc.dtype, Data: tc.data}.Float32()
		if err != nil {
			t.Fatal(err)
		}
		for i := range tc.want {
			if math.Float32bits(got[i]) != math.Float32bits(tc.want[i]) && !(tc.want[i] != tc.want[i] && got[i] != got[i]) {
				t.Errorf("%s value %d: %v, want %v", tc.dtype, i, got[i], tc.want[i])
			}
		}
	}
}

// TestEncodeRefuses checks Encode's checks: nothing is written for a bad
// entry.
func TestEncodeRefuses(t *testing.T) {
	good := FromFloat32("a", []float32{1}, []int{1})
	tests := []struct {
		name string
		e    []Entry
		want string
	}{
		{"reserved name", []Entry{{Name: "__metadata__", DType: F32, Shape: []int{0}}}, "may not be called"},
		{"twice", []Entry{good, good}, "given twice"},
		{"unknown dtype", []Entry{{Name: "a", DType: "F7", Shape: []int{0}}}, `dtype "F7"`},
		{"bytes and shape disagree", []Entry{{Name: "a", DType: F32, Shape: []int{2}, Data: make([]byte, 4)}}, "has 4 bytes"},
		{"bad UTF-8", []Entry{{Name: "\xff", DType: F32, Shape: []int{0}}}, "UTF-8"},
	}
	// Found by FuzzEncode: json.Marshal turned invalid UTF-8 in metadata
	// into U+FFFD, so the file read back differently.
	var b bytes.Buffer
	if err := Encode(&b, &File{Metadata: map[string]string{"k": "\x83"}}); err == nil || b.Len() != 0 {
		t.Errorf("metadata of invalid UTF-8: error %v and %d bytes written, want an error and nothing", err, b.Len())
	}
	for _, tc := range tests {
		var b bytes.Buffer
		err := Encode(&b, &File{Tensors: tc.e})
		if err == nil || !strings.Contains(err.Error(), tc.want) || b.Len() != 0 {
			t.Errorf("%s: error %v and %d bytes written, want an error containing %q and nothing", tc.name, err, b.Len(), tc.want)
		}
	}
}

// failingWriter fails after n bytes.
type failingWriter struct{ n int }

var errFull = errors.New("disk full")

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		n := w.n
		w.n = 0
		return n, errFull
	}
	w.n -= len(p)
	return len(p), nil
}

// TestEncodeWriterFails: a writer failing at any byte makes Encode return
// its error.
func TestEncodeWriterFails(t *testing.T) {
	n := len(encode(t, sample()))
	for k := 0; k < n; k++ {
		if err := Encode(&failingWriter{k}, sample()); !errors.Is(err, errFull) {
			t.Fatalf("writer failing after %d of %d bytes: error %v", k, n, err)
		}
	}
}
