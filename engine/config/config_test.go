package config

import (
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite configs/default.yaml from Default")

// defaultFile is the repository's configs/default.yaml.
var defaultFile = filepath.Join("..", "..", "configs", "default.yaml")

// defaultHeader opens configs/default.yaml; the rest is Default().Marshal().
const defaultHeader = `# The default TinyTorch run: the MLP milestone (chapter 3) on the MNIST digits.
#
#   tinytorch train --config configs/default.yaml
#   tinytorch train --config configs/default.yaml --set optim.lr=0.01 --set epochs=2
#
# Every key is here with its default value; a config may leave any key out
# to keep the default. engine/config reads it strictly: an unknown key or a
# value of the wrong type is an error naming its line and column.
`

// configs/default.yaml is Default written out: a key the file leaves out
// and the same key in the default file mean the same. Run the test with
// -update to rewrite the file after changing Default.
func TestDefaultFileIsDefault(t *testing.T) {
	want := defaultHeader + string(Default().Marshal())
	if *update {
		if err := os.WriteFile(defaultFile, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(defaultFile)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("%s is not Default().Marshal() under its header; run go test ./engine/config -run TestDefaultFileIsDefault -update\ngot:\n%s\nwant:\n%s", defaultFile, got, want)
	}
	cfg, err := Load(defaultFile)
	if err != nil {
		t.Fatal(err)
	}
	assertSame(t, cfg, Default())
}

// assertSame compares the exported fields of two configs.
func assertSame(t *testing.T, got, want *Config) {
	t.Helper()
	g, w := *got, *want
	g.file, g.pos, g.overrides, w.file, w.pos, w.overrides = "", nil, nil, "", nil, nil
	if !reflect.DeepEqual(g, w) {
		t.Errorf("got %+v\nwant %+v", g, w)
	}
}

// A file sets what it names and leaves the rest at the defaults.
func TestParseOverlaysDefaults(t *testing.T) {
	cfg, err := Parse("run.yaml", []byte("model:\n  name: lenet\noptim:\n  lr: 0.01\n  name: sgd\n  momentum: 0.9\ndata:\n  transforms:\n    normalize_mean: []\n    normalize_std: []\nepochs: 3\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := Default()
	want.Model.Name, want.Optim.LR, want.Optim.Name, want.Optim.Momentum, want.Epochs = "lenet", 0.01, "sgd", 0.9, 3
	want.Data.Transforms.NormalizeMean, want.Data.Transforms.NormalizeStd = []float64{}, []float64{}
	assertSame(t, cfg, want)
	if got := cfg.Pos("optim.lr"); got != "run.yaml:4:7" {
		t.Errorf("Pos(optim.lr) = %q, want run.yaml:4:7", got)
	}
	if got := cfg.Pos("seed"); got != "run.yaml" {
		t.Errorf("Pos(seed) = %q for a default, want the file's name", got)
	}
}

// Every mistake a file can hold, and its message: the position of the
// value at fault, the key, what is wrong and what was expected.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"unknown top key", "epoch: 3\n", `run.yaml:1:1: unknown key "epoch" (did you mean "epochs"?), expected one of model, data, optim, schedule, epochs, seed, kernel, threads`},
		{"unknown nested key", "optim:\n  lrate: 0.1\n", `run.yaml:2:3: optim: unknown key "lrate", expected one of name, lr, momentum, beta1, beta2, weight_decay`},
		{"string for number", "optim:\n  lr: fast\n", `run.yaml:2:7: optim.lr: "fast" is a string, expected a number`},
		{"quoted number", "optim:\n  lr: \"0.1\"\n", `run.yaml:2:7: optim.lr: "0.1" is a string, expected a number`},
		{"float for int", "epochs: 2.5\n", `run.yaml:1:9: epochs: 2.5 is a number with a fraction, expected a whole number`},
		{"number for string", "model:\n  name: 5\n", `run.yaml:2:9: model.name: 5 is a whole number, expected a string (quote it: "5")`},
		{"null", "epochs:\n", `run.yaml:1:8: epochs: no value (null), expected a whole number`},
		{"string for bool", "data:\n  shuffle: yes please\n", `run.yaml:2:12: data.shuffle: "yes please" is a string, expected true or false`},
		{"scalar for mapping", "optim: adam\n", `run.yaml:1:8: optim: "adam" is a string, expected a mapping of name, lr, momentum, beta1, beta2, weight_decay`},
		{"list for mapping", "model: [mlp]\n", `run.yaml:1:8: model: a list, expected a mapping of name`},
		{"scalar for list", "data:\n  transforms:\n    normalize_mean: 0.5\n", `run.yaml:3:21: data.transforms.normalize_mean: 0.5 is a number with a fraction, expected a list of numbers such as [0.5]`},
		{"string in list", "data:\n  transforms:\n    normalize_mean: [a]\n", `run.yaml:3:22: data.transforms.normalize_mean[0]: "a" is a string, expected a number`},
		{"infinite", "optim:\n  lr: .inf\n", `run.yaml:2:7: optim.lr: .inf is not finite, expected a number`},
		{"huge int", "epochs: 99999999999999999999\n", `run.yaml:1:9: epochs: 99999999999999999999 is a number with a fraction, expected a whole number`},
		{"duplicate", "epochs: 1\nepochs: 2\n", `run.yaml:2:1: epochs: given twice (first at line 1, column 1), expected once`},
		{"unknown model", "model:\n  name: resnet\n", `run.yaml:2:9: model.name: "resnet" is not a known model, expected one of mlp, lenet`},
		{"zero lr", "optim:\n  lr: 0\n", `run.yaml:2:7: optim.lr: 0, expected a learning rate > 0`},
		{"zero batch", "data:\n  batch_size: 0\n", `run.yaml:2:15: data.batch_size: 0, expected 1 or more`},
		{"zero epochs", "epochs: 0\n", `run.yaml:1:9: epochs: 0, expected 1 or more`},
		{"negative threads", "threads: -1\n", `run.yaml:1:10: threads: -1, expected 0 or more`},
		{"momentum 1", "optim:\n  momentum: 1\n", `run.yaml:2:13: optim.momentum: 1, expected a value in [0, 1)`},
		{"std zero", "data:\n  transforms:\n    normalize_std: [0]\n", `run.yaml:3:20: data.transforms.normalize_std: value 0 is 0, expected a standard deviation > 0`},
		{"std without mean", "data:\n  transforms:\n    normalize_mean: []\n", `run.yaml:3:21: data.transforms.normalize_mean: normalize_mean has 0 values and normalize_std 1, expected one of each per channel (the images are grayscale: one channel), or none of either`},
		{"crop too big", "data:\n  transforms:\n    random_crop_padding: 28\n", `run.yaml:3:26: data.transforms.random_crop_padding: 28 pixels, expected 0 to 27`},
		{"cosine eta_min", "schedule:\n  name: cosine\n  eta_min: 0.5\n", `run.yaml:3:12: schedule.eta_min: 0.5, expected 0 or more and below optim.lr (0.001)`},
		{"beta2 zero", "optim:\n  beta2: 0\n", `run.yaml:2:10: optim.beta2: 0, expected a value in (0, 1)`},
		{"gamma", "schedule:\n  gamma: 2\n", `run.yaml:2:10: schedule.gamma: 2, expected a factor in (0, 1]`},
		{"unknown schedule", "schedule:\n  name: warmup\n", `run.yaml:2:9: schedule.name: "warmup" is not a known schedule, expected one of none, cosine, step`},
		{"key not a name", "? [a]\n: 1\n", `run.yaml:1:3: a key that is a list, expected a name`},
		{"document a list", "- 1\n", `run.yaml:1:1: a list, expected a mapping of model, data, optim, schedule, epochs, seed, kernel, threads`},
		{"empty", "", `run.yaml: the file is empty, expected a mapping of keys such as model, data and optim`},
		{"comments only", "# nothing\n", `run.yaml: the file is empty, expected a mapping of keys such as model, data and optim`},
		{"two documents", "epochs: 1\n---\nepochs: 2\n", `run.yaml:2:1: a second YAML document (after ---), expected one`},
		{"malformed", "model:\n  name: mlp\n bad: [\n", `run.yaml:2: malformed YAML: did not find expected key`},
		{"tab", "model:\n\tname: mlp\n", `run.yaml:2: malformed YAML: found character that cannot start any token`},
		{"two errors, in order", "seed: x\nepochs: y\n", "run.yaml:1:7: seed: \"x\" is a string, expected a whole number\nrun.yaml:2:9: epochs: \"y\" is a string, expected a whole number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Parse("run.yaml", []byte(tt.src))
			if err == nil {
				t.Fatalf("no error; got %+v", cfg)
			}
			if err.Error() != tt.want {
				t.Errorf("error\n%s\nwant\n%s", err, tt.want)
			}
		})
	}
}

// An alias reads as the value it names.
func TestParseAlias(t *testing.T) {
	cfg, err := Parse("run.yaml", []byte("seed: &s 7\ndata:\n  shuffle_seed: *s\n"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Seed != 7 || cfg.Data.ShuffleSeed != 7 {
		t.Errorf("seed %d, shuffle_seed %d, want 7 and 7", cfg.Seed, cfg.Data.ShuffleSeed)
	}
}

// --set reaches any key, typed as the file's values are.
func TestSet(t *testing.T) {
	cfg := Default()
	for _, s := range []string{"optim.lr=0.01", "epochs=2", "model.name=lenet", "data.shuffle=false", "kernel=", "data.transforms.normalize_mean=[0.5]", "data.transforms.normalize_std=[0.25]", "optim={name: sgd, lr: 0.1}"} {
		if err := cfg.Set(s); err != nil {
			t.Fatalf("Set(%q): %v", s, err)
		}
	}
	want := Default()
	want.Optim.LR, want.Epochs, want.Model.Name, want.Data.Shuffle = 0.1, 2, "lenet", false
	want.Optim.Name = "sgd"
	want.Data.Transforms.NormalizeMean, want.Data.Transforms.NormalizeStd = []float64{0.5}, []float64{0.25}
	assertSame(t, cfg, want)
	if got := len(cfg.Overrides()); got != 8 {
		t.Errorf("%d overrides recorded, want 8", got)
	}
	if got := cfg.Pos("optim.lr"); got != "--set optim={name: sgd, lr: 0.1}" {
		t.Errorf("Pos(optim.lr) = %q", got)
	}
}

// A bad override is an error naming it, and changes nothing.
func TestSetErrors(t *testing.T) {
	tests := []struct{ set, want string }{
		{"optim.lr", `--set optim.lr: expected key=value, such as optim.lr=0.01`},
		{"=1", `--set =1: expected key=value, such as optim.lr=0.01`},
		{"optim.lrr=0.1", `--set optim.lrr=0.1: unknown key "lrr" in optim (did you mean "lr"?), expected one of name, lr, momentum, beta1, beta2, weight_decay`},
		{"epoch=1", `--set epoch=1: unknown key "epoch" (did you mean "epochs"?), expected one of model, data, optim, schedule, epochs, seed, kernel, threads`},
		{"epochs.x=1", `--set epochs.x=1: epochs: is a value, not a mapping: it has no key "x"`},
		{"optim.lr=fast", `--set optim.lr=fast: optim.lr: "fast" is a string, expected a number`},
		{"epochs=1.5", `--set epochs=1.5: epochs: 1.5 is a number with a fraction, expected a whole number`},
		{"epochs=0", `--set epochs=0: epochs: 0, expected 1 or more`},
		{"optim.lr=[1", `--set optim.lr=[1: optim.lr: malformed YAML value: line 1: did not find expected ',' or ']'`},
		{"optim={lr: x}", `--set optim={lr: x}: optim.lr: "x" is a string, expected a number`},
		{"model.name=vgg", `--set model.name=vgg: model.name: "vgg" is not a known model, expected one of mlp, lenet`},
	}
	for _, tt := range tests {
		t.Run(tt.set, func(t *testing.T) {
			cfg := Default()
			err := cfg.Set(tt.set)
			if err == nil || err.Error() != tt.want {
				t.Errorf("Set(%q) = %v, want\n%s", tt.set, err, tt.want)
			}
			assertSame(t, cfg, Default())
			if len(cfg.Overrides()) != 0 {
				t.Errorf("a failed override was recorded: %v", cfg.Overrides())
			}
		})
	}
}

// Marshal writes what Parse reads back, overrides and odd floats included.
func TestMarshalRoundTrip(t *testing.T) {
	cfg := Default()
	for _, s := range []string{"optim.lr=1e-05", "optim.weight_decay=0.30000000000000004", "kernel='a: b'", "data.dir=/tmp/x y", "data.transforms={normalize_mean: [], normalize_std: []}"} {
		if err := cfg.Set(s); err != nil {
			t.Fatal(err)
		}
	}
	back, err := Parse("resolved.yaml", cfg.Marshal())
	if err != nil {
		t.Fatalf("%v\n%s", err, cfg.Marshal())
	}
	assertSame(t, back, cfg)
	if !strings.Contains(string(cfg.Marshal()), "lr: 1e-05 # learning rate\n") {
		t.Errorf("Marshal wrote\n%s", cfg.Marshal())
	}
}
