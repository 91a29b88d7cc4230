//go:build browser

package browsertest

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestDamagedShareLink opens a copied link with one character changed:
// the page refuses it with the checksum error in a banner and keeps the
// published notebook, instead of opening another notebook.
func TestDamagedShareLink(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	clickAction(t, ctx, "Copy link")
	waitFor(t, ctx, `html[data-share-link]`, 10*time.Second)
	link := eval[string](t, ctx, `document.documentElement.dataset.shareLink`)
	at := strings.Index(link, "#nb=2.")
	if at < 0 {
		t.Fatalf("the link %q lacks #nb=2.", link)
	}
	i := at + len("#nb=2.") + (len(link)-at)/2 // a character in the middle of the data
	c := byte('A')
	if link[i] == c {
		c = 'B'
	}
	damaged := link[:i] + string(c) + link[i+1:]

	other := newTab(t)
	if err := chromedp.Do(other, chromedp.Navigate(damaged)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, other, `.banner`, 15*time.Second)
	banner := eval[string](t, other, `document.querySelector(".banner").innerText`)
	if !strings.Contains(banner, "share link: checksum: expected") || !strings.Contains(banner, "the link is damaged") {
		t.Errorf("banner reads %q", banner)
	}
	if eval[bool](t, other, `document.documentElement.dataset.document === "replaced"`) {
		t.Error("the damaged link replaced the notebook")
	}
}
