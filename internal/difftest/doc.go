// Package difftest is a differential tester of the engine against PyTorch.
//
// It generates random programs from a seed — chains of the engine's ops on
// random shapes (0-d, size-1 and empty dimensions included), values with
// NaN and ±Inf, in-place ops, broadcasting, views and one or two backward
// passes — and runs each program twice: through engine/tensor (engine.go)
// and through Debian's python3-torch (torch.go drives runner.py, one Python
// process for a whole batch, JSON lines over stdin and stdout). It then
// compares, step by step, the error or no error, the shapes, the values and,
// after each backward pass, the gradient of every leaf (compare.go).
//
// A program is data (program.go): a list of steps, each naming an op of the
// table in ops.go, the slots it reads and its arguments, and carrying the
// Python text that runs it in torch. The same text, printed one step a line
// with the seed, is the reproducer of a mismatch.
//
// # Tolerance
//
// PyTorch runs every program twice, in float32 (the reference) and in
// float64. How far float32 drifts from float64 at an element measures how
// badly conditioned that element is (a cancellation, a long chain, exp of
// a large value); the engine, also float32, may drift as far. An element
// matches when
//
//	|engine − torch32| ≤ 4·|torch32 − torch64| + 2⁻²⁰·L·(|torch32| + S)
//
// where L is the length of the chain of ops that made the value (its depth
// in the program, at least 1), 2⁻²⁰ is 16 float32 units in the last place
// (ε = 2⁻²⁴), and S is the magnitude of the terms: for a forward value, the
// largest finite |input| of the step times the number of terms summed into
// one output element (1 for an elementwise op); for a gradient, the largest
// finite |element| of that gradient, since backward sums paths of many
// magnitudes. A gradient's elements also get 4·D of slack, where D is
// torch's largest |torch32 − torch64| over the whole gradient: its
// elements are sums of the same terms (a normalisation's backward, say,
// where terms of 10 cancel to 1e-4), so rounding that shows in one element
// may show in any, even where torch32 happens to land near the exact
// value. A gradient accumulated over several backward passes also takes as
// S the largest |gradient| its leaf held before: that value is one of the
// terms of the sum. NaN must match NaN and ±Inf must match exactly, except where
// torch32 and torch64 themselves disagree on it (the reference is not sure:
// say exp(x)/exp(x) at x = 100), where the element is not judged.
//
// Errors must agree: an op the engine refuses where torch accepts, or the
// reverse, is a mismatch; a panic in the engine is always one (it is
// recovered and reported). After a step both refused, the steps that read
// its slot are skipped on both sides.
//
// # Known defects
//
// exclude.go lists, by op and feature, the mismatches that are not
// defects: deliberate differences (documented in engine/tensor/doc.go),
// PyTorch quirks, and artefacts of translating a program into PyTorch.
// The fixed-seed test in go test and make difftest fail on any other.
package difftest
