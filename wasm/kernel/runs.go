//go:build js && wasm

package kernel

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strings"
	"syscall/js"
	"time"

	"tinytorch/engine/config"
	"tinytorch/engine/kernels"
	"tinytorch/engine/nn"
	"tinytorch/engine/train"
	"tinytorch/internal/runs"
)

// Bindings of engine/config and internal/runs, chapter 5 in the browser:
//
//	const cfg = tt.config.parse(yamlText)    // strict: file:line:col errors
//	cfg.set("optim.lr=0.01")                 // what `tinytorch train --set` does
//	const run = await tt.train.run(cfg)      // the CLI's recipe and run folder
//	(await tt.runs()).map(String)            // the runs kept in this browser
//	run.download()                           // a zip of the run folder
//
// tt.train.run builds the config's model, data, optimizer and schedule
// with internal/runs.Assemble, the code `tinytorch train` runs, and
// trains with its runner (runs.TrainInMemory), so the run folder holds
// the same files: config.yaml, environment.json, metrics.jsonl, charts/,
// train.log, checkpoints/last.safetensors and run.json. The folder is
// kept in the browser's storage (storage.go) under runs/<name>/.

var (
	configKind = newKind("config")
	runKind    = newKind("run")
)

// storedRun is a run folder in memory: its name and files.
type storedRun struct {
	name  string
	files runs.Memory
	rec   *runs.Record // nil for a run without run.json (one cut short)
	setup *runs.Setup  // the trained model, for a run of this session
}

// newConfigNS builds tt.config.
func newConfigNS() js.Value {
	configKind.build(map[string]binding{
		"set": kindMethod(configKind, "config.set", func(c *config.Config, this js.Value, r *argReader) (any, error) {
			assign := r.NeedString(0, `an assignment such as "optim.lr=0.01"`)
			if err := r.Err(); err != nil {
				return nil, err
			}
			return this, c.Set(assign)
		}),
		"toString": kindMethod(configKind, "toString", func(c *config.Config, _ js.Value, _ *argReader) (any, error) {
			return string(c.Marshal()), nil
		}),
	}, map[string]binding{
		"yaml": kindMethod(configKind, "yaml", func(c *config.Config, _ js.Value, _ *argReader) (any, error) {
			return string(c.Marshal()), nil
		}),
		"file": kindMethod(configKind, "file", func(c *config.Config, _ js.Value, _ *argReader) (any, error) { return c.File(), nil }),
	})
	return object(map[string]binding{"parse": configParse})
}

// configParse is tt.config.parse(yamlText, {file}): the config, checked
// as strictly as the CLI checks a file, every error at once with its
// file:line:col. file names the text in errors ("config.yaml").
func configParse(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.config.parse", args)
	text := r.NeedString(0, "the config's YAML text")
	file := r.Options(1).String("file", "config.yaml")
	if err := r.Err(); err != nil {
		return nil, err
	}
	c, err := config.Parse(file, []byte(text))
	if err != nil {
		return nil, err
	}
	return configKind.wrap(c), nil
}

// configArg reads a config argument: a tt.config object or YAML text.
func configArg(r *argReader, i int) *config.Config {
	v := r.Value(i)
	if c, ok := valueOf[*config.Config](configKind, v); ok {
		return c
	}
	if kindOf(v) == kindString {
		c, err := config.Parse("config.yaml", []byte(v.String()))
		r.fail(err)
		return c
	}
	r.failf("expected a config from tt.config.parse(text) or its YAML text, got %s", describeJS(v))
	return nil
}

// datasetTitles are the titles the data fetcher shows, by config name.
var datasetTitles = map[string]string{"mnist-digits": "MNIST digits", "fashion-mnist": "Fashion-MNIST"}

// manifestSets are the names of the datasets in the site's manifest.
var manifestSets = map[string]string{"mnist-digits": "mnist", "fashion-mnist": "fashion-mnist"}

// buildFromConfig fetches cfg's dataset (only the images it uses) and
// assembles the run as the CLI does. It must run on a goroutine.
func buildFromConfig(name string, cfg *config.Config, model nn.Module, title string) (*runs.Setup, error) {
	if cfg.Kernel != "" {
		if err := kernels.Use(cfg.Kernel); err != nil {
			return nil, fmt.Errorf("%s: kernel: %w", cfg.Pos("kernel"), err)
		}
	}
	want := [2]int{cfg.Data.TrainImages, cfg.Data.TestImages}
	sets, _, err := fetchImageSets(name, manifestSets[cfg.Data.Dataset], datasetTitles[cfg.Data.Dataset], want)
	if err != nil {
		return nil, fmt.Errorf("%s: data: %w", cfg.Pos("data.dataset"), err)
	}
	return runs.AssembleWith(cfg, sets[0], sets[1], model, title)
}

