// The worker's entry module (wrangler.jsonc's "main"), copied by
// tools/workerbuild beside app.wasm and the Go runtime glue that
// syumai/workers generates (wasm_exec.js, runtime.mjs).
//
// It replaces the generated worker.mjs, which starts a fresh Go program
// for every request (and so runs the Go runtime's and every package's
// initialisation each time), with one Go program per worker isolate that
// answers every request sent to it; a new one is started only if it
// exits. The Go side (main.go) registers its handler and waits for ever.
//
// It also fixes two things on the way in and out:
//   - the request's Accept-Encoding: Cloudflare hands a worker a
//     normalised one and keeps the browser's own in
//     request.cf.clientAcceptEncoding, which the Go side needs to pick a
//     precompressed copy the browser accepts;
//   - a response that carries a Content-Encoding is such a copy (the site
//     build's .br and .gz files, internal/hosted/assets.go), so the
//     runtime must send its bytes as they are ("manual") instead of
//     compressing them again.
import "./wasm_exec.js";
import { createRuntimeContext, loadModule } from "./runtime.mjs";

let program; // a promise of { go, binding } for the running Go program

async function start(env, ctx) {
  const go = new Go();
  const binding = {};
  let ready;
  const readyPromise = new Promise((resolve) => {
    ready = resolve;
  });
  const instance = new WebAssembly.Instance(await loadModule(), {
    ...go.importObject,
    workers: { ready: () => ready() },
  });
  go.run(instance, createRuntimeContext({ env, ctx, binding }));
  await readyPromise;
  return { go, binding };
}

async function running(env, ctx) {
  if (program) {
    const p = await program.catch(() => undefined);
    if (p && !p.go.exited) {
      return p;
    }
  }
  program = start(env, ctx);
  return program;
}

export default {
  async fetch(request, env, ctx) {
    const client = request.cf?.clientAcceptEncoding;
    if (typeof client === "string") {
      const headers = new Headers(request.headers);
      headers.set("Accept-Encoding", client);
      request = new Request(request, { headers });
    }
    const { binding } = await running(env, ctx);
    const res = await binding.handleRequest(request);
    if (!res.headers.has("content-encoding")) {
      return res;
    }
    return new Response(res.body, {
      status: res.status,
      statusText: res.statusText,
      headers: res.headers,
      encodeBody: "manual",
    });
  },
};
