package profile

import (
	"encoding/json"
	"time"
)

// TraceJSON exports the profile in the Chrome trace event format, which
// Perfetto (ui.perfetto.dev) and chrome://tracing open: one track with the
// phases, the modules' forward calls and the ops nested inside them, and a
// counter of live tensor memory. Times are in microseconds from the start
// of the profile.
func (r *Report) TraceJSON() ([]byte, error) {
	type event struct {
		Name string         `json:"name"`
		Cat  string         `json:"cat,omitempty"`
		Ph   string         `json:"ph"`
		Ts   float64        `json:"ts"`
		Dur  *float64       `json:"dur,omitempty"`
		Pid  int            `json:"pid"`
		Tid  int            `json:"tid"`
		Args map[string]any `json:"args,omitempty"`
	}
	us := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 }
	dur := func(d time.Duration) *float64 { v := us(d); return &v }
	evs := []event{
		{Name: "process_name", Ph: "M", Pid: 1, Tid: 1, Args: map[string]any{"name": "TinyTorch"}},
		{Name: "thread_name", Ph: "M", Pid: 1, Tid: 1, Args: map[string]any{"name": "engine"}},
	}
	for _, s := range r.spans {
		cat := "phase"
		if s.kind == spanModule {
			cat = "module"
		}
		evs = append(evs, event{Name: s.name, Cat: cat, Ph: "X", Ts: us(s.start), Dur: dur(s.end - s.start), Pid: 1, Tid: 1})
	}
	for _, e := range r.Events {
		args := map[string]any{
			"phase": e.Phase, "input shapes": e.Shapes, "FLOPs": e.FLOPs,
			"bytes read": e.BytesRead, "bytes written": e.BytesWritten,
			"tensors allocated": e.Allocs, "bytes allocated": e.AllocBytes,
		}
		if e.Module != "" {
			args["module"] = e.Module
		}
		evs = append(evs, event{Name: e.Name, Cat: e.Phase, Ph: "X", Ts: us(e.Start), Dur: dur(e.Duration), Pid: 1, Tid: 1, Args: args})
		evs = append(evs, event{Name: "live tensor memory", Ph: "C", Ts: us(e.Start + e.Duration), Pid: 1, Tid: 1, Args: map[string]any{"bytes": e.LiveBytes}})
	}
	return json.Marshal(map[string]any{"traceEvents": evs, "displayTimeUnit": "ms"})
}
