// The notebook-file worker's bootstrap. It runs docs.wasm (wasm/docs: the
// Markdown and Jupyter formats and share links, with goldmark) off the
// page's main thread, so a notebook that is slow to read never freezes the
// page; web/src/docs.js starts it, times each call and ends it when a call
// takes too long.
//
// Protocol: once Go has installed its API the worker posts {type: "ready"};
// then each {id, name, args} is answered with {id, result}, the result being
// {value} or {error} as wasm/docs returns it. A worker whose Go program
// cannot start or exits posts {type: "fatal", message}.
const params = new URL(self.location.href).searchParams;
importScripts(params.get("exec"));

function answer(event) {
  const { id, name, args } = event.data;
  let result;
  try {
    const fn = self.ttDocs[name];
    result = typeof fn === "function" ? fn(...args) : { error: `no notebook file function ${name}` };
  } catch (err) {
    result = { error: `${name}: ${err}` };
  }
  if (result === null || typeof result !== "object") {
    result = { error: `${name}: the notebook file program failed` }; // Go exited during the call
  }
  self.postMessage({ id, result });
}

// wasm/docs calls this when ttDocs is installed.
self.__ttDocsReady = () => {
  self.onmessage = answer;
  self.postMessage({ type: "ready" });
};

const go = new Go();
go.argv = ["docs"];
WebAssembly.instantiateStreaming(fetch(params.get("wasm")), go.importObject)
  .then((result) => go.run(result.instance))
  .then(() => self.postMessage({ type: "fatal", message: "the notebook file program stopped" }))
  .catch((err) => self.postMessage({ type: "fatal", message: String(err) }));
