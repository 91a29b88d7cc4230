// Command serve serves the built site (dist/) on the loopback interface,
// for `make serve`. PORT sets the port (default 8080); -addr overrides the
// whole address.
package main

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"tinytorch/tools/internal/site"
	"tinytorch/tools/internal/static"
)

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	addr := flag.String("addr", "127.0.0.1:"+port, "address to listen on (loopback by default)")
	dir := flag.String("dir", "dist", "folder to serve, relative to the repository root")
	flag.Parse()
	if err := run(*addr, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "serve:", err)
		os.Exit(1)
	}
}

func run(addr, dir string) error {
	root, err := site.FindRoot()
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
	srv := &http.Server{Handler: static.Handler(dir), ReadHeaderTimeout: 10 * time.Second}
	return srv.Serve(ln)
}
