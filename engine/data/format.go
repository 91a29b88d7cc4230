package data

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// TTDS ("TinyTorch dataset") is the compact file format in which the site
// ships image sets to the browser (dist/data/*.bin) and in which
// LoadMNISTDigits also reads them. All integers are little-endian:
//
//	offset  size  field
//	0       4     magic "TTDS"
//	4       2     format version, 1
//	6       2     header size H: the offset of the first pixel
//	8       4     N, the number of images
//	12      2     C, channels
//	14      2     height
//	16      2     width
//	18      2     K, the number of classes
//	20      …     K class names, each a length byte and that many UTF-8 bytes
//	H       N·C·height·width   pixels, uint8, image after image, channel-first
//	…       N     labels, uint8, each < K
//	…       32    SHA-256 of every byte before it
//
// The trailing checksum covers the header and the data, so a truncated,
// corrupted or stale copy (say, in the browser's cache) is caught before
// use, and it doubles as the file's version in the site's manifest.
const (
	TTDSMagic   = "TTDS"
	TTDSVersion = 1
	ttdsFixed   = 20 // bytes of the header before the class names
)

// MarshalBinary encodes the set (without its transform) as a TTDS file.
func (s *ImageSet) MarshalBinary() ([]byte, error) {
	if s.Len() >= 1<<32 || s.C >= 1<<16 || s.H >= 1<<16 || s.W >= 1<<16 || len(s.Classes) >= 1<<16 {
		return nil, fmt.Errorf("TTDS: %s is too large for the format", s.Name)
	}
	var names bytes.Buffer
	for _, c := range s.Classes {
		if len(c) > 255 {
			return nil, fmt.Errorf("TTDS: class name %q is longer than 255 bytes", c)
		}
		names.WriteByte(byte(len(c)))
		names.WriteString(c)
	}
	h := ttdsFixed + names.Len()
	if h >= 1<<16 {
		return nil, fmt.Errorf("TTDS: the class names of %s do not fit the header", s.Name)
	}
	b := make([]byte, 0, h+len(s.Pix)+len(s.Labels)+sha256.Size)
	b = append(b, TTDSMagic...)
	b = binary.LittleEndian.AppendUint16(b, TTDSVersion)
	b = binary.LittleEndian.AppendUint16(b, uint16(h))
	b = binary.LittleEndian.AppendUint32(b, uint32(s.Len()))
	for _, v := range []int{s.C, s.H, s.W, len(s.Classes)} {
		b = binary.LittleEndian.AppendUint16(b, uint16(v))
	}
	b = append(b, names.Bytes()...)
	b = append(b, s.Pix...)
	b = append(b, s.Labels...)
	sum := sha256.Sum256(b)
	return append(b, sum[:]...), nil
}

// TTDSChecksum returns the hex SHA-256 stored at the end of a TTDS file,
// without verifying it ("" if b is too short to hold one).
func TTDSChecksum(b []byte) string {
	if len(b) < sha256.Size {
		return ""
	}
	return hex.EncodeToString(b[len(b)-sha256.Size:])
}

// DecodeImageSet parses a TTDS file, verifying its layout and checksum;
// name (the file's name or URL) is used in errors and as the set's Name.
func DecodeImageSet(name string, b []byte) (*ImageSet, error) {
	if len(b) < ttdsFixed+sha256.Size {
		return nil, fileErr(name, "truncated: %d bytes, too short for a TTDS file", len(b))
	}
	if string(b[:4]) != TTDSMagic {
		return nil, fileErr(name, "bad magic %q: not a TTDS file", b[:4])
	}
	if v := binary.LittleEndian.Uint16(b[4:]); v != TTDSVersion {
		return nil, fileErr(name, "TTDS version %d, this build reads version %d", v, TTDSVersion)
	}
	h := int(binary.LittleEndian.Uint16(b[6:]))
	n := int(binary.LittleEndian.Uint32(b[8:]))
	c, height, w, k := int(binary.LittleEndian.Uint16(b[12:])), int(binary.LittleEndian.Uint16(b[14:])),
		int(binary.LittleEndian.Uint16(b[16:])), int(binary.LittleEndian.Uint16(b[18:]))
	if h < ttdsFixed || h > len(b)-sha256.Size {
		return nil, fileErr(name, "header: size %d, expected %d to %d (the fixed fields, and no more than the %d-byte file less its checksum)",
			h, ttdsFixed, len(b)-sha256.Size, len(b))
	}
	if err := checkTTDSData(name, len(b)-h-sha256.Size, n, c, height, w); err != nil {
		return nil, err
	}
	body := b[:len(b)-sha256.Size]
	if sum := sha256.Sum256(body); !bytes.Equal(sum[:], b[len(body):]) {
		return nil, fileErr(name, "checksum mismatch: the SHA-256 of the data is %x, the file says %x: the file is corrupt", sum, b[len(body):])
	}
	classes := make([]string, 0, k)
	at := ttdsFixed
	for range k {
		if at >= h || at+1+int(b[at]) > h {
			return nil, fileErr(name, "the class names overrun the %d-byte header", h)
		}
		l := int(b[at])
		if !utf8.Valid(b[at+1 : at+1+l]) {
			return nil, fileErr(name, "header: class %d: expected a UTF-8 name, got %q", len(classes), b[at+1:at+1+l])
		}
		classes = append(classes, string(b[at+1:at+1+l]))
		at += 1 + l
	}
	pix := body[h : h+n*c*height*w]
	labels := body[h+len(pix):]
	s, err := NewImageSet(name, pix, labels, classes, c, height, w)
	if err != nil {
		return nil, fileErr(name, "%v", err)
	}
	return s, nil
}

// checkTTDSData checks that the data bytes between the header and the
// checksum (have of them) are exactly n images of c×height×w pixels and
// n labels. The sizes are compared by division, before any product is
// formed: n·c·height·w can reach 2^80, and a product that wrapped around
// 64 bits could match a tiny file (whose checksum is easy to make right).
func checkTTDSData(name string, have, n, c, height, w int) error {
	image := c * height * w        // at most 2^48: no overflow
	if n > 0 && image+1 > have/n { // then n·(image+1) > have
		return fileErr(name, "header: %d images of %s bytes with their labels need more than the %d bytes between the header and the checksum: the file is truncated or corrupt",
			n, dimString([]int{c, height, w}), have)
	}
	if want := n * (image + 1); want != have { // no overflow: want <= have
		return fileErr(name, "header: %d images of %s bytes with their labels need %d bytes, the file holds %d between the header and the checksum: the file is truncated or corrupt",
			n, dimString([]int{c, height, w}), want, have)
	}
	return nil
}

// ReadImageSet reads a TTDS file; the set is named after the file
// (mnist-train for mnist-train.bin).
func ReadImageSet(path string) (*ImageSet, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s, err := DecodeImageSet(path, b)
	if err != nil {
		return nil, err
	}
	s.Name = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	return s, nil
}
