// TinyTorch's service worker: after one visit the site works offline.
// The build puts `self.TT_BUILD = {version, files}` above this code: the
// version changes with every deploy, so the browser installs the new
// worker on the next visit, and files lists the app to keep.
//
// - Pages are fetched from the network first, so a new deploy shows at
//   once; offline, the kept copy is served.
// - Assets have content hashes in their names and never change: they are
//   served from the cache first.
// - Datasets (/data/) are left to the kernel, which checks their checksums
//   and keeps them in a cache of its own (wasm/kernel/data_fetch.go).
const { version, files } = self.TT_BUILD;
const PREFIX = "tinytorch-sw-";
const SHELL = `${PREFIX}${version}`;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(SHELL)
      .then((cache) => cache.addAll(files))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      // Only this worker's caches of older builds go: the kernel keeps the
      // datasets in a cache of its own, which must survive a deploy.
      .then((names) => Promise.all(names.filter((n) => isOld(n)).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/data/")) return;
  if (url.pathname.startsWith("/assets/")) {
    event.respondWith(cacheFirst(event.request, SHELL));
  } else {
    event.respondWith(networkFirst(event.request));
  }
});

function isOld(name) {
  return name.startsWith(PREFIX) && name !== SHELL;
}

async function cacheFirst(request, name) {
  const cached = await caches.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) (await caches.open(name)).put(request, response.clone());
  return response;
}

async function networkFirst(request) {
  try {
    const response = await fetch(request);
    if (response.ok) (await caches.open(SHELL)).put(request, response.clone());
    return response;
  } catch (err) {
    const cached = await caches.match(request, { ignoreSearch: true });
    if (cached) return cached;
    throw err;
  }
}
