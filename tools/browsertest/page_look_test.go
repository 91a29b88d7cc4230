//go:build browser

package browsertest

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestProseImageLoads: the figure of chapter 1–2 is copied into the site
// beside the page and the browser loads and draws it.
func TestProseImageLoads(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat(filepath.Join(distDir, "figures", "system-parts.svg")); err != nil {
		t.Fatalf("the build did not copy the figure: %v", err)
	}
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	const img = `document.querySelector('article.notebook img[src="figures/system-parts.svg"]')`
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](img+`?.complete`, chromedp.WithPollingTimeout(5*time.Second))); err != nil {
		t.Fatalf("the figure did not finish loading: %v", err)
	}
	size := eval[[]float64](t, ctx, fmt.Sprintf(`[%[1]s.naturalWidth, %[1]s.naturalHeight, %[1]s.getBoundingClientRect().width, document.querySelector("article.notebook").clientWidth]`, img))
	if size[0] != 420 || size[1] != 500 {
		t.Errorf("the figure's natural size is %v×%v, want 420×500 (0 means it did not load)", size[0], size[1])
	}
	if size[2] > size[3] {
		t.Errorf("the figure is %.0f px wide in a %.0f px column", size[2], size[3])
	}
}

// TestEditorContrast reads the colours of a cell's code and line numbers
// in the light and the dark theme and checks each against the background
// behind it: a contrast ratio of at least 4.5:1 (WCAG AA).
func TestEditorContrast(t *testing.T) {
	t.Parallel()
	inBothThemes(t, "01-system", func(t *testing.T, ctx context.Context, scheme string) {
		bg := parseColor(t, eval[string](t, ctx, `getComputedStyle(document.querySelector("#cell-1 .cm-editor")).backgroundColor`))
		if dark := luminance(bg) < 0.2; dark != (scheme == "dark") {
			t.Fatalf("the editor's background is %v in the %s theme", bg, scheme)
		}
		// The gutter of line numbers belongs to the same theme.
		gutter := parseColor(t, eval[string](t, ctx, `getComputedStyle(document.querySelector("#cell-1 .cm-gutters")).backgroundColor`))
		if dark := luminance(gutter) < 0.2; dark != (scheme == "dark") {
			t.Errorf("the line numbers' gutter is %v in the %s theme", gutter, scheme)
		}
		// The syntax highlighter tags tokens as it gets to them, which
		// can be just after the page says it is ready: wait for them.
		const highlighted = `document.querySelectorAll("#cell-1 .cm-line span").length >= 6`
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](highlighted, chromedp.WithPollingTimeout(5*time.Second))); err != nil {
			t.Fatalf("cell 1's code was not highlighted: %v", err)
		}
		samples := eval[[][]string](t, ctx, editorColours)
		kinds := map[string]bool{}
		for _, s := range samples {
			fg := parseColor(t, s[2])
			back := parseColor(t, s[3])
			for _, layer := range s[4:] { // translucent layers over it, innermost last
				back = over(parseColor(t, layer), back)
			}
			ratio := contrast(fg, back)
			kinds[s[2]] = true
			if ratio < 4.5 {
				t.Errorf("%s %q: colour %s on %v has contrast %.2f:1, want at least 4.5:1", s[0], s[1], s[2], back, ratio)
			}
		}
		if len(samples) < 10 || len(kinds) < 4 {
			t.Errorf("checked %d pieces of text in %d colours; want the code's tokens and the line numbers", len(samples), len(kinds))
		}
		scrollTo(t, ctx, "#cell-1")
		saveScreenshot(t, ctx, "editor-"+scheme+".png")
	})
}

// editorColours lists, for each piece of text in cell 1's editor (tokens,
// plain text, line numbers): what it is, its text, its colour, the first
// opaque background behind it and any translucent ones above that.
const editorColours = `(() => {
	const out = [];
	const opaque = (c) => !/rgba\(.*,\s*0(\.\d+)?\)$/.test(c) && c !== "transparent";
	const sample = (kind, el, text) => {
		const layers = [];
		let bg = null;
		for (let e = el; e; e = e.parentElement) {
			const c = getComputedStyle(e).backgroundColor;
			if (opaque(c)) { bg = c; break; }
			if (!/rgba\(.*,\s*0\)$/.test(c) && c !== "transparent") layers.unshift(c);
		}
		out.push([kind, text, getComputedStyle(el).color, bg, ...layers]);
	};
	const root = document.querySelector("#cell-1 .cm-editor");
	for (const line of root.querySelectorAll(".cm-line")) {
		sample("line", line, line.textContent.slice(0, 20));
		for (const span of line.querySelectorAll("span")) sample("token", span, span.textContent);
	}
	for (const g of root.querySelectorAll(".cm-lineNumbers .cm-gutterElement")) if (g.textContent) sample("line number", g, g.textContent);
	return out;
})()`

// rgba is a colour with channels in 0…255 and alpha in 0…1.
type rgba struct{ r, g, b, a float64 }

var colourNumbers = regexp.MustCompile(`[\d.]+`)

// parseColor reads a computed colour, "rgb(r, g, b)" or "rgba(r, g, b, a)".
func parseColor(t *testing.T, s string) rgba {
	t.Helper()
	nums := colourNumbers.FindAllString(s, -1)
	if len(nums) < 3 || s[:3] != "rgb" {
		t.Fatalf("cannot read the colour %q", s)
	}
	v := make([]float64, 4)
	v[3] = 1
	for i, n := range nums[:min(4, len(nums))] {
		v[i], _ = strconv.ParseFloat(n, 64)
	}
	return rgba{v[0], v[1], v[2], v[3]}
}

// over paints the translucent colour top over the opaque colour bottom.
func over(top, bottom rgba) rgba {
	mix := func(a, b float64) float64 { return a*top.a + b*(1-top.a) }
	return rgba{mix(top.r, bottom.r), mix(top.g, bottom.g), mix(top.b, bottom.b), 1}
}

// luminance is WCAG 2's relative luminance of an opaque colour.
func luminance(c rgba) float64 {
	lin := func(v float64) float64 {
		v /= 255
		if v <= 0.03928 {
			return v / 12.92
		}
		return math.Pow((v+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.r) + 0.7152*lin(c.g) + 0.0722*lin(c.b)
}

// contrast is WCAG 2's contrast ratio of two opaque colours, 1 to 21.
func contrast(a, b rgba) float64 {
	la, lb := luminance(a), luminance(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

// A unit check of the contrast arithmetic against WCAG's known values.
func TestContrastArithmetic(t *testing.T) {
	black, white := rgba{0, 0, 0, 1}, rgba{255, 255, 255, 1}
	for _, tc := range []struct {
		a, b rgba
		want float64
	}{
		{black, white, 21},
		{white, white, 1},
		{rgba{118, 118, 118, 1}, white, 4.54}, // #767676: the lightest grey at AA on white
		{over(rgba{0, 0, 0, 0.5}, white), white, 3.98},
	} {
		if got := contrast(tc.a, tc.b); math.Abs(got-tc.want) > 0.02 {
			t.Errorf("contrast(%v, %v) = %.3f, want %.2f", tc.a, tc.b, got, tc.want)
		}
	}
}
