//go:build browser

package browsertest

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"tinytorch/internal/repo"
)

// The worker tests run the hosted page (tools/worker) on workerd, through
// `wrangler dev`, as `make worker-dev` does: the suite's site build, the
// committed wrangler.jsonc (with the build's folder as its assets), a
// local KV namespace, loopback only, offline. The worker is built once per
// test binary, on first use, and each instance is stopped by its process
// group when its test or the suite ends.

// workerBuild is the built worker, shared by the tests.
var workerBuild struct {
	once   sync.Once
	dir    string // holds build/ and wrangler.jsonc
	err    error
	skip   string
	single *workerInstance // the instance most tests share
	stops  []func()
}

// workerInstance is one `wrangler dev`.
type workerInstance struct {
	url  string
	cmd  *exec.Cmd
	logs *strings.Builder
}

// wranglerPath is the project's wrangler (web/package.json), or "".
func wranglerPath() string {
	root, err := repo.Root()
	if err != nil {
		return ""
	}
	p := filepath.Join(root, "web", "node_modules", ".bin", "wrangler")
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}

// buildWorker builds the worker for the suite's site into a temp folder.
func buildWorker() {
	b := &workerBuild
	if wranglerPath() == "" {
		b.skip = "wrangler is not installed: `cd web && npm ci` installs it (make test's deps do)"
		return
	}
	root, err := repo.Root()
	if err != nil {
		b.err = err
		return
	}
	b.dir, b.err = os.MkdirTemp("", "tinytorch-worker-")
	if b.err != nil {
		return
	}
	start := time.Now()
	cmd := exec.Command("go", "run", "./tools/workerbuild", "-dist", distDir, "-out", filepath.Join(b.dir, "build"))
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		b.err = fmt.Errorf("building the worker: %v\n%s", err, out)
		return
	}
	fmt.Printf("built the worker in %v:\n%s", time.Since(start).Round(time.Millisecond), out)
	// The committed configuration, with the suite's site as its assets.
	conf, err := os.ReadFile(filepath.Join(root, "tools", "worker", "wrangler.jsonc"))
	if err != nil {
		b.err = err
		return
	}
	dist, _ := json.Marshal(distDir)
	text := strings.Replace(string(conf), `"directory": "../../dist"`, `"directory": `+string(dist), 1)
	text = strings.Replace(text, `"$schema": "../../web/node_modules/wrangler/config-schema.json",`, "", 1)
	if text == string(conf) {
		b.err = fmt.Errorf("tools/worker/wrangler.jsonc has no \"directory\": \"../../dist\" to point at the test build")
		return
	}
	b.err = os.WriteFile(filepath.Join(b.dir, "wrangler.jsonc"), []byte(text), 0o644)
}

// startWorker starts a `wrangler dev` of the built worker on free loopback
// ports, with a KV namespace of its own, and waits until /healthz answers
// (wrangler may start slowly on a busy machine: up to 90 s).
// It returns the instance and how long it took to answer (the cold start).
func startWorker(t testing.TB) (*workerInstance, time.Duration) {
	workerBuild.once.Do(buildWorker)
	if workerBuild.skip != "" {
		t.Skip(workerBuild.skip)
	}
	if workerBuild.err != nil {
		t.Fatal(workerBuild.err)
	}
	port, inspector := freePort(t), freePort(t)
	state, err := os.MkdirTemp(workerBuild.dir, "state-")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(wranglerPath(), "dev", "--config", filepath.Join(workerBuild.dir, "wrangler.jsonc"),
		"--ip", "127.0.0.1", "--port", strconv.Itoa(port), "--inspector-port", strconv.Itoa(inspector),
		"--persist-to", state, "--show-interactive-dev-session=false")
	cmd.Dir = workerBuild.dir
	cmd.Env = append(os.Environ(), "WRANGLER_SEND_METRICS=false", "CLOUDFLARE_CF_FETCH_ENABLED=false",
		"XDG_CONFIG_HOME="+filepath.Join(state, "config"), "NO_COLOR=1", "CI=true")
	logs := &strings.Builder{}
	cmd.Stdout, cmd.Stderr = logs, logs
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // to stop workerd with it
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w := &workerInstance{url: "http://127.0.0.1:" + strconv.Itoa(port), cmd: cmd, logs: logs}
	workerBuild.stops = append(workerBuild.stops, w.stop)
	for {
		asked := time.Now()
		res, err := http.Get(w.url + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				// The first answer includes starting the Go program.
				fmt.Printf("worker: the first /healthz took %v\n", time.Since(asked).Round(100*time.Microsecond))
				return w, time.Since(start)
			}
		}
		if time.Since(start) > 90*time.Second {
			w.stop()
			t.Fatalf("wrangler dev did not answer /healthz within 90 s; its output:\n%s", logs)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// stop ends the instance's process group (wrangler and its workerd).
func (w *workerInstance) stop() {
	if w.cmd.Process == nil || w.cmd.ProcessState != nil {
		return
	}
	syscall.Kill(-w.cmd.Process.Pid, syscall.SIGTERM)
	done := make(chan struct{})
	go func() { w.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		syscall.Kill(-w.cmd.Process.Pid, syscall.SIGKILL)
		<-done
	}
}

// sharedWorker is the instance most worker tests use, started on first
// use; its start-up and response times are printed once.
func sharedWorker(t *testing.T) string {
	if workerBuild.single == nil {
		w, cold := startWorker(t)
		workerBuild.single = w
		printWorkerTimes(t, w.url, cold)
	}
	return workerBuild.single.url
}

// stopSharedWorker stops the shared instance; the next sharedWorker
// starts another.
func stopSharedWorker() {
	if workerBuild.single != nil {
		workerBuild.single.stop()
		workerBuild.single = nil
	}
}

// stopWorkers stops every instance and removes the build; the suite calls
// it when it ends.
func stopWorkers() {
	for _, stop := range workerBuild.stops {
		stop()
	}
	if workerBuild.dir != "" {
		os.RemoveAll(workerBuild.dir)
	}
}

// printWorkerTimes prints the worker's cold start and its response times:
// the first request to each route after the start, then the median of 20.
func printWorkerTimes(t *testing.T, url string, cold time.Duration) {
	fmt.Printf("worker: wrangler dev answered /healthz %v after starting (cold start)\n", cold.Round(time.Millisecond))
	for _, path := range []string{"/healthz", "/index.html", "/01-system.html"} {
		var times []time.Duration
		for range 21 {
			start := time.Now()
			res, err := http.Get(url + path)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			times = append(times, time.Since(start))
		}
		first := times[0]
		times = times[1:]
		sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
		fmt.Printf("worker: GET %s first %v, warm median %v (min %v, max %v)\n", path, first.Round(100*time.Microsecond),
			times[len(times)/2].Round(100*time.Microsecond), times[0].Round(100*time.Microsecond), times[len(times)-1].Round(100*time.Microsecond))
	}
}

// freePort is a free loopback port (wrangler takes a port number, not a
// listener).
func freePort(t testing.TB) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
