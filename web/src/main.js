// The page loader. It adopts the kernel worker that the page's inline boot
// script started (the worker fetches and compiles the kernel's wasm in
// parallel with this page), exposes the editor, storage, math and
// notebook-file helpers to the Go page role, then starts it.
import { createEditor } from "./editor.js";
import { storage } from "./storage.js";
import { typesetMath } from "./math.js";
import { callDocs } from "./docs.js";

const config = JSON.parse(document.getElementById("tt-config").textContent);

// startWorker makes a kernel worker. Its messages are queued until the Go
// page role takes them with attach.
function startWorker() {
  // ?quick=1 on the page (the browser suite's hook) reaches the kernel's
  // location, where a milestone notebook reads it to run its documented
  // short setting.
  const quick = new URLSearchParams(location.search).get("quick") === "1" ? "&quick=1" : "";
  const url = `${config.worker}?wasm=${encodeURIComponent(config.kernel)}&exec=${encodeURIComponent(config.wasmExec)}${quick}`;
  const worker = new Worker(url);
  const queued = [];
  worker.onmessage = (event) => queued.push(event.data);
  worker.onerror = (event) => queued.push({ type: "fatal", message: event.message || "the kernel failed to start" });
  return { worker, queued };
}

// The page's inline boot script has usually started the first worker.
let first = globalThis.__ttBoot ?? startWorker();

globalThis.tinytorch = {
  config,
  createEditor,
  storage,
  typesetMath,
  // docs calls a function of the notebook-file program (download, open,
  // share), which runs in a worker of its own (docs.js).
  docs: (name, ...args) => callDocs(config, name, ...args),
  // attach hands a worker to the Go page role and replays its early
  // messages; with restart set it first replaces the worker by a new one.
  attach(onMessage, restart) {
    if (restart) {
      first.worker.terminate();
      first = startWorker();
    }
    const { worker, queued } = first;
    const deliver = (msg) => {
      if (msg?.type === "ready") registerServiceWorker();
      onMessage(msg);
    };
    worker.onmessage = (event) => deliver(event.data);
    worker.onerror = (event) => onMessage({ type: "fatal", message: event.message || "the kernel failed" });
    queued.splice(0).forEach(deliver);
    return worker;
  },
};

typesetMath(document);

// After the first visit the site works offline (web/src/sw.js). Its
// install downloads the whole app, so the page registers it only once the
// kernel is ready: on a slow connection those downloads would otherwise
// share the bandwidth with the kernel's and the page's wasm and delay the
// first runnable cell (tools/browsertest/bench_firstload_test.go).
let swRegistered = false;
function registerServiceWorker() {
  if (swRegistered || !("serviceWorker" in navigator)) return;
  swRegistered = true;
  navigator.serviceWorker.register("/sw.js").catch((err) => console.warn("offline support is off:", err));
}

function fatal(message) {
  const status = document.getElementById("kernel-status");
  if (status) status.textContent = `The page could not start: ${message}`;
}

const go = new Go();
go.argv = ["page"];
WebAssembly.instantiateStreaming(fetch(config.page), go.importObject)
  .then((result) => go.run(result.instance))
  .catch((err) => fatal(String(err)));
