package main

import (
	"context"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
)

// The exit codes, documented in the package comment and in help.
const (
	exitOK      = 0
	exitFailed  = 1   // the work failed
	exitUsage   = 2   // a bad command line, config or override
	exitNoInput = 3   // a file to read is missing: the dataset, a config, a run folder, a checkpoint
	exitSIGINT  = 130 // stopped by Ctrl+C (128 + SIGINT)
	exitSIGTERM = 143 // stopped by SIGTERM (128 + 15)
)

// exitError carries an exit code other than 1.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// graceful is the stop function of a command that stops cleanly on a
// signal (train, resume): main calls it on the first signal instead of
// exiting, and exits at once on a second.
var graceful atomic.Pointer[gracefulStop]

type gracefulStop struct {
	cancel context.CancelFunc
	sig    atomic.Value // the os.Signal received
}

// stopOnSignal returns a context that the first SIGINT or SIGTERM
// cancels, for a command that then finishes its files and exits; stop
// restores main's exit-at-once handling.
func stopOnSignal() (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	g := &gracefulStop{cancel: cancel}
	graceful.Store(g)
	ctx = context.WithValue(ctx, gracefulKey{}, g)
	var once sync.Once
	return ctx, func() { once.Do(func() { graceful.CompareAndSwap(g, nil); cancel() }) }
}

type gracefulKey struct{}

// signalCode is the exit code of the signal that cancelled ctx.
func signalCode(ctx context.Context) int {
	if g, ok := ctx.Value(gracefulKey{}).(*gracefulStop); ok {
		if s, ok := g.sig.Load().(os.Signal); ok && s == syscall.SIGTERM {
			return exitSIGTERM
		}
	}
	return exitSIGINT
}

// onSignal is main's handler: a graceful command is asked to stop (once);
// otherwise, or on a second signal, the temporary files being written are
// removed and the program exits.
func onSignal(sig os.Signal) (exit bool) {
	g := graceful.Swap(nil)
	if g == nil {
		return true
	}
	g.sig.Store(sig)
	g.cancel()
	return false
}
