package bench

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"time"
)

func TestSummarize(t *testing.T) {
	var samples []time.Duration
	for i := 1; i <= 100; i++ {
		samples = append(samples, time.Duration(i)*time.Millisecond)
	}
	r := summarize("x", samples, 1, Options{}.withDefaults())
	checks := []struct {
		name      string
		got, want time.Duration
	}{
		{"min", r.Min, time.Millisecond},
		{"max", r.Max, 100 * time.Millisecond},
		{"p50", r.P50, 50500 * time.Microsecond}, // between ranks 50 and 51
		{"p90", r.P90, 90100 * time.Microsecond},
		{"p99", r.P99, 99010 * time.Microsecond},
		{"mean", r.Mean, 50500 * time.Microsecond},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	// sd of 1..100 (n-1) is 29.0115…; the 95% CI half-width t(99)·sd/√100.
	if math.Abs(float64(r.Stddev)/1e6-29.0115) > 1e-3 {
		t.Errorf("sd = %v", r.Stddev)
	}
	wantCI := tQuantile975(99) * 29.0115 / 10
	if math.Abs(float64(r.CI95)/1e6-wantCI) > 1e-3 {
		t.Errorf("CI95 = %v, want %.4f ms", r.CI95, wantCI)
	}
	if q := tQuantile975(99); math.Abs(q-1.984) > 2e-3 {
		t.Errorf("t(99) = %v, want 1.984", q)
	}
	one := summarize("one", []time.Duration{time.Second}, 1, Options{}.withDefaults())
	if one.P99 != time.Second || one.CI95 != 0 || one.Stddev != 0 {
		t.Errorf("one sample: %+v", one)
	}
}

func TestRunCounts(t *testing.T) {
	calls := 0
	r := Run("count", func() { calls++ }, Options{Warmup: 3, Iterations: 7, Batch: 2})
	if calls != 3+7*2 || len(r.Samples) != 7 || r.Batch != 2 {
		t.Fatalf("calls = %d, samples = %d, batch = %d; want 17, 7, 2", calls, len(r.Samples), r.Batch)
	}
	// An automatic batch makes tiny calls into samples of at least 50 µs.
	r = Run("tiny", func() {}, Options{Iterations: 3})
	if r.Batch < 10 {
		t.Errorf("automatic batch for an empty function = %d", r.Batch)
	}
}

func TestDerivedFigures(t *testing.T) {
	r := summarize("d", []time.Duration{2 * time.Millisecond}, 1,
		Options{Items: 64, FLOPs: 4e6, Bytes: 1e6}.withDefaults())
	if got := r.Throughput(); math.Abs(got-32000) > 1e-6 {
		t.Errorf("throughput %v, want 32000", got)
	}
	if got := r.GFLOPS(); math.Abs(got-2) > 1e-9 {
		t.Errorf("GFLOP/s %v, want 2", got)
	}
	if got := r.GBPS(); math.Abs(got-0.5) > 1e-9 {
		t.Errorf("GB/s %v, want 0.5", got)
	}
	e := r.Energy()
	if math.Abs(e.TimeJ-0.02) > 1e-12 || math.Abs(e.OpsJ-(4e6*2.3e-12+1e6*160e-12)) > 1e-15 {
		t.Errorf("energy %+v", e)
	}
	if e2 := DefaultEnergy.WithCores(2).Estimate(1, 0, 0); e2.TimeJ != 20 {
		t.Errorf("two cores for 1 s: %v J, want 20", e2.TimeJ)
	}
}

func TestCompareInterleaves(t *testing.T) {
	var order []string
	mk := func(name string) Candidate {
		return Candidate{name, func() { order = append(order, name) }}
	}
	cmp := Compare([]Candidate{mk("a"), mk("b"), mk("c")}, Options{Warmup: -1, Iterations: 3, Batch: 1})
	got := strings.Join(order, "")
	// No warm-up and a fixed batch: just the rounds, in rotating order.
	if got != "abcbcacab" {
		t.Errorf("call order %q, want rounds abc, bca, cab", got)
	}
	if len(cmp.Results) != 3 || len(cmp.Ratios) != 3 {
		t.Fatalf("results %d, ratios %d", len(cmp.Results), len(cmp.Ratios))
	}
	if r := cmp.Ratios[0]; r.Median != 1 || r.P10 != 1 || r.P90 != 1 || r.Rounds != 3 {
		t.Errorf("baseline against itself: %+v", r)
	}
	if !strings.Contains(cmp.Ratios[1].String(), "the speed of a") {
		t.Errorf("ratio string %q", cmp.Ratios[1])
	}
}

func TestRoundRatio(t *testing.T) {
	for _, c := range []struct {
		base, cand time.Duration
		want       float64
	}{
		{0, 0, 1}, // a coarse clock read zero for both: as fast, not 0×
		{2 * time.Millisecond, time.Millisecond, 2},
		{time.Millisecond, 4 * time.Millisecond, 0.25},
		{time.Microsecond, 0, 1000},
	} {
		if got := roundRatio(c.base, c.cand); got != c.want {
			t.Errorf("roundRatio(%v, %v) = %v, want %v", c.base, c.cand, got, c.want)
		}
	}
}

func TestTable(t *testing.T) {
	tb := &Table{Title: "T", Header: []string{"name", "GFLOP/s"}}
	tb.Add("simd", 123.456)
	tb.Add("naive-long-name", 1.5)
	tb.Add("missing", 0.0)
	var buf bytes.Buffer
	tb.Fprint(&buf)
	want := "T\n" +
		"name             GFLOP/s\n" +
		"---------------  -------\n" +
		"simd                 123\n" +
		"naive-long-name     1.50\n" +
		"missing\n"
	if buf.String() != want {
		t.Errorf("Fprint:\n%s\nwant:\n%s", buf.String(), want)
	}
	buf.Reset()
	tb.Markdown(&buf)
	if !strings.Contains(buf.String(), "| name | GFLOP/s |\n| --- | ---: |\n| simd | 123 |") {
		t.Errorf("Markdown:\n%s", buf.String())
	}
	buf.Reset()
	r := summarize("m", []time.Duration{time.Millisecond, 3 * time.Millisecond}, 1, Options{FLOPs: 2e6}.withDefaults())
	Print(&buf, r)
	if out := buf.String(); !strings.Contains(out, "GFLOP/s") || !strings.Contains(out, "1.00") || !strings.Contains(out, "Horowitz") {
		t.Errorf("Print:\n%s", out)
	}
}

func TestStopAndProgress(t *testing.T) {
	calls, asked := 0, 0
	var seen []int
	r := Run("stop", func() { calls++ }, Options{Warmup: 2, Iterations: 100, Batch: 1,
		ShouldStop: func() bool { asked++; return asked > 2+5 }, // 2 warm-up checks, then 5 samples
		OnSample:   func(done, planned int) { seen = append(seen, done*1000+planned) }})
	if !r.Stopped || len(r.Samples) != 5 || calls != 7 {
		t.Errorf("stopped %v, samples %d, calls %d; want true, 5, 7", r.Stopped, len(r.Samples), calls)
	}
	if len(seen) != 5 || seen[0] != 1100 || seen[4] != 5100 {
		t.Errorf("progress %v", seen)
	}
	// Stopped during the warm-up: no samples, and no panic.
	r = Run("early", func() {}, Options{ShouldStop: func() bool { return true }})
	if !r.Stopped || len(r.Samples) != 0 || r.P50 != 0 {
		t.Errorf("stopped in warm-up: %+v", r)
	}
	rounds := 0
	cmp := Compare([]Candidate{{"a", func() {}}, {"b", func() {}}}, Options{Warmup: -1, Iterations: 50, Batch: 1,
		ShouldStop: func() bool { return rounds >= 3 }, OnSample: func(done, _ int) { rounds = done }})
	if !cmp.Stopped || cmp.Ratios[1].Rounds != 3 || len(cmp.Results[1].Samples) != 3 {
		t.Errorf("stopped comparison: stopped %v, rounds %d", cmp.Stopped, cmp.Ratios[1].Rounds)
	}
	cmp = Compare([]Candidate{{"a", func() {}}, {"b", func() {}}}, Options{ShouldStop: func() bool { return true }})
	if !cmp.Stopped || cmp.Ratios[1].Rounds != 0 {
		t.Errorf("comparison stopped in warm-up: %+v", cmp)
	}
}

func TestHTMLAndCompareTable(t *testing.T) {
	cmp := Compare([]Candidate{{"slow <a>", func() { time.Sleep(200 * time.Microsecond) }}, {"fast", func() {}}},
		Options{Warmup: 1, Iterations: 5, Batch: 1, FLOPs: 1e3})
	tb := CompareTable("vs", cmp)
	if tb.Header[1] != "speed vs slow <a>" || tb.Rows[0][1] != "1.00× (baseline)" || !strings.HasSuffix(strings.Fields(tb.Rows[1][1])[0], "×") {
		t.Fatalf("compare table: %q %q", tb.Header, tb.Rows)
	}
	var buf bytes.Buffer
	tb.HTML(&buf)
	out := buf.String()
	for _, want := range []string{`<table class="tt-bench" style="font-size:0.9em;white-space:nowrap"><caption`, `<th scope="row" style="text-align:left">slow &lt;a&gt;</th>`, "<tfoot>", "GFLOP/s", "Horowitz"} {
		if !strings.Contains(out, want) {
			t.Errorf("HTML lacks %q:\n%s", want, out)
		}
	}
}
