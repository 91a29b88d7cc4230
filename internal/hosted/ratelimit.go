package hosted

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net"
	"net/http"
	"strconv"
	"time"
)

// The rate limiter counts each client's accepted shares in fixed windows,
// in the Store: a worker keeps no memory between requests (each request
// starts a fresh Go instance), so the counters must live outside it.
// Workers KV is eventually consistent and has no atomic increment, so a
// burst of simultaneous requests can overshoot the limit by a few; that is
// enough to stop a script filling the store, which is the point.
//
// Only accepted shares are counted, so a refused request stores nothing
// at all, not even a counter.

// clientID names the client of a request: Cloudflare's CF-Connecting-IP
// (set by its edge, which the client cannot forge), else the connection's
// address. It is hashed so that no address is written to the store.
func clientID(r *http.Request) string {
	ip := r.Header.Get("CF-Connecting-IP")
	if ip == "" {
		ip = r.RemoteAddr
		if host, _, err := net.SplitHostPort(ip); err == nil {
			ip = host
		}
	}
	sum := sha256.Sum256([]byte("tinytorch-client\n" + ip))
	return hex.EncodeToString(sum[:8])
}

// rateKey is the counter's key for a client in the window holding now.
func rateKey(client string, now time.Time, window time.Duration) string {
	return "rate:" + client + ":" + strconv.FormatInt(now.UnixNano()/int64(window), 10)
}

// rateCount reads a counter (0 when absent or unreadable as a number).
func rateCount(ctx context.Context, s Store, key string) (int, error) {
	b, found, err := s.Get(ctx, key)
	if err != nil || !found {
		return 0, err
	}
	n, err := strconv.Atoi(string(b))
	if err != nil {
		return 0, nil
	}
	return n, nil
}

// countShare adds one to a counter, which expires after two windows (KV
// refuses a time-to-live under 60 s).
func countShare(ctx context.Context, s Store, key string, n int, window time.Duration) error {
	ttl := max(2*window, time.Minute)
	return s.Put(ctx, key, []byte(strconv.Itoa(n+1)), ttl)
}
