package wasmsimd

import (
	_ "embed"
	"fmt"
	"strings"
)

//go:embed dots.wat
var dotsSource string

// DotTileRows and DotTileCols are dots.wat's tile: the out buffer that its
// "dots" function writes has room for m rounded up to DotTileRows rows of
// n rounded up to DotTileCols floats.
const (
	DotTileRows = 4
	DotTileCols = 2
)

// DotsFloats returns the length of the out buffer of "dots" for an m×n
// product, and its row stride.
func DotsFloats(m, n int) (size, stride int) {
	stride = (n + DotTileCols - 1) / DotTileCols * DotTileCols
	return (m + DotTileRows - 1) / DotTileRows * DotTileRows * stride, stride
}

// DotsReference is what dots.wat's "dots" computes, in Go, with a
// multiply and an add per step: out[i·stride + j] = (s0 + s1) + (s2 + s3),
// s_l the sum of A_i[p]·B_j[p] over p < k with p mod 4 = l, in order. k
// must be a multiple of 4. The tests hold the module to it.
func DotsReference(m, n, k int, a []float32, lda int, b []float32, ldb int, out []float32) {
	_, stride := DotsFloats(m, n)
	for i := range m {
		for j := range n {
			var s [4]float32
			ar, br := a[i*lda:i*lda+k], b[j*ldb:j*ldb+k]
			for p, v := range ar {
				s[p%4] += v * br[p]
			}
			out[i*stride+j] = (s[0] + s[1]) + (s[2] + s[3])
		}
	}
}

// moduleSource returns the text of the matmul module: matmul.wat, with
// block's unpacked-B and convolution variants (unpacked.go, conv.go), the
// dot products of dots.wat and their convolution variant (conv_grad.go)
// added, and a convolution's input gradient (conv_input.go).
func moduleSource() (string, error) {
	src, err := withUnpackedB(source)
	if err == nil {
		src, err = withConv(src)
	}
	if err != nil {
		return "", err
	}
	start := strings.Index(dotsSource, `  (func (export "dots")`)
	end := strings.LastIndex(dotsSource, ")")
	if start < 0 || end < start {
		return "", fmt.Errorf("wasmsimd: dots.wat has no dots function")
	}
	last := strings.LastIndex(src, ")")
	src, err = withConvGrad(src[:last] + dotsSource[start:end] + src[last:])
	if err != nil {
		return "", err
	}
	return withConvInput(src)
}
