package profile

import (
	"fmt"
	"time"

	"tinytorch/engine/plot"
)

// Number formats shared by the tables; they follow the charts' (plot.FormatValue).

// fmtDur writes a duration with four significant digits: 12.34 ms.
func fmtDur(d time.Duration) string {
	if d == 0 {
		return "0"
	}
	return plot.FormatValue(d.Seconds(), "s")
}

// fmtPct writes part/whole as a percentage.
func fmtPct(part, whole time.Duration) string {
	if whole <= 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(part)/float64(whole))
}

// fmtCount writes a count with a metric prefix: 1.235M.
func fmtCount(n int64) string {
	if n == 0 {
		return "0"
	}
	return plot.FormatValue(float64(n), "")
}

// fmtBytes writes a size: 12.3 kB (powers of 1000, as the charts do).
func fmtBytes(n int64) string {
	if n == 0 {
		return "0"
	}
	if n < 1000 {
		return fmt.Sprintf("%d B", n)
	}
	return plot.FormatValue(float64(n), "B")
}

// fmtRate writes the achieved GFLOP/s, or "—" without FLOPs or time.
func fmtRate(s Stats) string {
	if s.FLOPs == 0 || s.Time <= 0 {
		return "—"
	}
	return fmt.Sprintf("%.2f", s.GFLOPS())
}

// fmtIntensity writes FLOPs per byte, or "—" without FLOPs.
func fmtIntensity(s Stats) string {
	if s.FLOPs == 0 || s.Bytes == 0 {
		return "—"
	}
	return fmt.Sprintf("%.2f", s.Intensity())
}
