// The page's side of the notebook-file worker (docs-worker.js, running
// docs.wasm). The worker starts on first use, so that goldmark and the
// Jupyter code do not slow the page's start. Calls run one at a time, and
// each has a time budget: a notebook that takes longer to read, write or
// render (pathological Markdown can take goldmark many seconds) ends the
// worker, and the call fails with an error that says so. The next call
// starts a fresh worker.

// BUDGET_MS is how long one call may take, not counting the worker's
// start (the download and compilation of docs.wasm).
export const BUDGET_MS = 5000;

let worker; // {w, ready: Promise, pending: Map of id to {resolve, reject}}
let nextID = 1;
let chain = Promise.resolve();

// start makes a worker whose ready promise settles when Go has started.
function start(config) {
  const url = `${config.docsWorker}?wasm=${encodeURIComponent(config.docs)}&exec=${encodeURIComponent(config.wasmExec)}`;
  const w = new Worker(url);
  const state = { w, pending: new Map() };
  state.ready = new Promise((resolve, reject) => {
    const fail = (message) => {
      const err = new Error(`loading the notebook file support: ${message}`);
      reject(err);
      stop(state, err);
    };
    w.onmessage = (event) => {
      const msg = event.data;
      if (msg.type === "ready") resolve();
      else if (msg.type === "fatal") fail(msg.message);
      else {
        const p = state.pending.get(msg.id);
        state.pending.delete(msg.id);
        p?.resolve(msg.result);
      }
    };
    w.onerror = (event) => {
      event.preventDefault();
      fail(event.message || "the worker failed");
    };
  });
  state.ready.catch(() => {}); // reported to the call that waits for it
  return state;
}

// stop ends a worker and fails the calls it still had.
function stop(state, err) {
  state.w.terminate();
  if (worker === state) worker = undefined;
  state.pending.forEach((p) => p.reject(err));
  state.pending.clear();
}

// once runs one call on the worker, within the budget.
async function once(config, name, args) {
  worker ??= start(config);
  const state = worker;
  await state.ready;
  return new Promise((resolve, reject) => {
    const id = nextID++;
    const timer = setTimeout(() => {
      stop(state, new Error(`stopped after ${BUDGET_MS / 1000} s: the notebook is too large or too complex for the page to read`));
    }, BUDGET_MS);
    const settle = (fn) => (v) => {
      clearTimeout(timer);
      fn(v);
    };
    state.pending.set(id, { resolve: settle(resolve), reject: settle(reject) });
    state.w.postMessage({ id, name, args });
  });
}

// callDocs calls a function of docs.wasm (wasm/docs) in the worker and
// resolves to its result, {value} or {error}; it rejects when the worker
// could not start, failed, or ran past the budget.
export function callDocs(config, name, ...args) {
  const call = chain.then(() => once(config, name, args));
  chain = call.catch(() => {});
  return call;
}
