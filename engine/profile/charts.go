package profile

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	"tinytorch/engine/plot"
)

// ChartKinds are the charts Chart draws.
var ChartKinds = []string{"ops", "timeline", "roofline", "memory", "layers"}

// maxBars is how many ops the bar and roofline charts show; the rest are
// summed into "other ops" (bars) or left out (roofline).
const maxBars = 12

// errNoOps is the error of a chart of an empty profile.
var errNoOps = errors.New("profile: no ops were recorded, so there is nothing to chart")

// Chart draws one chart of the report as SVG:
//
//	"ops"       time per op, stacked forward / backward / other phases
//	"timeline"  every event against time, one row per module
//	"roofline"  achieved GFLOP/s per op against arithmetic intensity, under
//	            the machine's measured ceilings (MeasureCeilings)
//	"memory"    live tensor memory over time
//	"layers"    parameter, activation and peak memory per layer
func (r *Report) Chart(kind string) (string, error) {
	if len(r.Events) == 0 {
		return "", errNoOps
	}
	switch kind {
	case "ops":
		return r.OpsChart().SVG()
	case "timeline":
		return r.TimelineChart().SVG()
	case "roofline":
		return r.RooflineChart(MeasureCeilings()).SVG()
	case "memory":
		return r.MemoryChart().SVG()
	case "layers":
		b, err := r.LayersChart()
		if err != nil {
			return "", err
		}
		return b.SVG()
	}
	return "", fmt.Errorf("profile: no chart called %q; the charts are %s", kind, strings.Join(ChartKinds, ", "))
}

// phaseOrder lists the phases forward, backward, then the others in the
// order they occurred, so that colours match across charts.
func (r *Report) phaseOrder() []string {
	order := []string{PhaseForward, PhaseBackward}
	for _, ph := range r.Phases() {
		if !slices.Contains(order, ph.Phase) {
			order = append(order, ph.Phase)
		}
	}
	var used []string
	for _, ph := range order {
		if slices.ContainsFunc(r.Events, func(e Event) bool { return e.Phase == ph }) {
			used = append(used, ph)
		}
	}
	return used
}

// OpsChart is a horizontal bar chart of the time per op (a backward node
// counts with its op), stacked by phase, the most time first.
func (r *Report) OpsChart() plot.Bar {
	phases := r.phaseOrder()
	type row struct {
		name  string
		total float64
		by    map[string]float64
	}
	idx := map[string]int{}
	var rows []row
	for _, e := range r.Events {
		i, ok := idx[e.Op]
		if !ok {
			i = len(rows)
			idx[e.Op] = i
			rows = append(rows, row{name: e.Op, by: map[string]float64{}})
		}
		rows[i].total += e.Duration.Seconds()
		rows[i].by[e.Phase] += e.Duration.Seconds()
	}
	slices.SortStableFunc(rows, func(a, b row) int { return cmp.Compare(b.total, a.total) })
	if len(rows) > maxBars {
		rest := row{name: fmt.Sprintf("%d other ops", len(rows)-maxBars+1), by: map[string]float64{}}
		for _, x := range rows[maxBars-1:] {
			for k, v := range x.by {
				rest.by[k] += v
			}
		}
		rows = append(rows[:maxBars-1], rest)
	}
	b := plot.Bar{Title: "Time per op", Stacked: true, Horizontal: true, ValueLabel: "time", ValueUnit: "s", ShowValues: true}
	for _, x := range rows {
		b.Categories = append(b.Categories, x.name)
	}
	for _, ph := range phases {
		s := plot.BarSeries{Name: ph}
		for _, x := range rows {
			s.Values = append(s.Values, x.by[ph])
		}
		b.Series = append(b.Series, s)
	}
	return b
}

