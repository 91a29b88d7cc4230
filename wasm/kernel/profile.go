//go:build js && wasm

package kernel

import (
	"fmt"
	"syscall/js"

	"tinytorch/engine/profile"
)

// Bindings of engine/profile.
//
//	const report = tt.profile(() => { … one training step … });
//	report                        // shows the tables of ops and modules
//	report.chart('ops')           // or 'timeline', 'roofline', 'memory', 'layers'
//	report.downloadTrace()        // a button that saves trace.json for Perfetto
//
// tt.profile(fn) calls fn at once and profiles everything it runs. If fn
// is async (returns a promise), tt.profile returns a promise of the
// report instead, and the profile covers everything the engine runs until
// fn's promise settles: await it, as in
// `const report = await tt.profile(async () => { … })`.
//
// tt.profile.phase(name, fn) runs fn as a named phase of the profile,
// like torch.profiler.record_function: wrap the optimizer step in
// tt.profile.phase('optimizer', () => opt.step()) to see it apart from
// the forward pass (backward passes are recognised by themselves).

// reports are the JavaScript report objects, made by newProfile.
var reports *goObjects[*profile.Report]

// session is the profile being recorded and the cell that started it; a
// profile left running by an earlier cell (whose async function never
// settled) is stopped when a new one starts.
var (
	session     *profile.Session
	sessionCell int
)

// newProfile builds tt.profile, a function with a phase method.
func newProfile() js.Value {
	reports = newReports()
	fn := function("tt.profile", profileFunc)
	fn.Set("phase", function("tt.profile.phase", phaseFunc))
	fn.Set("charts", js.ValueOf(chartKinds()))
	return fn
}

func chartKinds() []any {
	out := make([]any, len(profile.ChartKinds))
	for i, k := range profile.ChartKinds {
		out[i] = k
	}
	return out
}

// profileFunc is tt.profile(fn).
func profileFunc(_ js.Value, args []js.Value) (any, error) {
	fn := arg(args, 0)
	if typeOf(fn) != js.TypeFunction {
		return nil, fmt.Errorf("tt.profile: expected a function to profile, such as tt.profile(() => step()), got %s", describeJS(fn))
	}
	if session != nil && sessionCell != current {
		session.Stop()
		session = nil
	}
	s, err := profile.Start()
	if err != nil {
		return nil, fmt.Errorf("tt.profile: a profile is already being recorded (tt.profile calls cannot nest)")
	}
	session, sessionCell = s, current
	result, err := callJS(fn)
	if err != nil {
		stopSession(s)
		return nil, err
	}
	if typeOf(result) != js.TypeObject || typeOf(getProp(result, "then")) != js.TypeFunction {
		return reportValue(stopSession(s)), nil
	}
	// Async: the report comes when fn's promise settles.
	var onDone, onFail js.Func
	release := func() { onDone.Release(); onFail.Release() }
	onDone = js.FuncOf(func(js.Value, []js.Value) any {
		defer release()
		return reportValue(stopSession(s))
	})
	onFail = js.FuncOf(func(_ js.Value, args []js.Value) any {
		defer release()
		stopSession(s)
		return js.Global().Get("Promise").Call("reject", arg(args, 0))
	})
	return result.Call("then", onDone, onFail), nil
}

// stopSession ends s and forgets it.
func stopSession(s *profile.Session) *profile.Report {
	if session == s {
		session = nil
	}
	return s.Stop()
}

// phaseFunc is tt.profile.phase(name, fn): it returns what fn returns.
func phaseFunc(_ js.Value, args []js.Value) (any, error) {
	name, fn := arg(args, 0), arg(args, 1)
	if typeOf(name) != js.TypeString || typeOf(fn) != js.TypeFunction {
		return nil, fmt.Errorf("tt.profile.phase: expected (name, function), such as tt.profile.phase('optimizer', () => opt.step())")
	}
	var result js.Value
	err := profile.Phase(name.String(), func() error {
		var err error
		result, err = callJSAsIs(fn)
		return err
	})
	return result, err
}

// reportValue makes the JavaScript object of a report. It displays as
// the tables (HTML, with the text table as its plain form); its plain
// fields give the headline figures.
func reportValue(r *profile.Report) js.Value {
	obj := reports.wrap(r)
	obj.Set("__ttBundle", map[string]any{"text/html": r.HTML(20), "text/plain": r.Table(20)})
	obj.Set("wallMs", ms(r.Wall))
	obj.Set("numOps", len(r.Events))
	obj.Set("peakBytes", r.PeakBytes)
	obj.Set("allocBytes", r.AllocBytes)
	obj.Set("flops", r.Total().FLOPs)
	return obj
}

