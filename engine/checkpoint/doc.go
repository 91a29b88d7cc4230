// Package checkpoint saves and loads models and whole training runs in
// the safetensors format, the one Hugging Face and PyTorch users load
// (chapter 13).
//
// The format (safetensors.go) is an 8-byte little-endian header length, a
// JSON header naming each tensor's dtype, shape and byte range, with an
// optional "__metadata__" map of strings, and the raw data. Encode writes
// it; Decode validates the whole header (size limit, offsets in range and
// tiling the data, known dtypes, shapes matching byte lengths) before it
// allocates anything for the data, so a truncated, corrupted or hostile
// file costs no more memory than its size and gets an error saying what
// is wrong.
//
// On top of the format:
//
//   - Weights (model.go): SaveModel and EncodeStateDict write a model's
//     state dict under PyTorch's keys; LoadModel reads one back, checking
//     keys and shapes against the model ("\"0.weight\": the checkpoint has
//     [8, 4], the model has [8, 2]").
//   - Training checkpoints (training.go, resume.go): SaveTraining writes
//     the model, the optimizer's buffers and step counts, the scheduler's
//     state, the random generators' states, the data loader's settings and
//     the trainer's position (epoch, batch, step, the epoch's running
//     sums); LoadTraining restores them into a fresh trainer, and its
//     next Fit continues the run with the same losses and weights, bit for
//     bit, as a run never stopped. The layout is documented in
//     training.go; testdata/safetensors_roundtrip.py reads and writes it
//     with nothing but Python's json, struct and numpy.
//
// Every file is written atomically through engine/atomicfile: a failed or
// interrupted write leaves the previous checkpoint intact.
//
// The tinytorch CLI calls SaveTraining to checkpoint a run and
// LoadTraining to resume one; `tinytorch eval` calls LoadModel.
package checkpoint
