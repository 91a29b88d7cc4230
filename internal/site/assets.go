package site

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
)

// assetDir is the folder, inside the site, of the content-hashed files.
const assetDir = "assets"

// compileWasm builds the Go program in ./wasm/cmd/<name> for GOOS=js
// GOARCH=wasm and stores it under a hashed name; keepNames keeps its
// function names for profilers.
func compileWasm(ctx context.Context, root, out, name string, keepNames bool) (string, error) {
	raw := filepath.Join(out, name+".wasm")
	// -s -w drops the symbol table (in wasm, the name section) and DWARF,
	// which the browser never reads; only a profiler reads the names.
	ldflags := "-ldflags=-s -w"
	if keepNames {
		ldflags = "-ldflags=-w"
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", ldflags, "-o", raw, "./wasm/cmd/"+name)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if msg, err := cmd.CombinedOutput(); err != nil {
		if ctx.Err() != nil {
			return "", context.Cause(ctx)
		}
		return "", fmt.Errorf("go build ./wasm/cmd/%s: %v\n%s", name, err, msg)
	}
	return storeHashed(out, raw, name, ".wasm")
}

// copyWasmExec copies the JavaScript support file of the Go toolchain that
// compiled the wasm; the two must come from the same Go version.
func copyWasmExec(out string) (string, error) {
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOROOT: %v", err)
	}
	src := filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec.js")
	data, err := os.ReadFile(src)
	if err != nil {
		return "", err
	}
	tmp := filepath.Join(out, "wasm_exec.js")
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return "", err
	}
	return storeHashed(out, tmp, "wasm_exec", ".js")
}

// storeHashed moves file to assets/<name>.<hash><ext> and returns its URL.
func storeHashed(out, file, name, ext string) (string, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	rel := fmt.Sprintf("%s/%s.%s%s", assetDir, name, hex.EncodeToString(sum[:4]), ext)
	dst := filepath.Join(out, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return "", err
	}
	return "/" + rel, os.Rename(file, dst)
}

// bundle runs esbuild on web/src: the page loader as an ES module, the
// workers (the kernel's and the notebook files') as classic scripts (they
// call importScripts), and the style sheet.
func bundle(root, out string, assets *Assets) error {
	// The loader is split so that KaTeX, imported on demand, is a chunk of
	// its own that pages without math never fetch.
	builds := []struct {
		entries   []string
		format    api.Format
		splitting bool
	}{
		{[]string{"src/main.js", "src/style.css", "src/progress.js"}, api.FormatESModule, true},
		{[]string{"src/worker.js", "src/docs-worker.js"}, api.FormatIIFE, false},
	}
	for _, b := range builds {
		res := api.Build(api.BuildOptions{
			AbsWorkingDir:     filepath.Join(root, "web"),
			EntryPoints:       b.entries,
			Bundle:            true,
			Format:            b.format,
			Target:            api.ES2022,
			MinifyWhitespace:  true,
			MinifyIdentifiers: true,
			MinifySyntax:      true,
			Sourcemap:         api.SourceMapLinked,
			Splitting:         b.splitting,
			EntryNames:        "[name].[hash]",
			ChunkNames:        "chunk.[hash]",
			Outdir:            filepath.Join(out, assetDir),
			Metafile:          true,
			Write:             true,
			LogLevel:          api.LogLevelSilent,
		})
		if len(res.Errors) > 0 {
			msgs := api.FormatMessages(res.Errors, api.FormatMessagesOptions{Kind: api.ErrorMessage})
			return fmt.Errorf("esbuild:\n%s", strings.Join(msgs, ""))
		}
		if err := recordOutputs(res.Metafile, out, assets); err != nil {
			return err
		}
	}
	return nil
}

// recordOutputs reads esbuild's metafile to learn the hashed name of each
// entry point's output.
func recordOutputs(metafile, out string, assets *Assets) error {
	var meta struct {
		Outputs map[string]struct {
			EntryPoint string `json:"entryPoint"`
		} `json:"outputs"`
	}
	if err := json.Unmarshal([]byte(metafile), &meta); err != nil {
		return err
	}
	for path, o := range meta.Outputs {
		url := "/" + filepath.ToSlash(strings.TrimPrefix(path, filepath.ToSlash(out)+"/"))
		if i := strings.Index(url, "/"+assetDir+"/"); i > 0 {
			url = url[i:] // esbuild reports paths relative to its working dir
		}
		switch o.EntryPoint {
		case "src/main.js":
			assets.Main = url
		case "src/worker.js":
			assets.Worker = url
		case "src/docs-worker.js":
			assets.DocsWorker = url
		case "src/style.css":
			assets.Style = url
		case "src/progress.js":
			assets.Progress = url
		}
	}
	if assets.Main == "" && assets.Worker == "" {
		return fmt.Errorf("esbuild wrote no entry point outputs")
	}
	return nil
}
