// Command serve serves the built site (dist/) on the loopback interface,
// for `make serve`. PORT sets the port (default 8080); -addr overrides the
// whole address.
//
// It answers only requests whose Host is localhost, 127.0.0.1 or [::1]
// (a guard against DNS rebinding; -allow-host adds names), and it closes
// slow and idle connections.
package main

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"tinytorch/internal/repo"
	"tinytorch/internal/static"
)

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	addr := flag.String("addr", "127.0.0.1:"+port, "address to listen on (loopback by default)")
	dir := flag.String("dir", "dist", "folder to serve, relative to the repository root")
	hosts := flag.String("allow-host", "", "comma-separated host names to answer besides localhost, 127.0.0.1 and [::1]")
	flag.Parse()
	if err := run(*addr, *dir, *hosts); err != nil {
		fmt.Fprintln(os.Stderr, "serve:", err)
		os.Exit(1)
	}
}

func run(addr, dir, hosts string) error {
	root, err := repo.Root()
	if err != nil {
		return err
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(root, dir)
	}
	if _, err := os.Stat(filepath.Join(dir, "index.html")); err != nil {
		return errors.New("no built site in " + dir + ": run `make build` first")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("%v (set PORT to use another port)", err)
	}
	fmt.Printf("TinyTorch is served at http://%s/ — open it in a browser (Ctrl+C stops)\n", ln.Addr())
	var extra []string
	if hosts != "" {
		extra = strings.Split(hosts, ",")
	}
	return newServer(static.LoopbackOnly(static.Handler(dir), extra...), defaultLimits).Serve(ln)
}

// limits are the time limits that keep a slow or idle client from holding
// a connection.
type limits struct {
	header time.Duration // for the request's headers to arrive
	read   time.Duration // for the whole request
	idle   time.Duration // before an idle keep-alive connection is closed
}

// defaultLimits: a request's headers within 10 s, the request within 30 s,
// an idle keep-alive connection closed after 60 s (without IdleTimeout Go
// keeps it open for ever when ReadTimeout is not set). Responses get no
// limit (WriteTimeout), so a large file on a slow link is never cut off.
var defaultLimits = limits{header: 10 * time.Second, read: 30 * time.Second, idle: 60 * time.Second}

// newServer makes the server with those limits.
func newServer(h http.Handler, l limits) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: l.header,
		ReadTimeout:       l.read,
		IdleTimeout:       l.idle,
		MaxHeaderBytes:    64 << 10,
	}
}
