package importgraph

import (
	"errors"
	"fmt"
	"go/build"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
)

// engineOrder is the engine in the book's order: each row is a package and
// the engine packages it may import, which must all be rows above it. The
// machinery below the tensor (CPU features, matmul kernels, vector loops)
// comes first although chapter 11 teaches the kernels, because the tensor
// package's one matmul entry point and its fused loops call it.
//
// A new engine package needs a row; a new arrow needs a reason, here and in
// docs/ARCHITECTURE.md's graph.
var engineOrder = []struct {
	pkg     string
	chapter string // where the book teaches it
	imports []string
}{
	{"engine/atomicfile", "5, 13", nil},
	{"engine/internal/cpu", "11", nil},
	{"engine/kernels", "11", []string{"engine/internal/cpu"}},
	{"engine/kernels/wasmsimd", "11", []string{"engine/kernels"}},
	{"engine/kernels/int8mm", "10", []string{"engine/internal/cpu", "engine/kernels"}},
	{"engine/vec", "8, 11", []string{"engine/internal/cpu"}},
	{"engine/tensor", "1–2, 7", []string{"engine/kernels", "engine/vec"}},
	{"engine/gradcheck", "7", []string{"engine/tensor"}},
	{"engine/check", "7", nil},
	{"engine/nn", "3–4", []string{"engine/tensor"}},
	{"engine/loss", "3", []string{"engine/tensor"}},
	{"engine/data", "6", []string{"engine/tensor"}},
	{"engine/data/corpus", "6", nil},
	{"engine/optim", "8", []string{"engine/tensor", "engine/vec"}},
	{"engine/train", "8", []string{"engine/atomicfile", "engine/tensor", "engine/vec", "engine/nn", "engine/loss", "engine/data", "engine/optim"}},
	{"engine/plot", "8–9", nil},
	{"engine/config", "5", nil},
	{"engine/profile", "9", []string{"engine/tensor", "engine/kernels", "engine/nn", "engine/train", "engine/plot"}},
	{"engine/kernels/sparse", "10", []string{"engine/kernels"}},
	{"engine/prune", "10", []string{"engine/tensor", "engine/nn", "engine/optim", "engine/plot", "engine/kernels/sparse"}},
	{"engine/bench", "12", nil},
	{"engine/checkpoint", "13", []string{"engine/atomicfile", "engine/tensor", "engine/nn", "engine/data", "engine/optim", "engine/train"}},
	// Taught in chapter 10, but its int8 checkpoints are chapter 13's format.
	{"engine/quant", "10", []string{"engine/atomicfile", "engine/tensor", "engine/nn", "engine/data", "engine/kernels", "engine/kernels/int8mm", "engine/checkpoint"}},
}

// thirdParty lists the one exception to "the engine uses the standard
// library only": engine/config reads YAML with gopkg.in/yaml.v3, since a
// YAML parser is not what chapter 5 teaches (its strict decoding into the
// config is the package's own).
var thirdParty = map[string][]string{"engine/config": {"gopkg.in/yaml.v3"}}

// siteBuilder is what the site build links: the build package, its
// bundler and its Markdown renderer. The CLI must link none of it; the
// shipped wasm programs none but the renderer, which the notebook format
// (and so the notebook worker, wasm/docs) uses.
var siteBuilder = []string{"internal/site", "github.com/evanw/esbuild", "github.com/yuin/goldmark"}

// programs lists, for the programs that must stay lean, what they must not
// link.
var programs = []struct {
	path      string
	forbidden []string
}{
	{"tools/tinytorch", siteBuilder},
	{"wasm/cmd/docs", siteBuilder[:2]},
	{"wasm/cmd/kernel", siteBuilder},
	{"wasm/cmd/page", siteBuilder},
}

// pkg is one package of the module: its imports over every configuration.
type pkg struct {
	path    string // relative to the module: "engine/data"
	main    bool
	files   []string        // non-test Go files, in any configuration
	imports map[string]bool // non-test imports, module ones relative ("engine/tensor")
	tests   map[string]bool // imports of its tests only
}

// graph is the module's packages by relative path.
type graph map[string]*pkg

// configs are the platforms and build tags the project builds for; a
// package's imports are the union over them.
var configs = []struct{ goos, goarch string }{
	{runtime.GOOS, runtime.GOARCH}, {"linux", "amd64"}, {"linux", "arm64"}, {"js", "wasm"},
}

