//go:build browser

package browsertest

import (
	"strings"
	"testing"
)

// TestWasmSIMDMatmul checks the browser's WebAssembly SIMD matmuls on odd
// sizes, a transposed operand and after Go has grown its memory, against
// the portable Go kernel ("simd" falls back to it under js/wasm).
// "wasm-simd" adds the products of each dot product in the same order with
// the same k-blocks and no fused multiply-add, so its results are
// bit-identical, not just close; "wasm-simd-fma", the default in a
// Chromium with relaxed SIMD, fuses each multiply-add and is close.
func TestWasmSIMDMatmul(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	code := `const first = tt.kernels.current();
tt.manualSeed(1);
const differ = (name, a, b) => {
  tt.kernels.use(name); const x = a.matmul(b);
  tt.kernels.use("simd"); const y = a.matmul(b);
  return x.sub(y).abs().max().item() / Math.max(1, y.abs().max().item());
};
const worst = {"wasm-simd": 0, "wasm-simd-fma": 0};
const check = (a, b) => { for (const name in worst) worst[name] = Math.max(worst[name], differ(name, a, b)); };
for (const [m, k, n] of [[1, 1, 1], [3, 5, 7], [33, 17, 65], [67, 300, 129], [130, 600, 70]])
  check(tt.randn([m, k]), tt.randn([k, n]));
check(tt.randn([40, 33]).T, tt.randn([40, 21]));
const before = self.__ttGoMemory.buffer.byteLength;
const big = tt.zeros([4096, 4096]);
const grew = self.__ttGoMemory.buffer.byteLength > before;
check(tt.randn([61, 259]), tt.randn([259, 45]));
tt.kernels.use(first);
[first, tt.kernels.names().join(","), "grew=" + grew, "exact=" + (worst["wasm-simd"] === 0),
 "fma-close=" + (worst["wasm-simd-fma"] < 1e-5), tt.kernels.info().wasmSimdFma, "vector loops " + tt.kernels.info().vectorLoops].join(" ")`
	state, out := runCode(t, ctx, 1, code)
	want := "wasm-simd-fma naive,blocked,tiled,parallel,simd,wasm-simd,wasm-simd-fma grew=true exact=true fma-close=true ok vector loops ok"
	if state != "done" || out != want {
		t.Fatalf("state %q, output %q\nwant %q", state, out, want)
	}
	state, out = runCode(t, ctx, 1, `tt.kernels.use("fastest")`)
	if state != "error" || !strings.Contains(out, `tt.kernels.use: no kernel named "fastest"; expected one of naive`) {
		t.Errorf("use of an unknown kernel: state %q, output %q", state, out)
	}
}
