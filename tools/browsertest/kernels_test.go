//go:build browser

package browsertest

import (
	"strings"
	"testing"
)

// TestWasmSIMDMatmul checks the browser's WebAssembly SIMD matmul: it is
// the default kernel, and on odd sizes, a transposed operand and after Go
// has grown its memory it gives the same result as the portable Go kernel
// ("simd" falls back to it under js/wasm). Both add the products of each
// dot product in the same order with the same k-blocks and no fused
// multiply-add, so the results are bit-identical, not just close.
func TestWasmSIMDMatmul(t *testing.T) {
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	code := `const first = tt.kernels.current();
tt.manualSeed(1);
const differ = (a, b) => {
  tt.kernels.use("wasm-simd"); const x = a.matmul(b);
  tt.kernels.use("simd"); const y = a.matmul(b);
  tt.kernels.use("wasm-simd");
  return x.sub(y).abs().max().item();
};
let worst = 0;
for (const [m, k, n] of [[1, 1, 1], [3, 5, 7], [33, 17, 65], [67, 300, 129], [130, 600, 70]])
  worst = Math.max(worst, differ(tt.randn([m, k]), tt.randn([k, n])));
worst = Math.max(worst, differ(tt.randn([40, 33]).T, tt.randn([40, 21])));
const before = self.__ttGoMemory.buffer.byteLength;
const big = tt.zeros([4096, 4096]);
const grew = self.__ttGoMemory.buffer.byteLength > before;
worst = Math.max(worst, differ(tt.randn([61, 259]), tt.randn([259, 45])));
[first, tt.kernels.names().join(","), "grew=" + grew, "worst=" + worst].join(" ")`
	state, out := runCode(t, ctx, 1, code)
	want := "wasm-simd naive,blocked,tiled,parallel,simd,wasm-simd grew=true worst=0"
	if state != "done" || out != want {
		t.Fatalf("state %q, output %q\nwant %q", state, out, want)
	}
	state, out = runCode(t, ctx, 1, `tt.kernels.use("fastest")`)
	if state != "error" || !strings.Contains(out, `tt.kernels.use: kernels: no kernel named "fastest"; expected one of naive`) {
		t.Errorf("use of an unknown kernel: state %q, output %q", state, out)
	}
}
