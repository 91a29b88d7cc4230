//go:build browser

package browsertest

import (
	"io"
	"net"
	"sync"
	"time"
)

// slowLink is an emulated network link between the browser and a server
// on loopback: every byte crosses it after half the round trip, and the
// bytes of all connections share one bandwidth per direction, as a home
// connection's do. It throttles at the TCP level, so it slows every
// request of a visit alike: the page's, its workers' (which DevTools'
// network emulation on the page's target does not reach) and the service
// worker's.
type slowLink struct {
	oneWay time.Duration // half the round-trip time
	down   *pacer        // server → browser
	up     *pacer        // browser → server
}

// pacer is one direction of the link: it hands out transmission slots of
// its bandwidth in turn, so that concurrent transfers share it.
type pacer struct {
	mu          sync.Mutex
	bytesPerSec float64
	free        time.Time // when the link has sent everything queued so far
}

// slot reserves the link for n bytes that may start at the earliest at
// ready, and returns the time the last of them has been sent.
func (p *pacer) slot(ready time.Time, n int) time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	start := p.free
	if ready.After(start) {
		start = ready
	}
	p.free = start.Add(time.Duration(float64(n) / p.bytesPerSec * float64(time.Second)))
	return p.free
}

// linkWindow is the most bytes one connection may have queued on the
// link, about what a TCP connection keeps in flight.
const linkWindow = 64 << 10

// window is the time the link takes to send linkWindow bytes.
func (p *pacer) window() time.Duration {
	return time.Duration(linkWindow / p.bytesPerSec * float64(time.Second))
}

// newSlowLink makes a link of the given bandwidth (bits per second, each
// way) and round-trip time.
func newSlowLink(bitsPerSec float64, rtt time.Duration) *slowLink {
	return &slowLink{
		oneWay: rtt / 2,
		down:   &pacer{bytesPerSec: bitsPerSec / 8},
		up:     &pacer{bytesPerSec: bitsPerSec / 8},
	}
}

// serve accepts connections on ln until it is closed and forwards each
// to target over the link.
func (l *slowLink) serve(ln net.Listener, target string) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go l.forward(c, target)
	}
}

// forward joins a browser connection to a new connection to target. The
// TCP handshake's round trip is paid before the first byte moves.
func (l *slowLink) forward(client net.Conn, target string) {
	defer client.Close()
	time.Sleep(2 * l.oneWay)
	server, err := net.Dial("tcp", target)
	if err != nil {
		return
	}
	defer server.Close()
	done := make(chan struct{}, 2)
	go func() { l.pipe(server, client, l.up); done <- struct{}{} }()
	go func() { l.pipe(client, server, l.down); done <- struct{}{} }()
	<-done // one side closed: end both
}

// linkChunk is the most bytes sent in one slot, small enough that
// concurrent transfers interleave.
const linkChunk = 16 << 10

// pipe copies src to dst through one direction of the link: a reader
// stamps each chunk with the time it may leave (now plus the one-way
// delay, then its turn on the shared bandwidth) and a writer delivers it
// then, so latency and bandwidth apply as on a real link and reading
// goes on while earlier chunks are in flight, up to linkWindow bytes
// ahead.
func (l *slowLink) pipe(dst io.WriteCloser, src io.Reader, p *pacer) {
	type chunk struct {
		data []byte
		at   time.Time
	}
	queue := make(chan chunk, 256)
	go func() {
		defer close(queue)
		for {
			buf := make([]byte, linkChunk)
			n, err := src.Read(buf)
			if n > 0 {
				at := p.slot(time.Now().Add(l.oneWay), n)
				queue <- chunk{buf[:n], at}
				// Hold back this connection's next bytes while it has a
				// window's worth queued on the link, as TCP's flow control
				// does: concurrent transfers then share the bandwidth
				// instead of the first large one taking all of it.
				time.Sleep(time.Until(at) - p.window())
			}
			if err != nil {
				return
			}
		}
	}()
	for c := range queue {
		time.Sleep(time.Until(c.at))
		if _, err := dst.Write(c.data); err != nil {
			break
		}
	}
	dst.Close()
	for range queue { // let the reader finish
	}
}
