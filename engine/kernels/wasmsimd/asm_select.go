package wasmsimd

// selectOps are the SIMD comparisons, bitwise selections and shuffles of
// vec.wat's activation loops and pool.wat's pooling loops, added to the
// assembler's table (opTable, asm.go). A comparison gives each lane all
// ones where it holds and all zeros where it does not; v128.andnot and
// v128.bitselect then pick lanes by that mask, which is how a loop takes
// "x where x ≥ 0, else 0" without a branch.
func selectOps() map[string]op {
	return map[string]op{
		"i32x4.splat":    {simd(17), immNone, 0},
		"f32x4.eq":       {simd(65), immNone, 0},
		"f32x4.ne":       {simd(66), immNone, 0},
		"f32x4.lt":       {simd(67), immNone, 0},
		"f32x4.gt":       {simd(68), immNone, 0},
		"f32x4.le":       {simd(69), immNone, 0},
		"f32x4.ge":       {simd(70), immNone, 0},
		"v128.and":       {simd(78), immNone, 0},
		"v128.andnot":    {simd(79), immNone, 0},
		"v128.or":        {simd(80), immNone, 0},
		"v128.bitselect": {simd(82), immNone, 0},
		"i32x4.add":      {simd(174), immNone, 0},
		"i32x4.eq":       {simd(55), immNone, 0},
		// i8x16.shuffle picks 16 bytes of two vectors by index (0–15 the
		// first, 16–31 the second): pool.wat's deinterleaving of a row's
		// even and odd elements, and its interleaving back.
		"i8x16.shuffle": {simd(13), immShuffle, 0},
	}
}
