package site

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"tinytorch/internal/repo"
)

// The Quarto extension's filter (_extensions/tinytorch/tinytorch.lua),
// run by pandoc on the sample chapter (docs/embed/chapter.qmd) as Quarto
// would run it: every {.tinytorch} block becomes <pre class="tinytorch">
// with its code escaped (the setup block with data-setup), other code
// blocks stay pandoc's, and the embed script is added once with the
// chapter's options. Quarto itself is not packaged for Debian; pandoc is
// (make test installs it as root).
func TestQuartoFilter(t *testing.T) {
	pandoc, err := exec.LookPath("pandoc")
	if err != nil {
		t.Skip("pandoc is not installed (sudo apt-get install -y pandoc): the Quarto filter is not tested")
	}
	root, err := repo.Root()
	if err != nil {
		t.Skip(err)
	}
	filter := filepath.Join(root, "_extensions", "tinytorch", "tinytorch.lua")
	run := func(to, input string, args ...string) string {
		t.Helper()
		cmd := exec.Command(pandoc, append([]string{"--from", "markdown", "--lua-filter", filter, "--to", to}, args...)...)
		if input != "" {
			cmd.Stdin = strings.NewReader(input)
		}
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("pandoc: %v", err)
		}
		return string(out)
	}
	html := run("html", "", filepath.Join(root, "docs", "embed", "chapter.qmd"))
	cells := regexp.MustCompile(`(?s)<pre class="tinytorch"( data-setup="")?>(.*?)</pre>`).FindAllStringSubmatch(html, -1)
	if len(cells) != 4 {
		t.Fatalf("%d tinytorch cells, want 4 (a setup cell and three):\n%s", len(cells), html)
	}
	if cells[0][1] == "" || cells[1][1] != "" || cells[3][1] != "" {
		t.Errorf("only the first cell should be a setup cell: %q", cells)
	}
	if !strings.Contains(cells[3][2], `{name: &quot;loss / (step + 1)&quot;, x: steps, y: steps.map((s) =&gt; loss.item()`) {
		t.Errorf("the third cell's code is not escaped as HTML text: %s", cells[3][2])
	}
	scripts := regexp.MustCompile(`<script[^>]*></script>`).FindAllString(html, -1)
	want := `<script type="module" src="http://127.0.0.1:8080/embed/v1/embed.js" data-load="visible" data-run-all></script>`
	if len(scripts) != 1 || scripts[0] != want {
		t.Errorf("scripts %q, want one: %s", scripts, want)
	}
	if !strings.Contains(html, `<pre class="sourceCode js">`) {
		t.Error("the plain js block is no longer pandoc's highlighted code")
	}

	// A page without tinytorch blocks gets no script; other formats keep
	// the blocks as code.
	if out := run("html", "```js\n1\n```\n"); strings.Contains(out, "<script") {
		t.Errorf("a page without cells got a script: %s", out)
	}
	if out := run("markdown", "```{.js .tinytorch}\n1 < 2\n```\n"); !strings.Contains(out, "1 < 2") || strings.Contains(out, "<pre") {
		t.Errorf("markdown output: %s", out)
	}
}
