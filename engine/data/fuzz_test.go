package data

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// FuzzDecodeImageSet feeds DecodeImageSet a TTDS body with a correct
// checksum appended, so that the fuzzer explores the header rather than
// stopping at the checksum. Whatever it accepts must hold as many pixels
// as the header says and encode back to a file that decodes the same.
func FuzzDecodeImageSet(f *testing.F) {
	good := must(toySet().MarshalBinary())
	f.Add(good[:len(good)-sha256.Size])
	f.Add(good[:ttdsFixed])
	wrap := []byte(TTDSMagic) // sizes whose product wraps to 0 (see TestTTDSRefusesOverflowingSizes)
	wrap = binary.LittleEndian.AppendUint16(wrap, TTDSVersion)
	wrap = binary.LittleEndian.AppendUint16(wrap, ttdsFixed)
	wrap = binary.LittleEndian.AppendUint32(wrap, 1<<24)
	for _, v := range []uint16{61681, 21607, 825, 0} {
		wrap = binary.LittleEndian.AppendUint16(wrap, v)
	}
	f.Add(wrap)
	f.Fuzz(func(t *testing.T, body []byte) {
		sum := sha256.Sum256(body)
		s, err := DecodeImageSet("f.bin", append(slices.Clone(body), sum[:]...))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.bin: ") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		if len(s.Pix) != s.Len()*s.C*s.H*s.W || len(s.Labels) != s.Len() {
			t.Fatalf("%d pixels and %d labels for %d images of %d×%d×%d", len(s.Pix), len(s.Labels), s.Len(), s.C, s.H, s.W)
		}
		b, err := s.MarshalBinary()
		if err != nil {
			t.Fatalf("a decoded set does not encode: %v", err)
		}
		again, err := DecodeImageSet("f.bin", b)
		if err != nil {
			t.Fatalf("the re-encoded set does not decode: %v", err)
		}
		if !slices.Equal(again.Pix, s.Pix) || !slices.Equal(again.Labels, s.Labels) || !slices.Equal(again.Classes, s.Classes) ||
			again.C != s.C || again.H != s.H || again.W != s.W {
			t.Fatalf("round trip changed the set: %+v, want %+v", again, s)
		}
	})
}

// FuzzParseIDX: whatever ParseIDX accepts, raw or gzipped, EncodeIDX
// writes back byte for byte (raw) or to the same array (gzip).
func FuzzParseIDX(f *testing.F) {
	good := EncodeIDX([]int{2, 2, 3}, []uint8{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
	f.Add(good)
	f.Add(gzipped(good))
	f.Add(EncodeIDX([]int{3}, []uint8{7, 8, 9}))
	f.Add(EncodeIDX([]int{1 << 15, 1 << 15}, []uint8{1}))
	f.Add([]byte{0, 0, 8, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		idx, err := ParseIDX("f.idx", bytes.NewReader(b))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.idx: ") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		n := 1
		for _, d := range idx.Dims {
			n *= d
		}
		if len(idx.Data) != n {
			t.Fatalf("%d values for dimensions %v", len(idx.Data), idx.Dims)
		}
		out := EncodeIDX(idx.Dims, idx.Data)
		if _, err := gzip.NewReader(bytes.NewReader(b)); err == nil {
			b = out // a gzip stream: compare the arrays, below
		}
		again, err := ParseIDX("f.idx", bytes.NewReader(out))
		if !bytes.Equal(out, b) || err != nil || !slices.Equal(again.Dims, idx.Dims) || !bytes.Equal(again.Data, idx.Data) {
			t.Fatalf("round trip: %q came back as %q (%v)", b, out, err)
		}
	})
}

// FuzzParseDigitsJSON: the fast MNIST JSON reader agrees with
// encoding/json on every document both accept, and reads back the values
// it accepted once they are written out again.
func FuzzParseDigitsJSON(f *testing.F) {
	for _, s := range []string{`{"data":[0,0.5,1]}`, " { \"data\" : [ 0.992 , 0.001,1e-3 ] }\n", `{"data":[]}`,
		`{"data":[0.50000000000000000000000]}`, `{"data":[0.814445367593233134359607234]}`, `{"data":[1e400]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		vals, err := parseDigitsJSON("f.json", b)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.json: ") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		var doc struct{ Data []float64 }
		if json.Unmarshal(b, &doc) == nil && len(doc.Data) == len(vals) && !slices.Equal(doc.Data, vals) {
			t.Fatalf("%q read as %v, encoding/json says %v", b, vals, doc.Data)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			parts[i] = strconv.FormatFloat(v, 'g', -1, 64)
		}
		again, err := parseDigitsJSON("f.json", []byte(`{"data":[`+strings.Join(parts, ",")+`]}`))
		if err != nil || !slices.EqualFunc(again, vals, sameFloat) {
			t.Fatalf("%v written out read back as %v (%v)", vals, again, err)
		}
	})
}

// sameFloat is ==, except that NaN equals NaN (strconv reads "NaN").
func sameFloat(a, b float64) bool { return a == b || (a != a && b != b) }
