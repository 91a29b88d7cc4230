// Package tensor is TinyTorch's float32 N-dimensional array.
//
// A Tensor holds its values in one flat, row-major slice together with its
// shape. Operations never change their operands: each returns a new Tensor,
// or an error that names the operation, the shapes involved and what was
// expected. The package uses only the Go standard library, so it runs the
// same natively and under js/wasm.
package tensor
