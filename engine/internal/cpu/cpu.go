// Package cpu says which instruction sets this CPU can run, detected once
// at start-up: engine/kernels picks its matmul micro-kernels by it,
// engine/kernels/int8mm its int8 kernels and
// engine/vec its optimizer loops. All use it rather than detecting the CPU
// again, or one of them asking another.
//
// On amd64 (cpu_amd64.go) the CPUID instruction tells what the CPU
// supports and XGETBV whether the operating system saves the registers of
// those instructions on a context switch; an instruction set counts only
// with both. Other platforms, js/wasm included, have no assembly here and
// report nothing (cpu_other.go).
package cpu
