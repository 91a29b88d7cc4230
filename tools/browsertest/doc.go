// Package browsertest is TinyTorch's browser suite: it builds the site,
// serves it on a free loopback port and drives the pages in headless
// Chromium with chromedp, as a student would use them.
//
// The tests carry the build tag "browser" so that a plain `go test ./...`
// stays fast and needs no browser; `make test` runs them with
// `go test -tags browser -v ./tools/browsertest`.
package browsertest
