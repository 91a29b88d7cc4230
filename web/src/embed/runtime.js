// The embed's runtime, loaded by embed.js on first use: it brings the
// notebook's own parts to the host page rather than copies of them. The
// CodeMirror editor (editor.js), the page's wasm (wasm/page, started with
// the argument "embed": wasm/page/embed.go) with its cells, run queue,
// Stop and output rendering, and the kernel worker (worker.js) with the
// engine. It only adapts them to a page of another origin:
//   - the kernel worker starts from a same-origin blob that imports our
//     worker script (a page may not start a worker from another origin's
//     URL), and reports the kernel wasm's download for the progress shown;
//   - the page's wasm gets the shadow roots' cells instead of an article.
import { createEditor } from "../editor.js";

// start turns the static cells of embed.js into live ones. cells are
// embed.js's records (host, root, section, run, state, setup), pending
// the cells whose Run was pressed before the engine was there, and
// runAllPending tells whether Run all was.
export async function start({ cells, announcer, pending, runAll, runAllPending, assets, assetURL }) {
  // The marks time the start-up for the browser suite (and DevTools).
  performance.mark("tinytorch-embed-runtime");
  const progress = newProgress(cells, announcer, assets);
  // The kernel (the largest download) starts first; the page's wasm and
  // Go's support script download beside it.
  let current = startWorker(assets, assetURL, progress);
  const [response] = await Promise.all([fetch(assetURL(assets.page)), loadScript(assetURL(assets.wasmExec))]);
  if (!response.ok) throw new Error(`${assets.page}: ${response.status} ${response.statusText}`);
  const go = new Go();
  go.argv = ["page", "embed"];
  const { instance } = await WebAssembly.instantiateStreaming(progress.track("page", response), go.importObject);
  performance.mark("tinytorch-embed-page-wasm");
  showSetupErrors(cells);

  let started;
  const ready = new Promise((resolve) => (started = resolve));
  globalThis.tinytorch = {
    // Esc has no command mode to enter on an embedded page: it does
    // nothing, and Tab leaves the editor as it always does.
    createEditor(parent, doc, hooks) {
      delete hooks.escape;
      return createEditor(parent, doc, hooks);
    },
    // attach hands the kernel worker to the Go page role, as main.js's
    // does on a notebook page; with restart it replaces the worker.
    attach(onMessage, restart) {
      if (restart) {
        current.worker.terminate();
        current = startWorker(assets, assetURL, progress);
      }
      current.deliver = onMessage;
      current.queued.splice(0).forEach(onMessage);
      return current.worker;
    },
    embed: {
      cells: cells.map((c) => c.section),
      announcer,
      runAll,
      started: () => started(),
    },
  };
  // The static bars leave in the same task as the live bars arrive (Go
  // mounts the cells synchronously inside go.run), so no frame shows a
  // cell without one. A Run button that had the focus hands it on.
  const focused = cells.find((c) => c.root.activeElement?.closest(".embed-static"));
  const focusedAll = focused?.root.activeElement.matches(".embed-run-all");
  for (const c of cells) c.section.querySelector(".embed-static").remove();
  go.run(instance).catch((err) => console.error("TinyTorch page:", err));
  await ready;
  performance.mark("tinytorch-embed-live");
  const runButton = (c) => c.section.querySelector(".cell-bar > button");
  if (focused) (focusedAll ? focused.section.querySelector(".embed-run-all") : runButton(focused)).focus();
  if (runAllPending()) globalThis.tinytorch.embed.runAll();
  else for (const c of pending.splice(0)) runButton(c).click();
  progress.show();
}

// startWorker starts a kernel worker from a blob of the host's origin that
// imports our worker script. __ttStart tells worker.js where the kernel's
// files are; the kernel wasm's fetch is counted for the progress shown.
// Messages wait in queued until the Go page role attaches.
function startWorker(assets, assetURL, progress) {
  const workerURL = assetURL(assets.worker);
  const setup = { wasm: assetURL(assets.kernel), exec: assetURL(assets.wasmExec), base: workerURL };
  const source = `self.__ttStart = ${JSON.stringify(setup)};
const plainFetch = self.fetch.bind(self);
self.fetch = (url, ...rest) => {
  if (url !== self.__ttStart.wasm) return plainFetch(url, ...rest);
  self.fetch = plainFetch;
  return plainFetch(url, ...rest).then((r) => {
    if (!r.ok || !r.body) return r;
    let loaded = 0;
    const count = new TransformStream({ transform(chunk, out) {
      loaded += chunk.byteLength;
      self.postMessage({ type: "progress", loaded });
      out.enqueue(chunk);
    } });
    return new Response(r.body.pipeThrough(count), { status: r.status, headers: r.headers });
  });
};
importScripts(${JSON.stringify(workerURL)});`;
  const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  const w = { worker: new Worker(url), queued: [], deliver: null };
  const pass = (msg) => (w.deliver ? w.deliver(msg) : w.queued.push(msg));
  w.worker.onmessage = (event) => {
    URL.revokeObjectURL(url);
    if (event.data?.type === "progress") progress.kernel(event.data.loaded);
    else pass(event.data);
  };
  w.worker.onerror = (event) => pass({ type: "fatal", message: event.message || "the kernel failed to start" });
  progress.kernel(0);
  return w;
}

// newProgress shows how much of the engine (the page's and the kernel's
// wasm) has arrived: in the static cells' state before the cells are live,
// then in the state of the cells waiting for the kernel.
function newProgress(cells, announcer, assets) {
  const total = assets.pageBytes + assets.kernelBytes;
  const loaded = { page: 0, kernel: 0 };
  let live = false;
  let said = -1;
  const show = () => {
    const pct = Math.min(100, Math.floor((100 * (loaded.page + loaded.kernel)) / total));
    const text = pct < 100 ? `loading TinyTorch… ${pct}%` : "starting TinyTorch…";
    for (const c of cells) {
      if (!live) c.state.textContent = text;
      else if (c.section.dataset.state === "queued") c.section.querySelector(".cell-state").textContent = `queued · ${text}`;
    }
    // Screen readers hear the start and every quarter, not every chunk.
    const quarter = Math.floor(pct / 25);
    if (quarter !== said) {
      said = quarter;
      announcer.textContent = pct < 100 ? `Loading TinyTorch, ${pct}%` : "Starting TinyTorch";
    }
  };
  return {
    show() {
      live = true;
      show();
    },
    kernel(n) {
      loaded.kernel = Math.min(n, assets.kernelBytes);
      show();
    },
    // track counts a response's body as it streams in.
    track(which, response) {
      let n = 0;
      const count = new TransformStream({
        transform(chunk, out) {
          n += chunk.byteLength;
          loaded[which] = n;
          show();
          out.enqueue(chunk);
        },
      });
      return new Response(response.body.pipeThrough(count), { headers: { "Content-Type": "application/wasm" } });
    },
  };
}

// loadScript loads Go's wasm_exec.js, which defines the Go class, once.
function loadScript(src) {
  if (globalThis.Go) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const s = document.createElement("script");
    s.src = src;
    s.crossOrigin = "anonymous";
    s.onload = resolve;
    s.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.append(s);
  });
}

// showSetupErrors shows a hidden setup cell when it fails, so that the
// error that stops the cells after it can be read.
function showSetupErrors(cells) {
  for (const c of cells.filter((c) => c.setup)) {
    new MutationObserver(() => {
      if (c.section.dataset.state === "error") c.host.hidden = false;
    }).observe(c.section, { attributes: true, attributeFilter: ["data-state"] });
  }
}
