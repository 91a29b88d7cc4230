package data

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func toySet() *ImageSet {
	pix := make([]uint8, 3*2*2*2)
	for i := range pix {
		pix[i] = uint8(i * 10)
	}
	return must(NewImageSet("toy", pix, []uint8{2, 0, 1}, []string{"cat", "dog", "Ankle boot"}, 2, 2, 2))
}

func TestTTDSRoundTrip(t *testing.T) {
	s := toySet()
	b := must(s.MarshalBinary())
	if want := 20 + (1 + 3) + (1 + 3) + (1 + 10) + 24 + 3 + 32; len(b) != want {
		t.Errorf("encoded %d bytes, want %d", len(b), want)
	}
	if string(b[:4]) != "TTDS" || len(TTDSChecksum(b)) != 64 {
		t.Errorf("magic %q, checksum %q", b[:4], TTDSChecksum(b))
	}
	path := filepath.Join(t.TempDir(), "toy-train.bin")
	os.WriteFile(path, b, 0o644)
	got := must(ReadImageSet(path))
	if got.Name != "toy-train" || !slices.Equal(got.Pix, s.Pix) || !slices.Equal(got.Labels, s.Labels) ||
		!slices.Equal(got.Classes, s.Classes) || got.C != 2 || got.H != 2 || got.W != 2 {
		t.Errorf("round trip gave %+v", got)
	}
}

// A damaged TTDS file is rejected, naming the file and the problem.
func TestTTDSRejectsDamage(t *testing.T) {
	good := must(toySet().MarshalBinary())
	flip := func(at int) []byte { b := slices.Clone(good); b[at] ^= 1; return b }
	resum := func(change func([]byte)) []byte { // changed, with a correct checksum
		b := slices.Clone(good[:len(good)-sha256.Size])
		change(b)
		sum := sha256.Sum256(b)
		return append(b, sum[:]...)
	}
	tests := []struct {
		name    string
		content []byte
		problem string
	}{
		{"truncated", good[:len(good)-1], "header: 3 images of 2×2×2 bytes with their labels need more than the 26 bytes between the header and the checksum"},
		{"tiny", good[:10], "truncated: 10 bytes, too short for a TTDS file"},
		{"extra byte", append(slices.Clone(good), 0), "need 27 bytes, the file holds 28 between the header and the checksum"},
		{"pixel flipped", flip(50), "checksum mismatch"},
		{"label flipped", flip(len(good) - 33), "checksum mismatch"},
		{"checksum flipped", flip(len(good) - 1), "checksum mismatch"},
		{"bad magic", append([]byte("PK\x03\x04"), good[4:]...), `bad magic "PK\x03\x04": not a TTDS file`},
		{"future version", flip(4), "TTDS version 0, this build reads version 1"},
		{"count changed", flip(8), "the file is truncated or corrupt"},
		{"class name not UTF-8", resum(func(b []byte) { b[21] = 0xff }), `header: class 0: expected a UTF-8 name, got "\xffat"`},
	}
	dir := t.TempDir()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, "x.bin")
			os.WriteFile(path, tc.content, 0o644)
			_, err := ReadImageSet(path)
			var fe *FileError
			if !errors.As(err, &fe) || fe.File != path {
				t.Fatalf("error %v, want a *FileError naming %s", err, path)
			}
			errContains(t, err, tc.problem)
		})
	}
}

func TestImageSet(t *testing.T) {
	s := toySet()
	b := must(s.Items([]int{2, 0}))
	if !slices.Equal(b.X.Shape(), []int{2, 2, 2, 2}) || !slices.Equal(b.Y.Data(), []float32{1, 2}) {
		t.Errorf("items: x %v y %v", b.X.Shape(), b.Y.Data())
	}
	it := must(s.Item(2))
	first := must(b.X.Select(0, 0))
	if !slices.Equal(it.X.Data(), first.Data()) || it.X.Data()[1] != float32(170.0/255) {
		t.Errorf("item 2 x = %v, batch row = %v", it.X.Data(), first.Data())
	}
	part := must(s.Slice(1, 3))
	if part.Len() != 2 || part.Labels[0] != 0 || part.Image(0).Pix[0] != 80 {
		t.Errorf("slice: %d labels %v pixel %d", part.Len(), part.Labels, part.Image(0).Pix[0])
	}
	if c := s.Counts(); !slices.Equal(c, []int{1, 1, 1}) {
		t.Errorf("counts %v", c)
	}
	joined := must(ConcatImageSets("both", s, part))
	if joined.Len() != 5 || joined.Labels[4] != 1 {
		t.Errorf("concat: %d labels %v", joined.Len(), joined.Labels)
	}
	x, y := must2(s.Tensors())
	if !slices.Equal(x.Shape(), []int{3, 2, 2, 2}) || !slices.Equal(y.Data(), []float32{2, 0, 1}) {
		t.Errorf("tensors: %v %v", x.Shape(), y.Data())
	}
	errContains(t, func() error { _, err := s.Item(3); return err }(), "toy: index 3 is out of range for a dataset of 3 items")
	errContains(t, func() error { _, err := s.Slice(2, 5); return err }(), "slice [2, 5) is out of range for 3 images")
	errContains(t, func() error {
		_, err := NewImageSet("bad", make([]uint8, 5), []uint8{0}, []string{"a"}, 1, 2, 2)
		return err
	}(), "5 pixels for 1 labels of 1×2×2 images, want 4")
	errContains(t, func() error {
		_, err := NewImageSet("bad", make([]uint8, 4), []uint8{3}, []string{"a"}, 1, 2, 2)
		return err
	}(), "label 3 of image 0 is not one of the 1 classes")
}

func must2[A, B any](a A, b B, err error) (A, B) {
	if err != nil {
		panic(err)
	}
	return a, b
}

// A header whose sizes multiply past 64 bits is refused, not wrapped
// around: 2^24 images of 61681×21607×825 (= 2^40-1) bytes need
// 2^24·2^40 = 2^64 bytes of pixels and labels, which an unchecked int
// product wraps to 0, so a 52-byte file with a correct checksum used to
// pass the size check and panic on slicing.
func TestTTDSRefusesOverflowingSizes(t *testing.T) {
	b := []byte(TTDSMagic)
	b = binary.LittleEndian.AppendUint16(b, TTDSVersion)
	b = binary.LittleEndian.AppendUint16(b, ttdsFixed)
	b = binary.LittleEndian.AppendUint32(b, 1<<24)
	for _, v := range []uint16{61681, 21607, 825, 0} {
		b = binary.LittleEndian.AppendUint16(b, v)
	}
	sum := sha256.Sum256(b)
	b = append(b, sum[:]...)
	_, err := DecodeImageSet("big.bin", b)
	errContains(t, err, "big.bin: header: 16777216 images of 61681×21607×825 bytes with their labels need more than the 0 bytes between the header and the checksum")
}