// trainRun is tt.train.run(config, {name}): a Promise of the run. It
// trains with a live progress bar and charts; the Stop button stops it
// after the current step, and the run is kept as stopped, with its
// checkpoint.
func trainRun(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.train.run", args)
	cfg := configArg(r, 0)
	o := r.Options(1)
	name := o.String("name", "")
	model, title := runModel(r, o.Value("model"))
	if err := r.Err(); err != nil {
		return nil, err
	}
	return promise(func() (any, error) {
		s, err := buildFromConfig("tt.train.run", cfg, model, title)
		if err != nil {
			return nil, err
		}
		if name == "" {
			if name, err = freeRunName(time.Now()); err != nil {
				return nil, err
			}
		}
		view := newTrainView(cfg.Epochs, s.Train.Len(), true, true, true)
		mem, rec, err := runs.TrainInMemory(context.Background(), s, runs.MemoryOptions{
			Name: name, Stop: interrupts.requested, Live: []train.Callback{view}})
		view.finish(err, rec != nil && rec.Status == runs.Stopped)
		if mem == nil {
			return nil, err
		}
		run := &storedRun{name: name, files: mem, rec: rec, setup: s}
		if serr := saveRun(run); serr != nil && err == nil {
			err = serr
		}
		if err != nil {
			return nil, err
		}
		return runKind.wrap(run), nil
	}), nil
}

// runModel reads tt.train.run's model option: a module (tt.nn or a class
// a cell wrote) trained in place of the config's model section, titled by
// its class. Undefined keeps the config's model.
func runModel(r *argReader, v js.Value) (nn.Module, string) {
	if v.IsUndefined() || !r.ok() {
		return nil, ""
	}
	m, err := needModule("tt.train.run: the model option", v)
	if err != nil {
		r.fail(err)
		return nil, ""
	}
	title := m.Base().TypeName()
	if _, ok := m.(*cellModule); ok {
		title += " (a cell's module)"
	}
	return m, title
}

// runFiles are a run folder's files, in the order they are stored:
// run.json last, so a folder without it is one whose storing was cut
// short, as on disk.
func runFiles(m runs.Memory) []string {
	names := slices.DeleteFunc(m.Names(), func(n string) bool { return n == "run.json" })
	if _, ok := m["run.json"]; ok {
		names = append(names, "run.json")
	}
	return names
}

// saveRun keeps a run folder in the browser's storage.
func saveRun(run *storedRun) error {
	for _, f := range runFiles(run.files) {
		if err := storageWrite("runs/"+run.name+"/"+f, run.files[f]); err != nil {
			return err
		}
	}
	return nil
}

// freeRunName is the run folder name for now (runs.FolderStamp), with
// _2, _3 … when the storage holds one of that name.
func freeRunName(now time.Time) (string, error) {
	taken, err := storageList("runs")
	if err != nil {
		return "", err
	}
	base := now.UTC().Format(runs.FolderStamp)
	for i := 1; i <= 100; i++ {
		name := base
		if i > 1 {
			name = fmt.Sprintf("%s_%d", base, i)
		}
		if !slices.Contains(taken, name) {
			return name, nil
		}
	}
	return "", fmt.Errorf("a hundred runs named %s already exist", base)
}

// runFolderFiles are the files a run folder may hold.
var runFolderFiles = []string{"config.yaml", "environment.json", "metrics.jsonl", "train.log", "run.json",
	"charts/loss.svg", "charts/accuracy.svg", "charts/lr.svg", runs.CheckpointFile}

// loadRun reads a run folder from the storage.
func loadRun(name string) (*storedRun, error) {
	run := &storedRun{name: name, files: runs.Memory{}}
	for _, f := range runFolderFiles {
		if b, err := storageRead("runs/" + name + "/" + f); err == nil {
			run.files[f] = b
		}
	}
	if len(run.files) == 0 {
		return nil, fmt.Errorf("no run named %q in this browser", name)
	}
	if b, ok := run.files["run.json"]; ok {
		var rec runs.Record
		if err := json.Unmarshal(b, &rec); err != nil {
			return nil, fmt.Errorf("%s/run.json: %w", name, err)
		}
		run.rec = &rec
	}
	return run, nil
}

// runsList is tt.runs(): a Promise of the runs kept in this browser,
// oldest first.
func runsList(_ js.Value, args []js.Value) (any, error) {
	if err := readArgs("tt.runs", args).Err(); err != nil {
		return nil, err
	}
	if len(args) > 0 {
		return nil, fmt.Errorf("tt.runs: takes no arguments, got %d", len(args))
	}
	return promise(func() (any, error) {
		names, err := storageList("runs")
		if err != nil {
			return nil, err
		}
		slices.Sort(names)
		arr := js.Global().Get("Array").New()
		for _, n := range names {
			run, err := loadRun(n)
			if err != nil {
				return nil, err
			}
			arr.Call("push", runKind.wrap(run))
		}
		return arr, nil
	}), nil
}

