package static

import (
	"fmt"
	"net"
	"net/http"
	"strings"
)

// LoopbackOnly answers only requests whose Host header names this machine's
// loopback interface (localhost, 127.0.0.1 or [::1], with or without a
// port) or one of the extra host names; any other gets 403.
//
// This is the guard against DNS rebinding: a web page on another site
// whose name an attacker re-points at 127.0.0.1 would otherwise reach the
// local server as same-origin and read what it serves. Its requests still
// carry the attacker's name in Host, which is refused here.
func LoopbackOnly(h http.Handler, extra ...string) http.Handler {
	allowed := map[string]bool{"localhost": true, "127.0.0.1": true, "::1": true}
	for _, name := range extra {
		allowed[strings.ToLower(name)] = true
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !allowed[hostName(r.Host)] {
			SetHeaders(w.Header(), "", nil)
			http.Error(w, fmt.Sprintf("this server answers only requests for localhost, 127.0.0.1 or [::1], not %q "+
				"(a guard against DNS rebinding; serve -allow-host NAME allows another name)", r.Host), http.StatusForbidden)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// hostName returns the lower-case name of a Host header, without its port
// or an IPv6 address's brackets.
func hostName(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	return strings.ToLower(strings.TrimSuffix(host, "."))
}
