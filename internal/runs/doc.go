// Package runs runs a training config (engine/config) and keeps what it
// produced in a run folder, the code behind `tinytorch train`, `runs` and
// `compare` (tools/tinytorch):
//
//	logs/run_2026_12_06_104512/
//	  config.yaml       the resolved config: the file with the --set overrides applied
//	  environment.json  Go version, CPU, kernel, threads, git commit, dataset checksums
//	  metrics.jsonl     one line per step and one per epoch
//	  charts/           loss.svg, accuracy.svg, lr.svg (engine/plot)
//	  checkpoints/      the checkpoints
//	  train.log         the plain progress lines
//	  run.json          the run record, written last
//
// Every file is written whole or not at all (engine/atomicfile: a temporary file
// renamed into place), and run.json goes last, so a folder without it is
// a run that was killed before it could finish its record; List reports
// such a folder as incomplete.
//
// The browser (wasm/kernel's tt.train.run) trains the same recipe
// (Assemble) through the same runner into a Memory (TrainInMemory) and
// keeps the files in its own storage.
//
// metrics.jsonl holds no timings, only what the seeds determine, so two
// runs of one config give the same file, byte for byte; the timings are
// in train.log and run.json.
package runs
