//go:build browser

package browsertest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

func TestIndexListsNotebooks(t *testing.T) {
	ctx := newTab(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(baseURL+"/")); err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("ol.chapters")))
	if err != nil {
		t.Fatal(err)
	}
	for _, nb := range built.Notebooks {
		for _, want := range []string{"Ch. " + nb.Chapter, nb.Title, nb.Summary} {
			if !strings.Contains(text, want) {
				t.Errorf("index lacks %q; it reads:\n%s", want, text)
			}
		}
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`ol.chapters a[href="01-system.html"]`)),
		chromedp.WaitReady(chromedp.CSS("#cell-1")),
	); err != nil {
		t.Fatalf("following the first chapter link: %v", err)
	}
}

func TestFirstCellRuns(t *testing.T) {
	ctx := newTab(t)
	readyMs := openNotebook(t, ctx, "01-system")
	fmt.Printf("navigation to first cell runnable: %.0f ms\n", readyMs)
	isolated, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`crossOriginIsolated`))
	if err != nil || !isolated {
		t.Errorf("page is not cross-origin isolated (%v)", err)
	}
	state, out := runCell(t, ctx, 1)
	want := "tensor([[19., 22.],\n        [43., 50.]])"
	if state != "done" || out != want {
		t.Fatalf("cell 1: state %q, output %q; want done, %q", state, out, want)
	}
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	saveScreenshot(t, "notebook-01.png", shot)
}

func TestErrorShowsAndKernelSurvives(t *testing.T) {
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	state, out := runCell(t, ctx, 2)
	if state != "error" || !strings.Contains(out, "Error: matmul: shapes [2 2] and [1 3] cannot be multiplied") {
		t.Fatalf("cell 2: state %q, output %q", state, out)
	}
	if state, out := runCell(t, ctx, 1); state != "done" || !strings.HasPrefix(out, "tensor([[19., 22.],") {
		t.Fatalf("after the error, cell 1: state %q, output %q", state, out)
	}
}

// TestEditAndRunWithKeys types new code into a cell and runs it with
// Shift+Enter, the way a student edits a cell.
func TestEditAndRunWithKeys(t *testing.T) {
	tests := []struct {
		name, code, state, output string
	}{
		{"shape", "tt.tensor([[1, 2, 3], [4, 5, 6]]).shape", "done", "[\n  2,\n  3\n]"},
		{"version", "tt.version()", "done", "0.1.0"},
		{"console", "console.log('hello', 42); tt.tensor([1.5, 2]).add(1)", "done", "hello 42\ntensor([2.5000, 3.0000])"},
		{"ragged", "tt.tensor([[1, 2], [3]])", "error", "Error: tt.tensor: ragged array: element at [1] has length 1, expected 2 like its first sibling"},
		{"not a number", "tt.tensor([[1, 'two']])", "error", `Error: tt.tensor: element at [0][1] is the string "two", expected a number`},
		{"syntax error", "tt.tensor([1, 2)", "error", "SyntaxError:"},
	}
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			typeIntoCell(t, ctx, 1, tc.code)
			if err := chromedp.Do(ctx,
				chromedp.KeyEvent("\r", chromedp.KeyModifiers(chromedp.ModifierShift)),
				chromedp.WaitReady(chromedp.CSS(`#cell-1[data-state="done"], #cell-1[data-state="error"]`)),
			); err != nil {
				t.Fatal(err)
			}
			state, out := cellResult(t, ctx, 1)
			if state != tc.state || !strings.HasPrefix(out, tc.output) {
				t.Fatalf("state %q, output %q; want %q, prefix %q", state, out, tc.state, tc.output)
			}
		})
	}
}

// typeIntoCell replaces a cell's code by selecting all and typing.
func typeIntoCell(t *testing.T, ctx context.Context, n int, code string) {
	t.Helper()
	content := chromedp.CSS(fmt.Sprintf("#cell-%d .cm-content", n))
	if err := chromedp.Do(ctx,
		chromedp.Click(content),
		chromedp.KeyEvent("a", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		chromedp.KeyEvent("\b"),
	); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, input.InsertText, input.InsertTextParams{Text: code}); err != nil {
		t.Fatal(err)
	}
}

// saveScreenshot writes a PNG under the folder named by TT_SCREENSHOTS
// (default: the system's temporary folder) and logs where.
func saveScreenshot(t *testing.T, name string, png []byte) {
	dir := os.Getenv("TT_SCREENSHOTS")
	if dir == "" {
		dir = os.TempDir()
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Errorf("saving screenshot: %v", err)
		return
	}
	fmt.Printf("screenshot: %s\n", path)
}
