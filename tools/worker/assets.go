//go:build js && wasm

package main

import (
	"context"
	"fmt"
	"io/fs"
	"net/http"

	"github.com/syumai/workers/cloudflare"
	"github.com/syumai/workers/cloudflare/fetch"

	"tinytorch/internal/hosted"
)

// assetsOrigin is the made-up origin of requests to the ASSETS binding:
// the binding looks only at the path.
const assetsOrigin = "https://assets.invalid"

// assetsBinding opens the site's files through the worker's static-assets
// binding (ASSETS). wrangler.jsonc sets html_handling to "none" and
// not_found_handling to "none", so the binding answers exactly the file
// asked for, or 404.
type assetsBinding struct{}

// Open implements hosted.Assets.
func (assetsBinding) Open(ctx context.Context, name string) (*hosted.File, error) {
	binding := cloudflare.GetBinding("ASSETS")
	if binding.IsUndefined() {
		return nil, fmt.Errorf("the worker has no ASSETS binding (wrangler.jsonc: assets.binding)")
	}
	client := fetch.NewClient(fetch.WithBinding(binding))
	req, err := fetch.NewRequest(ctx, http.MethodGet, assetsOrigin+name, nil)
	if err != nil {
		return nil, err
	}
	res, err := client.Do(req, &fetch.RequestInit{Redirect: fetch.RedirectModeManual})
	if err != nil {
		return nil, fmt.Errorf("ASSETS %s: %v", name, err)
	}
	switch {
	case res.StatusCode == http.StatusOK:
		return &hosted.File{Body: res.Body, Size: res.ContentLength, ETag: res.Header.Get("ETag")}, nil
	case res.StatusCode == http.StatusNotFound:
		res.Body.Close()
		return nil, fs.ErrNotExist
	default:
		res.Body.Close()
		return nil, fmt.Errorf("ASSETS %s: status %d", name, res.StatusCode)
	}
}
