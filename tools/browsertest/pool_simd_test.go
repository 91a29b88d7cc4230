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
// multiple of 4 (the SIMD loop's last step overlaps the one before). It
// prints "ok" or the first wrong element.
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
// Max pooling 2×2, stride 2: rows of 9 outputs with the last row and
// column of x in no window, then rows of 6 outputs whose windows cover x.
for (const [H, W] of [[9, 19], [10, 12]]) {
  const N = 2, C = 3, Ho = H >> 1, Wo = W >> 1;
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
  check("maxPool2d " + H + "×" + W, y, wantY);
  check("maxPool2d gradient " + H + "×" + W, x.grad, wantDx);
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

// directConvCode runs convolutions forward and backward, which in
// Chromium the kernel computes without columns (wasm/kernel/simd_conv.go),
// under the plain "wasm-simd" variant (a multiply and an add per step,
// each rounded to float32), and checks the bits against the sums written
// out in JavaScript.
//
// The output: in order of the window entries (c, i, j), the bias last, k
// split into the matmul driver's near-equal slices of at most 256 steps,
// each slice's sum added to the output in turn. The filters' and bias's
// gradient: for each chunk of samples (Conv2d's chunk, conv_fast.go), the
// dot products of dots.wat (four sums by position mod 4, in order, then
// (s0 + s1) + (s2 + s3)), the chunks' sums added in order. NaN and ±Inf
// are among the inputs (any NaN matches any NaN).
//
// The shapes are LeNet's two convolutions (4 samples for the second: with
// fewer than 16 positions per filter, Packed multiplies the gradient as a
// packed product, and so does the kernel, which is not checked here), one
// with 17 filters and no bias (such a packed one), one with a k of 289
// (two slices), one with 9 samples (three chunks), one whose output rows
// (7 wide on inputs 9 wide) the kernel refuses, the milestone's two (the
// first with padding 2, its output rows 28 wide: the wide layout
// forward, wasmsimd's ConvLayout, and the filters' gradient read from the
// padded input; the second refused, its rows 10 wide on inputs 14 wide),
// one with padding 2 and rows 8 wide (the exact layout on the padded
// input), and one with rows 29 wide (the wide layout without padding).
// The input's gradient is checked too, for every shape: each window
// entry's column, the products of the filters added in order from 0, is
// added to the input element in the order of the entries, as block and
// col2im give it; every chunk (stride 1, at most 256 filters) is computed
// without columns by convInputGrad.
// tt.kernels.info() counts the forward passes, the filters' gradient
// chunks and the input's gradient chunks computed without columns: 8, 8
// and 12. The fused variant's passes are held to the fused block and dots
// under node (TestConvInNode, TestConvGradInNode, TestConvInputGradInNode).
// It prints "ok" and the counts, or the first difference.
const directConvCode = `(() => {
let s = 11;
const rnd = () => { s = (s * 1103515245 + 12345) % 2147483648; return s / 2147483648; };
const f = Math.fround, bits = new Uint32Array(1), bitsOf = (v) => { new Float32Array(bits.buffer)[0] = v; return bits[0]; };
const same = (a, b) => (Number.isNaN(a) && Number.isNaN(b)) || bitsOf(a) === bitsOf(b);
const kernel = tt.kernels.current();
tt.kernels.use("wasm-simd");
tt.manualSeed(3);
const info = tt.kernels.info(), before = [info.directConvs, info.directConvGrads, info.directInputGrads];
let inputChunks = 0;
const bad = [];
for (const [N, C, H, W, O, K, bias, checkGrad, P = 0] of [[3, 1, 28, 28, 6, 5, true, true], [4, 6, 12, 12, 16, 5, true, true],
    [2, 2, 9, 10, 17, 3, false, false], [2, 32, 10, 10, 5, 3, true, true], [9, 2, 34, 34, 3, 3, true, true], [1, 3, 9, 9, 4, 3, true, false],
    [2, 1, 28, 28, 6, 5, true, true, 2], [3, 6, 14, 14, 16, 5, true, false], [2, 2, 6, 6, 3, 3, true, true, 2], [2, 2, 6, 31, 3, 3, true, false]]) {
  const what = [N, C, H, W, O, K, bias, P] + ": ";
  const xv = Float32Array.from({length: N * C * H * W}, () => rnd() < 0.01 ? [NaN, Infinity, -Infinity][Math.floor(rnd() * 3)] : rnd() * 4 - 2);
  const conv = tt.nn.Conv2d(C, O, K, {bias, padding: P});
  const xin = tt.tensor(Array.from(xv)).reshape(N, C, H, W).requiresGrad_(true);
  const out = conv.call(xin);
  const y = out.dataSync(), wv = conv.weight.dataSync(), bv = bias ? conv.bias.dataSync() : null;
  const Ho = H + 2 * P - K + 1, Wo = W + 2 * P - K + 1, L = Ho * Wo, rows = C * K * K, k = rows + (bias ? 1 : 0);
  const B = (n, p, pos) => {
    if (p === rows) return 1;
    const i = Math.floor(pos / Wo) + Math.floor(p / K) % K - P, j = pos % Wo + p % K - P;
    return i < 0 || i >= H || j < 0 || j >= W ? 0 : xv[((n * C + Math.floor(p / (K * K))) * H + i) * W + j];
  };
  const slices = Math.ceil(k / 256), step = Math.ceil(k / slices);
  let first = -1;
  for (let n = 0; n < N && first < 0; n++) for (let o = 0; o < O && first < 0; o++) for (let pos = 0; pos < L; pos++) {
    let sum = 0;
    for (let p0 = 0; p0 < k; p0 += step) {
      let acc = 0;
      for (let p = p0; p < Math.min(k, p0 + step); p++) acc = f(acc + f((p === rows ? bv[o] : wv[o * rows + p]) * B(n, p, pos)));
      sum = f(sum + acc);
    }
    const at = (n * O + o) * L + pos;
    if (!same(sum, y[at])) { first = at; bad.push(what + "output " + at + " = " + y[at] + ", want " + sum); break; }
  }
  const gv = Float32Array.from({length: N * O * L}, () => rnd() * 2 - 1);
  out.backward(tt.tensor(Array.from(gv)).reshape(N, O, Ho, Wo));
  const most = Math.max(1, Math.min(N, Math.floor(131072 / (rows * L))));
  let chunks = Math.ceil(N / most);
  if (chunks > 1) chunks = Math.min(N, Math.ceil(chunks / 4) * 4);
  const chunk = Math.max(1, Math.ceil(N / chunks));
  inputChunks += Math.ceil(N / chunk);
  // The input's gradient: each window entry r's column, the sum over the
  // filters o in order, added to the input element in order of r.
  const dx = xin.grad.dataSync();
  for (let e = 0; e < N * C * H * W; e++) {
    const n = Math.floor(e / (C * H * W)), c = Math.floor(e / (H * W)) % C, i = Math.floor(e / W) % H, j = e % W;
    let sum = 0;
    for (let r = c * K * K; r < (c + 1) * K * K; r++) {
      const y = i - Math.floor(r / K) % K + P, x = j - r % K + P;
      if (y < 0 || y >= Ho || x < 0 || x >= Wo) continue;
      let acc = 0;
      for (let o = 0; o < O; o++) acc = f(acc + f(wv[o * rows + r] * gv[(n * O + o) * L + y * Wo + x]));
      sum = f(sum + acc);
    }
    if (!same(sum, dx[e])) { bad.push(what + "input gradient " + e + " = " + dx[e] + ", want " + sum); break; }
  }
  if (!checkGrad) continue;
  const dw = conv.weight.grad.dataSync(), db = bias ? conv.bias.grad.dataSync() : null;
  for (let o = 0; o < O; o++) for (let p = 0; p < k; p++) {
    let total = 0;
    for (let n0 = 0; n0 < N; n0 += chunk) {
      const lanes = [0, 0, 0, 0];
      for (let n = n0, q = 0; n < Math.min(N, n0 + chunk); n++) for (let pos = 0; pos < L; pos++, q++) lanes[q % 4] = f(lanes[q % 4] + f(gv[(n * O + o) * L + pos] * B(n, p, pos)));
      const dot = f(f(lanes[0] + lanes[1]) + f(lanes[2] + lanes[3]));
      total = n0 === 0 ? dot : f(total + dot);
    }
    const got = p === rows ? db[o] : dw[o * rows + p];
    if (!same(total, got)) { bad.push(what + "gradient [" + o + ", " + p + "] = " + got + ", want " + total); break; }
  }
}
const after = tt.kernels.info(), counted = [after.directConvs - before[0], after.directConvGrads - before[1], after.directInputGrads - before[2]];
tt.kernels.use(kernel);
if (counted + "" !== "8,8," + inputChunks) bad.push(counted + " forward passes, filters' and input's gradient chunks computed without columns, want 8,8," + inputChunks);
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
	if state, out := runCode(t, ctx, 1, directConvCode); state != "done" || lastLine(out) != "ok 8,8,12" {
		t.Fatalf("convolutions without columns: state %q, output %q", state, out)
	}
}