var tagSets = [][]string{nil, {"browser", "newops"}}

// load reads every package under the module root with go/build, once for
// all the tests.
func load(t *testing.T) graph {
	t.Helper()
	g, err := loadOnce()
	if err != nil {
		t.Fatal(err)
	}
	return g
}

var loadOnce = sync.OnceValues(func() (graph, error) {
	root, module, err := moduleRoot()
	if err != nil {
		return nil, err
	}
	g := graph{}
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		name := d.Name()
		if path != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "node_modules" || name == "dist") {
			return filepath.SkipDir
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		return g.add(filepath.ToSlash(rel), path, module)
	})
	if err == nil && len(g) < 20 {
		err = fmt.Errorf("found only %d packages under %s; is this the module root?", len(g), root)
	}
	return g, err
})

// add reads the package in dir under every configuration.
func (g graph) add(rel, dir, module string) error {
	for _, c := range configs {
		for _, tags := range tagSets {
			ctx := build.Default
			ctx.GOOS, ctx.GOARCH, ctx.BuildTags, ctx.CgoEnabled = c.goos, c.goarch, tags, false
			bp, err := ctx.ImportDir(dir, 0)
			var noGo *build.NoGoError
			if errors.As(err, &noGo) {
				continue
			}
			if err != nil {
				return err
			}
			p := g[rel]
			if p == nil {
				p = &pkg{path: rel, imports: map[string]bool{}, tests: map[string]bool{}}
				g[rel] = p
			}
			p.main = p.main || bp.Name == "main"
			for _, f := range bp.GoFiles {
				if !slices.Contains(p.files, f) {
					p.files = append(p.files, f)
				}
			}
			for _, imp := range bp.Imports {
				p.imports[relative(imp, module)] = true
			}
			for _, imp := range slices.Concat(bp.TestImports, bp.XTestImports) {
				p.tests[relative(imp, module)] = true
			}
		}
	}
	return nil
}

// relative turns a module import path into a path from the module root
// and leaves others alone.
func relative(imp, module string) string {
	if rest, ok := strings.CutPrefix(imp, module+"/"); ok {
		return rest
	}
	return imp
}

// packages returns the packages in order of their paths, so that messages
// come in a stable order.
func (g graph) packages() []*pkg {
	out := make([]*pkg, 0, len(g))
	for _, path := range sorted(g.set()) {
		out = append(out, g[path])
	}
	return out
}

// set returns the packages' paths as a set.
func (g graph) set() map[string]bool {
	out := make(map[string]bool, len(g))
	for path := range g {
		out[path] = true
	}
	return out
}

// inModule reports whether an import path (as relative returns it) is one
// of the module's packages rather than the standard library's or another
// module's.
func (g graph) inModule(imp string) bool { return g[imp] != nil }

