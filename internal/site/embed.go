package site

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
)

// EmbedPath is the embed script's URL in the site. It carries no hash and
// its folder is versioned: a textbook chapter published with it keeps
// working after later deploys, which change only the hashed files it
// loads. A change that breaks the markup or the options would be v2.
const EmbedPath = "/embed/v1/embed.js"

// embedAssets is what the embed script needs to know about this build,
// defined into it as __TT_EMBED_ASSETS__: the files it loads on first
// use, relative to the site's root, and the wasm sizes for its progress.
type embedAssets struct {
	Runtime     string `json:"runtime"`
	Page        string `json:"page"`
	Kernel      string `json:"kernel"`
	Worker      string `json:"worker"`
	WasmExec    string `json:"wasmExec"`
	PageBytes   int64  `json:"pageBytes"`
	KernelBytes int64  `json:"kernelBytes"`
}

// bundleEmbed builds the embed (web/src/embed): the runtime, hashed in
// assets/ like the other bundles, then the small script at EmbedPath that
// loads it, with the notebook's style sheet inlined as text (the cells
// show at once, styled, before anything else loads). It runs after the
// wasm and the other bundles, whose names it records.
func bundleEmbed(root, out string, assets *Assets) error {
	runtime, err := esbuild(root, out, api.BuildOptions{
		EntryPoints: []string{"src/embed/runtime.js"},
		Format:      api.FormatESModule,
		EntryNames:  "embed-[name].[hash]",
		Outdir:      filepath.Join(out, assetDir),
	})
	if err != nil {
		return err
	}
	info := embedAssets{
		Runtime: rel(runtime), Page: rel(assets.Page), Kernel: rel(assets.Kernel),
		Worker: rel(assets.Worker), WasmExec: rel(assets.WasmExec),
	}
	if info.PageBytes, err = fileSize(out, assets.Page); err != nil {
		return err
	}
	if info.KernelBytes, err = fileSize(out, assets.Kernel); err != nil {
		return err
	}
	define, err := json.Marshal(info)
	if err != nil {
		return err
	}
	embed, err := esbuild(root, out, api.BuildOptions{
		EntryPoints: []string{"src/embed/embed.js"},
		Format:      api.FormatESModule,
		Outfile:     filepath.Join(out, filepath.FromSlash(strings.TrimPrefix(EmbedPath, "/"))),
		Define:      map[string]string{"__TT_EMBED_ASSETS__": string(define)},
		Loader:      map[string]api.Loader{".css": api.LoaderText},
	})
	if err != nil {
		return err
	}
	assets.EmbedRuntime, assets.Embed = runtime, embed
	return nil
}

// esbuild bundles one entry point of web/ with the options every bundle
// shares (minified, ES2022, a linked source map) and returns the URL of
// its output in the site at out.
func esbuild(root, out string, o api.BuildOptions) (string, error) {
	o.AbsWorkingDir = filepath.Join(root, "web")
	o.Bundle, o.Target, o.Sourcemap = true, api.ES2022, api.SourceMapLinked
	o.MinifyWhitespace, o.MinifyIdentifiers, o.MinifySyntax = true, true, true
	o.Metafile, o.Write, o.LogLevel = true, true, api.LogLevelSilent
	res := api.Build(o)
	if len(res.Errors) > 0 {
		msgs := api.FormatMessages(res.Errors, api.FormatMessagesOptions{Kind: api.ErrorMessage})
		return "", fmt.Errorf("esbuild:\n%s", strings.Join(msgs, ""))
	}
	var meta struct {
		Outputs map[string]struct {
			EntryPoint string `json:"entryPoint"`
		} `json:"outputs"`
	}
	if err := json.Unmarshal([]byte(res.Metafile), &meta); err != nil {
		return "", err
	}
	for path, output := range meta.Outputs {
		if output.EntryPoint != "" {
			// esbuild names outputs relative to its working folder, web/.
			r, err := filepath.Rel(out, filepath.Join(o.AbsWorkingDir, filepath.FromSlash(path)))
			if err != nil {
				return "", err
			}
			return "/" + filepath.ToSlash(r), nil
		}
	}
	return "", fmt.Errorf("esbuild wrote no output for %v", o.EntryPoints)
}

// rel makes a site URL ("/assets/x.js") relative to the site's root.
func rel(url string) string { return strings.TrimPrefix(url, "/") }

// fileSize is the size of the site file at url.
func fileSize(out, url string) (int64, error) {
	st, err := os.Stat(filepath.Join(out, filepath.FromSlash(rel(url))))
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}
