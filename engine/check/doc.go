// Package check compares what a student's code computed with what the
// engine's reference computes, and says what is wrong in the words a
// teacher would use: the first element that differs, with its index, and,
// when the difference has a recognisable pattern, the mistake that makes
// it (a transposed result, a wrong sign, a missing sum over a broadcast
// dimension, a constant factor, a NaN). It is the engine side of the
// notebooks' checked exercises (tt.check in a cell, wasm/kernel/check*.go):
//
//	m := check.Compare(got, want, check.Tolerance{Atol: 1e-5, Rtol: 1e-4})
//	if m != nil {
//		fmt.Println(m) // at [1, 0]: expected 0.5, got -0.5 — wrong sign: …
//	}
//
// Cases lists the inputs a check runs a function on (random seeded values,
// negative and large values, size-1, empty and broadcast shapes), and
// Failure is the report a failed check gives. Gradients compared with
// finite differences come from engine/gradcheck, not from a copy here.
//
// The package works on float64 values with a shape (Value) and imports
// nothing of the engine, so that the diagnosis can be tested on plain
// numbers.
package check