// buildRunKind gives run objects their methods and properties.
func buildRunKind() {
	get := func(name string, fn func(run *storedRun) (any, error)) binding {
		return kindMethod(runKind, name, func(run *storedRun, _ js.Value, _ *argReader) (any, error) { return fn(run) })
	}
	runKind.build(map[string]binding{
		"toString": get("toString", func(run *storedRun) (any, error) { return run.summary(), nil }),
		"text": kindMethod(runKind, "run.text", func(run *storedRun, _ js.Value, r *argReader) (any, error) {
			name := r.NeedString(0, `a file of the run folder, such as "config.yaml"`)
			if err := r.Err(); err != nil {
				return nil, err
			}
			b, err := run.file(name)
			return string(b), err
		}),
		"chart": kindMethod(runKind, "run.chart", func(run *storedRun, _ js.Value, r *argReader) (any, error) {
			name := strings.TrimSuffix(r.String(0, `"loss", "accuracy" or "lr"`, "loss"), ".svg")
			if err := r.Err(); err != nil {
				return nil, err
			}
			b, err := run.file("charts/" + name + ".svg")
			if err != nil {
				return nil, err
			}
			return richValue(bundle{"image/svg+xml": string(b), "text/plain": "[chart " + name + "]"}), nil
		}),
		"metrics": get("run.metrics", func(run *storedRun) (any, error) {
			arr := js.Global().Get("Array").New()
			for _, line := range strings.Split(strings.TrimSpace(string(run.files["metrics.jsonl"])), "\n") {
				if line != "" {
					arr.Call("push", js.Global().Get("JSON").Call("parse", line))
				}
			}
			return arr, nil
		}),
		"download": get("run.download", func(run *storedRun) (any, error) {
			z, err := run.zip()
			if err != nil {
				return nil, err
			}
			return downloadBytesValue(run.name+".zip", "application/zip", z,
				fmt.Sprintf("the run folder %s/ (%d files), as `tinytorch train` writes it", run.name, len(run.files))), nil
		}),
	}, map[string]binding{
		"name":   get("name", func(run *storedRun) (any, error) { return run.name, nil }),
		"status": get("status", func(run *storedRun) (any, error) { return run.status(), nil }),
		"files":  get("files", func(run *storedRun) (any, error) { return stringsToJS(run.files.Names()), nil }),
		"record": get("record", func(run *storedRun) (any, error) {
			if run.rec == nil {
				return nil, nil
			}
			return js.Global().Get("JSON").Call("parse", string(run.files["run.json"])), nil
		}),
		"model": get("model", func(run *storedRun) (any, error) {
			if run.setup == nil {
				return nil, fmt.Errorf("run.model: the model of %s is in its checkpoint: tt.load(run, model) loads it", run.name)
			}
			return wrapModule(run.setup.Model), nil
		}),
	})
}

// file is one of the run folder's files.
func (run *storedRun) file(name string) ([]byte, error) {
	b, ok := run.files[name]
	if !ok {
		return nil, fmt.Errorf("%s has no file %q; it has %s", run.name, name, strings.Join(run.files.Names(), ", "))
	}
	return b, nil
}

func (run *storedRun) status() string {
	if run.rec == nil {
		return "incomplete"
	}
	return run.rec.Status
}

// summary is the run's line in a listing, as `tinytorch runs` shows it.
func (run *storedRun) summary() string {
	if run.rec == nil {
		return fmt.Sprintf("%s  incomplete (no run.json)", run.name)
	}
	r := run.rec
	return fmt.Sprintf("%s  %s  %s  %d epochs  %d steps  test accuracy %s  test loss %s", run.name, r.Status, r.Model,
		r.Epochs, r.Steps, runs.FinalMetric(r, "val_accuracy"), runs.FinalMetric(r, "val_loss"))
}

// zip is the run folder as a zip archive: <name>/config.yaml, … .
func (run *storedRun) zip() ([]byte, error) {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, f := range runFiles(run.files) {
		h := &zip.FileHeader{Name: path.Join(run.name, f), Method: zip.Deflate}
		if run.rec != nil {
			h.Modified = run.rec.Ended
		}
		fw, err := w.CreateHeader(h)
		if err == nil {
			_, err = fw.Write(run.files[f])
		}
		if err != nil {
			return nil, fmt.Errorf("zipping %s: %w", run.name, err)
		}
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("zipping %s: %w", run.name, err)
	}
	return buf.Bytes(), nil
}
