//go:build js && wasm

package kernel

import (
	"syscall/js"

	"tinytorch/engine/data/corpus"
)

// shakespeareFunc is tt.data.shakespeare(): the text of the 2017
// attention milestone, {text, source}, from engine/data/corpus. The
// 59,804 characters are compiled into the kernel (about 22 KB of the
// brotli-compressed wasm), so the notebook needs no data file and works
// offline like the rest of the kernel.
func shakespeareFunc(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.data.shakespeare", args)
	r.Options(0)
	if err := r.Err(); err != nil {
		return nil, err
	}
	return map[string]any{"text": corpus.Shakespeare, "source": corpus.ShakespeareSource}, nil
}
