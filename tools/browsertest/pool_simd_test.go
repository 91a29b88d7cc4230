//go:build browser

package browsertest

import (
	"testing"
)

// poolSIMDCode pools and unfolds tensors in a cell, forward and backward,
// and checks every element against the rules written out in JavaScript:
// in Chromium these run the kernel's WebAssembly SIMD loops (pool.wat,
// unfold.wat) through their Go glue (wasm/kernel/simd.go), which the Go
// tests under node do not reach. The values come from a few choices with
// NaN, ±Inf and ±0, so windows tie; the shapes are not square (a swapped
// height and width would show) and leave rows of outputs that are not a
// multiple of 4 (the Go loop finishes them). It prints "ok" or the first
// wrong element.
const poolSIMDCode = `(() => {
let s = 7;
const rnd = () => { s = (s * 1103515245 + 12345) % 2147483648; return s / 2147483648; };
const choices = [-1, 0, -0, 0.5, 1, 2, Infinity, -Infinity, NaN];
const fill = (n) => { const a = new Float32Array(n); for (let i = 0; i < n; i++) a[i] = rnd() < 0.4 ? choices[Math.floor(rnd() * choices.length)] : rnd() * 4 - 2; return a; };
const same = (a, b) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
const bad = [];
// toArray gives -0 as +0, so the signs of zeros are read as those of
// 1/t, ±Inf.
const check = (what, t, want) => {
  const flat = t.reshape(-1), got = flat.toArray(), inv = tt.tensor([1]).div(flat).toArray();
  if (got.length !== want.length) { bad.push(what + ": " + got.length + " elements, want " + want.length); return; }
  for (let i = 0; i < want.length; i++) {
    const ok = want[i] === 0 ? inv[i] === 1 / want[i] : same(got[i], want[i]);
    if (!ok) { bad.push(what + "[" + i + "] = " + (Object.is(inv[i], -Infinity) ? "-0" : got[i]) + ", want " + (Object.is(want[i], -0) ? "-0" : want[i])); return; }
  }
};
// tt.tensor takes -0 as +0 too: a tensor is made of the magnitudes times
// their signs (exact, and -1·0 = -0).
const neg = (v) => v < 0 || Object.is(v, -0);
const tensor = (v, ...shape) => tt.tensor(Array.from(v, Math.abs)).mul(tt.tensor(Array.from(v, (e) => (neg(e) ? -1 : 1)))).reshape(...shape);
check("input", tensor([-0, 0, 1], 3), [-0, 0, 1]); // the check itself sees the sign
{ // max pooling 2×2, stride 2: rows of 9 outputs, the last row and column of x in no window
  const N = 2, C = 3, H = 9, W = 19, Ho = 4, Wo = 9;
  const xv = fill(N * C * H * W), gv = fill(N * C * Ho * Wo);
  const x = tensor(xv, N, C, H, W).requiresGrad_();
  const y = tt.nn.MaxPool2d(2).call(x);
  y.backward(tensor(gv, N, C, Ho, Wo));
  const wantY = new Float32Array(N * C * Ho * Wo), wantDx = new Float32Array(N * C * H * W);
  for (let p = 0, nc = 0; nc < N * C; nc++) for (let oi = 0; oi < Ho; oi++) for (let oj = 0; oj < Wo; oj++, p++) {
    const i0 = nc * H * W + 2 * oi * W + 2 * oj;
    let at = i0; // the first maximum in window order wins, and the last NaN
    for (const i of [i0 + 1, i0 + W, i0 + W + 1]) if (xv[i] > xv[at] || Number.isNaN(xv[i])) at = i;
    wantY[p] = xv[at];
    wantDx[at] = Math.fround(wantDx[at] + gv[p]);
  }
  check("maxPool2d", y, wantY);
  check("maxPool2d gradient", x.grad, wantDx);
}
for (const [k, o] of [[[3, 2], {}], [[3, 3], {stride: 2, padding: 1}], [[2, 2], {dilation: 2}]]) { // im2col, col2im
  const N = 2, C = 2, H = 7, W = 10, st = o.stride || 1, pad = o.padding || 0, dil = o.dilation || 1;
  const Ho = Math.floor((H + 2 * pad - dil * (k[0] - 1) - 1) / st) + 1, Wo = Math.floor((W + 2 * pad - dil * (k[1] - 1) - 1) / st) + 1;
  const R = C * k[0] * k[1], L = Ho * Wo;
  const xv = fill(N * C * H * W), gv = fill(N * R * L);
  const x = tensor(xv, N, C, H, W).requiresGrad_();
  const cols = x.unfold(k, o);
  cols.backward(tensor(gv, N, R, L));
  const wantCols = new Float32Array(N * R * L), wantDx = new Float32Array(N * C * H * W);
  for (let r = 0; r < R; r++) { // the engine adds the rows in this order
    const c = Math.floor(r / (k[0] * k[1])), ki = Math.floor(r / k[1]) % k[0], kj = r % k[1];
    for (let n = 0; n < N; n++) for (let oi = 0; oi < Ho; oi++) for (let oj = 0; oj < Wo; oj++) {
      const i = oi * st - pad + ki * dil, j = oj * st - pad + kj * dil;
      if (i < 0 || i >= H || j < 0 || j >= W) continue;
      const src = ((n * C + c) * H + i) * W + j, dst = (n * R + r) * L + oi * Wo + oj;
      wantCols[dst] = xv[src];
      wantDx[src] = Math.fround(wantDx[src] + gv[dst]);
    }
  }
  check("unfold " + JSON.stringify([k, o]), cols, wantCols);
  check("unfold gradient " + JSON.stringify([k, o]), x.grad, wantDx);
}
return bad.length ? bad.join("; ") : "ok " + tt.kernels.info().vectorLoops;
})()`

