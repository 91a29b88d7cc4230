//go:build browser

package browsertest

import (
	"fmt"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"tinytorch/internal/static"
)

// TestShareLinkKeepsReaderWork: a reader who has saved edits of a notebook
// opens a share link to it with other edits; the link shows its edits, and
// opening the notebook normally afterwards shows the reader's own again,
// even after the reader edited the shared copy.
func TestShareLinkKeepsReaderWork(t *testing.T) {
	t.Parallel()
	reader := newTab(t)
	openNotebook(t, reader, "01-system")
	typeIntoCell(t, reader, 2, "'my saved work'")
	waitFor(t, reader, `html[data-saved]`, 5*time.Second)

	sender := newTab(t)
	openNotebook(t, sender, "01-system")
	typeIntoCell(t, sender, 2, "'sent edit'")
	clickAction(t, sender, "Copy link")
	waitFor(t, sender, `html[data-share-link]`, 10*time.Second)
	link := eval[string](t, sender, `document.documentElement.dataset.shareLink`)

	// Through a blank page: from the notebook's own address, a link that
	// adds only a #fragment would not load the page again.
	if err := chromedp.Do(reader, chromedp.Navigate("about:blank"), chromedp.Navigate(link)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, reader, `html[data-document="replaced"][data-kernel="ready"]`, 15*time.Second)
	if got := cellCode(t, reader, 2); got != "'sent edit'" {
		t.Fatalf("the share link opened with cell 2 = %q, want the sender's edit", got)
	}
	typeIntoCell(t, reader, 2, "'reader changed the shared copy'")
	time.Sleep(600 * time.Millisecond) // past the 300 ms save delay of an edit

	openNotebook(t, reader, "01-system")
	if got := cellCode(t, reader, 2); got != "'my saved work'" {
		t.Errorf("after the share link, the notebook opened with cell 2 = %q, want the reader's saved %q", got, "'my saved work'")
	}
}

// TestOfflineDataFromCache loads MNIST in a cell, stops the server and
// reloads: the app comes from the service worker and the digits from the
// kernel's cache, and the kernel says so.
func TestOfflineDataFromCache(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0") // a server of its own, to stop
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: static.Handler(distDir)}
	go srv.Serve(ln)
	defer srv.Close()
	url := "http://" + ln.Addr().String() + "/06-data.html"
	ctx := newOfflineTab(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS(`html[data-kernel="ready"][data-edits]`))); err != nil {
		t.Fatal(err)
	}
	load := "const m = await tt.data.mnist();\nJSON.stringify([m.source, m.train.length, m.test.length, m.train.get(0).y.item()])"
	state, online := lastOutput(t, ctx, 1, load)
	if state != "done" || online[:11] != `["network",` {
		t.Fatalf("online: state %q, output %q; want MNIST from the network", state, online)
	}
	eval[bool](t, ctx, `navigator.serviceWorker.ready.then(() => new Promise((r) => {
		const check = () => navigator.serviceWorker.controller ? r(true) : setTimeout(check, 50); check(); }))`)
	srv.Close()
	if _, err := http.Get(url); err == nil {
		t.Fatal("the server still answers after Close")
	}
	if err := chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitReady(chromedp.CSS(`html[data-kernel="ready"][data-edits]`))); err != nil {
		t.Fatalf("reloading offline: %v", err)
	}
	state, offline := lastOutput(t, ctx, 1, load)
	fmt.Printf("MNIST online: %s; after an offline reload: %s\n", online, offline)
	if want := `["cache",` + online[11:]; state != "done" || offline != want {
		t.Errorf("offline: state %q, output %q; want %q (the same digits, from the cache)", state, offline, want)
	}
}
