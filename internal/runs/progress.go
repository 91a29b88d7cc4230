package runs

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"

	"tinytorch/engine/train"
)

// progress shows a run's progress on out. On a terminal it redraws one
// line in place (at most ten times a second) with a bar, the loss, the
// accuracy and the time left; elsewhere (a pipe, a CI log) it writes a
// plain line per epoch, which is also what it keeps for train.log.
type progress struct {
	out   io.Writer
	tty   bool
	log   bytes.Buffer // the plain lines, for train.log
	start time.Time
	last  time.Time // the last redraw
	total int       // steps in the whole run
	done0 int       // steps done before this process (a resumed run)
}

func (p *progress) OnBatchEnd(pr *train.Progress) error {
	if !p.tty || (time.Since(p.last) < 100*time.Millisecond && pr.Batch != pr.Batches) {
		return nil
	}
	p.last = time.Now()
	_, err := fmt.Fprintf(p.out, "\r\033[Kepoch %d/%d %s loss %.4f  accuracy %.4f  ETA %s",
		pr.Epoch, pr.Epochs, bar(pr.Batch, pr.Batches, 20), pr.Loss, pr.Metrics["accuracy"], p.eta(pr.Step))
	return err
}

func (p *progress) OnEpochEnd(pr *train.Progress) error {
	m := pr.Metrics
	line := fmt.Sprintf("epoch %d/%d  step %d  loss %.4f  accuracy %.4f  test loss %.4f  test accuracy %.4f  lr %.3g  %.1f s",
		pr.Epoch, pr.Epochs, pr.Step, m["loss"], m["accuracy"], m["val_loss"], m["val_accuracy"], m["lr"], time.Since(p.start).Seconds())
	p.log.WriteString(line + "\n")
	if p.tty {
		line = "\r\033[K" + line
	}
	_, err := fmt.Fprintln(p.out, line)
	return err
}

// note writes a line to both the output and the log.
func (p *progress) note(format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	p.log.WriteString(line + "\n")
	if p.tty {
		line = "\r\033[K" + line
	}
	fmt.Fprintln(p.out, line)
}

// eta is the time left at the mean pace of the steps so far.
func (p *progress) eta(step int) string {
	done := step - p.done0
	if done <= 0 {
		return "?"
	}
	left := time.Duration(float64(time.Since(p.start)) / float64(done) * float64(p.total-step))
	return left.Round(time.Second).String()
}

// bar draws [=====>    ] done/total.
func bar(done, total, width int) string {
	if total <= 0 {
		return fmt.Sprint(done)
	}
	filled := min(done*width/total, width)
	s := strings.Repeat("=", filled)
	if filled < width {
		s += ">" + strings.Repeat(" ", width-filled-1)
	}
	return fmt.Sprintf("[%s] %d/%d", s, done, total)
}
