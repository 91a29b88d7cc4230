// The kernel worker's bootstrap. It loads Go's wasm_exec.js and the
// TinyTorch wasm in kernel role; from then on Go handles every message.
import { compileCell } from "./kernel/compile.js";
import { storage } from "./storage.js";

// Start-up times on the page's clock (ms since the page's navigation), for
// the start-up budget that the browser suite prints.
const since = () => performance.timeOrigin + performance.now();
self.__ttTimes = { script: since() };
// The notebook page starts this script by URL, with the wasm and
// wasm_exec.js as query parameters. A page of another origin (the embed
// script, web/src/embed) cannot start a worker from our URL, so it starts
// a same-origin blob that sets self.__ttStart and imports this script; the
// kernel then resolves the site's files (datasets) against __ttStart.base,
// since a blob's own URL has no folder.
const params = self.__ttStart ? new URLSearchParams(self.__ttStart) : new URL(self.location.href).searchParams;
// The kernel's wasm is most of a first visit's bytes: its download starts
// before wasm_exec.js is fetched, which would otherwise cost a round trip.
const kernelResponse = fetch(params.get("wasm"));
// Go's wasm_exec.js decodes with a TextDecoder every name Go hands to
// JavaScript: each property read or method called by name, of which
// syscall/js makes about eight per call from a cell into Go. A TextDecoder
// call costs far more than the few ASCII letters of a name, so the decoder
// wasm_exec.js takes when it loads reads short ASCII strings itself and
// passes anything else on. The result is the same string.
class NameDecoder extends TextDecoder {
  decode(input, options) {
    if (input instanceof DataView && input.byteLength <= 64) {
      let s = "";
      for (let i = 0; i < input.byteLength; i++) {
        const c = input.getUint8(i);
        if (c >= 0x80) return super.decode(input, options);
        s += String.fromCharCode(c);
      }
      return s;
    }
    return super.decode(input, options);
  }
}
const textDecoder = self.TextDecoder;
self.TextDecoder = NameDecoder;
importScripts(params.get("exec"));
self.TextDecoder = textDecoder;

// Go functions cannot throw JavaScript exceptions, so a binding returns an
// Error object and this wrapper throws it. An error made by Go gets its
// stack taken again from the wrapper's caller, so the stack starts in the
// user's cell rather than in the kernel's own frames.
Error.stackTraceLimit = 50;
// It enters Go through the export ttEnter where the kernel has it (see
// wasm/kernel/bind.go): a call that way costs a fraction of a js.Func's.
let enter = null;
// A result Go marks with `made` is an object for the wrapper to make, with
// the prototype, handle field and registry of makers[frame[2]] and the
// handle frame[1], so that Go never holds it (bind.go's madeInJS).
self.__ttWrap = (fn, id, frame, made, makers) =>
  function wrapped(...args) {
    let result;
    if (enter !== null) {
      frame.length = 0;
      frame.push(this, ...args);
      enter(id, args.length);
      result = frame[0];
      if (result === made) {
        const maker = makers[frame[2]], handle = frame[1];
        result = Object.create(maker.proto);
        result[maker.field] = handle;
        maker.register(result, handle);
      }
    } else {
      result = fn.apply(this, args);
    }
    if (result instanceof Error) {
      if (result.ttFresh) {
        delete result.ttFresh;
        Error.captureStackTrace(result, wrapped);
      }
      throw result;
    }
    return result;
  };

// The Go kernel compiles each cell with this before evaluating it.
self.__ttCompile = compileCell;

// tt.exercises.load (wasm/kernel/exercises.go) reads a notebook's saved
// record, where the page keeps the code that passed each exercise.
self.__ttLoadRecord = (key) => storage.load(key);

// Messages that arrive before Go has started (the interrupt buffer, an
// early run) wait here; Go takes them when it installs its handler.
self.__ttEarly = [];
self.onmessage = (event) => self.__ttEarly.push(event);

const go = new Go();
go.argv = ["tinytorch", "kernel"];
WebAssembly.instantiateStreaming(kernelResponse, go.importObject)
  .then((result) => {
    self.__ttTimes.compiled = since();
    // The kernel's WebAssembly SIMD matmul (wasm/kernel/simd.go) runs on
    // Go's own memory: it needs the Memory object, which Go cannot reach.
    self.__ttGoMemory = result.instance.exports.mem;
    enter = result.instance.exports.ttEnter ?? null;
    self.__ttEntry = enter === null ? "js.Func" : "ttEnter"; // for the tests
    return go.run(result.instance);
  })
  .then(() => self.postMessage({ type: "fatal", message: "The kernel stopped." }))
  .catch((err) => self.postMessage({ type: "fatal", message: String(err) }));