// deps returns the module packages and outside import paths that pkg links,
// itself excluded: the transitive closure of its non-test imports.
func (g graph) deps(from string) []string {
	seen := map[string]bool{}
	var visit func(string)
	visit = func(p string) {
		for imp := range g[p].imports {
			if seen[imp] {
				continue
			}
			seen[imp] = true
			if g.inModule(imp) {
				visit(imp)
			}
		}
	}
	visit(from)
	out := make([]string, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// moduleRoot finds go.mod above the test's folder and reads the module
// path from it.
func moduleRoot() (root, module string, err error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", "", err
	}
	for {
		src, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil {
			for line := range strings.SplitSeq(string(src), "\n") {
				if m, ok := strings.CutPrefix(strings.TrimSpace(line), "module "); ok {
					return dir, strings.Trim(strings.TrimSpace(m), `"`), nil
				}
			}
			return "", "", fmt.Errorf("%s names no module", filepath.Join(dir, "go.mod"))
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// under reports whether path is the folder dir or inside it.
func under(path, dir string) bool { return path == dir || strings.HasPrefix(path, dir+"/") }

// sorted returns a set's members in order, for messages.
func sorted(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// The table itself keeps the book's order: a row imports only rows above
// it, so the engine's graph has no cycle and no arrow pointing forward.
func TestEngineOrderIsAnOrder(t *testing.T) {
	above := map[string]bool{}
	for _, row := range engineOrder {
		for _, imp := range row.imports {
			if !above[imp] {
				t.Errorf("%s (chapter %s) may import %s, which is not a row above it: the table must stay in the book's order", row.pkg, row.chapter, imp)
			}
		}
		above[row.pkg] = true
	}
}

// Every engine package is a row of the table and imports, outside tests,
// only the engine packages its row allows and the standard library.
func TestEngineImportsFollowTheBook(t *testing.T) {
	g := load(t)
	rows := map[string][]string{}
	for _, row := range engineOrder {
		rows[row.pkg] = row.imports
		if g[row.pkg] == nil {
			t.Errorf("the table names %s, which is not a package any more: remove its row (and update docs/ARCHITECTURE.md)", row.pkg)
		}
	}
	for _, p := range g.packages() {
		if !under(p.path, "engine") {
			continue
		}
		allowed, ok := rows[p.path]
		if !ok {
			t.Errorf("%s is not in the table of engine packages: add a row in the book's order, with the engine packages it imports (%v), to engineOrder and to docs/ARCHITECTURE.md's graph",
				p.path, sorted(p.imports))
			continue
		}
		for _, imp := range sorted(p.imports) {
			switch {
			case under(imp, "engine"):
				if !slices.Contains(allowed, imp) {
					t.Errorf("%s imports %s, an arrow the book's order does not allow (it may import %v). Move what it needs down to the earlier package, or let the later one reach in through a hook, as tensor.Observer, nn.CallObserver and train.PhaseObserver do",
						p.path, imp, allowed)
				}
			case g.inModule(imp):
				t.Errorf("%s imports %s: the engine imports nothing of wasm/, tools/ or internal/", p.path, imp)
			case strings.Contains(strings.SplitN(imp, "/", 2)[0], ".") && !slices.Contains(thirdParty[p.path], imp):
				t.Errorf("%s imports %s: the engine uses the standard library only", p.path, imp)
			}
		}
	}
}

// The engine's tests, too, stay inside the engine: they may use any engine
// package (data's tests need no trainer, but profile's drive one), and
// nothing of wasm/, tools/ or internal/.
func TestEngineTestsStayInTheEngine(t *testing.T) {
	g := load(t)
	for _, p := range g.packages() {
		if !under(p.path, "engine") {
			continue
		}
		for _, imp := range sorted(p.tests) {
			if g.inModule(imp) && !under(imp, "engine") {
				t.Errorf("the tests of %s import %s: the engine's tests import nothing of wasm/, tools/ or internal/", p.path, imp)
			}
		}
	}
}

// tools/ holds commands only (and the browser suite, which is tests), so
// no package imports one of them; shared code lives in internal/.
func TestToolsAreCommands(t *testing.T) {
	g := load(t)
	for _, p := range g.packages() {
		if under(p.path, "tools") && !p.main && !slices.Equal(p.files, []string{"doc.go"}) {
			t.Errorf("%s is a library (package files %v) under tools/, which holds commands only: move it to internal/", p.path, p.files)
		}
		for _, imp := range sorted(p.imports) {
			if under(imp, "tools") {
				t.Errorf("%s imports %s: tools/ holds commands; import the library from internal/", p.path, imp)
			}
		}
		for _, imp := range sorted(p.tests) {
			if under(imp, "tools") && imp != p.path {
				t.Errorf("the tests of %s import %s: tools/ holds commands; import the library from internal/", p.path, imp)
			}
		}
	}
}

// What ships and what a student runs from a terminal link neither tools/
// nor the site builder: the CLI only needs the repository's root
// (internal/repo), and the notebook worker only the notebook format
// (goldmark renders its Markdown).
func TestProgramsDoNotLinkTheSiteBuilder(t *testing.T) {
	g := load(t)
	for _, prog := range programs {
		if g[prog.path] == nil {
			t.Errorf("%s is not a package any more: update this test", prog.path)
			continue
		}
		for _, d := range g.deps(prog.path) {
			if under(d, "tools") {
				t.Errorf("%s links %s: programs link nothing of tools/", prog.path, d)
			}
			for _, f := range prog.forbidden {
				if under(d, f) {
					t.Errorf("%s links %s, part of the site builder, which it must not link (%v)", prog.path, d, prog.forbidden)
				}
			}
		}
	}
	if !slices.Contains(g.deps("wasm/cmd/docs"), "internal/notebook") {
		t.Error("wasm/cmd/docs no longer links internal/notebook: is the notebook format somewhere else? update this test")
	}
}
