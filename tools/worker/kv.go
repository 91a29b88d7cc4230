//go:build js && wasm

package main

import (
	"context"
	"syscall/js"
	"time"

	"github.com/syumai/workers/cloudflare"

	"tinytorch/internal/hosted"
)

// sharesStore is the KV namespace bound as SHARES, or nil (sharing off)
// when the worker has none.
func sharesStore() hosted.Store {
	ns := cloudflare.GetBinding("SHARES")
	if ns.IsUndefined() || ns.IsNull() {
		return nil
	}
	return kvStore{ns}
}

// kvStore is a hosted.Store in a Workers KV namespace. It calls the
// namespace's get and put itself, rather than through syumai/workers' kv
// package, whose GetString cannot tell a missing key from the text
// "<null>".
type kvStore struct{ ns js.Value }

// Get implements hosted.Store.
func (s kvStore) Get(_ context.Context, key string) ([]byte, bool, error) {
	v, err := await(s.ns.Call("get", key, map[string]any{"type": "text"}))
	if err != nil {
		return nil, false, err
	}
	if v.Type() != js.TypeString {
		return nil, false, nil
	}
	return []byte(v.String()), true, nil
}

// Put implements hosted.Store. KV's time-to-live is in whole seconds.
func (s kvStore) Put(_ context.Context, key string, value []byte, ttl time.Duration) error {
	opts := map[string]any{}
	if ttl > 0 {
		opts["expirationTtl"] = int(ttl.Seconds())
	}
	_, err := await(s.ns.Call("put", key, string(value), opts))
	return err
}
