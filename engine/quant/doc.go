// Package quant stores a model's weights and activations in 8-bit
// integers and runs its Linear and Conv2d layers on int8 × int8 → int32
// kernels (engine/kernels/int8mm): post-training quantization (PTQ),
// calibration, fake quantization for quantization-aware training (QAT),
// and the conversion of a trained float model.
//
// # The affine map
//
// A real value x is stored as an integer q in [QMin, QMax]:
//
//	q = clamp(round(x / scale) + zeroPoint, QMin, QMax)
//	x̂ = (q - zeroPoint) · scale
//
// round is round-half-to-even of x·(1/scale) in float32, as PyTorch's
// kernels compute it, so the fake quantization here matches
// torch.fake_quantize_per_tensor_affine bit for bit. Inside the range
// [(QMin-zeroPoint)·scale, (QMax-zeroPoint)·scale] the error |x - x̂| is at
// most scale/2 (plus float32 rounding of the products); outside it, x is
// clamped to the nearest end.
//
// Symmetric quantization fixes zeroPoint = 0 and the range
// [-max|x|, max|x|], which suits weights (centred on zero) and keeps the
// integer product free of zero-point terms; asymmetric (affine)
// quantization fits [min x, max x] exactly, which suits activations after
// a ReLU (all ≥ 0: symmetric would waste the negative half). Per-tensor
// quantization has one scale; per-channel has one per slice along an axis
// (a Linear's output rows), so a channel of small weights is not rounded
// to zero by another channel's large ones. A Scheme of fewer bits (2 to
// 7) uses a narrower range, [-8, 7] for 4 bits, with the same int8
// storage and kernels: only the rounding is coarser.
//
// # Calibration
//
// An [Observer] watches the float values that reach a layer (MinMax or
// Percentile) and chooses [Params] from them, as
// torch.ao.quantization's observers do. [Calibrate] runs a float model on
// a calibration loader with observers on every Linear and Conv2d input;
// [Convert] then replaces those layers with [Linear] and [Conv2d] that
// compute in int8.
//
// # Inference
//
// A quantized layer quantizes its float input with the calibrated
// activation parameters (asymmetric, zero point za), multiplies by the
// per-channel symmetric int8 weights in int32, and requantizes the
// accumulators with the output scale sa·sw[j]:
//
//	y[i,j] = sa·sw[j]·(Σ_p qa[i,p]·qw[j,p] - za·Σ_p qw[j,p]) + b[j]
//
// The zero-point term is a per-row constant computed once. By default
// ([DefaultConfig], PyTorch's x86 qconfig with reduce_range) the input is
// quantized to 7 bits, [-64, 63], so that the product may run on
// int8mm.Packed.MatMulNarrow: in the browser, relaxed SIMD's byte dot
// product, exact only on such an operand and twice as fast as the 16-bit
// one that 8-bit inputs take. The integers are exact either way. The two
// edges, quantizing the input and scaling the accumulators back to
// float32, run on int8mm.Quantize and int8mm.Dequantize: SIMD loops
// (AVX2, or WebAssembly SIMD in the browser) with the bytes of the scalar
// definition, which matter at batch 64, where a scalar pass over the
// input cost more than the int8 product. [Linear.ForwardQ] maps the
// accumulators to int8 with an output scale, for chaining integer layers.
//
// # Checkpoints
//
// [Save] writes a converted model as safetensors: int8 weights (I8), their
// scales (F32) and zero points (I32), the bias and the input's params,
// about a quarter of the float32 file. [Load] rebuilds the quantized model
// on the float model's architecture; checkpoint.LoadModel refuses such a
// file, and Load a float one, each with an error saying which to use.
//
// # Quantization-aware training
//
// [FakeQuantizePerTensorAffine] and [FakeQuantizePerChannelAffine]
// quantize and dequantize in the forward pass and let the gradient through
// unchanged where the rounded value fell inside [QMin, QMax] (the
// straight-through estimator), 0 elsewhere. [PrepareQAT] inserts them into
// a float model, which then trains as usual and converts like a calibrated
// one.
package quant
