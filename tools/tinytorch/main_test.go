package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestRun checks the command line: dispatch, help, and that every mistake
// prints a clear error with the usage and exits with code 2.
func TestRun(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		code       int
		stdout     []string // substrings of stdout
		stderr     []string // substrings of stderr
		quietStdio bool     // stdout must be empty
	}{
		{"no command", nil, 2, nil, []string{"tinytorch: no command given", "Usage:", "tinytorch profile [--model"}, true},
		{"help", []string{"help"}, 0, []string{"Commands:", "version", "profile", "milestone", "Exit codes"}, nil, false},
		{"-h", []string{"-h"}, 0, []string{"Commands:"}, nil, false},
		{"--help", []string{"--help"}, 0, []string{"Commands:"}, nil, false},
		{"help profile", []string{"help", "profile"}, 0, []string{"Usage: tinytorch profile", "-batch", "-kernel", "-out", "(default 64)"}, nil, false},
		{"help milestone", []string{"help", "milestone"}, 0, []string{"Usage: tinytorch milestone", "-run", "lenet-fashion"}, nil, false},
		{"help unknown", []string{"help", "fly"}, 2, nil, []string{`unknown command "fly"`, "Usage:"}, true},
		{"unknown command", []string{"fly", "--config", "x.yaml"}, 2, nil, []string{`tinytorch: unknown command "fly"`, "Commands:"}, true},
		{"flag before command", []string{"--model", "lenet"}, 2, nil, []string{"flag --model given before a command", "Usage:"}, true},
		{"version", []string{"version"}, 0, []string{"tinytorch ", "go1.", "kernel ", "threads"}, nil, false},
		{"version argument", []string{"version", "now"}, 2, nil, []string{`tinytorch version: unexpected argument "now"`, "Usage: tinytorch version"}, true},
		{"profile -h", []string{"profile", "-h"}, 0, []string{"Usage: tinytorch profile", "-threads"}, nil, false},
		{"profile unknown flag", []string{"profile", "--bogus"}, 2, nil, []string{"tinytorch profile: flag provided but not defined: -bogus", "Usage: tinytorch profile", "-batch"}, true},
		{"profile bad int", []string{"profile", "--batch", "many"}, 2, nil, []string{`tinytorch profile: invalid value "many" for flag -batch`, "Usage: tinytorch profile"}, true},
		{"profile missing value", []string{"profile", "--model"}, 2, nil, []string{"flag needs an argument: -model"}, true},
		{"profile batch 0", []string{"profile", "--batch", "0"}, 2, nil, []string{"--batch 0: want 1 to 65536"}, true},
		{"profile batch 65537", []string{"profile", "--batch", "65537"}, 2, nil, []string{"--batch 65537: want 1 to 65536"}, true},
		// 64 MiB + 3 steps × 1.5 MiB + 65,536 × 560 KiB, refused before
		// anything is allocated.
		{"profile lenet over the memory budget", []string{"profile", "--model", "lenet", "--batch", "65536"}, 2, nil,
			[]string{"--batch 65536: profiling lenet on it for 3 steps needs about 37652791296 bytes (35.1 GiB), more than the limit of 2147483648 bytes (--memory-limit 2048 MiB); use --batch 3619 or less"}, true},
		{"profile mlp over a small budget", []string{"profile", "--batch", "8192", "--memory-limit", "128"}, 2, nil,
			[]string{"--batch 8192: profiling mlp on it for 3 steps needs about 206045184 bytes (196 MiB), more than the limit of 134217728 bytes (--memory-limit 128 MiB); use --batch 3808 or less"}, true},
		{"profile steps over a small budget", []string{"profile", "--steps", "1000", "--memory-limit", "1024"}, 2, nil,
			[]string{"--steps 1000: profiling them needs about 1639972864 bytes (1.5 GiB) before any batch, more than the limit of 1073741824 bytes (--memory-limit 1024 MiB)"}, true},
		{"profile memory limit 0", []string{"profile", "--memory-limit", "0"}, 2, nil, []string{"--memory-limit 0: want 1 to 1048576 MiB"}, true},
		{"profile steps 0", []string{"profile", "--steps=0"}, 2, nil, []string{"--steps 0: want 1 to 1000"}, true},
		{"profile warmup -1", []string{"profile", "--warmup", "-1"}, 2, nil, []string{"--warmup -1"}, true},
		{"profile unknown model", []string{"profile", "--model", "resnet"}, 2, nil, []string{`unknown model "resnet": choose mlp or lenet`}, true},
		{"profile unknown kernel", []string{"profile", "--kernel", "cuda"}, 2, nil, []string{`unknown kernel "cuda": this machine has naive, blocked`}, true},
		{"profile threads -1", []string{"profile", "--threads", "-1"}, 2, nil, []string{"--threads -1"}, true},
		{"profile empty out", []string{"profile", "--out", ""}, 2, nil, []string{"--out is empty"}, true},
		{"profile argument", []string{"profile", "lenet"}, 2, nil, []string{`unexpected argument "lenet"`}, true},
		{"milestone -h", []string{"milestone", "-h"}, 0, []string{"Usage: tinytorch milestone", "-epochs"}, nil, false},
		{"milestone unknown", []string{"milestone", "-run", "alexnet"}, 2, nil, []string{`unknown milestone "alexnet": choose perceptron, xor, mlp-digits, lenet-fashion, attention-shakespeare or all`}, true},
		{"milestone epochs -1", []string{"milestone", "-epochs", "-1"}, 2, nil, []string{"-epochs and -train must be 0 or more"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(tc.args, &stdout, &stderr)
			if code != tc.code {
				t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, &stdout, &stderr)
			}
			for _, s := range tc.stdout {
				if !strings.Contains(stdout.String(), s) {
					t.Errorf("stdout lacks %q:\n%s", s, &stdout)
				}
			}
			for _, s := range tc.stderr {
				if !strings.Contains(stderr.String(), s) {
					t.Errorf("stderr lacks %q:\n%s", s, &stderr)
				}
			}
			if tc.quietStdio && stdout.Len() > 0 {
				t.Errorf("stdout should be empty on a usage error:\n%s", &stdout)
			}
			if tc.code == 0 && stderr.Len() > 0 {
				t.Errorf("stderr should be empty on success:\n%s", &stderr)
			}
		})
	}
}

