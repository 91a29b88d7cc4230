package main

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

// serveWith serves a one-page handler with the given limits on a free
// loopback port and returns its address.
func serveWith(t *testing.T, l limits) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := newServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "page") }), l)
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// closedWithin reports whether the server closes conn within d, reading
// and discarding whatever it sends first.
func closedWithin(conn net.Conn, d time.Duration) bool {
	conn.SetReadDeadline(time.Now().Add(d))
	_, err := io.Copy(io.Discard, conn)
	return err == nil // io.Copy returns nil at EOF, a timeout error otherwise
}

// An idle keep-alive connection is closed after the idle limit; it was
// once kept open for ever.
func TestIdleConnectionIsClosed(t *testing.T) {
	addr := serveWith(t, limits{header: time.Second, read: 2 * time.Second, idle: 500 * time.Millisecond})
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil || res.StatusCode != 200 || res.Close {
		t.Fatalf("response %v, %v; want a kept-alive 200", res, err)
	}
	start := time.Now()
	if !closedWithin(conn, 3*time.Second) {
		t.Fatal("the idle connection is still open after 3 s")
	}
	t.Logf("idle connection closed after %v", time.Since(start).Round(10*time.Millisecond))
}

// A client that sends its headers slowly (slowloris) is cut off.
func TestSlowHeadersAreCutOff(t *testing.T) {
	addr := serveWith(t, limits{header: 300 * time.Millisecond, read: time.Second, idle: time.Second})
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
	if !closedWithin(conn, 3*time.Second) {
		t.Fatal("the connection with unfinished headers is still open after 3 s")
	}
}

// The defaults are the ones documented.
func TestDefaultLimits(t *testing.T) {
	srv := newServer(http.NotFoundHandler(), defaultLimits)
	got := []time.Duration{srv.ReadHeaderTimeout, srv.ReadTimeout, srv.IdleTimeout, srv.WriteTimeout}
	want := []time.Duration{10 * time.Second, 30 * time.Second, 60 * time.Second, 0}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("timeouts %v, want %v", got, want)
			break
		}
	}
}
