package train

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// Log formats for Logger.
const (
	JSONLines = "jsonl" // one JSON object per line
	CSV       = "csv"   // a header line, then one row per epoch
)

// Logger returns a callback that writes one line per epoch to w: the
// epoch, the optimizer steps so far, the elapsed seconds and every metric
// ("loss", "accuracy", "val_loss", "lr", …). The format is JSONLines
// ({"epoch":1,"step":16,"elapsed_s":0.41,"loss":0.52,…}, NaN and
// infinities as null) or CSV, whose columns are those of the first
// epoch, in the order of its header. Any other format is an error.
func Logger(w io.Writer, format string) (Callback, error) {
	if format != JSONLines && format != CSV {
		return nil, fmt.Errorf("train.Logger: format %q, expected %q or %q", format, JSONLines, CSV)
	}
	return &logger{w: w, format: format}, nil
}

type logger struct {
	w       io.Writer
	format  string
	columns []string // the CSV's metric columns, from the first epoch
}

// OnBatchEnd does nothing: the log has one line per epoch.
func (l *logger) OnBatchEnd(p *Progress) error { return nil }

// OnEpochEnd writes the epoch's line.
func (l *logger) OnEpochEnd(p *Progress) error {
	var line string
	if l.format == CSV {
		line = l.csvLine(p)
	} else {
		line = jsonLine(p)
	}
	_, err := io.WriteString(l.w, line)
	return err
}

// jsonLine encodes the epoch as a JSON object with a fixed key order.
func jsonLine(p *Progress) string {
	var b strings.Builder
	fmt.Fprintf(&b, `{"epoch":%d,"step":%d,"elapsed_s":%s`, p.Epoch, p.Step, jsonNumber(p.Elapsed.Seconds()))
	for _, k := range keys(p.Metrics) {
		name, _ := json.Marshal(k)
		fmt.Fprintf(&b, ",%s:%s", name, jsonNumber(p.Metrics[k]))
	}
	return b.String() + "}\n"
}

// jsonNumber formats v for JSON, which has no NaN or infinity.
func jsonNumber(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "null"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// csvLine writes the header before the first row. A metric missing from a
// later epoch is an empty field. Metric names are plain identifiers, so
// no field needs quoting.
func (l *logger) csvLine(p *Progress) string {
	var b strings.Builder
	if l.columns == nil {
		l.columns = keys(p.Metrics)
		b.WriteString(strings.Join(append([]string{"epoch", "step", "elapsed_s"}, l.columns...), ",") + "\n")
	}
	fields := []string{strconv.Itoa(p.Epoch), strconv.Itoa(p.Step), strconv.FormatFloat(p.Elapsed.Seconds(), 'g', -1, 64)}
	for _, k := range l.columns {
		v, ok := p.Metrics[k]
		if ok {
			fields = append(fields, strconv.FormatFloat(v, 'g', -1, 64))
		} else {
			fields = append(fields, "")
		}
	}
	b.WriteString(strings.Join(fields, ",") + "\n")
	return b.String()
}
