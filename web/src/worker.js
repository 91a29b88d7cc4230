// The kernel worker's bootstrap. It loads Go's wasm_exec.js and the
// TinyTorch wasm in kernel role; from then on Go handles every message.
const params = new URL(self.location.href).searchParams;
importScripts(params.get("exec"));

// Go functions cannot throw JavaScript exceptions, so a binding returns an
// Error object and this wrapper throws it in the caller's frame.
self.__ttWrap = (fn) =>
  function (...args) {
    const result = fn.apply(this, args);
    if (result instanceof Error) throw result;
    return result;
  };

const go = new Go();
go.argv = ["tinytorch", "kernel"];
WebAssembly.instantiateStreaming(fetch(params.get("wasm")), go.importObject)
  .then((result) => go.run(result.instance))
  .then(() => self.postMessage({ type: "fatal", message: "The kernel stopped." }))
  .catch((err) => self.postMessage({ type: "fatal", message: String(err) }));