// directConvCode runs convolutions, which in Chromium the kernel computes
// without columns (wasm/kernel/simd_conv.go), under the plain "wasm-simd"
// variant (a multiply and an add per step, each rounded to float32), and
// checks every output's bits against the sums written out in JavaScript:
// in order of the window entries (c, i, j), the bias last, k split into
// the matmul driver's near-equal slices of at most 256 steps, each
// slice's sum added to the output in turn. NaN and ±Inf are among the
// inputs (any NaN matches any NaN). The shapes are LeNet's two
// convolutions, one with 17 filters and no bias, one with a k of 289 (two
// slices), and one whose output rows (7 wide) the kernel refuses:
// tt.kernels.info().directConvs, which counts the convolutions computed
// without columns, must count the first four only. The fused variant's
// conv is held to the fused block under node (TestConvInNode). It prints
// "ok" and the count, or the first difference.
const directConvCode = `(() => {
let s = 11;
const rnd = () => { s = (s * 1103515245 + 12345) % 2147483648; return s / 2147483648; };
const f = Math.fround, bits = new Uint32Array(1), bitsOf = (v) => { new Float32Array(bits.buffer)[0] = v; return bits[0]; };
const kernel = tt.kernels.current();
tt.kernels.use("wasm-simd");
tt.manualSeed(3);
const runs = () => tt.kernels.info().directConvs;
const before = runs();
const bad = [];
for (const [N, C, H, W, O, K, bias] of [[3, 1, 28, 28, 6, 5, true], [2, 6, 12, 12, 16, 5, true], [2, 2, 9, 10, 17, 3, false], [2, 32, 10, 10, 5, 3, true], [1, 3, 9, 9, 4, 3, true]]) {
  const xv = Float32Array.from({length: N * C * H * W}, () => rnd() < 0.01 ? [NaN, Infinity, -Infinity][Math.floor(rnd() * 3)] : rnd() * 4 - 2);
  const conv = tt.nn.Conv2d(C, O, K, {bias});
  const y = conv.call(tt.tensor(Array.from(xv)).reshape(N, C, H, W)).dataSync();
  const wv = conv.weight.dataSync(), bv = bias ? conv.bias.dataSync() : null;
  const Ho = H - K + 1, Wo = W - K + 1, k = C * K * K + (bias ? 1 : 0);
  const slices = Math.ceil(k / 256), step = Math.ceil(k / slices);
  let first = -1;
  for (let n = 0; n < N && first < 0; n++) for (let o = 0; o < O && first < 0; o++) for (let oy = 0; oy < Ho && first < 0; oy++) for (let ox = 0; ox < Wo; ox++) {
    let out = 0;
    for (let p0 = 0; p0 < k; p0 += step) {
      let acc = 0;
      for (let p = p0; p < Math.min(k, p0 + step); p++) {
        if (p === C * K * K) { acc = f(acc + bv[o]); continue; } // the bias's row of ones
        const c = Math.floor(p / (K * K)), i = Math.floor(p / K) % K, j = p % K;
        acc = f(acc + f(wv[o * C * K * K + p] * xv[((n * C + c) * H + oy + i) * W + ox + j]));
      }
      out = f(out + acc);
    }
    const at = ((n * O + o) * Ho + oy) * Wo + ox;
    if (!(Number.isNaN(out) && Number.isNaN(y[at])) && bitsOf(out) !== bitsOf(y[at])) {
      first = at; bad.push([N, C, H, W, O, K, bias] + ": element " + at + " = " + y[at] + ", want " + out); break;
    }
  }
}
const counted = runs() - before;
tt.kernels.use(kernel);
if (counted !== 4) bad.push(counted + " convolutions computed without columns, want 4");
return bad.length ? bad.join("; ") : "ok " + counted;
})()`

// TestPoolingAndUnfoldSIMDInChromium runs poolSIMDCode: max pooling and
// unfolding, forward and backward, element for element against their
// rules, through the kernel's WebAssembly SIMD loops; then, in the same
// tab, directConvCode.
func TestPoolingAndUnfoldSIMDInChromium(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	if state, out := runCode(t, ctx, 1, poolSIMDCode); state != "done" || lastLine(out) != "ok ok" {
		t.Fatalf("state %q, output %q", state, out)
	}
	if state, out := runCode(t, ctx, 1, directConvCode); state != "done" || lastLine(out) != "ok 4" {
		t.Fatalf("convolutions without columns: state %q, output %q", state, out)
	}
}
