// The worker's entry module (wrangler.jsonc's "main", copied next to the
// glue that syumai/workers generates, build/worker.mjs, by
// tools/workerbuild). It passes each request to the Go program and fixes
// one thing on the way out: a response that already carries a
// Content-Encoding is a precompressed copy of a file (the site build's
// .br and .gz files, internal/hosted/assets.go), so the runtime must send
// its bytes as they are ("manual") instead of compressing them again.
import worker from "./worker.mjs";

export default {
  async fetch(request, env, ctx) {
    const res = await worker.fetch(request, env, ctx);
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
