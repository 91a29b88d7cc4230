package train

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// ProgressBar returns a callback that draws a terminal progress bar on w
// (usually os.Stderr), redrawn in place with a carriage return at most
// ten times a second, and one line per finished epoch:
//
//	epoch 3/10 [==========>         ] 52/100  loss 0.3121  accuracy 0.9012  8,411 samples/s
func ProgressBar(w io.Writer) Callback { return &progressBar{w: w} }

type progressBar struct {
	w    io.Writer
	last time.Time
}

// OnBatchEnd redraws the bar, throttled so that fast epochs do not flood
// the terminal.
func (b *progressBar) OnBatchEnd(p *Progress) error {
	if time.Since(b.last) < 100*time.Millisecond && p.Batch != p.Batches {
		return nil
	}
	b.last = time.Now()
	_, err := fmt.Fprintf(b.w, "\r%s %s %s", epochLabel(p), bar(p.Batch, p.Batches, 20), metricsLine(p.Metrics, p.SamplesPerSec))
	return err
}

// OnEpochEnd finishes the epoch's line with the final and validation
// metrics.
func (b *progressBar) OnEpochEnd(p *Progress) error {
	_, err := fmt.Fprintf(b.w, "\r%s %s %s\n", epochLabel(p), bar(p.Batches, p.Batches, 20), metricsLine(p.Metrics, p.SamplesPerSec))
	return err
}

func epochLabel(p *Progress) string {
	return fmt.Sprintf("epoch %d/%d", p.Epoch, p.Epochs)
}

// bar draws [=====>    ] done/total.
func bar(done, total, width int) string {
	if total <= 0 {
		return fmt.Sprintf("%d", done)
	}
	filled := done * width / total
	s := strings.Repeat("=", filled)
	if filled < width {
		s += ">" + strings.Repeat(" ", width-filled-1)
	}
	return fmt.Sprintf("[%s] %d/%d", s, done, total)
}

// metricsLine lists the metrics in sorted order, then the throughput.
func metricsLine(m map[string]float64, samplesPerSec float64) string {
	var parts []string
	for _, k := range keys(m) {
		parts = append(parts, fmt.Sprintf("%s %.4g", k, m[k]))
	}
	parts = append(parts, fmt.Sprintf("%.0f samples/s", samplesPerSec))
	return strings.Join(parts, "  ")
}

// keys returns a map's keys, sorted.
func keys(m map[string]float64) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