// TimelineChart draws the events against time, one row per module (ops
// outside modules on their own row), coloured by phase. Consecutive
// events of one row and phase are merged into one span named after the
// op that took longest, so that a step of hundreds of ops stays legible.
func (r *Report) TimelineChart() plot.Timeline {
	t := plot.Timeline{Title: "Timeline of the profiled step", TimeUnit: "s"}
	type open struct {
		span            plot.Span
		longest         float64
		names           int
		lastRow, lastPh string
	}
	var cur *open
	flush := func() {
		if cur == nil {
			return
		}
		if cur.names > 1 {
			cur.span.Label += fmt.Sprintf(" +%d", cur.names-1)
		}
		t.Spans = append(t.Spans, cur.span)
		cur = nil
	}
	for _, e := range r.Events {
		rowName := e.Module
		if rowName == "" {
			rowName = "(outside modules)"
		}
		start, d := e.Start.Seconds(), e.Duration.Seconds()
		if cur != nil && cur.lastRow == rowName && cur.lastPh == e.Phase {
			cur.span.Duration = start + d - cur.span.Start
			cur.names++
			if d > cur.longest {
				cur.longest, cur.span.Label = d, e.Name
			}
			continue
		}
		flush()
		cur = &open{span: plot.Span{Row: rowName, Label: e.Name, Kind: e.Phase, Start: start, Duration: d}, longest: d, names: 1, lastRow: rowName, lastPh: e.Phase}
	}
	flush()
	return t
}

// RooflineChart places each op with FLOPs (aggregated by name) under the
// given ceilings.
func (r *Report) RooflineChart(c Ceilings) plot.Roofline {
	threads := fmt.Sprintf("%d threads", c.Threads)
	if c.Threads == 1 {
		threads = "1 thread"
	}
	rf := plot.Roofline{
		Title:        fmt.Sprintf("Roofline (%s kernel, %s)", c.Kernel, threads),
		PeakGFLOPS:   c.GFLOPS,
		PeakLabel:    c.Roof,
		BandwidthGBs: c.GBs,
	}
	for _, o := range r.ByOp() {
		if len(rf.Points) == maxBars {
			break
		}
		if o.FLOPs > 0 && o.Bytes > 0 && o.Time > 0 {
			rf.Points = append(rf.Points, plot.RooflinePoint{Name: o.Name, Intensity: o.Intensity(), GFLOPS: o.GFLOPS()})
		}
	}
	return rf
}

// MemoryChart is a line chart of the live tensor memory while each event
// ran (see Event.LiveBytes), and of the part held by gradients, against
// the events in order: the figures do not depend on timing, so neither
// does the shape of the curve.
func (r *Report) MemoryChart() plot.Line {
	live := plot.Series{Name: "live tensors"}
	grads := plot.Series{Name: "of which gradients"}
	for i, e := range r.Events {
		live.X, live.Y = append(live.X, float64(i+1)), append(live.Y, float64(e.LiveBytes))
		grads.X, grads.Y = append(grads.X, float64(i+1)), append(grads.Y, float64(e.GradBytes))
	}
	return plot.Line{Title: "Live tensor memory", XLabel: "op (in order)", YLabel: "memory", YUnit: "B", Series: []plot.Series{live, grads}}
}

// LayersChart is a grouped bar chart of the memory of each layer (the
// modules without children): its parameters, its activations per call
// (bytes its forward ops made that stay live until backward) and the peak
// of live tensor memory while its forward ran.
func (r *Report) LayersChart() (plot.Bar, error) {
	parent := map[int]bool{}
	for _, m := range r.Modules {
		parent[m.parent] = true
	}
	stats := r.ByModule()
	b := plot.Bar{Title: "Memory per layer", Horizontal: true, ValueLabel: "memory", ValueUnit: "B"}
	params := plot.BarSeries{Name: "parameters"}
	acts := plot.BarSeries{Name: "activations"}
	peak := plot.BarSeries{Name: "peak live"}
	for i, m := range r.Modules {
		if parent[i] {
			continue
		}
		var act int64
		for _, s := range stats {
			if s.Label == m.Label && s.Type == m.Type {
				act = s.Activations
			}
		}
		b.Categories = append(b.Categories, m.Label)
		params.Values = append(params.Values, float64(m.Params))
		acts.Values = append(acts.Values, float64(act))
		peak.Values = append(peak.Values, float64(m.Peak))
	}
	if len(b.Categories) == 0 {
		return b, errors.New("profile: no module ran (call layers through a model or nn.Call) so there are no layers to chart")
	}
	b.Series = []plot.BarSeries{params, acts, peak}
	return b, nil
}
