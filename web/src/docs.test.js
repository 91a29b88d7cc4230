// Unit tests of the notebook-file worker's client (docs.js), run by
// `make test` with node's test runner, against a fake Worker whose
// behaviour each test sets: how it starts and how it answers a call.
import { test, mock } from "node:test";
import assert from "node:assert/strict";
import { callDocs, BUDGET_MS } from "./docs.js";

const config = { docsWorker: "/assets/docs-worker.js", docs: "/assets/docs.wasm", wasmExec: "/assets/wasm_exec.js" };

const answering = {
  start: (w) => w.onmessage({ data: { type: "ready" } }),
  call: (w, { id, name, args }) => w.onmessage({ data: { id, result: { value: `${name}(${args.join(", ")})` } } }),
};
let behaviour = answering;

class FakeWorker {
  static made = [];
  constructor(url) {
    this.url = url;
    this.terminated = false;
    FakeWorker.made.push(this);
    setImmediate(() => behaviour.start(this));
  }
  postMessage(msg) {
    setImmediate(() => !this.terminated && behaviour.call(this, msg));
  }
  terminate() {
    this.terminated = true;
  }
}
globalThis.Worker = FakeWorker;

// settle lets the fake worker's setImmediate callbacks and the promises
// after them run.
const settle = () => new Promise((resolve) => setImmediate(resolve));

test("calls are answered by one worker, started on the first call", async () => {
  assert.deepEqual(await callDocs(config, "open", "a.md", "text"), { value: "open(a.md, text)" });
  assert.deepEqual(await callDocs(config, "share", "b"), { value: "share(b)" });
  assert.equal(FakeWorker.made.length, 1);
  assert.equal(FakeWorker.made[0].url, "/assets/docs-worker.js?wasm=%2Fassets%2Fdocs.wasm&exec=%2Fassets%2Fwasm_exec.js");
});

test("a call past the budget ends the worker and fails; the next call starts a fresh one", async () => {
  mock.timers.enable({ apis: ["setTimeout"] });
  try {
    behaviour = { start: answering.start, call: () => {} }; // never answers
    const slow = callDocs(config, "decodeShare", "#nb=…", "01-system");
    const outcome = slow.then(
      () => "resolved",
      (err) => err.message,
    );
    await settle();
    await settle();
    const worker = FakeWorker.made.at(-1);
    mock.timers.tick(BUDGET_MS - 1);
    await settle();
    assert.equal(worker.terminated, false, "ended before the budget ran out");
    mock.timers.tick(1);
    assert.equal(await outcome, "stopped after 5 s: the notebook is too large or too complex for the page to read");
    assert.equal(worker.terminated, true);

    behaviour = answering;
    const before = FakeWorker.made.length;
    assert.deepEqual(await callDocs(config, "markdown", "x"), { value: "markdown(x)" });
    assert.equal(FakeWorker.made.length, before + 1, "no fresh worker after a stopped call");
  } finally {
    mock.timers.reset();
    behaviour = answering;
  }
});

test("a worker that cannot start fails the calls waiting for it, and the next call tries again", async () => {
  const before = FakeWorker.made.length;
  // The running worker's Go program exits: it is ended, and the next call
  // starts a fresh one, which here fails to start.
  FakeWorker.made.at(-1).onmessage({ data: { type: "fatal", message: "the notebook file program stopped" } });
  behaviour = { start: (w) => w.onmessage({ data: { type: "fatal", message: "CompileError: bad wasm" } }), call: answering.call };
  try {
    await assert.rejects(callDocs(config, "open", "a.md", "text"), { message: "loading the notebook file support: CompileError: bad wasm" });
    assert.equal(FakeWorker.made.length, before + 1);
    assert.equal(FakeWorker.made.at(-1).terminated, true);
  } finally {
    behaviour = answering;
  }
  assert.deepEqual(await callDocs(config, "open", "a.md", "text"), { value: "open(a.md, text)" });
  assert.equal(FakeWorker.made.length, before + 2);
});
