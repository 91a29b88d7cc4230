package train

import (
	"fmt"
	"iter"
	"slices"

	"tinytorch/engine/data"
)

// Position is where a training run stands, for a checkpoint to save
// (engine/checkpoint) and a resumed run to start from. Together with the
// model, the optimizer, the scheduler and the random generator it is
// everything a resumed Fit needs to continue bit for bit: the loader's
// order depends only on its seed and the epoch (data.DataLoader).
type Position struct {
	// Epoch is the current epoch, counting from 0: the number of epochs
	// finished.
	Epoch int
	// Batch is the number of batches done in the current epoch.
	Batch int
	// Step is the number of optimizer steps so far.
	Step int
	// Partial holds the current epoch's sums so far, so that a resumed
	// epoch reports the same mean loss and metrics as an uninterrupted one.
	Partial EpochSums
}

// EpochSums are the running sums of an epoch's training loss and metrics:
// the samples seen, the loss summed over them, and each metric's sum and
// count (in the order of Trainer.Metrics).
type EpochSums struct {
	Samples int
	Loss    float64
	Sums    []float64
	Counts  []int
}

// Position returns where the run stands now: after Fit returns (stopped
// mid-epoch by ShouldStop or a cancelled context, or finished), the
// epoch and batch to continue from.
func (t *Trainer) Position() Position {
	p := Position{Epoch: t.epoch, Batch: t.batch, Step: t.step}
	if t.acc != nil {
		p.Partial = EpochSums{Samples: t.acc.samples, Loss: t.acc.loss, Sums: slices.Clone(t.acc.sums), Counts: slices.Clone(t.acc.counts)}
	}
	return p
}

// ResumeAt makes the next Fit continue a run from p instead of starting
// at epoch 0: it skips the epochs and batches done and restores the step
// count and the epoch's sums. The model, optimizer, scheduler and random
// generator must be restored separately (engine/checkpoint.LoadTraining
// does all of it).
func (t *Trainer) ResumeAt(p Position) error {
	if p.Epoch < 0 || p.Batch < 0 || p.Step < 0 || p.Partial.Samples < 0 {
		return fmt.Errorf("train: resume position epoch %d, batch %d, step %d, samples %d; expected all ≥ 0", p.Epoch, p.Batch, p.Step, p.Partial.Samples)
	}
	if len(p.Partial.Sums) != len(p.Partial.Counts) {
		return fmt.Errorf("train: resume position has %d metric sums and %d counts, expected as many", len(p.Partial.Sums), len(p.Partial.Counts))
	}
	t.step, t.epoch, t.batch = p.Step, p.Epoch, p.Batch
	t.acc = nil
	t.resume = &p
	return nil
}

// startAt returns where Fit starts (and forgets a ResumeAt): epoch 0 of a
// fresh run, or the resume position checked against the run's epochs and
// metrics.
func (t *Trainer) startAt(epochs int) (Position, error) {
	p := t.resume
	if p == nil {
		t.epoch, t.batch, t.acc = 0, 0, nil
		return Position{}, nil
	}
	if p.Epoch >= epochs {
		return Position{}, fmt.Errorf("train: resuming at epoch %d (batch %d), but the run has %d epochs: nothing is left to train", p.Epoch+1, p.Batch, epochs)
	}
	if n := len(p.Partial.Sums); p.Partial.Samples > 0 && n != len(t.Metrics) {
		return Position{}, fmt.Errorf("train: the resume position has sums for %d metrics, the trainer computes %d", n, len(t.Metrics))
	}
	t.resume = nil
	return *p, nil
}

// epochStart returns the accumulator for epoch and the batches of it
// already done: none for a new epoch, the resume position's for the epoch
// a resumed run starts in.
func (r *run) epochStart(epoch int) (*accumulator, int) {
	t := r.t
	acc := newAccumulator(t.Metrics)
	skip := 0
	if epoch == r.from.Epoch && r.from.Batch > 0 {
		skip = r.from.Batch
		if ps := r.from.Partial; ps.Samples > 0 {
			acc.samples, acc.loss = ps.Samples, ps.Loss
			copy(acc.sums, ps.Sums)
			copy(acc.counts, ps.Counts)
		}
	}
	t.epoch, t.batch, t.acc = epoch, skip, acc
	return acc, skip
}

// epochDone records that epoch's training is over: a stop from now on
// resumes at the start of the next epoch.
func (t *Trainer) epochDone(epoch int) {
	t.epoch, t.batch, t.acc = epoch+1, 0, nil
}

// BatchSkipper is a Loader that can start an epoch at a later batch
// without loading the batches before it; data.DataLoader is one.
type BatchSkipper interface {
	BatchesFrom(epoch, start int) iter.Seq2[data.Batch, error]
}

// batchesFrom yields epoch's batches from number start on: through
// BatchesFrom when the loader has it, otherwise by reading the epoch from
// its beginning and dropping the first start batches (the same batches,
// since a Loader's epoch is a function of its number).
func batchesFrom(l data.Loader, epoch, start int) iter.Seq2[data.Batch, error] {
	if start == 0 {
		return l.Batches(epoch)
	}
	if s, ok := l.(BatchSkipper); ok {
		return s.BatchesFrom(epoch, start)
	}
	return func(yield func(data.Batch, error) bool) {
		k := 0
		for b, err := range l.Batches(epoch) {
			if k++; k <= start && err == nil {
				continue
			}
			if !yield(b, err) {
				return
			}
		}
	}
}
