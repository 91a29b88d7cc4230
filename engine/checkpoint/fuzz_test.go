package checkpoint

import (
	"bytes"
	"reflect"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to Decode. It must never panic nor
// allocate past the input (the data buffer is at most the input's size),
// and whatever it accepts must survive a round trip: encoded again and
// decoded, the same metadata, names, dtypes, shapes and bytes.
func FuzzDecode(f *testing.F) {
	f.Add(encode(f, sample()))
	f.Add(encode(f, &File{}))
	f.Add(encode(f, &File{Metadata: map[string]string{"k": "v"}}))
	f.Add(craft(`{"a":{"dtype":"BF16","shape":[2,1],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[],"data_offsets":[4,5]}}`, []byte{1, 2, 3, 4, 5}))
	f.Add(craft(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, make([]byte, 8)))
	f.Add(craft(`{"__metadata__":{"format":"pt"},"x":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}   `, make([]byte, 8)))
	f.Add(craft(`{"__metadata__":{"tinytorch.kind":"quantized"},"w":{"dtype":"I8","shape":[2,3],"data_offsets":[0,6]},"z":{"dtype":"I32","shape":[2],"data_offsets":[6,14]}}`, []byte{1, 255, 128, 127, 0, 9, 1, 0, 0, 0, 255, 255, 255, 255}))
	f.Add(craft(`{"z":{"dtype":"I32","shape":[1],"data_offsets":[0,3]}}`, []byte{1, 2, 3}))
	f.Add(craft(`{}`, nil)[:9])
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := DecodeBytes(b)
		if err != nil {
			return
		}
		total := 0
		for _, e := range got.Tensors {
			total += len(e.Data)
			if n, ok := numel(e.Shape); !ok || int(n)*e.DType.Size() != len(e.Data) {
				t.Fatalf("tensor %q: shape %v and %d bytes of %s accepted", e.Name, e.Shape, len(e.Data), e.DType)
			}
			checkIntRoundTrip(t, e)
		}
		if total > len(b) {
			t.Fatalf("%d bytes of tensors from a %d-byte file", total, len(b))
		}
		var again bytes.Buffer
		if err := Encode(&again, got); err != nil {
			t.Fatalf("re-encoding an accepted file: %v", err)
		}
		back, err := DecodeBytes(again.Bytes())
		if err != nil {
			t.Fatalf("decoding a re-encoded file: %v", err)
		}
		if len(got.Metadata) == 0 {
			got.Metadata = nil // an empty map is not written
		}
		if !reflect.DeepEqual(normalize(back), normalize(got)) {
			t.Fatalf("round trip changed the file:\n%+v\n%+v", back, got)
		}
	})
}

// normalize makes nil and empty slices compare equal.
func normalize(f *File) *File {
	out := &File{Metadata: f.Metadata}
	for _, e := range f.Tensors {
		e.Shape = append([]int{}, e.Shape...)
		e.Data = append([]byte{}, e.Data...)
		out.Tensors = append(out.Tensors, e)
	}
	return out
}

// FuzzEncode is the round trip from the other side: any file Encode
// accepts (arbitrary names, metadata, shapes and bytes) decodes to the
// same file.
func FuzzEncode(f *testing.F) {
	f.Add("0.weight", "format", "pt", uint8(2), uint8(3), []byte("0123456789abcdef"))
	f.Add("", "", "", uint8(0), uint8(7), []byte{})
	f.Add("__metadata__", "k", "\x00", uint8(1), uint8(1), []byte{9})
	f.Add("a\"b\\c\n", "é", "<>&", uint8(5), uint8(1), []byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, name, key, value string, d0, d1 uint8, seed []byte) {
		shape := []int{int(d0 % 6), int(d1 % 6)}
		data := make([]byte, 4*shape[0]*shape[1])
		for i := range data {
			if len(seed) > 0 {
				data[i] = seed[i%len(seed)] + byte(i/len(seed))
			}
		}
		in := &File{Metadata: map[string]string{key: value}, Tensors: []Entry{
			{Name: name, DType: F32, Shape: shape, Data: data},
			{Name: name + ".2", DType: U8, Shape: []int{len(seed)}, Data: seed},
		}}
		var b bytes.Buffer
		if err := Encode(&b, in); err != nil {
			return // a reserved or invalid name, or invalid UTF-8 metadata
		}
		out, err := DecodeBytes(b.Bytes())
		if err != nil {
			t.Fatalf("decoding what Encode wrote: %v", err)
		}
		if !reflect.DeepEqual(normalize(out), normalize(in)) {
			t.Fatalf("round trip changed the file:\n%+v\n%+v", out, in)
		}
	})
}

// checkIntRoundTrip converts an accepted I8 or I32 entry to Go integers
// and back: the same bytes, and one value per element.
func checkIntRoundTrip(t *testing.T, e Entry) {
	n, _ := numel(e.Shape)
	switch e.DType {
	case I8:
		v, err := e.Int8()
		if err != nil || len(v) != int(n) || !bytes.Equal(FromInt8(e.Name, v, e.Shape).Data, e.Data) {
			t.Fatalf("I8 tensor %q: %d values, %v; round trip changed it", e.Name, len(v), err)
		}
	case I32:
		v, err := e.Int32()
		if err != nil || len(v) != int(n) || !bytes.Equal(FromInt32(e.Name, v, e.Shape).Data, e.Data) {
			t.Fatalf("I32 tensor %q: %d values, %v; round trip changed it", e.Name, len(v), err)
		}
	}
}