// newReports builds the report prototype.
func newReports() *goObjects[*profile.Report] {
	return newGoObjects("profile report", map[string]func(r *profile.Report, this js.Value, args []js.Value) (any, error){
		"table": func(r *profile.Report, _ js.Value, args []js.Value) (any, error) {
			limit, err := intArg("report.table", args, 0, "the number of rows", 0)
			return r.Table(limit), err
		},
		"moduleTable": func(r *profile.Report, _ js.Value, _ []js.Value) (any, error) { return r.ModuleTable(), nil },
		"summary":     func(r *profile.Report, _ js.Value, _ []js.Value) (any, error) { return r.Summary(), nil },
		"toString":    func(r *profile.Report, _ js.Value, _ []js.Value) (any, error) { return r.Summary(), nil },
		"chart": func(r *profile.Report, _ js.Value, args []js.Value) (any, error) {
			kind := arg(args, 0)
			if typeOf(kind) != js.TypeString {
				return nil, fmt.Errorf("report.chart: expected the name of a chart (%v), got %s", profile.ChartKinds, describeJS(kind))
			}
			return svgValue(r.Chart(kind.String()))
		},
		"traceJSON": func(r *profile.Report, _ js.Value, _ []js.Value) (any, error) {
			b, err := r.TraceJSON()
			return string(b), err
		},
		"downloadTrace": func(r *profile.Report, _ js.Value, args []js.Value) (any, error) {
			name := "trace.json"
			if v := arg(args, 0); typeOf(v) == js.TypeString && v.String() != "" {
				name = v.String()
			}
			b, err := r.TraceJSON()
			if err != nil {
				return nil, err
			}
			return downloadValue(name, "application/json", string(b), "Chrome trace: open it in ui.perfetto.dev or chrome://tracing"), nil
		},
		"byOp": func(r *profile.Report, _ js.Value, _ []js.Value) (any, error) {
			var out []any
			for _, o := range r.ByOp() {
				out = append(out, statsObject(map[string]any{"name": o.Name}, o.Stats))
			}
			return out, nil
		},
		"byModule": func(r *profile.Report, _ js.Value, _ []js.Value) (any, error) {
			var out []any
			for _, m := range r.ByModule() {
				out = append(out, statsObject(map[string]any{
					"module": m.Label, "path": m.Path, "type": m.Type, "depth": m.Depth, "forwardCalls": m.ForwardCalls,
					"paramBytes": m.Params, "activationBytes": m.Activations, "peakBytes": m.Peak,
				}, m.Stats))
			}
			return out, nil
		},
		"phases": func(r *profile.Report, _ js.Value, _ []js.Value) (any, error) {
			var out []any
			for _, p := range r.Phases() {
				out = append(out, statsObject(map[string]any{"phase": p.Phase, "wallMs": ms(p.Wall)}, p.Stats))
			}
			return out, nil
		},
		"events": func(r *profile.Report, _ js.Value, _ []js.Value) (any, error) {
			out := make([]any, len(r.Events))
			for i, e := range r.Events {
				shapes := make([]any, len(e.Shapes))
				for j, s := range e.Shapes {
					shapes[j] = intsToJS(s)
				}
				out[i] = map[string]any{
					"name": e.Name, "op": e.Op, "phase": e.Phase, "module": e.Module, "shapes": shapes,
					"startMs": ms(e.Start), "durationMs": ms(e.Duration),
					"flops": e.FLOPs, "bytesRead": e.BytesRead, "bytesWritten": e.BytesWritten,
					"allocs": e.Allocs, "allocBytes": e.AllocBytes, "liveBytes": e.LiveBytes,
					"gradBytes": e.GradBytes, "savedBytes": e.SavedBytes,
				}
			}
			return out, nil
		},
	})
}

// statsObject adds aggregated figures to fields.
func statsObject(fields map[string]any, s profile.Stats) map[string]any {
	fields["calls"] = s.Calls
	fields["timeMs"] = ms(s.Time)
	fields["forwardMs"] = ms(s.Forward)
	fields["backwardMs"] = ms(s.Backward)
	fields["optimizerMs"] = ms(s.Optimizer)
	fields["otherMs"] = ms(s.Other)
	fields["flops"] = s.FLOPs
	fields["bytes"] = s.Bytes
	fields["gflops"] = s.GFLOPS()
	fields["intensity"] = s.Intensity()
	fields["allocBytes"] = s.AllocB
	return fields
}

// downloadMIME is a display the page shows as a button that saves a file
// (the kernel, in a worker, cannot start a download itself).
const downloadMIME = "application/vnd.tinytorch.download+json"

// downloadValue is a displayable offer of a file.
func downloadValue(name, mime, text, note string) js.Value {
	return richValue(bundle{
		downloadMIME: map[string]any{"name": name, "mime": mime, "text": text, "note": note},
		"text/plain": fmt.Sprintf("[download %s, %d bytes]", name, len(text)),
	})
}