func TestParseProfile(t *testing.T) {
	tests := []struct {
		args []string
		want profileOptions
	}{
		{nil, profileOptions{model: "mlp", batch: 64, steps: 3, warmup: 1, kernel: "simd", threads: 0, out: "runs", seed: 1, top: 20, memoryMB: 2048}},
		{[]string{"--model", "lenet", "-batch=8", "--steps", "2", "--warmup=0", "--kernel", "tiled", "--threads", "1", "--out", "x/y", "--seed", "7", "--top", "0", "--memory-limit", "4096"},
			profileOptions{model: "lenet", batch: 8, steps: 2, warmup: 0, kernel: "tiled", threads: 1, out: "x/y", seed: 7, top: 0, memoryMB: 4096}},
	}
	for _, tc := range tests {
		o, err := parseProfile(tc.args, new(bytes.Buffer))
		if err != nil {
			t.Errorf("%q: %v", tc.args, err)
			continue
		}
		if *o != tc.want {
			t.Errorf("%q: got %+v, want %+v", tc.args, *o, tc.want)
		}
	}
}

func TestShellJoin(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"profile", "--model", "lenet"}, "profile --model lenet"},
		{[]string{"profile", "--out", "my runs"}, `profile --out 'my runs'`},
		{[]string{"profile", "--out", ""}, `profile --out ''`},
		{[]string{"profile", "--out", "$HOME"}, `profile --out '$HOME'`},
		{[]string{"profile", "--out", "it's"}, `profile --out 'it'\''s'`},
	}
	for _, tc := range tests {
		if got := shellJoin(tc.args); got != tc.want {
			t.Errorf("shellJoin(%q) = %s, want %s", tc.args, got, tc.want)
		}
	}
}
