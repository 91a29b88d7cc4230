//go:build js && wasm

package kernel

import (
	"encoding/base64"
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

// reports are the JavaScript report objects, built by newProfile.
var reports = newKind("profile report")

// session is the profile being recorded and the cell that started it; a
// profile left running by an earlier cell (whose async function never
// settled) is stopped when a new one starts.
var (
	session     *profile.Session
	sessionCell int
)

// newProfile builds tt.profile, a function with a phase method.
func newProfile() js.Value {
	reports.build(reportMethods(), nil)
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
	r := readArgs("tt.profile", args)
	fn := r.NeedFunc(0, "a function to profile, such as tt.profile(() => step())")
	r.Options(1) // none: an options object is refused, not ignored
	if err := r.Err(); err != nil {
		return nil, err
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
	r := readArgs("tt.profile.phase", args)
	name := r.NeedString(0, "the phase's name")
	fn := r.NeedFunc(1, "(name, function), such as tt.profile.phase('optimizer', () => opt.step())")
	if err := r.Err(); err != nil {
		return nil, err
	}
	var result js.Value
	err := profile.Phase(name, func() error {
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

// reportMethods are the methods of a report.
func reportMethods() map[string]binding {
	method := func(name string, fn func(rep *profile.Report, r *argReader) (any, error)) binding {
		return kindMethod(reports, "report."+name, func(rep *profile.Report, _ js.Value, r *argReader) (any, error) { return fn(rep, r) })
	}
	noArgs := func(name string, fn func(rep *profile.Report) any) binding {
		return method(name, func(rep *profile.Report, _ *argReader) (any, error) { return fn(rep), nil })
	}
	return map[string]binding{
		"table": method("table", func(rep *profile.Report, r *argReader) (any, error) {
			return rep.Table(r.Int(0, "the number of rows", 0)), nil
		}),
		"moduleTable": noArgs("moduleTable", func(rep *profile.Report) any { return rep.ModuleTable() }),
		"summary":     noArgs("summary", func(rep *profile.Report) any { return rep.Summary() }),
		"toString":    noArgs("toString", func(rep *profile.Report) any { return rep.Summary() }),
		"chart": method("chart", func(rep *profile.Report, r *argReader) (any, error) {
			kind := r.NeedString(0, fmt.Sprintf("the name of a chart (%v)", profile.ChartKinds))
			if err := r.Err(); err != nil {
				return nil, err
			}
			return svgValue(rep.Chart(kind))
		}),
		"traceJSON": method("traceJSON", func(rep *profile.Report, _ *argReader) (any, error) {
			b, err := rep.TraceJSON()
			return string(b), err
		}),
		"downloadTrace": method("downloadTrace", func(rep *profile.Report, r *argReader) (any, error) {
			name := r.String(0, "the file name", "")
			if name == "" {
				name = "trace.json"
			}
			b, err := rep.TraceJSON()
			return downloadValue(name, "application/json", string(b), "Chrome trace: open it in ui.perfetto.dev or chrome://tracing"), err
		}),
		"byOp": noArgs("byOp", func(rep *profile.Report) any {
			var out []any
			for _, o := range rep.ByOp() {
				out = append(out, statsObject(map[string]any{"name": o.Name}, o.Stats))
			}
			return out
		}),
		"byModule": noArgs("byModule", func(rep *profile.Report) any {
			var out []any
			for _, m := range rep.ByModule() {
				out = append(out, statsObject(map[string]any{
					"module": m.Label, "path": m.Path, "type": m.Type, "depth": m.Depth, "forwardCalls": m.ForwardCalls,
					"paramBytes": m.Params, "activationBytes": m.Activations, "peakBytes": m.Peak,
				}, m.Stats))
			}
			return out
		}),
		"phases": noArgs("phases", func(rep *profile.Report) any {
			var out []any
			for _, p := range rep.Phases() {
				out = append(out, statsObject(map[string]any{"phase": p.Phase, "wallMs": ms(p.Wall)}, p.Stats))
			}
			return out
		}),
		"events": noArgs("events", func(rep *profile.Report) any {
			out := make([]any, len(rep.Events))
			for i, e := range rep.Events {
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
			return out
		}),
	}
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

// downloadBytesValue offers a binary file (a zip, a checkpoint): the
// bytes travel in base64, which the page decodes.
func downloadBytesValue(name, mime string, b []byte, note string) js.Value {
	return richValue(bundle{
		downloadMIME: map[string]any{"name": name, "mime": mime, "base64": base64.StdEncoding.EncodeToString(b), "note": note},
		"text/plain": fmt.Sprintf("[download %s, %d bytes]", name, len(b)),
	})
}

// downloadValue is a displayable offer of a file.
func downloadValue(name, mime, text, note string) js.Value {
	return richValue(bundle{
		downloadMIME: map[string]any{"name": name, "mime": mime, "text": text, "note": note},
		"text/plain": fmt.Sprintf("[download %s, %d bytes]", name, len(text)),
	})
}
