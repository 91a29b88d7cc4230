// Command workerbuild builds the Cloudflare worker (tools/worker) for
// `make worker-dev` and `make deploy`:
//
//  1. it checks the built site against Workers static assets' limits (25
//     MiB a file, 20,000 files), failing with the files at fault;
//  2. it writes the glue of github.com/syumai/workers (workers-assets-gen)
//     and compiles the Go worker to app.wasm in the output folder, beside
//     a copy of tools/worker/entry.mjs;
//  3. it checks the worker's bundle against the free plan's 3 MB
//     compressed limit, and prints its size.
package main

import (
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"tinytorch/internal/hosted"
	"tinytorch/internal/repo"
)

// MaxBundle is the free plan's limit on a worker's compressed size: 3 MB.
const MaxBundle = 3_000_000

func main() {
	dist := flag.String("dist", "dist", "the built site, relative to the repository root")
	out := flag.String("out", "tools/worker/build", "output folder of the worker, relative to the repository root")
	maxFiles := flag.Int("max-files", hosted.MaxAssetFiles, "most static-asset files allowed (20,000 on the free plan)")
	flag.Parse()
	if err := run(*dist, *out, *maxFiles); err != nil {
		fmt.Fprintln(os.Stderr, "workerbuild:", err)
		os.Exit(1)
	}
}

func run(dist, out string, maxFiles int) error {
	root, err := repo.Root()
	if err != nil {
		return err
	}
	dist, out = abs(root, dist), abs(root, out)
	sum, err := hosted.CheckAssets(dist, maxFiles)
	if err != nil {
		return err
	}
	fmt.Printf("static assets: %d files, %.1f MB; the largest, %s, is %.1f MB (limits: %d files, %d MiB a file)\n",
		sum.Files, float64(sum.Bytes)/1e6, sum.Largest, float64(sum.MaxSize)/1e6, maxFiles, hosted.MaxAssetSize>>20)
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	if err := goCmd(root, nil, "run", "github.com/syumai/workers/cmd/workers-assets-gen", "-mode=go", "-o", out); err != nil {
		return fmt.Errorf("generating the worker's glue: %v", err)
	}
	wasm := filepath.Join(out, "app.wasm")
	if err := goCmd(root, []string{"GOOS=js", "GOARCH=wasm"}, "build", "-trimpath", "-ldflags=-s -w", "-o", wasm, "./tools/worker"); err != nil {
		return fmt.Errorf("compiling the worker: %v", err)
	}
	entry, err := os.ReadFile(filepath.Join(root, "tools", "worker", "entry.mjs"))
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "entry.mjs"), entry, 0o644); err != nil {
		return err
	}
	raw, packed, err := bundleSize(out)
	if err != nil {
		return err
	}
	fmt.Printf("worker bundle: %.2f MB raw, %.2f MB gzip (the free plan allows %.0f MB compressed)\n", float64(raw)/1e6, float64(packed)/1e6, float64(MaxBundle)/1e6)
	return checkBundle(packed)
}

// checkBundle fails when the compressed bundle is over MaxBundle.
func checkBundle(packed int64) error {
	if packed > MaxBundle {
		return fmt.Errorf("the worker's bundle is %.2f MB compressed, over the %.0f MB the free plan allows: "+
			"keep tools/worker's imports lean (it must not import the engine)", float64(packed)/1e6, float64(MaxBundle)/1e6)
	}
	return nil
}

// bundleSize is the raw and gzip-compressed size of the files in the
// worker's folder: what wrangler uploads, compressed as Cloudflare counts
// it against the limit.
func bundleSize(dir string) (raw, packed int64, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, 0, err
	}
	var all, buf bytes.Buffer
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return 0, 0, err
		}
		all.Write(b)
	}
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(all.Bytes())
	zw.Close()
	return int64(all.Len()), int64(buf.Len()), nil
}

// goCmd runs the go command in the repository with extra environment.
func goCmd(root string, env []string, args ...string) error {
	goBin := os.Getenv("GO")
	if goBin == "" {
		goBin = "go"
	}
	cmd := exec.Command(goBin, args...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	return cmd.Run()
}

func abs(root, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(root, p)
}
