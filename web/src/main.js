// The page loader. It starts the kernel worker at once (the worker fetches
// and compiles the wasm in parallel with this page), exposes the editor to
// the Go page role, then starts the Go page role itself.
import { createEditor } from "./editor.js";

const config = JSON.parse(document.getElementById("tt-config").textContent);

// Messages from the worker are queued until the Go page role takes them.
const queued = [];
const worker = new Worker(`${config.worker}?wasm=${encodeURIComponent(config.wasm)}&exec=${encodeURIComponent(config.wasmExec)}`);
worker.onmessage = (event) => queued.push(event.data);

globalThis.tinytorch = {
  config,
  createEditor,
  // attach hands the worker to the Go page role and replays early messages.
  attach(onMessage) {
    worker.onmessage = (event) => onMessage(event.data);
    queued.splice(0).forEach(onMessage);
    return worker;
  },
};

function fatal(message) {
  const status = document.getElementById("kernel-status");
  if (status) status.textContent = `The page could not start: ${message}`;
}

const go = new Go();
go.argv = ["tinytorch", "page"];
WebAssembly.instantiateStreaming(fetch(config.wasm), go.importObject)
  .then((result) => go.run(result.instance))
  .catch((err) => fatal(String(err)));
